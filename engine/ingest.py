"""Monthly participant spreadsheets -> typed columns and row-level errors.

Reads XLSX (python-calamine; first visible sheet or a named one) and CSV / TSV
(UTF-8 with or without BOM, Windows-1251, UTF-16 with BOM; comma, semicolon or
tab) into columns, finds the header row, maps Kazakh / Russian / English
headers to the canonical fields of RULES.md and types every column: each
distinct value is parsed once and the result mapped back onto the column, so
the work grows with the distinct values, not with the cells.
A file that cannot be read at all raises `IngestError` with a message naming
the file; a value that cannot be read becomes a `RowError` naming its row
(spreadsheet numbering: the header is row 1) and field.

Why python-calamine and not fastexcel for XLSX: RULES.md treats a number cell
and a text cell differently (an IIN/BIN stored as a number is zero-padded, a
date stored as a number is an Excel date, a fee stored as a number is taken at
the exact binary value Excel stored). fastexcel renders a column that mixes
numbers and text as text and loses which cell was which (a number 7315 and a
text "7315" come out alike); telling them apart needs a second full parse of
the sheet, which costs more than calamine's typed cells.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import operator
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import repeat
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
from python_calamine import CalamineWorkbook

from engine.config import Limits
from engine.ids import valid_digits
from engine.rules import Notice

# Canonical field -> accepted headers (RULES.md). Matching is case-insensitive
# after trimming and folding inner white space; "ё" reads as "е".
HEADERS: dict[str, tuple[str, ...]] = {
    "account": ("Дербес шот", "Лицевой счет", "Лицевой счёт", "Account", "Personal account"),
    "client_id": ("БСН/ЖСН", "ЖСН/БСН", "БИН/ИИН", "ИИН/БИН", "BIN/IIN", "BIN", "IIN"),
    "client_name": ("Клиент атауы", "Наименование клиента", "Client name"),
    "client_type": ("Клиент түрі", "Тип клиента", "Client type"),
    "connected_on": ("Қосылған күні", "Дата подключения", "Connection date"),
    "monthly_fee": ("Абоненттік төлем", "Абонентская плата", "Monthly fee"),
    "plan": ("Тарифтік жоспар", "Тарифный план", "Plan"),
    "previous_service_until": (
        "Алдыңғы қызмет аяқталған күн",
        "Дата окончания предыдущих услуг",
        "Previous service until",
    ),
    "new_client": ("Жаңа клиент", "Новый клиент", "New client"),
    "disconnected_on": ("Ажырату күні", "Дата отключения", "Disconnected on"),
    "merged_accounts": ("Шоттар біріктірілген", "Объединение лицевых счетов", "Merged accounts"),
    "phone": ("Телефон", "Phone"),
    "email": ("Email", "Эл. пошта", "Эл. почта"),
    "region": ("Өңір", "Регион", "Region"),
}
REQUIRED = ("account", "client_id", "client_name", "client_type", "connected_on", "monthly_fee")
TEXT_FIELDS = ("account", "client_id", "client_name", "client_type", "plan", "phone", "email", "region")
DATE_FIELDS = ("connected_on", "previous_service_until", "disconnected_on")
BOOL_FIELDS = ("new_client", "merged_accounts")
FIELD_ORDER = {f: i for i, f in enumerate(HEADERS)}

TRUE_WORDS = frozenset({"yes", "да", "иә", "true", "1", "+"})
FALSE_WORDS = frozenset({"no", "нет", "жоқ", "false", "0", "-", ""})
CLIENT_TYPES = {"жк": "IE", "ип": "IE", "ie": "IE", "жшс": "LLP", "тоо": "LLP", "llp": "LLP"}
# "a value containing ЖК, ИП or IE means the ЖК bundle": matched as words, so
# that "Premier" does not count as containing "IE".
BUNDLE_RE = re.compile(r"(?<!\w)(?:жк|ип|ie)(?!\w)", re.IGNORECASE)
HEADER_SCAN_ROWS = 20
EXCEL_EPOCH = dt.date(1899, 12, 30)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Every character str.strip() removes: utf8_trim with these is exactly Python's strip.
WHITESPACE = "\x09\x0a\x0b\x0c\x0d\x1c\x1d\x1e\x1f\x20\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

MISSING = "required value is missing"
FORMULA = "a formula without a saved value (open the file in Excel and save it, or paste the values)"


class IngestError(Exception):
    """The file as a whole cannot be used; the message says why and names the file."""


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str
    column: str = ""  # the header as written in the file


@dataclass
class Table:
    """Typed rows of one sheet. `data` (pyarrow) has one row per non-blank data
    row: `row`, the canonical text fields but `plan` (absent optional fields are
    empty text), `client_type` ("IE", "LLP" or ""), `bundle` (the plan names the ЖК bundle), the
    date fields (date32, null when empty or unreadable), `monthly_fee` (float),
    `fee_code` (index into `fee_values`, the distinct exact fees in ascending
    order; -1 when missing or unreadable), the booleans (null when absent or
    unreadable) and `error` (True when the row has a RowError)."""

    file_name: str
    file_sha256: str
    sheet: str
    headers: list[str]
    columns: dict[str, str]  # canonical field -> header as found
    data: pa.Table
    fee_values: list[Decimal]
    blank_rows: int
    errors: list[RowError] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # client_id as codes into its distinct values (equal text, equal code), for grouping by client
    client_codes: np.ndarray | None = field(default=None, repr=False)
    client_dictionary: pa.Array | None = field(default=None, repr=False)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.columns)

    @property
    def frame(self):
        """The typed rows as a pandas DataFrame (for tests and ad-hoc use; imports pandas)."""
        frame = self.data.to_pandas(date_as_object=False)
        for name in DATE_FIELDS:
            frame[name] = frame[name].astype("datetime64[s]")
        codes = self.data.column("fee_code").to_numpy()
        values = np.array([None, *self.fee_values], dtype=object)
        frame["fee_exact"] = values[codes + 1]
        return frame


def _norm_header(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("\u00a0", " ").split()).casefold().replace("ё", "е")


_ALIASES = {_norm_header(h): f for f, names in HEADERS.items() for h in names}


def read_table(
    source: str | os.PathLike | bytes,
    file_name: str | None = None,
    sheet: str | None = None,
    limits: Limits | None = None,
) -> Table:
    """Read one spreadsheet into typed rows. Raises IngestError when it cannot."""
    limits = limits or Limits.from_env()
    path: Path | None = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = file_name or "upload"
        if len(data) > limits.max_file_bytes:
            raise IngestError(_too_big(name, len(data), limits))
        head = data[:8]
    else:
        path = Path(source)
        name = file_name or path.name
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                raise IngestError(_too_big(name, size, limits))
            with open(path, "rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            raise IngestError(f"{name}: cannot open the file ({exc.strerror or exc})") from exc
        data = None
    try:
        if head.startswith(XLSX_MAGIC) or head.startswith(OLE2_MAGIC):
            if data is None:
                data = _read_bytes(path, name)
            return _read_book(data, name, sheet, limits)
        return _read_text(data, path, name, limits)
    except IngestError:
        raise
    except MemoryError as exc:
        raise IngestError(f"{name}: the file is too large to read on this server") from exc
    except Exception as exc:  # anything else is a file we could not read: never a traceback
        raise IngestError(f"{name}: the file cannot be read ({_short(exc)})") from exc


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{name}: cannot open the file ({exc.strerror or exc})") from exc


def _too_big(name: str, size: int, limits: Limits) -> str:
    return (
        f"{name}: the file is {size / 2**20:.0f} MB, more than the limit of "
        f"{limits.max_file_bytes / 2**20:.0f} MB (PROMOTION_MAX_FILE_MB); split it by month"
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------- XLSX / XLS


def _read_book(data: bytes, name: str, sheet: str | None, limits: Limits) -> Table:
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    sha = hashlib.sha256(data).hexdigest()
    notices: list[Notice] = []
    formula_cells = None
    if data.startswith(XLSX_MAGIC):
        if name.lower().endswith((".csv", ".txt", ".tsv")):
            notices.append(
                Notice(
                    "xlsx_named_csv",
                    f"{name}: the file is an Excel workbook although its name ends in .csv; it was read as a workbook.",
                )
            )
        _check_xlsx(data, name, limits)
        grid, sheet_name = _read_workbook(data, name, sheet, limits, notices)
        formula_cells = lambda: _formula_cells(data, sheet_name)  # noqa: E731 - only asked when a value is missing
    else:
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise IngestError(
                f"{name}: the workbook is password-protected (encrypted); open it in Excel, "
                "remove the password and save it again"
            )
        grid, sheet_name = _read_workbook(data, name, sheet, limits, notices)  # a legacy .xls
    if not grid:
        raise IngestError(f"{name}: the sheet is empty")
    header_index, mapping, headers = _find_header(grid, name)
    body = grid[header_index + 1 :]
    del grid[header_index + 1 :]
    columns = list(zip(*body)) if body else []
    # A row is blank when every cell is empty (also cells of unknown columns): checked column by
    # column on the rows still in doubt, so the first filled column settles almost every row.
    doubt = range(len(body))
    for col in columns:
        if not doubt:
            break
        doubt = [i for i in doubt if (c := col[i]) is None or c.__class__ is str and not c.strip() or c != c]
    blank = np.zeros(len(body), dtype=bool)
    blank[list(doubt)] = True
    del body
    raw = {f: (columns[c] if c < len(columns) else ()) for f, c in mapping.items()}
    header_names = {f: str(grid[header_index][c]).strip() for f, c in mapping.items()}
    return _build_table(
        raw, mapping, blank, header_index, header_names, headers, name, sha, sheet_name, notices, limits, formula_cells
    )


def _check_xlsx(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a workbook whose unpacked size or whose single cells are absurd, before any cell is read:
    a 1 MB file can unpack to a gigabyte (a zip bomb), and one text cell can be most of it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            members = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if total > limits.max_uncompressed_bytes:
                raise IngestError(
                    f"{name}: the workbook unpacks to {total / 2**20:.0f} MB, more than the limit of "
                    f"{limits.max_uncompressed_bytes / 2**20:.0f} MB (PROMOTION_MAX_UNCOMPRESSED_MB); "
                    "it is refused to protect the server"
                )
            if "[Content_Types].xml" not in members or not any(m.startswith("xl/") for m in members):
                raise IngestError(f"{name}: this ZIP file is not an Excel workbook (.xlsx)")
            for info in infos:
                # Spreadsheet XML packs about 10:1. Far more is a long run of repeated text: look for
                # a text node longer than any cell may be, without keeping what was unpacked.
                if (
                    info.filename.startswith("xl/")
                    and info.file_size > 4 * limits.max_cell_chars
                    and (
                        info.file_size > 50 * max(info.compress_size, 1) or info.filename.endswith("sharedStrings.xml")
                    )
                ):
                    _scan_text_runs(zf, info, name, limits)
    except zipfile.BadZipFile as exc:
        raise IngestError(f"{name}: the workbook is damaged (not a readable ZIP/XLSX file)") from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise IngestError(f"{name}: the workbook is damaged ({_short(exc)})") from exc


def _scan_text_runs(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    # Text inside XML never holds a raw "<": the longest run without one bounds the longest cell.
    # UTF-8 takes at most 4 bytes a character, so a run over 4x the limit is certainly too long.
    most = 4 * limits.max_cell_chars
    run = 0
    with zf.open(info) as fh:
        while chunk := fh.read(8 * 2**20):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            where = np.flatnonzero(arr == 60)
            if not len(where):
                run += len(chunk)
            else:
                longest = max(run + int(where[0]), int(np.diff(where).max()) if len(where) > 1 else 0)
                if longest > most:
                    run = longest
                else:
                    run = len(chunk) - 1 - int(where[-1])
            if run > most:
                raise IngestError(
                    f"{name}: the workbook holds a cell of more than {most:,} bytes of text "
                    f"(in {info.filename}); a spreadsheet cell holds at most {limits.max_cell_chars:,} characters "
                    "(PROMOTION_MAX_CELL_CHARS), so the file is refused"
                )


def _read_workbook(data: bytes, name: str, sheet: str | None, limits: Limits, notices: list[Notice]):
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for broken files
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise IngestError(
                f"{name}: the workbook is password-protected; remove the password and save it again"
            ) from exc
        raise IngestError(f"{name}: the workbook cannot be read ({_short(exc)})") from exc
    try:
        metas = list(wb.sheets_metadata)
        names = [m.name for m in metas]
        if sheet is not None:
            if sheet not in names:
                raise IngestError(f"{name}: there is no sheet named {sheet!r}; the sheets are: {', '.join(names)}")
            chosen = sheet
        else:
            visible = [
                m.name
                for m in metas
                if str(m.visible).lower().endswith("visible") and "hidden" not in str(m.visible).lower()
            ]
            worksheets = [m.name for m in metas if "work" in str(m.typ).lower()] or names
            candidates = [n for n in worksheets if n in visible] or worksheets
            if not candidates:
                raise IngestError(f"{name}: the workbook has no sheets")
            chosen = candidates[0]
            if chosen != names[0]:
                notices.append(
                    Notice(
                        "hidden_sheet_skipped",
                        f"{name}: the first sheet is hidden; read the first visible sheet {chosen!r}.",
                    )
                )
        ws = wb.get_sheet_by_name(chosen)
        if ws.total_height > limits.max_rows + HEADER_SCAN_ROWS:
            raise IngestError(
                f"{name}: sheet {chosen!r} has {ws.total_height} rows, more than the limit of "
                f"{limits.max_rows} (PROMOTION_MAX_ROWS)"
            )
        grid = ws.to_python(skip_empty_area=False)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"{name}: the workbook cannot be read ({_short(exc)})") from exc
    return grid, chosen


_FORMULA_CELL = re.compile(  # a formula cell whose saved value is absent or empty
    rb'<c r="([A-Z]+)([0-9]+)"[^>]*?(?<!/)>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v>\s*</v>|<v/>)?(?:<is>.*?</is>)?</c>',
    re.S,
)


_FORMULA_TAG = re.compile(rb"<f[ >/]")


def _formula_cells(data: bytes, sheet: str) -> set[tuple[int, int]]:
    """(row, 0-based column) of the formula cells of `sheet` that carry no saved value. Read only
    when a required value is missing, to say why (openpyxl and other writers save formulas unevaluated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = None
            for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", book):
                attrs = m.group(1)
                sheet_name = re.search(r'\bname="([^"]*)"', attrs)
                if sheet_name and _xml_unescape(sheet_name.group(1)) == sheet:
                    found = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', attrs)
                    rid = found and (found.group(1) or found.group(2))
                    break
            target = None
            for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
                if rid and re.search(rf'\bId="{re.escape(rid)}"', m.group(1)):
                    target = re.search(r'\bTarget="([^"]*)"', m.group(1)).group(1)
            if not target:
                return set()
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            info = zf.getinfo(member)
        # Most sheets hold no formula at all: look for one while unpacking (raw inflate, no CRC:
        # the workbook was read whole already) and keep the XML only when there is one.
        found = False
        for chunk in _inflate(data, info):
            if _FORMULA_TAG.search(chunk) or chunk.endswith((b"<", b"<f")):
                found = True
                break
        if not found:
            return set()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read(member)
    except Exception:  # a best effort to explain a missing value: never a reason to fail
        return set()
    cells = set()
    for m in _FORMULA_CELL.finditer(xml):
        col = 0
        for ch in m.group(1):
            col = col * 26 + ch - 64
        cells.add((int(m.group(2)), col - 1))
    return cells


def _inflate(data: bytes, info: zipfile.ZipInfo, size: int = 8 * 2**20):
    """The member's bytes in pieces, straight from the deflate stream."""
    local = data[info.header_offset : info.header_offset + 30]
    start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    raw = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), size):
            yield bytes(raw[i : i + size])
        return
    inflater = zlib.decompressobj(-15)
    for i in range(0, len(raw), 2**20):
        piece = inflater.decompress(raw[i : i + 2**20])
        if piece:
            yield piece
    tail = inflater.flush()
    if tail:
        yield tail


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


