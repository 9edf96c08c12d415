"""Publication list (clause 10), accounting export (clause 16) and the XLSX/CSV writer."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.accounting import accounting_xlsx
from reports.publish import mask_account, mask_name, publication_html, publication_rows, publication_xlsx
from reports.xlsx import Sheet, csv_bytes, csv_text, workbook_bytes

TWELVE_DIGITS = re.compile(r"\d{12}")


def test_mask_examples():
    assert mask_account("1234564821") == "••••4821"
    assert mask_account("12345670768") == "••••0768"  # length not told
    assert mask_account("123") == "•••••••3"
    assert mask_name("ЖК Асқаров Бауыржан") == "ЖК Ас*** Б."
    assert mask_name("ИП Әбдіқадырова Гүлнұр Серікқызы") == "ИП Әб*** Г. С."
    assert mask_name("ТОО «Алтын Дән»") == "ТОО «Ал*** Д.»"
    assert mask_name('ЖШС "Qazaq Logistics"') == 'ЖШС "Qa*** L."'
    assert mask_name("ЖК 930512300123") == "ЖК ***"


@settings(max_examples=300)
@given(account=st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_masked_account_never_contains_the_account(account):
    masked = mask_account(account)
    assert len(masked) == 8  # a fixed length: the mask does not tell the account's length
    assert account not in masked
    assert not TWELVE_DIGITS.search(masked)


@settings(max_examples=300)
@given(
    name=st.text(alphabet=st.sampled_from(list('ЖКИПТОАқәӘ «»"0123456789абвгдеӨҰҮ')), max_size=60),
    digits=st.text(alphabet="0123456789", min_size=12, max_size=12),
)
def test_masked_name_never_leaks_an_identifier(name, digits):
    masked = mask_name(f"{name} {digits}")
    assert digits not in masked
    assert not TWELVE_DIGITS.search(masked)


def test_publication_has_no_identifiers(offline_record, rules):
    html = publication_html([offline_record], rules)
    wb = openpyxl.load_workbook(io.BytesIO(publication_xlsx([offline_record], rules)))
    cells = " ".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
    for w in offline_record.current_winners:
        for text in (html, cells):
            assert w.account not in text and w.client_id not in text
            assert w.phone not in text
            assert mask_account(w.account) in text
    assert len(publication_rows([offline_record])) == 25
    assert "<table" in html and "Іскерлік ұсыныс" in html


def test_publication_html_is_escaped(offline_record):
    from dataclasses import replace

    w = offline_record.current_winners[0]
    evil = replace(w, client_name="ТОО <img src=x onerror=alert>")
    draws = tuple(
        replace(d, winners=tuple(evil if x.id == w.id else x for x in d.winners)) for d in offline_record.draws
    )
    html = publication_html([replace(offline_record, draws=draws)])
    assert "<i" not in html and "&lt;i***" in html


def test_formula_cells_round_trip_as_text():
    values = ["=1+2", "+7 701 555 0101", "-123", "@SUM(A1)", "\t=cmd", "normal", "Ақ Бұлақ"]
    data = workbook_bytes([Sheet("t", ["value", "n"], [[v, i] for i, v in enumerate(values)] + [["x", -5]])])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    read = [(r[0].value, r[0].data_type) for r in ws.iter_rows(min_row=2)]
    assert [v for v, _ in read[:-1]] == values  # exactly what was written
    assert all(t == "s" for _, t in read)  # strings, never formulas
    assert all(ws.cell(row=i + 2, column=1).quotePrefix for i, v in enumerate(values[:5]))
    assert ws.cell(row=len(values) + 2, column=2).value == -5  # numbers stay numbers
    # Formulas never appear in the sheet XML.
    import zipfile

    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_csv_escapes_with_an_apostrophe():
    text = csv_text(["a", "b"], [["=1+2", "-5"], ["ok", 7]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=1+2", "'-5"] and rows[2] == ["ok", "7"]
    assert csv_bytes(["a"], [["x"]]).startswith("\ufeff".encode())


def test_accounting_lists_claimed_certificates_with_totals(offline_record, random_org_record):
    wb = openpyxl.load_workbook(io.BytesIO(accounting_xlsx([offline_record, random_org_record])))
    claimed = [w for r in (offline_record, random_org_record) for w in r.current_winners if w.status == "claimed"]
    rows = list(wb["claimed"].iter_rows(min_row=4, values_only=True))
    details = [r for r in rows if r[5]]
    assert sorted(r[5] for r in details) == sorted(w.client_id for w in claimed)
    totals = list(wb["totals"].iter_rows(min_row=4, values_only=True))
    assert totals[-1][1] == len(claimed) and totals[-1][2] == sum(w.denomination for w in claimed)
    assert accounting_xlsx([]).startswith(b"PK")
