"""The one XLSX writer of the project: workbooks and the rule for each kind of cell.

Both kinds of workbook the project makes are written here: the demo's
participant files (engine/demo.py: up to a million rows, so rows are streamed
in openpyxl's write-only mode) and the documents of reports/xlsx.py (styled
tables: captions, header fills, money formats). It lives in engine/ because
the demo does and engine never imports reports; how a document looks stays in
reports.

Every cell follows the same rules: text is always a text cell, never a
formula, whatever it starts with (the caller decides whether Excel should show
it with a quote prefix); characters XML cannot hold are dropped; an infinite
or NaN number is refused (Excel would call the file corrupt); dates and times
get a date format. The workbook's "created" stamp is fixed; openpyxl stamps
"modified" and the zip entries with the time of writing.
"""

from __future__ import annotations

import datetime as dt
import io
import math

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

FIXED_TIME = dt.datetime(2021, 1, 1)  # the workbook's "created" stamp
_ILLEGAL_XML = {c: None for c in range(32) if c not in (9, 10, 13)}
_NOT_IN_SHEET_TITLES = str.maketrans({ch: "-" for ch in "[]:*?/\\"})


def new_workbook() -> Workbook:
    """An empty write-only workbook (rows are streamed to the file as they are appended)."""
    wb = Workbook(write_only=True)
    wb.properties.created = FIXED_TIME
    return wb


def add_sheet(wb: Workbook, title: str, *, freeze: str | None = None, widths=()):
    """A new sheet; `freeze` the first cell below and right of the frozen panes ("A2": the header row),
    `widths` the widths of the first columns. Both must be set before any row is appended."""
    ws = wb.create_sheet(title=sheet_title(title))
    if freeze:
        ws.freeze_panes = freeze
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    return ws


def sheet_title(title: str) -> str:
    """A title Excel accepts: no []:*?/\\ and no control characters, at most 31 characters."""
    return title.translate(_ILLEGAL_XML).translate(_NOT_IN_SHEET_TITLES)[:31] or "Sheet"


def cell(
    ws,
    value: object,
    *,
    date_format: str = "yyyy-mm-dd",
    number_format: str | None = None,
    quote_prefix: bool = False,
    font=None,
    fill=None,
    alignment=None,
) -> WriteOnlyCell:
    """One cell of a write-only sheet. Dates take `date_format` (with " hh:mm" for a date and time),
    other numbers `number_format`; `quote_prefix` makes Excel show text as typed."""
    if isinstance(value, str):
        c = WriteOnlyCell(ws, value=value.translate(_ILLEGAL_XML))
        c.data_type = "s"  # text, never a formula
        if quote_prefix:
            c.quotePrefix = True
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} cannot be written to a workbook")
    else:
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, dt.datetime):
            c.number_format = f"{date_format} hh:mm"
        elif isinstance(value, dt.date):
            c.number_format = date_format
        elif number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
            c.number_format = number_format
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if alignment is not None:
        c.alignment = alignment
    return c


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