# ---------------------------------------------------------------------- CSV

_CHUNK = 4 * 2**20


def _read_text(data: bytes | None, path: Path | None, name: str, limits: Limits) -> Table:
    """CSV / TSV. A valid UTF-8 file on disk is read by pyarrow straight from the file (no copy of
    the whole text in memory); other encodings are decoded here and handed over as UTF-8."""
    notices: list[Notice] = []
    if data is not None:
        sha = hashlib.sha256(data).hexdigest()
        if not data.strip():
            raise IngestError(f"{name}: the file is empty")
        source, utf8, nul = data, _is_utf8(data), b"\x00" in data
    else:
        digest, checker, utf8, nul, size, first = hashlib.sha256(), _Utf8Check(), True, False, 0, b""
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    if not size:
                        first = chunk
                    size += len(chunk)
                    digest.update(chunk)
                    nul = nul or b"\x00" in chunk
                    utf8 = utf8 and checker.feed(chunk)
            utf8 = utf8 and checker.done()
        except OSError as exc:
            raise IngestError(f"{name}: cannot open the file ({exc.strerror or exc})") from exc
        sha = digest.hexdigest()
        if size <= len(first) and not first.strip():
            raise IngestError(f"{name}: the file is empty")
        source = path
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or not utf8 or nul:
            source = data = _read_bytes(path, name)
    if isinstance(source, bytes) and source.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
        try:
            text = source.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{name}: the file says it is UTF-16 text but is not; save it as CSV UTF-8") from exc
        source, utf8 = text.encode("utf-8"), True
        nul = "\x00" in text
        del text
    elif isinstance(source, bytes) and b"\x00" in source[:4096]:
        raise IngestError(f"{name}: not a spreadsheet (binary content); upload an .xlsx or .csv file")
    if not utf8:
        text = _decode(source, name, notices)
        source = text.encode("utf-8")
        del text
    if nul:
        # NUL characters cannot be stored (PostgreSQL refuses them) and are never meant.
        source = source.replace(b"\x00", b"")
        notices.append(Notice("nul_removed", f"{name}: NUL characters in the text were removed."))
    return _read_csv(source, name, sha, limits, notices)


