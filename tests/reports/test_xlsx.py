"""reports.xlsx: the one formula escape (documents, CSV and the app's CSV downloads) and how a document sheet looks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.xlsx import Sheet, csv_safe, csv_text, is_dangerous, workbook_bytes
from ui.widgets import safe_frame

# What a spreadsheet program runs as a formula, or turns into one (OWASP's CSV injection list).
DANGEROUS = ["=1+2", "+7 701 555 0101", "-123", "@SUM(A1)", "\t=cmd", "\r=cmd"]
HARMLESS = ["normal", "Ақ Бұлақ", "7 701", " =1+2", "'=1+2", "", "1-2", "a=b", "\n=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_is_escaped_everywhere(text):
    assert is_dangerous(text)
    assert csv_safe(text) == "'" + text
    assert list(csv.reader(io.StringIO(csv_text(["h"], [[text]]), newline="")))[1] == ["'" + text]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_left_alone(text):
    assert not is_dangerous(text) and csv_safe(text) == text


@pytest.mark.parametrize("value", [-5, -1.5, 0, None, dt.date(2021, 3, 1)])
def test_numbers_and_other_values_are_never_escaped(value):
    assert not is_dangerous(value) and csv_safe(value) == value


def read(data: bytes, title: str):
    return openpyxl.load_workbook(io.BytesIO(data))[title]


def test_in_a_workbook_dangerous_text_is_kept_as_typed_with_a_quote_prefix():
    rows = [[v] for v in DANGEROUS + HARMLESS[:3]] + [[-5]]
    ws = read(workbook_bytes([Sheet("t", ["value"], rows)]), "t")
    cells = [r[0] for r in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [r[0] for r in rows]
    assert [c.quotePrefix for c in cells[:-1]] == [True] * len(DANGEROUS) + [False] * 3
    assert [c.data_type for c in cells] == ["s"] * (len(rows) - 1) + ["n"]
    with zipfile.ZipFile(io.BytesIO(workbook_bytes([Sheet("t", ["value"], rows)]))) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()


@settings(deadline=None)  # pandas' first call is slow
@given(st.lists(st.text(max_size=8), max_size=30))
def test_the_apps_csv_downloads_escape_as_reports_do(texts):
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object), "n": range(len(texts))})
    safe = safe_frame(frame)
    assert list(safe["text"]) == [csv_safe(v) for v in texts] and list(safe["n"]) == list(range(len(texts)))


def test_a_document_sheet_caption_header_money_totals_widths_and_frozen_header():
    sheet = Sheet(
        "Есеп: 2021/03",
        ["Month", "Face value", "When"],
        [["2021-03", 50000, dt.date(2021, 4, 5)], ["total", 150000, dt.datetime(2021, 4, 5, 14, 30)]],
        caption="Іскерлік ұсыныс",
        widths=(12, 20),
        money_columns=(1,),
        bold_rows=(1,),
    )
    ws = read(workbook_bytes([sheet, Sheet("second", ["x"])]), "Есеп- 2021-03")
    assert ws["A1"].value == "Іскерлік ұсыныс" and ws["A1"].font.b and ws["A1"].font.sz == 12
    assert ws["A2"].value is None
    assert [c.value for c in ws[3]] == ["Month", "Face value", "When"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("E9EDF2") for c in ws[3])
    assert ws.freeze_panes == "A4"
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (12, 20)
    assert ws["B4"].number_format == "#,##0" and ws["A4"].number_format == "General"
    assert ws["C4"].number_format == "yyyy-mm-dd" and ws["C5"].number_format == "yyyy-mm-dd hh:mm"
    assert not ws["A4"].font.b and all(c.font.b for c in ws[5])


def test_a_sheet_without_caption_starts_with_its_header():
    ws = read(workbook_bytes([Sheet("t", ["a", "b"], [[1, "x"]])]), "t")
    assert [c.value for c in ws[1]] == ["a", "b"] and ws.freeze_panes == "A2"


def test_a_client_name_with_a_control_character_does_not_break_the_workbook():
    ws = read(workbook_bytes([Sheet("t", ["name"], [["ЖК Асқаров\x01 Б."]])]), "t")
    assert ws["A2"].value == "ЖК Асқаров Б."
