"""Monthly participant spreadsheets -> typed rows and row-level errors.

Reads XLSX (python-calamine; first visible sheet or a named one) and CSV
(UTF-8 with or without BOM, or Windows-1251; comma or semicolon), finds the
header row, maps Kazakh / Russian / English headers to the canonical fields of
RULES.md and converts every value, column by column, into typed columns.
A file that cannot be read at all raises `IngestError` with a message naming
the file; a value that cannot be read becomes a `RowError` naming its row
(spreadsheet numbering: the header is row 1) and field.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

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

TRUE_WORDS = frozenset({"yes", "да", "иә", "true", "1", "+"})
FALSE_WORDS = frozenset({"no", "нет", "жоқ", "false", "0", "-", ""})
CLIENT_TYPES = {"жк": "IE", "ип": "IE", "ie": "IE", "жшс": "LLP", "тоо": "LLP", "llp": "LLP"}
# "a value containing ЖК, ИП or IE means the ЖК bundle": matched as words, so
# that "Premier" does not count as containing "IE".
BUNDLE_RE = re.compile(r"(?<!\w)(?:жк|ип|ie)(?!\w)", re.IGNORECASE)
HEADER_SCAN_ROWS = 20
EXCEL_EPOCH = dt.date(1899, 12, 30)

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class IngestError(Exception):
    """The file as a whole cannot be used; the message says why and names the file."""


@dataclass(frozen=True)
class Limits:
    """Guards against files that would exhaust memory. Configurable by environment."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_rows: int = 1_000_000
    max_uncompressed_bytes: int = 1024 * 1024 * 1024

    @classmethod
    def from_env(cls) -> "Limits":
        def env(name: str, default: int) -> int:
            value = os.environ.get(name)
            return int(value) if value else default

        base = cls()
        return cls(
            max_file_bytes=env("PROMOTION_MAX_FILE_MB", base.max_file_bytes // 2**20) * 2**20,
            max_rows=env("PROMOTION_MAX_ROWS", base.max_rows),
            max_uncompressed_bytes=env(
                "PROMOTION_MAX_UNCOMPRESSED_MB", base.max_uncompressed_bytes // 2**20
            )
            * 2**20,
        )


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str
    column: str = ""  # the header as written in the file


@dataclass
class Table:
    """Typed rows of one sheet. `frame` has one row per non-blank data row with
    columns `row` plus the canonical fields (absent optional fields are filled
    with their empty value) and `error` (True when the row has a RowError)."""

    file_name: str
    file_sha256: str
    sheet: str
    headers: list[str]
    columns: dict[str, str]  # canonical field -> header as found
    frame: pd.DataFrame
    blank_rows: int
    errors: list[RowError] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.columns)


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
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = file_name or "upload"
    else:
        path = Path(source)
        name = file_name or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IngestError(f"{name}: cannot open the file ({exc.strerror or exc})") from exc
        if size > limits.max_file_bytes:
            raise IngestError(_too_big(name, size, limits))
        data = path.read_bytes()
    if len(data) > limits.max_file_bytes:
        raise IngestError(_too_big(name, len(data), limits))
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    sha = hashlib.sha256(data).hexdigest()

    notices: list[Notice] = []
    if data.startswith(XLSX_MAGIC):
        if name.lower().endswith((".csv", ".txt")):
            notices.append(
                Notice("xlsx_named_csv", f"{name}: the file is an Excel workbook although its name ends in .csv; it was read as a workbook.")
            )
        grid, sheet_name = _read_xlsx(data, name, sheet, limits, notices)
    elif data.startswith(OLE2_MAGIC):
        grid, sheet_name = _read_ole2(data, name, sheet, limits, notices)
    else:
        grid, sheet_name = _read_csv(data, name, limits, notices), ""
    return _build_table(grid, name, sha, sheet_name, notices)


def _too_big(name: str, size: int, limits: Limits) -> str:
    return (
        f"{name}: the file is {size / 2**20:.0f} MB, more than the limit of "
        f"{limits.max_file_bytes / 2**20:.0f} MB (PROMOTION_MAX_FILE_MB); split it by month"
    )


# ---------------------------------------------------------------- XLSX / XLS