class _Utf8Check:
    """Valid UTF-8, checked piece by piece by Arrow's validator (the text is never decoded whole);
    a character cut at a piece's end is carried to the next piece."""

    def __init__(self) -> None:
        self.carry = b""

    def feed(self, chunk: bytes) -> bool:
        data = self.carry + chunk if self.carry else chunk
        cut = len(data)
        back = 0
        while cut > 0 and back < 4 and data[cut - 1] & 0xC0 == 0x80:
            cut -= 1
            back += 1
        if cut > 0 and data[cut - 1] >= 0xC0:
            cut -= 1
        else:
            cut = len(data) if back == 0 else cut + back  # continuation bytes after ASCII: let the validator judge
        self.carry = data[cut:]
        return _valid_utf8(data[:cut] if cut < len(data) else data)

    def done(self) -> bool:
        return _valid_utf8(self.carry) if self.carry else True


def _valid_utf8(data: bytes) -> bool:
    if not data:
        return True
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32).tobytes())
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _is_utf8(data: bytes) -> bool:
    checker = _Utf8Check()
    view = memoryview(data)
    return all(checker.feed(bytes(view[i : i + _CHUNK])) for i in range(0, len(view), _CHUNK)) and checker.done()


def _decode(data: bytes, name: str, notices: list[Notice]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Not UTF-8 as a whole: decode line by line so that a file pasted together
    # from UTF-8 and Windows-1251 parts still reads, and say which lines were which.
    lines = data.split(b"\n")
    out, cp_lines, utf_lines = [], [], 0
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
            if any(b > 0x7F for b in line):
                utf_lines += 1
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1251"))
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{name}: line {number} is neither UTF-8 nor Windows-1251 text; "
                    "save the file as CSV UTF-8 or as an Excel workbook"
                ) from exc
            cp_lines.append(number)
    if utf_lines:
        shown = ", ".join(map(str, cp_lines[:10])) + (" …" if len(cp_lines) > 10 else "")
        notices.append(
            Notice(
                "mixed_encoding",
                f"{name}: mixed text encodings: lines {shown} are Windows-1251, the rest UTF-8; each line was read in its own encoding.",
            )
        )
    return "\n".join(out)


