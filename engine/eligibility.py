"""Typed rows -> participants per month and tier, each exclusion with its reason.

Applies RULES.md "From rows to participants" column-wise over the whole table:
the first reason that applies wins, in the order of `EXCLUSION_REASONS`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.ingest import Table
from engine.records import EXCLUSION_REASONS, OTHER_MONTH, History, Participant
from engine.rules import Rules, add_months


@dataclass(frozen=True)
class Exclusion:
    row: int
    account: str
    reason: str
    month: str | None  # the row's reporting month, when its date was readable


@dataclass
class Assessment:
    """Every non-blank row of a table, placed: `status` is "eligible", "excluded"
    or "error"; `reason` the exclusion reason; `month` and `denomination` where known."""

    frame: pd.DataFrame

    def participants(self) -> list[Participant]:
        rows = self.frame[self.frame["status"] == "eligible"]
        # Plain object arrays: iterating pandas' Arrow-backed strings row by row is slow.
        cols = [rows[c].to_numpy(dtype=object) for c in
                ("row", "account", "client_id", "client_name", "client_type", "month", "denomination",
                 "monthly_fee", "phone", "email", "region")]
        return [
            Participant(int(r), a, c, n, t, m, int(d), float(f), ph, em, rg)
            for r, a, c, n, t, m, d, f, ph, em, rg in zip(*cols)
        ]

    def eligible_counts(self) -> dict[tuple[str, int], int]:
        """(month, denomination) -> eligible rows, for every month of the file."""
        rows = self.frame[self.frame["eligible_any"]]
        return {(m, int(d)): int(c) for (m, d), c in rows.groupby(["month", "denomination"]).size().items()}

    def exclusions(self) -> list[Exclusion]:
        rows = self.frame[self.frame["status"] == "excluded"]
        return [
            Exclusion(int(r.row), r.account, r.reason, r.month or None)
            for r in rows[["row", "account", "reason", "month"]].itertuples(index=False)
        ]


def _month_strings(dates: pd.Series) -> np.ndarray:
    out = dates.dt.strftime("%Y-%m").to_numpy(dtype=object)
    out[pd.isna(dates).to_numpy()] = ""
    return out


def _minus_months(dates: pd.Series, months: np.ndarray, choices: tuple[int, ...]) -> pd.Series:
    """connected_on minus 1 or 3 calendar months, per row, clamped to the month's
    end like `rules.add_months` (31 May - 3 months = 28 Feb)."""
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[s]")
    for k in choices:
        shifted = dates - pd.DateOffset(months=int(k))
        out = out.where(months != k, shifted)
    return out


def _denomination(rules: Rules, fee) -> int:
    tier = rules.tier_for(fee)
    return tier.denomination if tier else 0


def assess(
    table: Table,
    rules: Rules,
    draw_date: dt.date,
    history: History | None = None,
    only_month: str | None = None,
) -> Assessment:
    """Place every row of `table`. `history` brings clients of months already
    drawn and stored; `only_month` turns readable rows of other months into
    `other_month` exclusions (after every other rule, so that earlier months
    still count for `already_participated`)."""
    history = history or History()
    f = table.frame.copy()
    n = len(f)
    reason = np.full(n, "", dtype=object)
    error = f["error"].to_numpy(dtype=bool)
    f["month"] = _month_strings(f["connected_on"])

    def exclude(mask: np.ndarray, code: str) -> None:
        hit = mask & (reason == "") & ~error
        reason[hit] = code

    connected = f["connected_on"]
    # Exact Decimal fees (RULES.md: "fees are compared exactly"); None on error rows.
    fee = f["fee_exact"].to_numpy(dtype=object)
    exclude(f["client_type"].to_numpy(dtype=object) == "", "client_type")
    first = pd.Timestamp(rules.first_connection)
    last = pd.Timestamp(rules.last_connection)
    exclude(((connected < first) | (connected > last)).to_numpy(dtype=bool), "outside_period")
    minimum = rules.minimum_fee
    exclude(np.array([x is not None and x < minimum for x in fee], dtype=bool), "fee_below_minimum")

    bundle_ie = (f["client_type"] == "IE").to_numpy(dtype=bool) & f["bundle"].to_numpy(dtype=bool)
    lookback = np.where(bundle_ie, rules.bundle_ie_months, rules.other_months)
    if "previous_service_until" in table.present:
        threshold = _minus_months(connected, lookback, (rules.bundle_ie_months, rules.other_months))
        prev = f["previous_service_until"]
        recent = (prev.notna() & (prev >= threshold)).to_numpy(dtype=bool)
    else:
        recent = np.zeros(n, dtype=bool)
    not_new = f["new_client"].eq(False).fillna(False).to_numpy(dtype=bool) if "new_client" in table.present else np.zeros(n, dtype=bool)
    exclude(not_new | recent, "not_new_client")

    disconnected = f["disconnected_on"]
    exclude((disconnected.notna() & (disconnected <= pd.Timestamp(draw_date))).to_numpy(dtype=bool), "disconnected")
    exclude(f["merged_accounts"].eq(True).fillna(False).to_numpy(dtype=bool), "merged_accounts")

    # 7. duplicate accounts within a month: the first row stays.
    alive = (reason == "") & ~error
    keys = pd.DataFrame({"month": f["month"], "account": f["account"], "row": f["row"]})[alive]
    dup_account = keys.duplicated(subset=["month", "account"], keep="first")
    mask = np.zeros(n, dtype=bool)
    mask[keys.index[dup_account.to_numpy()]] = True
    exclude(mask, "duplicate_account")

    # 8. duplicate clients within a month: the highest fee stays, ties the earliest row.
    alive = (reason == "") & ~error
    keys = pd.DataFrame({"month": f["month"], "client_id": f["client_id"], "fee": fee, "row": f["row"]})[alive]
    ordered = keys.sort_values(["month", "client_id", "fee", "row"], ascending=[True, True, False, True], kind="stable")
    dup_client = ordered.duplicated(subset=["month", "client_id"], keep="first")
    mask = np.zeros(n, dtype=bool)
    mask[ordered.index[dup_client.to_numpy()]] = True
    exclude(mask, "duplicate_client")

    # 9. a client takes part once: in the earliest month where it stays eligible
    # (this file or a month already drawn and stored).
    alive = (reason == "") & ~error
    months = f["month"].to_numpy(dtype=object)
    ids = f["client_id"].to_numpy(dtype=object)
    earliest = pd.Series(months[alive], index=ids[alive]).groupby(level=0).min().to_dict()
    for client, stored_month in history.participated.items():
        if client in earliest:
            earliest[client] = min(earliest[client], stored_month)
        else:
            earliest[client] = stored_month
    first_month = np.array([earliest.get(c, "") for c in ids], dtype=object)
    exclude(alive & (first_month != "") & (first_month < months), "already_participated")

    # Eligible in its own month whatever `only_month` says: the ledger's
    # carry-over from earlier months needs these counts.
    eligible_any = ~error & (reason == "")
    if only_month:
        other = ~error & (months != only_month)
        reason[other] = OTHER_MONTH

    tier_of: dict = {}  # each distinct fee placed once, with the exact half-open bounds of Table 1
    denominations = np.array(
        [0 if x is None else tier_of[x] if x in tier_of else tier_of.setdefault(x, _denomination(rules, x))
         for x in fee],
        dtype=np.int64,
    )

    status = np.where(error, "error", np.where(reason == "", "eligible", "excluded"))
    f["status"] = status
    f["reason"] = reason
    f["denomination"] = np.where(eligible_any, denominations, 0)
    f["eligible_any"] = eligible_any
    assert set(np.unique(reason[status == "excluded"])) <= set(EXCLUSION_REASONS) | {OTHER_MONTH}
    return Assessment(frame=f)
