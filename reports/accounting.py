"""Certificates handed over, for accounting and taxes (clause 16).

One row per certificate whose winner's status is "claimed", grouped by month,
with the face value; a subtotal per month and tier and a grand total.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.records import MonthRecord
from reports.strings import both
from reports.xlsx import Sheet, workbook_bytes


def claimed_rows(records: Iterable[MonthRecord]):
    for record in records:
        if record.rehearsal:
            continue  # a rehearsal hands nothing over
        for w in record.current_winners:
            if w.status == "claimed":
                yield record, w


def accounting_xlsx(records: Iterable[MonthRecord]) -> bytes:
    header = [
        both("month"),
        both("denomination"),
        both("certificate_no"),
        both("certificate_serial"),
        both("client_name"),
        both("client_id"),
        both("account"),
        both("claimed_on"),
        both("face_value"),
    ]
    rows: list[list] = []
    bold: list[int] = []
    totals: dict[int, tuple[int, int]] = {}
    grand_count = grand_value = 0
    by_month: dict[str, list] = {}
    for record, w in claimed_rows(records):
        by_month.setdefault(record.month, []).append(w)
    for month in sorted(by_month):
        winners = sorted(by_month[month], key=lambda w: (-w.denomination, w.certificate))
        for w in winners:
            rows.append(
                [
                    month,
                    w.denomination,
                    w.certificate,
                    w.certificate_serial,
                    w.client_name,
                    w.client_id,
                    w.account,
                    w.status_changed_at.date(),
                    w.denomination,
                ]
            )
            count, value = totals.get(w.denomination, (0, 0))
            totals[w.denomination] = (count + 1, value + w.denomination)
        month_value = sum(w.denomination for w in winners)
        bold.append(len(rows))
        rows.append([f"{month}: {both('total')}", "", len(winners), "", "", "", "", "", month_value])
        grand_count += len(winners)
        grand_value += month_value
    summary = [[den, count, value] for den, (count, value) in sorted(totals.items(), reverse=True)]
    summary.append([both("total"), grand_count, grand_value])
    kk_ru = both("accounting_title")
    return workbook_bytes(
        [
            Sheet(
                "claimed",
                header,
                rows,
                caption=kk_ru,
                widths=(10, 14, 9, 20, 36, 16, 16, 14, 16),
                money_columns=(1, 8),
                bold_rows=bold,
            ),
            Sheet(
                "totals",
                [both("denomination"), both("count"), both("face_value")],
                summary,
                caption=kk_ru,
                widths=(22, 14, 22),
                money_columns=(0, 2),
                bold_rows=(len(summary) - 1,),
            ),
        ]
    )