def _head_text(source: bytes | Path, size: int = 2**20) -> str:
    if isinstance(source, bytes):
        head = source[:size]
    else:
        with open(source, "rb") as fh:
            head = fh.read(size)
    return head.decode("utf-8", "ignore").removeprefix("\ufeff")


def _read_csv(source: bytes | Path, name: str, sha: str, limits: Limits, notices: list[Notice]) -> Table:
    head = _head_text(source)
    first_lines = [line for line in head[:20000].splitlines() if line.strip()][:HEADER_SCAN_ROWS]
    if not first_lines:
        raise IngestError(f"{name}: the file is empty")
    semis = sum(line.count(";") for line in first_lines)
    commas = sum(line.count(",") for line in first_lines)
    tabs = sum(line.count("\t") for line in first_lines)
    delimiter = max(((semis, ";"), (commas, ","), (tabs, "\t")))[1]
    if max(semis, commas, tabs) == 0:
        raise IngestError(
            f"{name}: not a spreadsheet: no columns separated by ';', ',' or tabs were found; "
            "upload an .xlsx file or a CSV export"
        )
    csv.field_size_limit(max(limits.max_file_bytes, 131072))
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    grid = []
    try:
        for record in reader:
            grid.append(record)
            if len(grid) >= HEADER_SCAN_ROWS:
                break
    except csv.Error:
        pass  # the head may end inside a quoted field; the rows before it are enough to find the header
    if not grid:
        raise IngestError(f"{name}: the file is empty")
    header_index, mapping, headers = _find_header(grid, name)
    width = len(grid[header_index])
    try:
        columns, total = _arrow_csv(source, delimiter, width)
    except IngestError:
        raise
    except Exception:
        # pyarrow refused the file (a row longer than its block, a quoting it reads otherwise):
        # the csv module reads anything, only slower.
        columns, total = _python_csv(source, delimiter, width, limits, name)
    if total > limits.max_rows + HEADER_SCAN_ROWS:
        raise IngestError(f"{name}: more than {limits.max_rows} rows (PROMOTION_MAX_ROWS)")
    body = [c.slice(header_index + 1) for c in columns]
    blank = _blank_rows_arrow(body)
    header_names = {f: str(grid[header_index][c]).strip() for f, c in mapping.items()}
    too_long = _oversized_unmapped(body, mapping, limits)
    if too_long is not None:
        row, col = too_long
        header = grid[header_index][col] if col < len(grid[header_index]) else ""
        raise IngestError(
            f"{name}: row {row + header_index + 2}, column {_column_letter(col)}"
            + (f" ({str(header).strip()!r})" if str(header).strip() else "")
            + f": a cell of more than {limits.max_cell_chars:,} characters, the most a spreadsheet cell holds "
            "(PROMOTION_MAX_CELL_CHARS); the file is refused"
        )
    raw = {f: body[c] for f, c in mapping.items()}
    del body, columns
    _release()
    return _build_table(raw, mapping, blank, header_index, header_names, headers, name, sha, "", notices, limits, None)