def _read_xlsx(data: bytes, name: str, sheet: str | None, limits: Limits, notices: list[Notice]):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            members = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except zipfile.BadZipFile as exc:
        raise IngestError(f"{name}: the workbook is damaged (not a readable ZIP/XLSX file)") from exc
    if total > limits.max_uncompressed_bytes:
        raise IngestError(
            f"{name}: the workbook unpacks to {total / 2**20:.0f} MB, more than the limit of "
            f"{limits.max_uncompressed_bytes / 2**20:.0f} MB (PROMOTION_MAX_UNCOMPRESSED_MB); "
            "it is refused to protect the server"
        )
    if "[Content_Types].xml" not in members or not any(m.startswith("xl/") for m in members):
        raise IngestError(f"{name}: this ZIP file is not an Excel workbook (.xlsx)")
    return _read_workbook(data, name, sheet, limits, notices)


def _read_ole2(data: bytes, name: str, sheet: str | None, limits: Limits, notices: list[Notice]):
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise IngestError(
            f"{name}: the workbook is password-protected (encrypted); open it in Excel, "
            "remove the password and save it again"
        )
    return _read_workbook(data, name, sheet, limits, notices)  # a legacy .xls


def _read_workbook(data: bytes, name: str, sheet: str | None, limits: Limits, notices: list[Notice]):
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for broken files
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise IngestError(f"{name}: the workbook is password-protected; remove the password and save it again") from exc
        raise IngestError(f"{name}: the workbook cannot be read ({_short(exc)})") from exc
    try:
        metas = list(wb.sheets_metadata)
        names = [m.name for m in metas]
        if sheet is not None:
            if sheet not in names:
                raise IngestError(f"{name}: there is no sheet named {sheet!r}; the sheets are: {', '.join(names)}")
            chosen = sheet
        else:
            visible = [m.name for m in metas if str(m.visible).lower().endswith("visible") and "hidden" not in str(m.visible).lower()]
            worksheets = [m.name for m in metas if "work" in str(m.typ).lower()] or names
            candidates = [n for n in worksheets if n in visible] or worksheets
            if not candidates:
                raise IngestError(f"{name}: the workbook has no sheets")
            chosen = candidates[0]
            if chosen != names[0]:
                notices.append(Notice("hidden_sheet_skipped", f"{name}: the first sheet is hidden; read the first visible sheet {chosen!r}."))
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


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# ---------------------------------------------------------------------- CSV

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


