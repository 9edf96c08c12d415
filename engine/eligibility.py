"""Typed rows -> participants per month and tier, each exclusion with its reason.

Applies RULES.md "From rows to participants" column-wise over the whole table
(numpy and pyarrow; dates and fees decided once per distinct value): the first
reason that applies wins, in the order of `EXCLUSION_REASONS`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.ingest import Table
from engine.records import EXCLUSION_REASONS, OTHER_MONTH, History, Participant
from engine.rules import Rules, add_months

# Codes of the `reason` column: 0 none, 1.. the reasons of RULES.md in order, then other_month.
REASONS = ("",) + EXCLUSION_REASONS + (OTHER_MONTH,)
_CODE = {r: i for i, r in enumerate(REASONS)}
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Exclusion:
    row: int
    account: str
    reason: str
    month: str | None  # the row's reporting month, when its date was readable


@dataclass
class Assessment:
    """Every non-blank row of a table, placed, as columns: `status` (0 eligible,
    1 excluded, 2 error), `reason` (a code into REASONS), `month` (a code into
    `months`, -1 when the date was unreadable), `denomination` (0 unless the row
    is eligible in its own month) and `eligible_any` (eligible in its own month,
    whatever `only_month` says). Objects are built only for the rows asked for."""

    table: Table
    months: list[str]  # the distinct reporting months of the file, sorted
    month: np.ndarray
    status: np.ndarray
    reason: np.ndarray
    denomination: np.ndarray
    eligible_any: np.ndarray

    STATUS = ("eligible", "excluded", "error")

    @property
    def data(self) -> pa.Table:
        return self.table.data

    def month_text(self, codes: np.ndarray) -> list[str]:
        names = np.array(self.months + [""], dtype=object)
        return names[codes].tolist()

    def rows_where(self, mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask)

    def participants(self, mask: np.ndarray | None = None) -> list[Participant]:
        where = self.status == 0 if mask is None else (self.status == 0) & mask
        idx = np.flatnonzero(where)
        take = pa.array(idx)
        d = self.data
        cols = [
            d.column(c).take(take).to_pylist() for c in ("row", "account", "client_id", "client_name", "client_type")
        ]
        months = self.month_text(self.month[idx])
        denominations = self.denomination[idx].tolist()
        fees = d.column("monthly_fee").take(take).to_pylist()
        extra = [d.column(c).take(take).to_pylist() for c in ("phone", "email", "region")]
        return [
            Participant(r, a, c, n, t, m, den, f, ph, em, rg)
            for r, a, c, n, t, m, den, f, ph, em, rg in zip(*cols, months, denominations, fees, *extra)
        ]

    def eligible_counts(self) -> dict[tuple[str, int], int]:
        """(month, denomination) -> eligible rows, for every month of the file."""
        m = self.month[self.eligible_any]
        d = self.denomination[self.eligible_any]
        if not len(m):
            return {}
        keys, counts = np.unique(m.astype(np.int64) * 10**12 + d, return_counts=True)
        return {(self.months[int(k // 10**12)], int(k % 10**12)): int(c) for k, c in zip(keys, counts)}

    def exclusions(self) -> list[Exclusion]:
        idx = np.flatnonzero(self.status == 1)
        take = pa.array(idx)
        rows = self.data.column("row").take(take).to_pylist()
        accounts = self.data.column("account").take(take).to_pylist()
        reasons = np.array(REASONS, dtype=object)[self.reason[idx]].tolist()
        months = self.month_text(self.month[idx])
        return [Exclusion(r, a, why, m or None) for r, a, why, m in zip(rows, accounts, reasons, months)]

    def excluded_by_reason(self, month: str | None = None) -> dict[str, int]:
        mask = self.status == 1
        if month is not None:
            code = self.months.index(month) if month in self.months else -2
            mask &= self.month == code
        counts = np.bincount(self.reason[mask].astype(np.intp), minlength=len(REASONS))
        return {REASONS[i]: int(c) for i, c in sorted(enumerate(counts), key=lambda x: REASONS[x[0]]) if c}


def _np(column) -> np.ndarray:
    return column.to_numpy(zero_copy_only=False) if not isinstance(column, np.ndarray) else column


def _days(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970 (int64) and a presence mask."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    present = pc.is_valid(arr).to_numpy(zero_copy_only=False)
    days = pc.fill_null(arr.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
    return days, present


def _day(value: dt.date) -> int:
    return (value - _EPOCH).days


def _month_text(day: int) -> str:
    d = _EPOCH + dt.timedelta(days=day)
    return f"{d.year:04d}-{d.month:02d}"


def _threshold(day: int, months: int) -> int:
    """connected_on minus `months` calendar months, clamped to the month's end (rules.add_months)."""
    try:
        return _day(add_months(_EPOCH + dt.timedelta(days=day), -months))
    except (ValueError, OverflowError):  # before year 1: nothing can be on or after it but a date
        return -(10**9)


