"""Ingest: every input format, header language, value form and bad file of RULES.md / issue 2."""

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pytest

from engine.config import Limits
from engine.ids import is_valid
from engine.ingest import IngestError, read_table
from tests.sheets import RU, Row, invalid_id, valid_id, write_csv, write_xlsx


def frame_of(path, **kw):
    return read_table(path, **kw).frame


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_headers_in_three_languages_xlsx(tmp_path, lang):
    path = write_xlsx(tmp_path / "m.xlsx", [Row(), Row(account="100000002")], lang=lang)
    table = read_table(path)
    assert list(table.frame["account"]) == ["100000001", "100000002"]
    assert list(table.frame["row"]) == [2, 3]
    assert not table.errors


@pytest.mark.parametrize("encoding, delimiter", [("utf-8", ","), ("utf-8-sig", ";"), ("cp1251", ";"), ("cp1251", ",")])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    path = write_csv(
        tmp_path / "m.csv",
        [RU(client_name="ТОО «Степной ветер»", client_type="ТОО")],
        encoding=encoding,
        delimiter=delimiter,
    )
    f = frame_of(path)
    assert f.loc[0, "client_name"] == "ТОО «Степной ветер»"
    assert f.loc[0, "client_type"] == "LLP"


def test_headers_matched_case_and_space_insensitively(tmp_path):
    path = tmp_path / "m.csv"
    ident = valid_id(3)
    path.write_text(
        "  ЛИЦЕВОЙ   СЧЕТ ;бин/иин;Наименование  клиента;тип клиента;ДАТА ПОДКЛЮЧЕНИЯ;Абонентская плата;Менеджер\n"
        f"42;{ident};ИП Ким;ип;2021-03-05;7000;Иванов\n",
        encoding="utf-8",
    )
    table = read_table(path)
    assert table.frame.loc[0, "account"] == "42" and table.frame.loc[0, "client_type"] == "IE"
    assert "Менеджер" in table.headers  # unknown columns are kept and ignored


def test_identifiers_keep_leading_zeros_when_stored_as_numbers(tmp_path):
    ident = valid_id(7)  # starts with "0"
    assert ident.startswith("0")
    path = write_xlsx(
        tmp_path / "m.xlsx", [Row(account=7315, client_id=int(ident)), Row(account="0007316", client_id=ident)]
    )
    f = frame_of(path)
    assert list(f["account"]) == ["7315", "0007316"]  # a number never gets ".0"
    assert list(f["client_id"]) == [ident, ident]
    assert not read_table(path).errors


def test_account_trimmed(tmp_path):
    f = frame_of(write_xlsx(tmp_path / "m.xlsx", [Row(account="  123  ")]))
    assert f.loc[0, "account"] == "123"


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2021, 3, 5), dt.date(2021, 3, 5)),
        ("2021-03-05", dt.date(2021, 3, 5)),
        ("05.03.2021", dt.date(2021, 3, 5)),
        (44260, dt.date(2021, 3, 5)),
        (dt.datetime(2021, 3, 5, 14, 30), dt.date(2021, 3, 5)),
    ],
)
def test_date_forms(tmp_path, value, expected):
    f = frame_of(write_xlsx(tmp_path / "m.xlsx", [Row(connected_on=value)]))
    assert f.loc[0, "connected_on"].date() == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (6500, 6500.0),
        ("6 500", 6500.0),
        ("6\u00a0500", 6500.0),
        ("6 500,00", 6500.0),
        ("6500.00", 6500.0),
        ("5998,99", 5998.99),
        ("15 000 тг", 15000.0),
        ("6,500.50", 6500.5),
    ],
)
def test_fee_forms(tmp_path, value, expected):
    f = frame_of(write_xlsx(tmp_path / "m.xlsx", [Row(monthly_fee=value)]))
    assert f.loc[0, "monthly_fee"] == pytest.approx(expected)


@pytest.mark.parametrize(
    "word, expected",
    [
        ("yes", True),
        ("да", True),
        ("иә", True),
        ("TRUE", True),
        ("1", True),
        ("+", True),
        ("no", False),
        ("нет", False),
        ("жоқ", False),
        ("false", False),
        ("0", False),
        ("-", False),
        (None, False),
    ],
)
def test_booleans(tmp_path, word, expected):
    f = frame_of(write_xlsx(tmp_path / "m.xlsx", [Row(merged_accounts=word)]))
    assert bool(f.loc[0, "merged_accounts"]) is expected


