"""Documents as spreadsheets: styled XLSX sheets, CSV, and the one formula escape of the project.

The sheets are written by engine.workbook (the writer the demo's participant
files use too); what is here is how a document looks. ui's CSV downloads
escape with `csv_safe` from here.

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
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Font, PatternFill

from engine import workbook

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


CAPTION_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E9EDF2")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets to an XLSX file (bytes) with engine.workbook's writer, which the demo's
    participant files use too; what is here is how a document looks."""
    wb = workbook.new_workbook()
    for sheet in sheets:
        header_row = 3 if sheet.caption else 1  # a caption, a blank line, then the header
        ws = workbook.add_sheet(wb, sheet.title, freeze=f"A{header_row + 1}", widths=sheet.widths)
        if sheet.caption:
            ws.append([_cell(ws, sheet.caption, font=CAPTION_FONT)])
            ws.append([])
        ws.append([_cell(ws, name, font=BOLD, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT) for name in sheet.header])
        for i, values in enumerate(sheet.rows):
            font = BOLD if i in sheet.bold_rows else None
            ws.append(
                [
                    _cell(ws, value, font=font, number_format="#,##0" if col in sheet.money_columns else None)
                    for col, value in enumerate(values)
                ]
            )
    return workbook.workbook_bytes(wb)


def _cell(ws, value: object, **style):
    """A document's cell: text a spreadsheet would run as a formula shows as typed (quote prefix)."""
    if value is None:
        return None
    return workbook.cell(ws, value, quote_prefix=is_dangerous(value), **style)


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
