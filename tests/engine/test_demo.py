"""engine.demo: deterministic, realistic, and its rows are what they claim to be."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from engine import demo
from engine.ids import is_valid

MONTHS = [f"2021-{m:02d}" for m in range(3, 12)]
FIELD = {name: i for i, name in enumerate(demo.FIELDS)}


def read_xlsx(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def id_text(value) -> str:
    # A number-stored IIN/BIN lost its leading zeros: pad it back (RULES.md).
    return str(value).zfill(12) if isinstance(value, int) else str(value)


def fee_value(value) -> Decimal:
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return Decimal(str(value))


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list[Path]:
    return demo.write_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def march() -> tuple[demo.DemoTable, list[tuple]]:
    table = demo.month_table("2021-03")
    return table, [r.values for r in table.rows]


def test_all_nine_months_written(demo_files):
    assert [p.name for p in demo_files] == [f"participants-{m}.xlsx" for m in MONTHS]
    for path, month in zip(demo_files, MONTHS):
        rows = read_xlsx(path)
        table = demo.month_table(month)
        assert len(rows) >= 1 + len(table.rows) - 1  # trailing blanks may be cut by the reader
        data = [r for r in table.rows if r.outcome != demo.BLANK]
        assert 250 <= len(data) <= 2000


def test_same_seed_same_values(tmp_path):
    a = demo.write_month(tmp_path / "a.xlsx", "2021-05", rows=400, seed=7)
    b = demo.write_month(tmp_path / "b.xlsx", "2021-05", rows=400, seed=7)
    c = demo.write_month(tmp_path / "c.xlsx", "2021-05", rows=400, seed=8)
    assert read_xlsx(a) == read_xlsx(b)
    assert read_xlsx(a) != read_xlsx(c)


def test_values_read_back_as_written(demo_files):
    path, table = demo_files[1], demo.month_table(MONTHS[1])
    rows = read_xlsx(path)
    assert rows[0] == table.header
    for i, expected in enumerate(table.rows):
        got = rows[table.spreadsheet_row(i) - 1]
        if expected.outcome == demo.BLANK:
            assert all(v in (None, "") for v in got)
            continue
        for want, have in zip(expected.values, got):
            if isinstance(want, dt.date):
                assert have == dt.datetime.combine(want, dt.time())
            else:
                assert have == want


def test_headers_alternate_and_are_untidy():
    kk = demo.month_table("2021-03").header
    ru = demo.month_table("2021-04").header
    assert kk[FIELD["account"]].strip().casefold() == "дербес шот"
    assert ru[FIELD["account"]].strip().casefold() in ("лицевой счёт", "лицевой счет")
    headers = [h for m in MONTHS for h in demo.month_table(m).header]
    assert any(h != h.strip() for h in headers)
    assert any(h.strip() not in [v[0] for lang in demo.HEADERS.values() for v in lang.values()] for h in headers)
    assert "Ескерту" in kk and "Менеджер" in ru


def test_expected_messy_cases_present(march):
    table, values = march
    cases = collections.Counter(r.case for r in table.rows)
    for case in (
        demo.MISSING_VALUE,
        demo.BAD_CLIENT_ID,
        demo.NEGATIVE_FEE,
        demo.BAD_DATE,
        demo.BLANK,
        "client_type",
        "outside_period",
        "fee_below_minimum",
        "not_new_client",
        "disconnected",
        "merged_accounts",
        "duplicate_account",
        "duplicate_client",
    ):
        assert cases[case] >= 1, case
    later = collections.Counter(r.case for r in demo.month_table("2021-06").rows)
    assert later["already_participated"] >= 1 and later[demo.OTHER_MONTH] >= 1
    assert cases[demo.ELIGIBLE] > 0.8 * len(values)


def test_rows_are_what_they_claim(march):
    table, _ = march
    blank_seen = False
    accounts = collections.Counter()
    clients = collections.defaultdict(list)
    for i, row in enumerate(table.rows):
        if row.outcome == demo.BLANK:
            assert all(v in (None, "") for v in row.values)
            assert 0 < i < len(table.rows) - 1  # in the middle
            blank_seen = True
            continue
        v = dict(zip(demo.FIELDS, row.values))
        cid = id_text(v["client_id"]) if v["client_id"] is not None else None
        if row.case == demo.BAD_CLIENT_ID:
            assert not is_valid(cid)
        elif row.case == demo.MISSING_VALUE:
            assert any(
                v[f] is None
                for f in ("account", "client_id", "client_name", "client_type", "connected_on", "monthly_fee")
            )
        elif cid is not None:
            assert is_valid(cid), (i, cid)
            assert cid == row.client_id
        if row.case == demo.NEGATIVE_FEE:
            assert fee_value(v["monthly_fee"]) < 0
        if row.outcome == "fee_below_minimum":
            assert 0 <= fee_value(v["monthly_fee"]) < 5999
        if row.outcome == "client_type":
            assert v["client_type"].strip().upper() in ("АҚ", "АО")
        if row.outcome == "merged_accounts":
            assert v["merged_accounts"].casefold() in ("иә", "да", "+", "yes")
        if row.outcome == "disconnected":
            assert v["disconnected_on"] is not None
        if row.outcome == demo.ELIGIBLE:
            assert v["client_type"].strip().upper() in ("ЖК", "ИП", "IE", "ЖШС", "ТОО", "LLP")
            assert fee_value(v["monthly_fee"]) >= 5999
            assert v["disconnected_on"] is None
        if row.outcome in (demo.ELIGIBLE, "duplicate_account"):
            accounts[str(v["account"]).strip()] += 1
        if row.outcome in (demo.ELIGIBLE, "duplicate_client"):
            clients[cid].append((fee_value(v["monthly_fee"]), row.outcome))
    assert blank_seen
    assert any(n > 1 for n in accounts.values())
    pairs = [rows for rows in clients.values() if len(rows) > 1]
    assert pairs
    for rows in pairs:  # the highest fee stays
        assert max(rows)[1] == demo.ELIGIBLE


def test_boundary_fees_and_number_formats(march):
    table, values = march
    fees = [r.values[FIELD["monthly_fee"]] for r in table.rows if r.values]
    parsed = {fee_value(f) for f in fees if f is not None}
    for boundary in ("5998.99", "5999", "14999", "15000", "29999", "30000"):
        assert Decimal(boundary) in parsed, boundary
    texts = [
        f
        for m in MONTHS[:3]
        for r in demo.month_table(m).rows
        if r.values
        for f in [r.values[FIELD["monthly_fee"]]]
        if isinstance(f, str)
    ]
    assert any("\u00a0" in f for f in texts) and any("," in f for f in texts) and any("." in f for f in texts)
    ids = [r.values[FIELD["client_id"]] for r in table.rows if r.values]
    assert any(isinstance(x, int) and len(str(x)) < 12 for x in ids)  # leading zeros lost
    assert any(isinstance(x, str) and x.startswith("0") for x in ids)
    accounts = [r.values[FIELD["account"]] for r in table.rows if r.values]
    assert any(isinstance(a, int) for a in accounts)
    assert any(isinstance(a, str) and a.startswith("0") for a in accounts)
    dates = [r.values[FIELD["connected_on"]] for r in table.rows if r.outcome == demo.ELIGIBLE]
    assert any(isinstance(d, dt.date) for d in dates)
    assert any(isinstance(d, str) and "." in d for d in dates)
    assert any(isinstance(d, str) and "-" in d for d in dates)


def test_top_tier_short_in_some_months():
    for month, expected in demo.TOP_TIER_SHORT.items():
        table = demo.month_table(month)
        top = [r for r in table.rows if r.outcome == demo.ELIGIBLE and r.denomination == 100000]
        assert len(top) == expected < 2
    table = demo.month_table("2021-03")
    assert sum(r.outcome == demo.ELIGIBLE and r.denomination == 100000 for r in table.rows) > 2


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = demo.write_table(tmp_path / "t.xlsx", ("a", "b"), [("=1+2", "+7 701 000 00 00"), ("-6 500", "@x")])
    with zipfile.ZipFile(path) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()
    assert read_xlsx(path)[1:] == [("=1+2", "+7 701 000 00 00"), ("-6 500", "@x")]
    values = [v for m in MONTHS[:2] for r in demo.month_table(m).rows for v in r.values]
    assert any(isinstance(v, str) and v[:1] in "=+-@" for v in values)


def test_calamine_reads_the_workbook(demo_files):
    calamine = pytest.importorskip("python_calamine")
    wb = calamine.CalamineWorkbook.from_path(str(demo_files[0]))
    rows = wb.get_sheet_by_index(0).to_python()
    table = demo.month_table(MONTHS[0])
    assert tuple(rows[0]) == table.header
    assert len(rows) - 1 >= sum(1 for r in table.rows if r.outcome != demo.BLANK)


def test_csv_cp1251_semicolon(tmp_path):
    path = demo.write_month(tmp_path / "m.csv", "2021-04", rows=300, encoding="cp1251", delimiter=";")
    text = path.read_bytes().decode("cp1251")  # strict: must decode
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    table = demo.month_table("2021-04", rows=300, headers="ru", fmt="csv")
    assert tuple(rows[0]) == table.header
    assert len(rows) == 1 + len(table.rows)
    assert all(len(r) == len(demo.FIELDS) for r in rows if r)  # a blank row is an empty line
    with pytest.raises(ValueError):
        demo.write_month(tmp_path / "kk.csv", "2021-03", rows=300, headers="kk", encoding="cp1251")


def test_csv_utf8_sig_comma(tmp_path):
    path = demo.write_month(tmp_path / "m.csv", "2021-03", rows=300, encoding="utf-8-sig")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0].strip().casefold() == "дербес шот"
    ids = [r[1] for r in rows[1:] if len(r) > 1 and r[1]]
    assert sum(is_valid(i) for i in ids) > 0.9 * len(ids)


def test_write_demo_csv_and_months(tmp_path):
    paths = demo.write_demo(tmp_path, months=["2021-03", "2021-04"], rows=200, fmt="csv")
    assert [p.name for p in paths] == ["participants-2021-03.csv", "participants-2021-04.csv"]
    paths[0].read_bytes().decode("utf-8-sig")
    paths[1].read_bytes().decode("cp1251")


def test_demo_dir_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(tmp_path))
    folder = demo.demo_dir()
    assert folder.parent == tmp_path
    files = sorted(folder.glob("*.xlsx"))
    assert [p.name for p in files] == [f"participants-{m}.xlsx" for m in MONTHS]
    stamps = {p: p.stat().st_mtime_ns for p in files}
    before = {p: read_xlsx(p) for p in files}
    assert demo.demo_dir() == folder
    assert {p: p.stat().st_mtime_ns for p in files} == stamps
    files[0].unlink()
    demo.demo_dir()
    assert {p: read_xlsx(p) for p in files} == before
    assert not list(folder.glob(".*tmp"))


def test_too_few_rows_is_refused():
    with pytest.raises(ValueError):
        demo.month_table("2021-03", rows=20)
    assert all(r.outcome == demo.ELIGIBLE for r in demo.month_table("2021-03", rows=30, messy=False).rows)


def test_command_line(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine.demo",
            "--out",
            str(tmp_path),
            "--month",
            "2021-07",
            "--rows",
            "200",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert out.stdout.strip().endswith("participants-2021-07.csv")
    assert (tmp_path / "participants-2021-07.csv").exists()


def test_engine_agrees_with_the_demo(demo_files):
    """Every row ends where the demo says (no history: returning clients stay eligible)."""
    preview = pytest.importorskip("engine.preview").preview
    for path, month in zip(demo_files[:2], MONTHS[:2]):
        table = demo.month_table(month)
        result = preview(path)
        got = {e.row: demo.ELIGIBLE for e in result.eligible}
        got.update({x.row: x.reason for x in result.excluded})
        got.update({x.row: demo.ERROR for x in result.errors})
        for i, row in enumerate(table.rows):
            if row.outcome == demo.BLANK:
                continue
            expected = {"already_participated": demo.ELIGIBLE, demo.OTHER_MONTH: demo.ELIGIBLE}.get(
                row.outcome, row.outcome
            )
            assert got.get(table.spreadsheet_row(i)) == expected, (month, i, row)
