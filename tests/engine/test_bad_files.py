"""Bad files of issue 10: each answered with a message naming the file (and the row and column
where there is one), never a traceback; the ones that can be read are read."""

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from engine.config import Limits
from engine.ingest import IngestError, read_table
from engine.preview import preview
from tests.sheets import FIELD_ORDER, HEADER_SETS, RU, Row, rows_for, write_csv, write_xlsx

REPO = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "engine", "preview", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


# ------------------------------------------------------------ absurd cells


def test_csv_with_a_one_megabyte_cell_is_a_row_error(tmp_path):
    path = write_csv(
        tmp_path / "big.csv", [RU(), RU(account="100000002", client_name="Ы" * 2**20), RU(account="100000003")]
    )
    table = read_table(path)
    assert [(e.row, e.field) for e in table.errors] == [(3, "client_name")]
    error = table.errors[0]
    assert "32,767" in error.message and error.column == HEADER_SETS["ru"]["client_name"]
    assert list(table.frame["row"]) == [2, 3, 4]  # the rows around it are read
    result = preview(path)
    assert (result.rows.eligible, result.rows.errors) == (2, 1)
    done = cli(path, "--json")
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_csv_cell_larger_than_a_read_block_goes_through_the_slow_reader(tmp_path):
    # 6 MB in one cell: longer than pyarrow's read block, so the csv module reads the file.
    path = write_csv(tmp_path / "huge.csv", [RU(), RU(account="100000002", plan="x" * 6 * 2**20)])
    table = read_table(path)
    assert [(e.row, e.field) for e in table.errors] == [(3, "plan")]