def _arrow_csv(source: bytes | Path, delimiter: str, width: int) -> tuple[list[pa.Array], int]:
    """Every record of the file as `width` text columns. Records with another number of
    fields (title lines, ragged lines) are read apart by the csv module and put back in place;
    the cells beyond `width` are kept as extra columns."""
    names = [f"c{i}" for i in range(width)]
    odd: list[tuple[int, str]] = []

    def invalid(row) -> str:
        odd.append((row.number, row.text))
        return "skip"

    def read(threads: bool):
        odd.clear()
        src = pa.BufferReader(source) if isinstance(source, bytes) else str(source)
        return pv.read_csv(
            src,
            read_options=pv.ReadOptions(column_names=names, use_threads=threads, block_size=4 * 2**20),
            parse_options=pv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=invalid
            ),
            convert_options=pv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    # One thread: it numbers the lines of another width (in threads pyarrow may not), and holds
    # one block at a time, which keeps a million-row month under its memory goal.
    table = read(False)
    columns = list(table.columns)  # chunked: each column is combined once, when it is typed
    del table
    if not odd:
        return columns, len(columns[0]) if columns else 0
    if any(number is None for number, _ in odd):
        raise ValueError("row numbers of ragged lines unknown")
    records = []
    for _, text in odd:
        parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        records.append([c for rec in parsed for c in rec] if len(parsed) != 1 else parsed[0])
    extra = max(len(r) for r in records)
    n_valid = len(columns[0]) if columns else 0
    total = n_valid + len(odd)
    positions = np.array([number - 1 for number, _ in odd], dtype=np.int64)
    is_odd = np.zeros(total, dtype=bool)
    is_odd[positions] = True
    order = np.empty(total, dtype=np.int64)
    order[~is_odd] = np.arange(n_valid)
    order[positions] = n_valid + np.arange(len(odd))
    out = []
    for i in range(max(width, extra)):
        tail = _strings([r[i] if i < len(r) else None for r in records])
        head = columns[i].combine_chunks() if i < width else pa.nulls(n_valid, pa.string())
        columns[i] = None if i < width else None
        out.append(pa.concat_arrays([head, tail]).take(pa.array(order)))
        del head
    return out, total


def _python_csv(source: bytes | Path, delimiter: str, width: int, limits: Limits, name: str):
    data = source if isinstance(source, bytes) else _read_bytes(source, name)
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    grid = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            grid.append(record)
            if len(grid) > limits.max_rows + HEADER_SCAN_ROWS:
                raise IngestError(f"{name}: more than {limits.max_rows} rows (PROMOTION_MAX_ROWS)")
    except csv.Error as exc:
        raise IngestError(f"{name}: line {len(grid) + 1} cannot be read as CSV ({_short(exc)})") from exc
    full = max([width, *map(len, grid)])
    columns = [_strings([r[i] if i < len(r) else None for r in grid]) for i in range(full)]
    return columns, len(grid)


def _blank_rows_arrow(body: list[pa.Array]) -> np.ndarray:
    """Rows whose every cell is empty or white space: checked column by column on the
    rows still in doubt, so the first filled column settles almost every row."""
    n = len(body[0]) if body else 0
    doubt = np.arange(n)
    for col in body:
        if not len(doubt):
            break
        cells = col.take(pa.array(doubt)) if len(doubt) < n else col
        empty = pc.fill_null(pc.equal(pc.utf8_length(pc.utf8_trim(cells, WHITESPACE)), 0), True)
        doubt = doubt[empty.to_numpy(zero_copy_only=False)]
    blank = np.zeros(n, dtype=bool)
    blank[doubt] = True
    return blank


def _oversized_unmapped(body: list[pa.Array], mapping: dict[str, int], limits: Limits):
    mapped = set(mapping.values())
    for i, col in enumerate(body):
        if i in mapped or not len(col):
            continue
        lengths = pc.utf8_length(col)
        top = pc.max(lengths).as_py()
        if top is not None and top > limits.max_cell_chars:
            return int(pc.index(pc.greater(lengths, limits.max_cell_chars), True).as_py()), i
    return None