def _codes(arr) -> tuple[np.ndarray, pa.Array]:
    """Integer codes of a text column (equal text, equal code) and the distinct texts."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    return enc.indices.to_numpy(zero_copy_only=False), enc.dictionary


def _first_of_groups(keys: np.ndarray) -> np.ndarray:
    """For keys in a chosen order: True at the first occurrence of each key."""
    first = np.zeros(len(keys), dtype=bool)
    if len(keys):
        _, index = np.unique(keys, return_index=True)
        first[index] = True
    return first


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
    d = table.data
    n = d.num_rows
    reason = np.zeros(n, dtype=np.int8)
    error = _np(d.column("error"))

    connected, has_date = _days(d.column("connected_on"))
    # The reporting month of each row: "YYYY-MM" of connected_on, decided per distinct day.
    distinct_days, day_index = np.unique(connected, return_inverse=True)
    month_of_day = [_month_text(int(x)) for x in distinct_days]
    months = sorted({month_of_day[i] for i in np.unique(day_index[has_date])})
    month_code_of_day = np.array([months.index(m) if m in months else -1 for m in month_of_day], dtype=np.int64)
    month = np.where(has_date, month_code_of_day[day_index] if n else np.zeros(0, dtype=np.int64), -1).astype(np.int32)
    del day_index

    def exclude(mask: np.ndarray, code: str) -> None:
        hit = mask & (reason == 0) & ~error
        reason[hit] = _CODE[code]

    kind = d.column("client_type")
    exclude(pc.equal(kind, "").to_numpy(zero_copy_only=False) if n else np.zeros(0, bool), "client_type")
    first, last = _day(rules.first_connection), _day(rules.last_connection)
    exclude(has_date & ((connected < first) | (connected > last)), "outside_period")

    # Exact Decimal fees, decided once per distinct value: fee_code indexes table.fee_values.
    fee_code = _np(d.column("fee_code"))
    below_v = np.array([v < rules.minimum_fee for v in table.fee_values] + [False], dtype=bool)
    exclude(below_v[fee_code], "fee_below_minimum")

    ie = pc.equal(kind, "IE").to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)
    bundle_ie = ie & _np(d.column("bundle"))
    if "previous_service_until" in table.present:
        prev, has_prev = _days(d.column("previous_service_until"))
        lookback = np.where(bundle_ie, rules.bundle_ie_months, rules.other_months)
        # connected_on minus 1 or 3 calendar months, clamped to the month's end (rules.add_months),
        # once per distinct (day, months) pair.
        pairs, inverse = np.unique(connected.astype(np.int64) * 100 + lookback, return_inverse=True)
        threshold_v = np.array([_threshold(int(p // 100), int(p % 100)) for p in pairs], dtype=np.int64)
        threshold = threshold_v[inverse.reshape(-1)] if n else np.zeros(0, dtype=np.int64)
        recent = has_prev & has_date & (prev >= threshold)
    else:
        recent = np.zeros(n, dtype=bool)
    if "new_client" in table.present:
        not_new = pc.fill_null(pc.equal(d.column("new_client"), False), False).to_numpy(zero_copy_only=False)
    else:
        not_new = np.zeros(n, dtype=bool)
    exclude(not_new | recent, "not_new_client")

    disconnected, has_disc = _days(d.column("disconnected_on"))
    exclude(has_disc & (disconnected <= _day(draw_date)), "disconnected")
    merged = pc.fill_null(d.column("merged_accounts"), False).to_numpy(zero_copy_only=False)
    exclude(merged, "merged_accounts")

    # 7. duplicate accounts within a month: the first row stays.
    accounts, account_dictionary = _codes(d.column("account"))
    n_accounts = len(account_dictionary)
    alive = np.flatnonzero((reason == 0) & ~error)
    keys = (month[alive].astype(np.int64) + 1) * (n_accounts + 1) + accounts[alive]
    mask = np.zeros(n, dtype=bool)
    mask[alive[~_first_of_groups(keys)]] = True
    exclude(mask, "duplicate_account")

    # 8. duplicate clients within a month: the highest fee stays, ties the earliest row.
    if table.client_codes is not None:
        clients, client_dictionary = table.client_codes, table.client_dictionary
    else:
        clients, client_dictionary = _codes(d.column("client_id"))
    n_clients = len(client_dictionary)
    alive = np.flatnonzero((reason == 0) & ~error)
    keys = (month[alive].astype(np.int64) + 1) * (n_clients + 1) + clients[alive]
    order = np.lexsort((alive, -fee_code[alive], keys))  # rows are in file order already
    mask = np.zeros(n, dtype=bool)
    mask[alive[order][~_first_of_groups(keys[order])]] = True
    exclude(mask, "duplicate_client")

    # 9. a client takes part once: in the earliest month where it stays eligible
    # (this file or a month already drawn and stored). Months as codes into `known`,
    # the sorted months of the file and of the store's answer.
    alive_mask = (reason == 0) & ~error
    alive = np.flatnonzero(alive_mask)
    stored: dict[str, str] = {}
    if len(alive) and (history.lookup is not None or history.participated):
        alive_codes = np.unique(clients[alive])
        stored = history.first_months(client_dictionary.take(pa.array(alive_codes)).to_pylist())
    known = sorted(set(months) | set(stored.values()))
    to_known = np.array([known.index(m) for m in months] + [-1], dtype=np.int64)
    month_known = to_known[month]  # -1 (no date) stays -1
    never = np.iinfo(np.int64).max
    earliest = np.full(n_clients, never, dtype=np.int64)
    np.minimum.at(earliest, clients[alive], month_known[alive])
    if stored:
        pos = pc.index_in(client_dictionary, value_set=pa.array(np.array(list(stored), dtype=object), type=pa.string()))
        found = np.flatnonzero(pc.is_valid(pos).to_numpy(zero_copy_only=False))
        positions = pc.fill_null(pos, 0).to_numpy(zero_copy_only=False)
        stored_codes = np.array([known.index(m) for m in stored.values()], dtype=np.int64)
        earliest[found] = np.minimum(earliest[found], stored_codes[positions[found]])
    exclude(alive_mask & (earliest[clients] < month_known), "already_participated")
    del earliest, alive, alive_mask

    # Eligible in its own month whatever `only_month` says: the ledger's
    # carry-over from earlier months needs these counts.
    eligible_any = ~error & (reason == 0)
    if only_month:
        other = ~error & (month != (months.index(only_month) if only_month in months else -2))
        reason[other] = _CODE[OTHER_MONTH]

    # Each distinct fee placed once, with the exact half-open bounds of Table 1.
    tier_v = np.array([_denomination(rules, v) for v in table.fee_values] + [0], dtype=np.int64)
    denominations = tier_v[fee_code]

    status = np.where(error, 2, np.where(reason == 0, 0, 1)).astype(np.int8)
    return Assessment(
        table=table,
        months=months,
        month=month,
        status=status,
        reason=reason,
        denomination=np.where(eligible_any, denominations, 0),
        eligible_any=eligible_any,
    )


def _denomination(rules: Rules, fee) -> int:
    tier = rules.tier_for(fee)
    return tier.denomination if tier else 0
