"""The one place the project writes XLSX and CSV files.

Formula injection: a cell whose text starts with "=", "+", "-" or "@" (or a
tab / carriage return) would be run as a formula by a spreadsheet program.
Decision: in XLSX such text is written as a plain string cell with Excel's
"quote prefix" style, so the stored value stays exactly what the engine had
(an account "-123" reads back as "-123") and Excel shows it as text. In CSV,
which has no types, it gets a leading apostrophe ("'=1+2"), the OWASP advice.
Numbers are written as numbers and never escaped.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(value: object) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def csv_safe(value: object) -> object:
    """The CSV form of a cell: dangerous text gets a leading apostrophe."""
    return "'" + value if is_dangerous(value) else value


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: list[Sequence[object]] = field(default_factory=list)
    caption: str = ""  # a title line above the header
    widths: Sequence[float] = ()
    money_columns: Sequence[int] = ()  # 0-based columns formatted "# ##0"
    bold_rows: Sequence[int] = ()  # 0-based indexes into rows (totals)


def _set(cell, value: object) -> None:
    from openpyxl.cell.cell import TYPE_STRING

    if isinstance(value, str):
        cell.value = value
        cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
        if is_dangerous(value):
            cell.quotePrefix = True
    else:
        cell.value = value


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets to an XLSX file (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title))
        row = 1
        if sheet.caption:
            _set(ws.cell(row=1, column=1), sheet.caption)
            ws.cell(row=1, column=1).font = Font(bold=True, size=12)
            row = 3
        for col, name in enumerate(sheet.header, 1):
            cell = ws.cell(row=row, column=col)
            _set(cell, name)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E9EDF2")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_row = row
        for i, values in enumerate(sheet.rows):
            row += 1
            for col, value in enumerate(values, 1):
                cell = ws.cell(row=row, column=col)
                _set(cell, value)
                if col - 1 in sheet.money_columns and isinstance(value, (int, float)):
                    cell.number_format = "#,##0"
                if isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                if i in sheet.bold_rows:
                    cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for col, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, "-")
    return title[:31] or "Sheet"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ",") -> str:
    """CSV text (write it as UTF-8 with a BOM for Excel: `csv_bytes`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([csv_safe(v) for v in header])
    for values in rows:
        writer.writerow([csv_safe(v) for v in values])
    return buf.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ",") -> bytes:
    return ("\ufeff" + csv_text(header, rows, delimiter=delimiter)).encode("utf-8")