# ------------------------------------------------------------ header + types


def _find_header(grid: list[list], name: str) -> tuple[int, dict[str, int], list[str]]:
    best = (-1, 0, {})
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for col, cell in enumerate(row):
            fieldname = _ALIASES.get(_norm_header(cell))
            if fieldname and fieldname not in mapping:
                mapping[fieldname] = col
        required = sum(1 for f in REQUIRED if f in mapping)
        if required > best[1]:
            best = (index, required, mapping)
    index, _, mapping = best
    header_row = grid[index] if index >= 0 else (grid[0] if grid else [])
    headers = [str(c).strip() for c in header_row if c not in (None, "")]
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        wanted = "; ".join(f"{f} ({' / '.join(HEADERS[f][:3])})" for f in missing)
        found = ", ".join(repr(h) for h in headers) or "none"
        raise IngestError(f"{name}: missing required columns: {wanted}. Headers found: {found}")
    # Two columns for one field: which one is meant cannot be guessed.
    seen: dict[str, list[int]] = {}
    for col, cell in enumerate(header_row):
        fieldname = _ALIASES.get(_norm_header(cell))
        if fieldname:
            seen.setdefault(fieldname, []).append(col)
    twice = {f: cols for f, cols in seen.items() if len(cols) > 1}
    if twice:
        parts = "; ".join(
            f"{f}: " + " and ".join(f"{str(header_row[c]).strip()!r} (column {_column_letter(c)})" for c in cols)
            for f, cols in twice.items()
        )
        raise IngestError(
            f"{name}: more than one column for the same field ({parts}); keep one of them and upload the file again"
        )
    return index, mapping, headers


def _release() -> None:
    """Hand freed Arrow memory back to the system now: the allocator keeps what a column let go
    otherwise, and a million-row month would hold every intermediate at once."""
    pa.default_memory_pool().release_unused()


def _strings(values) -> pa.Array:
    """Text values as an Arrow array, through numpy: pyarrow imports pandas to look at a Python list."""
    return (
        pa.array(np.asarray(values, dtype=object), type=pa.string())
        if len(values)
        else pa.array(np.array([], dtype=object), type=pa.string())
    )


class _Column:
    """One raw column, its blank rows dropped: the text cells as Arrow, any other cells (numbers,
    dates, booleans from a workbook) as distinct values with a code per cell. Parsing runs once
    per distinct value and the result is mapped back onto the rows."""

    def __init__(self, raw, keep: np.ndarray):
        self.is_str = None  # None: every cell is text
        if isinstance(raw, (pa.Array, pa.ChunkedArray)):
            arr = raw.filter(pa.array(keep)) if not keep.all() else raw
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            self.strs = pc.fill_null(arr, "") if arr.null_count else arr
            return
        objs = np.empty(len(raw), dtype=object)
        objs[:] = raw
        if not keep.all():
            objs = objs[keep]
        # type(cell) is str, cell by cell in C (map + operator.is_), not through numpy's object ==.
        is_str = np.fromiter(map(operator.is_, map(type, objs), repeat(str)), dtype=bool, count=len(objs))
        if is_str.all():
            self.strs = _strings(objs)
            return
        self.is_str = is_str
        self.strs = _strings(objs[is_str])
        seen: dict = {}
        values: list = []
        codes = []
        append = codes.append
        for v in objs[~is_str]:
            key = (v.__class__, v)
            try:
                append(seen[key])
            except KeyError:
                seen[key] = len(values)
                append(len(values))
                values.append(v)
            except TypeError:  # an unhashable cell
                append(len(values))
                values.append(v)
        self.other_values = values
        self.other_codes = np.asarray(codes, dtype=np.int64)

    def _order(self, k: int) -> pa.Array:
        idx = np.empty(len(self.is_str), dtype=np.int64)
        idx[self.is_str] = np.arange(k)
        idx[~self.is_str] = k + np.arange(len(idx) - k)
        return pa.array(idx)

    def distinct(self) -> tuple[list, np.ndarray]:
        enc = pc.dictionary_encode(self.strs)
        values = enc.dictionary.to_pylist()
        codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        if self.is_str is None:
            return values, codes
        full = np.empty(len(self.is_str), dtype=np.int64)
        full[self.is_str] = codes
        full[~self.is_str] = len(values) + self.other_codes
        return values + self.other_values, full

    def text(self, pad: int) -> pa.Array:
        trimmed = pc.utf8_trim(self.strs, WHITESPACE) if _may_need_trim(self.strs) else self.strs
        if self.is_str is None:
            return trimmed
        others = _strings([_cell_text(v, pad) for v in self.other_values]).take(pa.array(self.other_codes))
        return pa.concat_arrays([trimmed, others]).take(self._order(len(trimmed)))


# Bytes that can begin / end a white-space character in UTF-8 (see WHITESPACE): a column none of
# whose values begins or ends with one needs no trimming (identifiers, phones, e-mails mostly).
_WS_FIRST = np.zeros(256, dtype=bool)
_WS_LAST = np.zeros(256, dtype=bool)
for _ch in WHITESPACE:
    _bytes = _ch.encode("utf-8")
    _WS_FIRST[_bytes[0]] = True
    _WS_LAST[_bytes[-1]] = True