def _read_csv(data: bytes, name: str, limits: Limits, notices: list[Notice]) -> list[list]:
    if b"\x00" in data[:4096]:
        raise IngestError(f"{name}: not a spreadsheet (binary content); upload an .xlsx or .csv file")
    text = _decode(data, name, notices)
    if "\x00" in text:
        # NUL characters cannot be stored (PostgreSQL refuses them) and are never meant.
        text = text.replace("\x00", "")
        notices.append(Notice("nul_removed", f"{name}: NUL characters in the text were removed."))
    head = text[:20000]
    first_lines = [line for line in head.splitlines() if line.strip()][:HEADER_SCAN_ROWS]
    if not first_lines:
        raise IngestError(f"{name}: the file is empty")
    semis = sum(line.count(";") for line in first_lines)
    commas = sum(line.count(",") for line in first_lines)
    tabs = sum(line.count("\t") for line in first_lines)
    delimiter = max(((semis, ";"), (commas, ","), (tabs, "\t")))[1]
    if max(semis, commas, tabs) == 0:
        raise IngestError(
            f"{name}: not a spreadsheet: no columns separated by ';' or ',' were found; "
            "upload an .xlsx file or a CSV export"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = []
    for record in reader:
        grid.append(record)
        if len(grid) > limits.max_rows + HEADER_SCAN_ROWS:
            raise IngestError(f"{name}: more than {limits.max_rows} rows (PROMOTION_MAX_ROWS)")
    return grid


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
    return index, mapping, headers


def _build_table(grid: list[list], name: str, sha: str, sheet: str, notices: list[Notice]) -> Table:
    if not grid:
        raise IngestError(f"{name}: the sheet is empty")
    header_index, mapping, headers = _find_header(grid, name)
    body = grid[header_index + 1 :]
    width = max((len(r) for r in body), default=0)
    first_data_row = header_index + 2  # spreadsheet numbering, header on row header_index+1
    cols = {f: c for f, c in mapping.items()}
    if any(len(r) != width for r in body):  # CSV lines of unequal length: pad (pandas will stop doing it)
        body = [list(r) + [None] * (width - len(r)) for r in body]
    raw = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    raw = raw.reindex(columns=range(max(width, max(cols.values()) + 1)))
    row_numbers = np.arange(first_data_row, first_data_row + len(raw))

    # A row is blank when every cell is empty (also cells of unknown columns);
    # `all` stops at the first filled cell, so this costs about one test a row.
    blank = np.fromiter((all(_empty(c) for c in r) for r in body), dtype=bool, count=len(body))
    nonblank_positions = np.flatnonzero(~blank)
    last = nonblank_positions[-1] + 1 if len(nonblank_positions) else 0
    blank_rows = int(blank[:last].sum())  # trailing empty rows are formatting, not rows
    keep = ~blank
    keep[last:] = False
    raw = raw.loc[keep].reset_index(drop=True)
    rows = row_numbers[keep]

    header_names = {f: str(grid[header_index][c]).strip() for f, c in cols.items()}
    frame = pd.DataFrame({"row": rows})
    errors: list[RowError] = []
    error_mask = np.zeros(len(raw), dtype=bool)

    def fail(mask: np.ndarray, fieldname: str, message: str) -> None:
        nonlocal error_mask
        for r in rows[mask]:
            errors.append(RowError(int(r), fieldname, message, header_names.get(fieldname, "")))
        error_mask = error_mask | mask

    for fieldname in HEADERS:
        column = raw[cols[fieldname]] if fieldname in cols else None
        if fieldname in TEXT_FIELDS:
            values = _text(column, len(raw), id_field=fieldname)
            frame[fieldname] = values
            if fieldname in REQUIRED:
                fail(values == "", fieldname, "required value is missing")
        elif fieldname in DATE_FIELDS:
            values, bad = _dates(column, len(raw))
            frame[fieldname] = values
            fail(bad, fieldname, "not a date (expected 2021-03-05, 05.03.2021 or an Excel date)")
            if fieldname in REQUIRED:
                fail(pd.isna(values) & ~bad, fieldname, "required value is missing")
        elif fieldname == "monthly_fee":
            values, bad, missing, exact = _fees(column, len(raw))
            frame[fieldname] = values
            frame["fee_exact"] = exact
            fail(missing, fieldname, "required value is missing")
            fail(bad, fieldname, "not a number (expected e.g. 6 500 or 6500,00)")
            fail(np.array([e is not None and e < 0 for e in exact], dtype=bool), fieldname, "negative monthly fee")
        elif fieldname in BOOL_FIELDS:
            values, bad = _bools(column, len(raw))
            frame[fieldname] = values
            fail(bad, fieldname, "not yes/no (expected иә/жоқ, да/нет, yes/no, 1/0)")

    ids = frame["client_id"].to_numpy(dtype=object)
    present_ids = ids != ""
    fail(present_ids & ~_valid_iin_bin(ids), "client_id", "not a valid IIN/BIN (12 digits with a correct check digit)")

    frame["client_type_raw"] = frame["client_type"]
    frame["client_type"] = frame["client_type"].str.casefold().map(CLIENT_TYPES).fillna("")
    frame["bundle"] = frame["plan"].str.contains(BUNDLE_RE, regex=True)
    frame["error"] = error_mask
    errors.sort(key=lambda e: (e.row, list(HEADERS).index(e.field)))
    table = Table(
        file_name=name,
        file_sha256=sha,
        sheet=sheet,
        headers=headers,
        columns=header_names,
        frame=frame,
        blank_rows=blank_rows,
        errors=errors,
        notices=notices,
    )
    if len(frame) == 0:
        notices.append(Notice("no_data_rows", f"{name}: the sheet has headers but no data rows."))
    return table


def _empty(cell: object) -> bool:
    return cell is None or cell == "" or (cell.__class__ is str and not cell.strip()) or (
        cell.__class__ is float and cell != cell
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


def _text(column: pd.Series | None, n: int, id_field: str) -> pd.Series:
    if column is None:
        return pd.Series([""] * n, dtype=object)
    pad = 12 if id_field == "client_id" else 0  # an IIN/BIN that lost its leading zeros
    # Most cells are already text: strip them inline, convert the rest.
    return pd.Series(
        [v.strip() if v.__class__ is str else _cell_text(v, pad) for v in column.to_numpy()], dtype=object
    )


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
            return dt.date.fromisoformat(text[:10]) if text[10:].strip(" T0:") == "" else dt.datetime.fromisoformat(text).date()
    except ValueError:
        return False
    return False


def _dates(column: pd.Series | None, n: int) -> tuple[pd.Series, np.ndarray]:
    if column is None:
        return pd.Series([pd.NaT] * n, dtype="datetime64[s]"), np.zeros(n, dtype=bool)
    parsed = _memo_map(_parse_date, column.to_numpy())
    bad = np.array([p is False for p in parsed], dtype=bool)
    values = pd.Series(
        [p if p not in (None, False) else None for p in parsed], dtype="object"
    )
    return pd.to_datetime(values, errors="coerce").astype("datetime64[s]"), bad


_FEE_NOISE = re.compile(r"[\s\u00a0\u202f\u2009']|тг\.?$|тенге$|₸|kzt", re.IGNORECASE)


def _parse_fee(value: object) -> Decimal | None | bool:
    """The fee exactly (RULES.md: "fees are compared exactly"), None for empty,
    False for unreadable. A number cell is taken at the exact value Excel stored."""
    if value is None:
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return None if value != value else Decimal(value)
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


def _fees(column: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(float values for display, unreadable, missing, exact Decimal values or None)."""
    if column is None:
        return np.full(n, np.nan), np.zeros(n, dtype=bool), np.ones(n, dtype=bool), np.full(n, None, dtype=object)
    parsed = _memo_map(_parse_fee, column.to_numpy())
    bad = np.array([p is False for p in parsed], dtype=bool)
    missing = np.array([p is None for p in parsed], dtype=bool)
    exact = np.array([p if isinstance(p, Decimal) else None for p in parsed], dtype=object)
    values = np.array([float(p) if isinstance(p, Decimal) else np.nan for p in parsed], dtype=float)
    return values, bad, missing, exact


def _bools(column: pd.Series | None, n: int) -> tuple[pd.Series, np.ndarray]:
    if column is None:
        return pd.Series([pd.NA] * n, dtype="boolean"), np.zeros(n, dtype=bool)
    parsed = _memo_map(_parse_bool, column.to_numpy())
    bad = np.array([p is None for p in parsed], dtype=bool)
    return pd.Series([pd.NA if p is None else p for p in parsed], dtype="boolean"), bad


def _parse_bool(value: object) -> bool | None:
    """True/False, or None for a value that is neither."""
    text = _cell_text(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _memo_map(parse, values) -> list:
    """`[parse(v) for v in values]`, parsing each distinct cell once: a month's
    dates, flags and fees repeat thousands of times. Keyed by type too, so that
    True, 1 and 1.0 are not taken for one another."""
    cache: dict = {}
    out = []
    append = out.append
    for v in values:
        key = (v.__class__, v)
        try:
            append(cache[key])
        except KeyError:
            append(cache.setdefault(key, parse(v)))
        except TypeError:  # an unhashable cell
            append(parse(v))
    return out


_W1 = np.arange(1, 12)
_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])


def _valid_iin_bin(ids: np.ndarray) -> np.ndarray:
    """Kazakhstan IIN/BIN check digit, vectorised over an array of strings."""
    valid = np.zeros(len(ids), dtype=bool)
    shaped = np.array([len(s) == 12 and s.isascii() and s.isdigit() for s in ids], dtype=bool)
    if not shaped.any():
        return valid
    digits = np.frombuffer("".join(ids[shaped]).encode("ascii"), dtype=np.uint8).reshape(-1, 12) - 48
    body = digits[:, :11].astype(np.int64)
    check = (body @ _W1) % 11
    second = (body @ _W2) % 11
    check = np.where(check == 10, second, check)
    valid[shaped] = (check != 10) & (check == digits[:, 11])
    return valid


def iin_bin_is_valid(value: str) -> bool:
    return bool(_valid_iin_bin(np.array([value], dtype=object))[0])