@pytest.mark.parametrize(
    "change, field, fragment",
    [
        ({"monthly_fee": None}, "monthly_fee", "missing"),
        ({"monthly_fee": "abc"}, "monthly_fee", "not a number"),
        ({"monthly_fee": -1}, "monthly_fee", "negative"),
        ({"connected_on": "31.02.2021"}, "connected_on", "not a date"),
        ({"connected_on": None}, "connected_on", "missing"),
        ({"client_id": "12345"}, "client_id", "IIN/BIN"),
        ({"client_id": None}, "client_id", "missing"),
        ({"account": None}, "account", "missing"),
        ({"client_name": " "}, "client_name", "missing"),
        ({"client_type": None}, "client_type", "missing"),
        ({"new_client": "maybe"}, "new_client", "yes/no"),
    ],
)
def test_row_errors_name_row_field_and_column(tmp_path, change, field, fragment):
    path = write_xlsx(tmp_path / "m.xlsx", [Row(), Row(**{"account": "100000002", **change})], lang="ru")
    table = read_table(path)
    assert [(e.row, e.field) for e in table.errors] == [(3, field)]
    assert fragment in table.errors[0].message
    assert table.errors[0].column  # the header as written in the file
    assert list(table.frame["error"]) == [False, True]


def test_invalid_check_digit(tmp_path):
    table = read_table(write_xlsx(tmp_path / "m.xlsx", [Row(client_id=invalid_id(1))]))
    assert [(e.row, e.field) for e in table.errors] == [(2, "client_id")]


def test_the_file_checks_identifiers_as_engine_ids_does(tmp_path):
    # Real BINs, two of them from the second weights (first remainder 10), an IIN, and each with its
    # last digit changed, as text and as numbers (leading zeros lost): the column check is ids.is_valid.
    good = ["940140000385", "011140001654", "960240007379", "061211600012", "791028302728"]
    bad = [g[:11] + str((int(g[11]) + 1) % 10) for g in good]
    ids = good + bad
    rows = [Row(account=str(100000001 + i), client_id=cid) for i, cid in enumerate(ids)]
    rows += [Row(account=str(200000001 + i), client_id=int(cid)) for i, cid in enumerate(ids)]
    table = read_table(write_xlsx(tmp_path / "m.xlsx", rows))
    wrong = {e.row for e in table.errors if e.field == "client_id"}
    expected = {i + 2 for i, row in enumerate(rows) if not is_valid(str(row.client_id).zfill(12))}
    assert wrong == expected and len(expected) == 2 * len(bad)


def test_blank_rows_skipped_and_counted_row_numbers_kept(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row(), None, None, Row(account="100000005")])
    table = read_table(path)
    assert table.blank_rows == 2
    assert list(table.frame["row"]) == [2, 5]


def test_title_rows_above_header(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()], extra_header_rows=[["Наурыз 2021 есебі"], []])
    assert list(read_table(path).frame["row"]) == [4]


def test_named_sheet_and_hidden_first_sheet(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()], sheet="Data")
    wb = openpyxl.load_workbook(path)
    hidden = wb.create_sheet("Notes", 0)
    hidden["A1"] = "nothing here"
    hidden.sheet_state = "hidden"
    wb.save(path)
    table = read_table(path)
    assert table.sheet == "Data" and any(n.code == "hidden_sheet_skipped" for n in table.notices)
    with pytest.raises(IngestError, match="no sheet named 'Nope'.*Notes, Data"):
        read_table(path, sheet="Nope")


def test_formula_cells_read_their_saved_values(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row(monthly_fee="=3000*2")])
    # openpyxl writes the formula without a cached value: the reader sees no value and says so.
    table = read_table(path)
    assert [(e.row, e.field) for e in table.errors] == [(2, "monthly_fee")]