def _may_need_trim(arr: pa.Array) -> bool:
    if not len(arr) or arr.type != pa.string():
        return bool(len(arr))
    buffers = arr.buffers()
    if buffers[2] is None:
        return False
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    return bool(_WS_FIRST[data[starts[filled]]].any() or _WS_LAST[data[ends[filled] - 1]].any())


def _map(parse, column: _Column):
    """parse() on each distinct value; the results and each row's code into them."""
    values, codes = column.distinct()
    return [parse(v) for v in values], codes


def _build_table(
    raw: dict,
    mapping: dict[str, int],
    blank: np.ndarray,
    header_index: int,
    header_names: dict[str, str],
    headers: list[str],
    name: str,
    sha: str,
    sheet: str,
    notices: list[Notice],
    limits: Limits,
    formula_cells,
) -> Table:
    n_body = len(blank)
    nonblank = np.flatnonzero(~blank)
    last = int(nonblank[-1]) + 1 if len(nonblank) else 0
    blank_rows = int(blank[:last].sum())  # trailing empty rows are formatting, not rows
    keep = ~blank
    first_data_row = header_index + 2  # spreadsheet numbering, header on row header_index+1
    rows = (np.flatnonzero(keep) + first_data_row).astype(np.int64)
    n = len(rows)

    errors: list[tuple[np.ndarray, str, str]] = []  # (mask, field, message)
    error_mask = np.zeros(n, dtype=bool)

    def fail(mask: np.ndarray, fieldname: str, message: str) -> None:
        nonlocal error_mask
        if mask.any():
            errors.append((mask, fieldname, message))
            error_mask = error_mask | mask

    def column(f: str) -> _Column:
        # Each raw column is typed and let go in turn: at most one column is held twice.
        _release()
        values = raw.pop(f)
        if len(values) < n_body:  # a column cut short (no cells under its header at all)
            values = list(values) + [""] * (n_body - len(values))
        return _Column(values, keep)

    out: dict[str, pa.Array] = {"row": pa.array(rows)}
    empty_text = _strings(np.full(n, "", dtype=object))
    oversized: list[tuple[np.ndarray, str]] = []
    for f in TEXT_FIELDS:
        if f not in raw:
            out[f] = empty_text
            continue
        text = column(f).text(12 if f == "client_id" else 0)
        lengths = pc.utf8_length(text).to_numpy(zero_copy_only=False)
        if n and lengths.max() > limits.max_cell_chars:
            big = lengths > limits.max_cell_chars
            oversized.append((big, f))
            text = pc.if_else(pa.array(big), "", text)
        out[f] = text
        if f in REQUIRED:
            fail(lengths == 0, f, MISSING)
    for big, f in oversized:
        fail(big, f, f"the cell is longer than {limits.max_cell_chars:,} characters, the most a spreadsheet cell holds")

    for f in DATE_FIELDS:
        if f not in raw:
            out[f] = pa.nulls(n, pa.date32())
            continue
        parsed, codes = _map(_parse_date, column(f))
        days = np.array(
            [p.toordinal() - _EPOCH_ORDINAL if p not in (None, False) else 0 for p in parsed], dtype=np.int32
        )
        bad_v = np.array([p is False for p in parsed], dtype=bool)
        none_v = np.array([p is None for p in parsed], dtype=bool)
        bad, none = bad_v[codes], none_v[codes]
        out[f] = pa.array(days[codes], type=pa.int32(), mask=bad | none).cast(pa.date32())
        fail(bad, f, "not a date (expected 2021-03-05, 05.03.2021 or an Excel date)")
        if f in REQUIRED:
            fail(none, f, MISSING)

    # Fees: the exact Decimal of every distinct value, sorted, and a code per row (RULES.md: fees are compared exactly).
    fee_values: list[Decimal] = []
    if "monthly_fee" in raw:
        parsed, codes = _map(_parse_fee, column("monthly_fee"))
        fee_values = sorted({p for p in parsed if isinstance(p, Decimal)})
        rank = {v: i for i, v in enumerate(fee_values)}
        code_v = np.array(
            [rank[p] if isinstance(p, Decimal) else (-2 if p is False else -1) for p in parsed], dtype=np.int64
        )
        fee_code = code_v[codes] if len(codes) else np.zeros(0, dtype=np.int64)
        float_v = np.array([float(v) for v in fee_values] + [np.nan], dtype=float)
        missing, bad = fee_code == -1, fee_code == -2
        fee_code = np.where(bad, -1, fee_code)
        negative_v = np.array([v < 0 for v in fee_values] + [False], dtype=bool)
        fail(missing, "monthly_fee", MISSING)
        fail(bad, "monthly_fee", "not a number (expected e.g. 6 500 or 6500,00)")
        fail(negative_v[fee_code], "monthly_fee", "negative monthly fee")
        out["monthly_fee"] = pa.array(float_v[fee_code])
        out["fee_code"] = pa.array(fee_code)
    else:
        out["monthly_fee"] = pa.array(np.full(n, np.nan))
        out["fee_code"] = pa.array(np.full(n, -1, dtype=np.int64))
        fail(np.ones(n, dtype=bool), "monthly_fee", MISSING)

    for f in BOOL_FIELDS:
        if f not in raw:
            out[f] = pa.nulls(n, pa.bool_())
            continue
        parsed, codes = _map(_parse_bool, column(f))
        value_v = np.array([bool(p) for p in parsed], dtype=bool)
        bad_v = np.array([p is None for p in parsed], dtype=bool)
        bad = bad_v[codes]
        out[f] = pa.array(value_v[codes], mask=bad)
        fail(bad, f, "not yes/no (expected иә/жоқ, да/нет, yes/no, 1/0)")

    # IIN/BIN check digits, once per distinct identifier.
    # The distinct identifiers are kept: eligibility groups rows by client with the same codes.
    ids = out["client_id"]
    encoded = pc.dictionary_encode(ids)
    client_codes = encoded.indices.to_numpy(zero_copy_only=False)
    if n:
        valid_v = _valid_iin_bin_arrow(encoded.dictionary)
        present = pc.not_equal(ids, "").to_numpy(zero_copy_only=False)
        valid = valid_v[client_codes]
        fail(present & ~valid, "client_id", "not a valid IIN/BIN (12 digits with a correct check digit)")

    # client_type and the bundle, once per distinct text.
    raw_type = out["client_type"]
    kinds = pc.dictionary_encode(raw_type)
    kind_v = _strings([CLIENT_TYPES.get(v.casefold(), "") for v in kinds.dictionary.to_pylist()])
    out["client_type"] = kind_v.take(kinds.indices)
    plans = pc.dictionary_encode(out["plan"])
    bundle_v = np.array([bool(BUNDLE_RE.search(v)) for v in plans.dictionary.to_pylist()], dtype=bool)
    out["bundle"] = pa.array(bundle_v[plans.indices.to_numpy(zero_copy_only=False)] if n else np.zeros(0, dtype=bool))
    del out["plan"], plans  # read for the bundle only: not kept for a million rows
    out["error"] = pa.array(error_mask)

    # Formula cells without a saved value read as empty: say so instead of "missing".
    formulas = formula_cells() if formula_cells is not None and any(m == MISSING for _, _, m in errors) else set()
    row_errors = []
    for mask, f, message in errors:
        column = header_names.get(f, "")
        if message == MISSING and formulas:
            col = mapping[f]
            row_errors += [
                RowError(int(r), f, FORMULA if (int(r), col) in formulas else message, column) for r in rows[mask]
            ]
        else:
            row_errors += [RowError(int(r), f, message, column) for r in rows[mask]]
    row_errors.sort(key=lambda e: (e.row, FIELD_ORDER[e.field]))
    data = pa.Table.from_arrays(list(out.values()), names=list(out))
    _release()
    if n == 0:
        notices.append(Notice("no_data_rows", f"{name}: the sheet has headers but no data rows."))
    return Table(
        file_name=name,
        file_sha256=sha,
        sheet=sheet,
        headers=headers,
        columns=header_names,
        data=data,
        fee_values=fee_values,
        blank_rows=blank_rows,
        errors=row_errors,
        notices=notices,
        client_codes=client_codes,
        client_dictionary=encoded.dictionary,
    )


