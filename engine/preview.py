"""One call from a spreadsheet to what the commission sees before a draw.

`preview()` = ingest -> eligibility -> quotas: every non-blank row placed
(eligible, excluded with one reason, or an error), the tiers of every month
against Table 2 with carry-over, and the notices to show.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from json.encoder import encode_basestring as _quote  # the C encoder json.dumps(ensure_ascii=False) uses

import numpy as np
import pyarrow as pa

from engine.config import Limits
from engine.eligibility import REASONS, Assessment, Exclusion, assess
from engine.ingest import IngestError, RowError, read_table
from engine.quotas import MonthLedger, TierLedger, ledger
from engine.records import History, ImportSummary, Participant
from engine.rules import Notice, Rules, load_rules

__all__ = ["IngestError", "Preview", "RowCounts", "preview"]


@dataclass(frozen=True)
class RowCounts:
    data: int
    blank: int
    eligible: int
    excluded: int
    errors: int


@dataclass(frozen=True)
class Preview:
    file_name: str
    file_sha256: str
    sheet: str
    draw_date: dt.date
    month: str | None
    rows: RowCounts
    months: tuple[MonthLedger, ...]
    errors: tuple[RowError, ...]
    notices: tuple[Notice, ...]
    assessment: Assessment = field(repr=False, compare=False)

    # Participant and Exclusion objects are built on first use: a 100 000-row
    # month must not wait for 100 000 small objects before its counts show.
    @cached_property
    def eligible(self) -> tuple[Participant, ...]:
        return tuple(self.assessment.participants())

    @cached_property
    def excluded(self) -> tuple[Exclusion, ...]:
        return tuple(self.assessment.exclusions())

    def _in_pool(self, month: str, denomination: int) -> np.ndarray:
        a = self.assessment
        code = a.months.index(month) if month in a.months else -2
        return (a.status == 0) & (a.month == code) & (a.denomination == denomination)

    def pool(self, month: str, denomination: int) -> list[Participant]:
        """The eligible participants of one month and tier, in file order."""
        if "eligible" in self.__dict__:
            return [p for p in self.eligible if p.month == month and p.denomination == denomination]
        return self.assessment.participants(self._in_pool(month, denomination))

    def pool_table(self, month: str, denomination: int) -> pa.Table:
        """The same pool as columns, for freezing without building objects: `row` (int64), `account`,
        `client_id`, `client_name`, `phone`, `region` (text, empty when missing), in file order."""
        take = pa.array(np.flatnonzero(self._in_pool(month, denomination)))
        data = self.assessment.data
        return pa.table(
            {
                "row": data.column("row").take(take).cast(pa.int64()),
                **{
                    c: data.column(c).take(take).cast(pa.large_string())
                    for c in ("account", "client_id", "client_name", "phone", "region")
                },
            }
        )

    def tier(self, month: str, denomination: int) -> TierLedger:
        for m in self.months:
            if m.month == month:
                return m.tier(denomination)
        raise KeyError((month, denomination))

    def months_in_file(self) -> set[str]:
        """The months of the eligible rows and of the excluded rows, from the columns: what
        `{p.month for p in self.eligible} | {e.month for e in self.excluded}` gives (None left out),
        without building an object per row."""
        a = self.assessment
        codes = np.unique(a.month[(a.status != 2) & (a.month >= 0)])
        return {a.months[int(c)] for c in codes}

    def excluded_by_reason(self, month: str | None = None) -> dict[str, int]:
        return self.assessment.excluded_by_reason(month)

    def import_summary(self, month: str) -> ImportSummary:
        """What the store records of this file for `month` (Store.record_import)."""
        return ImportSummary(
            file_name=self.file_name or "",
            file_sha256=self.file_sha256,
            sheet=self.sheet or "",
            month=month,
            rows_data=self.rows.data,
            rows_blank=self.rows.blank,
            eligible=self.rows.eligible,
            excluded=self.rows.excluded,
            errors=self.rows.errors,
            excluded_by_reason=tuple(sorted(self.excluded_by_reason(month).items())),
        )

    @property
    def error_rows(self) -> int:
        return self.rows.errors

    def to_json(self, rows_as: dict | None = None) -> dict:
        rows_as = rows_as or {}
        return {
            "rows": {
                "data": self.rows.data,
                "blank": self.rows.blank,
                "eligible": self.rows.eligible,
                "excluded": self.rows.excluded,
                "errors": self.rows.errors,
            },
            "months": [
                {
                    "month": m.month,
                    "tiers": [
                        {
                            "denomination": t.denomination,
                            "eligible": t.eligible,
                            "quota": t.quota,
                            "carried_in": t.carried_in,
                            "to_draw": t.to_draw,
                            "carry_out": t.carry_out,
                        }
                        for t in m.tiers
                    ],
                }
                for m in self.months
            ],
            "eligible": rows_as["eligible"] if "eligible" in rows_as else self._eligible_json(),
            "excluded": rows_as["excluded"] if "excluded" in rows_as else self._excluded_json(),
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors],
            "notices": [n.text for n in self.notices],
        }

    def to_json_text(self) -> str:
        """`json.dumps(self.to_json(), ensure_ascii=False)`, character for character, with the
        per-row lists written straight from the columns (a 100 000-row month: no 100 000 dicts)."""
        marks = {"eligible": "\x00eligible\x00", "excluded": "\x00excluded\x00"}
        shell = self.to_json(rows_as=marks)
        text = json.dumps(shell, ensure_ascii=False)
        for key, mark in marks.items():
            text = text.replace(json.dumps(mark), "[" + ", ".join(getattr(self, f"_{key}_json_items")()) + "]", 1)
        return text

    def _eligible_columns(self) -> tuple[list, list, list, list, list]:
        """row, account, client_id, month, denomination of the eligible rows, in file order."""
        a = self.assessment
        idx = np.flatnonzero(a.status == 0)
        take = pa.array(idx)
        return (
            a.data.column("row").take(take).to_pylist(),
            a.data.column("account").take(take).to_pylist(),
            a.data.column("client_id").take(take).to_pylist(),
            a.month_text(a.month[idx]),
            a.denomination[idx].tolist(),
        )

    def _excluded_columns(self) -> tuple[list, list, list]:
        """row, account, reason of the excluded rows, in file order."""
        a = self.assessment
        idx = np.flatnonzero(a.status == 1)
        take = pa.array(idx)
        return (
            a.data.column("row").take(take).to_pylist(),
            a.data.column("account").take(take).to_pylist(),
            np.array(REASONS, dtype=object)[a.reason[idx]].tolist(),
        )

    def _eligible_json_items(self) -> list[str]:
        rows, accounts, ids, months, denominations = self._eligible_columns()
        return [
            f'{{"row": {r}, "account": {ac}, "client_id": {c}, "month": "{m}", "denomination": {d}}}'
            for r, ac, c, m, d in zip(rows, map(_quote, accounts), map(_quote, ids), months, denominations)
        ]

    def _excluded_json_items(self) -> list[str]:
        rows, accounts, reasons = self._excluded_columns()
        return [
            f'{{"row": {r}, "account": {ac}, "reason": "{why}"}}'
            for r, ac, why in zip(rows, map(_quote, accounts), reasons)
        ]

    def _eligible_json(self) -> list[dict]:
        return [
            {"row": r, "account": ac, "client_id": c, "month": m, "denomination": d}
            for r, ac, c, m, d in zip(*self._eligible_columns())
        ]

    def _excluded_json(self) -> list[dict]:
        return [{"row": r, "account": ac, "reason": why} for r, ac, why in zip(*self._excluded_columns())]


def preview(
    source: str | os.PathLike | bytes,
    file_name: str | None = None,
    *,
    month: str | None = None,
    draw_date: dt.date | None = None,
    sheet: str | None = None,
    rules: Rules | None = None,
    history: History | None = None,
    limits: Limits | None = None,
) -> Preview:
    """Read a spreadsheet and place every row. Raises IngestError for an unreadable file."""
    rules = rules or load_rules()
    draw_date = draw_date or dt.date.today()
    history = history or History()
    table = read_table(source, file_name=file_name, sheet=sheet, limits=limits)
    assessment = assess(table, rules, draw_date, history=history, only_month=month)
    counts = assessment.eligible_counts()
    table_months = set(rules.months)
    readable = np.unique(assessment.month[assessment.status != 2])
    readable_months = [
        assessment.months[int(m)] for m in readable if m >= 0 and assessment.months[int(m)] in table_months
    ]
    if month is not None:
        last = month if month in rules.months else None
    else:
        last = max(readable_months, default=None)
    months = ledger(rules, counts, last, drawn=history.drawn)
    if month is not None:
        months = tuple(m for m in months if m.month == month)

    status = np.bincount(assessment.status.astype(np.intp), minlength=3)
    rows = RowCounts(
        data=len(assessment.status),
        blank=table.blank_rows,
        eligible=int(status[0]),
        excluded=int(status[1]),
        errors=int(status[2]),
    )
    notices = tuple(rules.notices) + tuple(table.notices)
    if month is not None and month not in rules.months:
        notices += (
            Notice("month_outside_table", f"{month} is not a reporting month of Table 2.", (("month", month),)),
        )
    return Preview(
        file_name=table.file_name,
        file_sha256=table.file_sha256,
        sheet=table.sheet,
        draw_date=draw_date,
        month=month,
        rows=rows,
        months=months,
        errors=tuple(table.errors),
        notices=notices,
        assessment=assessment,
    )