def test_a_huge_cell_in_an_unknown_column_refuses_the_file_naming_row_and_column(tmp_path):
    path = tmp_path / "notes.csv"
    header = [HEADER_SETS["ru"][c] for c in FIELD_ORDER] + ["Примечание"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        row = RU()
        writer.writerow([str(getattr(row, c)) if getattr(row, c) is not None else "" for c in FIELD_ORDER] + ["ok"])
        writer.writerow(
            [str(getattr(row, c)) if getattr(row, c) is not None else "" for c in FIELD_ORDER] + ["n" * 40_000]
        )
    with pytest.raises(
        IngestError, match=r"notes\.csv: row 3, column O \('Примечание'\): a cell of more than 32,767 characters"
    ):
        read_table(path)
    done = cli(path)
    assert done.returncode == 2 and "row 3" in done.stderr and "Traceback" not in done.stderr


def test_cell_limit_is_configurable(tmp_path):
    path = write_csv(tmp_path / "m.csv", [RU(client_name="ИП " + "К" * 200)])
    assert read_table(path).errors == []
    table = read_table(path, limits=Limits(max_cell_chars=100))
    assert [(e.row, e.field) for e in table.errors] == [(2, "client_name")] and "100 characters" in table.errors[
        0
    ].message


def _with_shared_string(path: Path, placeholder: str, replacement: bytes, out: Path) -> Path:
    """Rewrite a workbook so that the cell holding `placeholder` is a shared string whose text is
    `replacement` (as Excel stores text), deflated like any workbook."""
    with zipfile.ZipFile(path) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    inline = f"<is><t>{placeholder}</t></is>".encode()
    sheet = members["xl/worksheets/sheet1.xml"]
    start = sheet.index(inline)
    cell = sheet.rindex(b"<c ", 0, start)
    members["xl/worksheets/sheet1.xml"] = (
        sheet[:cell]
        + sheet[cell:start].replace(b't="inlineStr"', b't="s"')
        + b"<v>0</v>"
        + sheet[start + len(inline) :]
    )
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1" uniqueCount="1"><si><t>' + replacement + b"</t></si></sst>"
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members.items():
            dst.writestr(name, data)
    return out


def test_xlsx_whose_one_cell_unpacks_to_megabytes_is_refused_before_reading(tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", [Row(client_name="PLACEHOLDER")])
    bomb = _with_shared_string(plain, "PLACEHOLDER", b"A" * (64 * 2**20), tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 200_000  # 64 MB of one name packs into a small file
    with pytest.raises(
        IngestError, match=r"bomb\.xlsx: the workbook holds a cell of more than 131,068 bytes .*refused"
    ):
        read_table(bomb)
    done = cli(bomb)
    assert done.returncode == 2 and "bomb.xlsx" in done.stderr and "Traceback" not in done.stderr


def test_xlsx_bomb_with_a_lowered_cell_limit(tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", [Row(client_name="PLACEHOLDER")])
    bomb = _with_shared_string(plain, "PLACEHOLDER", b"B" * 50_000, tmp_path / "b.xlsx")
    assert read_table(bomb).errors[0].field == "client_name"  # 50 000 characters: a row error at Excel's limit
    with pytest.raises(IngestError, match="b.xlsx: the workbook holds a cell of more than 4,000 bytes"):
        read_table(bomb, limits=Limits(max_cell_chars=1000))


def test_xlsx_cell_over_the_limit_but_not_absurd_is_a_row_error(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row(), Row(account="100000002", client_name="Н" * 150)])
    table = read_table(path, limits=Limits(max_cell_chars=100))
    assert [(e.row, e.field) for e in table.errors] == [(3, "client_name")]
    assert "longer than 100 characters" in table.errors[0].message


def test_unpacked_size_limit_still_applies(tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", [Row(client_name="PLACEHOLDER")])
    bomb = _with_shared_string(plain, "PLACEHOLDER", b"C" * (3 * 2**20), tmp_path / "z.xlsx")
    with pytest.raises(IngestError, match="z.xlsx: the workbook unpacks to 3 MB, more than the limit of 2 MB"):
        read_table(bomb, limits=Limits(max_uncompressed_bytes=2 * 2**20))


# ------------------------------------------------------------ ambiguous columns


@pytest.mark.parametrize("first, second", [("Дербес шот", "Account"), ("Телефон", "Phone")])
def test_two_columns_for_one_field_are_refused_naming_both(tmp_path, first, second):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    header = [HEADER_SETS["kk"][c] for c in FIELD_ORDER]
    ws.append(header + [second])
    row = Row()
    ws.append([getattr(row, c) for c in FIELD_ORDER] + ["x"])
    wb.save(path)
    letter = openpyxl.utils.get_column_letter(header.index(first) + 1)
    extra = openpyxl.utils.get_column_letter(len(header) + 1)
    with pytest.raises(IngestError) as err:
        read_table(path)
    message = str(err.value)
    assert message.startswith("two.xlsx: more than one column for the same field")
    assert f"'{first}' (column {letter})" in message and f"'{second}' (column {extra})" in message


# ------------------------------------------------------------ UTF-16 text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_utf16_tab_separated_is_read(tmp_path, encoding):
    source = write_csv(
        tmp_path / "src.csv",
        rows_for(3) + [Row(account="100000009", client_name="ЖШС «Өрлеу»", client_type="ЖШС")],
        lang="kk",
        delimiter="\t",
    )
    text = source.read_text(encoding="utf-8")
    bom = "\ufeff".encode(encoding)
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + text.encode(encoding))
    table = read_table(path)
    assert not table.errors
    assert list(table.frame["account"]) == ["100000001", "100000002", "100000003", "100000009"]
    assert table.frame["client_name"].iloc[-1] == "ЖШС «Өрлеу»" and table.frame["client_type"].iloc[-1] == "LLP"
    assert read_table(path.read_bytes(), file_name="u.txt").file_sha256 == table.file_sha256


def test_utf16_without_bom_is_still_binary(tmp_path):
    path = tmp_path / "nobom.csv"
    path.write_bytes("Дербес шот\tБСН/ЖСН\n1\t2\n".encode("utf-16-le"))
    with pytest.raises(IngestError, match="nobom.csv: not a spreadsheet"):
        read_table(path)


# ------------------------------------------------------------ formulas


def test_formula_without_a_saved_value_says_so(tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [Row(), Row(account="100000002", monthly_fee="=3000*2"), Row(account="100000003", monthly_fee=None)],
    )
    table = read_table(path)
    assert [(e.row, e.field) for e in table.errors] == [(3, "monthly_fee"), (4, "monthly_fee")]
    assert "formula without a saved value" in table.errors[0].message
    assert table.errors[1].message == "required value is missing"  # an empty cell is just missing


def test_formula_with_a_saved_value_is_read(tmp_path):
    # A formula cell with its cached value, as Excel saves it: the value is used.
    path = write_xlsx(tmp_path / "v.xlsx", [Row(monthly_fee="=3000*2")])
    with zipfile.ZipFile(path) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    assert b"<f>3000*2</f><v></v>" in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b"<f>3000*2</f><v></v>", b"<f>3000*2</f><v>6000</v>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members.items():
            dst.writestr(name, data)
    table = read_table(path)
    assert not table.errors and table.frame.loc[0, "monthly_fee"] == 6000


# ------------------------------------------------------------ never a traceback


@pytest.mark.parametrize(
    "blob", [b"PK\x03\x04" + b"\x00" * 100, b"\xff\xfe" + b"\x00\xd8" * 10, b'a;b\n"unterminated\n' * 3]
)
def test_odd_bytes_are_an_ingest_error_or_read(tmp_path, blob):
    path = tmp_path / "odd.csv"
    path.write_bytes(blob)
    try:
        read_table(path)
    except IngestError as exc:
        assert str(exc).startswith("odd.csv: ")