def _empty(cell: object) -> bool:
    return (
        cell is None
        or cell == ""
        or (cell.__class__ is str and not cell.strip())
        or (cell.__class__ is float and cell != cell)
    )


def _cell_text(value: object, pad: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            text = str(int(value))  # Excel stored an identifier as a number: no ".0"
            return text.zfill(pad) if pad else text
        return repr(value)
    if isinstance(value, int):
        text = str(value)
        return text.zfill(pad) if pad else text
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def _parse_date(value: object) -> dt.date | None | bool:
    """A date, None for empty, False for unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            return None
        if 1 <= value < 2958466:  # Excel's 1900 date system
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return False
    text = str(value).strip()
    if not text:
        return None
    match = _DATE_RE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if len(text) >= 10 and text[4] == "-":
            return (
                dt.date.fromisoformat(text[:10])
                if text[10:].strip(" T0:") == ""
                else dt.datetime.fromisoformat(text).date()
            )
    except ValueError:
        return False
    return False


_FEE_NOISE = re.compile(r"[\s\u00a0\u202f\u2009']|тг\.?$|тенге$|₸|kzt", re.IGNORECASE)


def _parse_fee(value: object) -> Decimal | None | bool:
    """The fee exactly (RULES.md: "fees are compared exactly"), None for empty,
    False for unreadable. A number cell is taken at the exact value Excel stored."""
    if value is None:
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        if value != value:
            return None
        return Decimal(value) if value not in (float("inf"), float("-inf")) else False
    text = _FEE_NOISE.sub("", str(value).strip())
    if not text:
        return None
    # A comma is the decimal separator (Kazakh/Russian usage) unless a point is
    # there too, in which case commas group thousands ("6,500.00").
    text = text.replace(",", "") if "." in text else text.replace(",", ".")
    try:
        fee = Decimal(text)
    except InvalidOperation:
        return False
    return fee if fee.is_finite() else False


def _parse_bool(value: object) -> bool | None:
    """True/False, or None for a value that is neither."""
    text = _cell_text(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _valid_iin_bin_arrow(ids: pa.Array) -> np.ndarray:
    """engine.ids' check over a column of strings, read straight from Arrow's buffer."""
    valid = np.zeros(len(ids), dtype=bool)
    shaped_arr = pc.fill_null(pc.match_substring_regex(ids, r"^[0-9]{12}$"), False)
    shaped = shaped_arr.to_numpy(zero_copy_only=False)
    if not shaped.any():
        return valid
    picked = pc.filter(ids, shaped_arr)
    picked = _strings(picked.to_pylist()) if picked.offset else picked
    offsets = np.frombuffer(picked.buffers()[1], dtype=np.int32)[: len(picked) + 1]
    start = int(offsets[0])
    digits = np.frombuffer(picked.buffers()[2], dtype=np.uint8)[start : start + 12 * len(picked)].reshape(-1, 12) - 48
    valid[shaped] = valid_digits(digits)
    return valid
