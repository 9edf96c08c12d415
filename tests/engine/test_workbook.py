"""engine.workbook: the XLSX writer of the demo's files and the reports' documents, one rule per cell."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from engine import workbook


def written(values, **kw) -> openpyxl.worksheet.worksheet.Worksheet:
    wb = workbook.new_workbook()
    ws = workbook.add_sheet(wb, "t", freeze="A2")
    ws.append([None if v is None else workbook.cell(ws, v, **kw) for v in values])
    data = workbook.workbook_bytes(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()  # never a formula
    return openpyxl.load_workbook(io.BytesIO(data))["t"]


def test_text_stays_text_and_numbers_stay_numbers():
    values = ["=1+2", "+7 701", "-6 500", "@x", "007", 7315, -5, 2.5, Decimal("5998.99"), True, None]
    ws = written(values)
    got = [c.value for c in ws[1]]
    assert got[:10] == ["=1+2", "+7 701", "-6 500", "@x", "007", 7315, -5, 2.5, 5998.99, True]
    assert len(got) == 10 or got[10] is None
    assert [c.data_type for c in ws[1]][:10] == ["s"] * 5 + ["n"] * 4 + ["b"]
    assert not any(c.quotePrefix for c in ws[1])


def test_quote_prefix_only_when_asked():
    ws = written(["=1+2"], quote_prefix=True)
    assert ws["A1"].quotePrefix and ws["A1"].value == "=1+2"


def test_dates_take_the_callers_format():
    ws = written([dt.date(2021, 3, 5), dt.datetime(2021, 3, 5, 9, 30)], date_format="dd.mm.yyyy")
    assert (ws["A1"].number_format, ws["B1"].number_format) == ("dd.mm.yyyy", "dd.mm.yyyy hh:mm")
    assert ws["A1"].value == dt.datetime(2021, 3, 5) and ws["B1"].value == dt.datetime(2021, 3, 5, 9, 30)


def test_number_format_for_numbers_only():
    ws = written([150000, "150000", True], number_format="#,##0")
    assert [c.number_format for c in ws[1]] == ["#,##0", "General", "General"]


def test_characters_xml_cannot_hold_are_dropped():
    ws = written(["a\x00b\x01c\x1fd", "tab\tnew\nline"])
    assert [c.value for c in ws[1]] == ["abcd", "tab\tnew\nline"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(value):
    with pytest.raises(ValueError, match="cannot be written"):
        written([value])


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Participants", "Participants"),
        ("2021/03: [draft]?", "2021-03- -draft--"),
        ("x" * 40, "x" * 31),
        ("", "Sheet"),
        ("a\x01b", "ab"),
    ],
)
def test_sheet_titles_excel_accepts(title, expected):
    assert workbook.sheet_title(title) == expected


def test_the_created_stamp_is_fixed():
    data = workbook.workbook_bytes(workbook.new_workbook())
    assert openpyxl.load_workbook(io.BytesIO(data)).properties.created == workbook.FIXED_TIME