def test_merged_header_cells(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_cols(1)
    ws["A1"] = "Дербес шот"
    ws.merge_cells("A1:B1")
    wb.save(path)
    f = read_table(path).frame
    assert len(f) == 1  # the merged header names the first column of the merge


# ------------------------------------------------------------ whole-file errors


def test_empty_file(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(IngestError, match="e.csv: the file is empty"):
        read_table(tmp_path / "e.csv")


def test_header_only_file_reads_with_notice(tmp_path):
    table = read_table(write_xlsx(tmp_path / "h.xlsx", []))
    assert len(table.frame) == 0 and [n.code for n in table.notices] == ["no_data_rows"]


def test_missing_required_columns_named_and_headers_listed(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()], columns=["account", "client_id", "client_name", "client_type"])
    with pytest.raises(IngestError) as err:
        read_table(path)
    message = str(err.value)
    assert "m.xlsx" in message and "connected_on" in message and "monthly_fee" in message
    assert "'Дербес шот'" in message  # headers found


def test_csv_that_is_really_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()])
    fake = tmp_path / "m.csv"
    fake.write_bytes(path.read_bytes())
    table = read_table(fake)
    assert len(table.frame) == 1 and any(n.code == "xlsx_named_csv" for n in table.notices)


def test_corrupt_xlsx(tmp_path):
    data = write_xlsx(tmp_path / "m.xlsx", [Row()]).read_bytes()
    (tmp_path / "bad.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match="bad.xlsx: .*(damaged|cannot be read)"):
        read_table(tmp_path / "bad.xlsx")


def test_encrypted_workbook(tmp_path):
    # An encrypted OOXML file is an OLE2 container with EncryptionInfo/EncryptedPackage streams.
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512
    (tmp_path / "secret.xlsx").write_bytes(blob)
    with pytest.raises(IngestError, match="password-protected"):
        read_table(tmp_path / "secret.xlsx")


def test_not_a_spreadsheet(tmp_path):
    (tmp_path / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    with pytest.raises(IngestError, match="not a spreadsheet"):
        read_table(tmp_path / "photo.xlsx")
    (tmp_path / "notes.csv").write_text("just some words\nno columns here\n", encoding="utf-8")
    with pytest.raises(IngestError, match="not a spreadsheet"):
        read_table(tmp_path / "notes.csv")


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 3000)
    with pytest.raises(IngestError, match="big.csv: the file is .* MB, more than the limit"):
        read_table(path, limits=Limits(max_file_bytes=2000))


def test_zip_bomb_disguised_as_xlsx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (20 * 2**20))  # 20 MB of nothing
    (tmp_path / "bomb.xlsx").write_bytes(buf.getvalue())
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(IngestError, match="unpacks to .* MB, more than the limit"):
        read_table(tmp_path / "bomb.xlsx", limits=Limits(max_uncompressed_bytes=10 * 2**20))


def test_row_limit(tmp_path):
    path = write_csv(tmp_path / "m.csv", [Row(account=str(i)) for i in range(30)])
    with pytest.raises(IngestError, match="more than 10 rows"):
        read_table(path, limits=Limits(max_rows=10))


def test_mixed_encodings_read_line_by_line(tmp_path):
    utf = write_csv(tmp_path / "a.csv", [Row(client_name="ИП Ким")], encoding="utf-8").read_bytes()
    cp = write_csv(tmp_path / "b.csv", [RU(account="100000002", client_name="ИП Пак")], encoding="cp1251").read_bytes()
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(utf + cp.split(b"\r\n", 1)[1])
    table = read_table(mixed)
    assert list(table.frame["client_name"]) == ["ИП Ким", "ИП Пак"]
    assert any(n.code == "mixed_encoding" and "line 3" in n.text or "lines 3" in n.text for n in table.notices)


def test_sha256_of_the_file(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()])
    assert read_table(path).file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_table(path.read_bytes(), file_name="upload.xlsx").file_name == "upload.xlsx"


def test_nul_characters_in_csv_are_removed_with_a_notice(tmp_path):
    rows = [RU(account=str(100000 + i)) for i in range(60)] + [RU(account="999", client_name="ИП Пак")]
    path = write_csv(tmp_path / "m.csv", rows, encoding="utf-8")
    data = path.read_bytes()
    assert data.index("ИП Пак".encode()) > 4096  # past the binary sniff
    path.write_bytes(data.replace("ИП Пак".encode(), "ИП\x00 Пак".encode()))
    table = read_table(path)
    assert table.frame["client_name"].iloc[-1] == "ИП Пак"
    assert any(n.code == "nul_removed" for n in table.notices)
