"""Realistic demo spreadsheets of monthly participants, deterministic for a seed.

What a billing department exports: Kazakh or Russian headers (a little
untidy), identifiers with leading zeros (some of them stored as numbers that
lost those zeros), dates as Excel dates or text, fees as numbers or text with
(non-breaking) spaces, plus a small share of rows that are wrong or not
eligible in every way RULES.md describes. The app offers these files as its
"demo month"; tests use them as fixtures. Every row carries the outcome it is
meant to have (`DemoRow.outcome`), so tests can compare the engine against it.

Everything is written by `write_table()` (XLSX or CSV, atomically), so the
app, the tests and the benchmark read the same kind of file.

    python -m engine.demo --out DIR [--seed N] [--rows N] [--month YYYY-MM] [--format xlsx|csv]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl.styles import Font

from engine import config, workbook
from engine.ids import check_digit
from engine.rules import Rules, add_months, load_rules

# Bump when the generator's output changes, so demo_dir() makes fresh files.
DEMO_VERSION = 1
DEFAULT_SEED = 2021
DEFAULT_MONTHS = tuple(f"2021-{m:02d}" for m in range(3, 12))
# Data rows per month (blank rows come on top) and, where the demo is meant to
# fall short of the quota of 2, how many eligible 100 000-tier participants.
MONTH_ROWS = {
    "2021-03": 420,
    "2021-04": 310,
    "2021-05": 780,
    "2021-06": 1150,
    "2021-07": 560,
    "2021-08": 940,
    "2021-09": 1480,
    "2021-10": 1960,
    "2021-11": 1720,
}
TOP_TIER_SHORT = {"2021-04": 0, "2021-07": 1, "2021-10": 1}

FIELDS = (
    "account",
    "client_id",
    "client_name",
    "client_type",
    "plan",
    "connected_on",
    "monthly_fee",
    "new_client",
    "previous_service_until",
    "extra",
    "disconnected_on",
    "merged_accounts",
    "region",
    "phone",
    "email",
)
# Header variants as RULES.md names them; the first of each is the tidy one.
HEADERS = {
    "kk": {
        "account": ("Дербес шот", " Дербес Шот", "ДЕРБЕС ШОТ"),
        "client_id": ("БСН/ЖСН", "ЖСН/БСН", "бсн/жсн "),
        "client_name": ("Клиент атауы", "Клиент Атауы"),
        "client_type": ("Клиент түрі", "клиент түрі"),
        "plan": ("Тарифтік жоспар",),
        "connected_on": ("Қосылған күні", "Қосылған Күні "),
        "monthly_fee": ("Абоненттік төлем", "  Абоненттік төлем"),
        "new_client": ("Жаңа клиент",),
        "previous_service_until": ("Алдыңғы қызмет аяқталған күн",),
        "extra": ("Ескерту",),
        "disconnected_on": ("Ажырату күні",),
        "merged_accounts": ("Шоттар біріктірілген",),
        "region": ("Өңір",),
        "phone": ("Телефон",),
        "email": ("Эл. пошта", "Email"),
    },
    "ru": {
        "account": ("Лицевой счёт", "  Лицевой Счёт ", "Лицевой счет"),
        "client_id": ("БИН/ИИН", "ИИН/БИН", "БИН/ИИН "),
        "client_name": ("Наименование клиента", "Наименование Клиента"),
        "client_type": ("Тип клиента", "ТИП КЛИЕНТА"),
        "plan": ("Тарифный план",),
        "connected_on": ("Дата подключения", " Дата подключения"),
        "monthly_fee": ("Абонентская плата", "Абонентская Плата "),
        "new_client": ("Новый клиент",),
        "previous_service_until": ("Дата окончания предыдущих услуг",),
        "extra": ("Менеджер",),
        "disconnected_on": ("Дата отключения",),
        "merged_accounts": ("Объединение лицевых счетов",),
        "region": ("Регион",),
        "phone": ("Телефон",),
        "email": ("Эл. почта", "Email"),
    },
    "en": {
        "account": ("Account", "Personal account"),
        "client_id": ("BIN/IIN",),
        "client_name": ("Client name",),
        "client_type": ("Client type",),
        "plan": ("Plan",),
        "connected_on": ("Connection date",),
        "monthly_fee": ("Monthly fee",),
        "new_client": ("New client",),
        "previous_service_until": ("Previous service until",),
        "extra": ("Manager",),
        "disconnected_on": ("Disconnected on",),
        "merged_accounts": ("Merged accounts",),
        "region": ("Region",),
        "phone": ("Phone",),
        "email": ("Email",),
    },
}

# Outcomes a row is meant to have (RULES.md "From rows to participants").
ELIGIBLE = "eligible"
ERROR = "error"
BLANK = "blank"
OTHER_MONTH = "other_month"  # connected in the previous month: eligible there, not here
# Error cases (outcome ERROR), finer than the outcome.
MISSING_VALUE = "missing_value"
BAD_CLIENT_ID = "bad_client_id"
NEGATIVE_FEE = "negative_fee"
BAD_DATE = "bad_date"


@dataclass(frozen=True)
class DemoRow:
    """One data row as written, and what the rules should make of it."""

    values: tuple  # one per column; () for a blank row
    outcome: str  # ELIGIBLE, ERROR, BLANK, OTHER_MONTH or an exclusion reason
    case: str  # the error kind for ERROR rows, else the outcome
    client_id: str = ""  # the 12 digits meant (valid unless case is BAD_CLIENT_ID)
    denomination: int | None = None  # the tier meant, for eligible rows


@dataclass(frozen=True)
class DemoTable:
    month: str
    headers: str  # "kk" | "ru" | "en"
    header: tuple[str, ...]
    rows: tuple[DemoRow, ...]

    def spreadsheet_row(self, index: int) -> int:
        """Row number in the sheet of `rows[index]` (the header is row 1)."""
        return index + 2

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def file_name(month: str, fmt: str = "xlsx") -> str:
    return f"participants-{month}.{fmt}"


# ----------------------------------------------------------------- the writer
def write_table(
    path: str | os.PathLike,
    header: tuple | list,
    rows: list | tuple,
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
    sheet_title: str = "Sheet1",
) -> Path:
    """Write one table as XLSX or CSV, atomically (temp name, then rename).

    Cell values: str is text (always text, even "=…", "+…", "-…", "@…": a text
    cell is never a formula), int/float a number, date/datetime an
    Excel date ("dd.mm.yyyy"), None an empty cell. A row may be shorter than
    the header. XLSX cells and styles depend only on the values (engine.workbook).
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt == "xlsx":
        data = _xlsx_bytes(header, rows, sheet_title)
    elif fmt == "csv":
        data = _csv_bytes(header, rows, encoding, delimiter)
    else:
        raise ValueError(f"unknown format {fmt!r} (xlsx or csv)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _xlsx_bytes(header, rows, sheet_title: str) -> bytes:
    """engine.workbook's writer, streaming rows; dates shown as a Kazakh billing export shows them."""
    wb = workbook.new_workbook()
    ws = workbook.add_sheet(wb, sheet_title, freeze="A2")
    bold = Font(bold=True)
    ws.append([workbook.cell(ws, v, date_format="dd.mm.yyyy", font=bold) for v in header])
    for values in rows:
        ws.append([None if v is None else workbook.cell(ws, v, date_format="dd.mm.yyyy") for v in values])
    return workbook.workbook_bytes(wb)


# Kazakh letters that Windows-1251 lacks, as 1C exports write them.
_CP1251_FALLBACK = str.maketrans("ӘәҒғҚқҢңӨөҰұҮүҺһ", "АаГгКкНнОоУуУуХх")


def _csv_bytes(header, rows, encoding: str, delimiter: str) -> bytes:
    if encoding not in ("utf-8", "utf-8-sig", "cp1251"):
        raise ValueError(f"unknown encoding {encoding!r}")
    if delimiter not in (",", ";"):
        raise ValueError(f"unknown delimiter {delimiter!r}")
    if encoding == "cp1251":
        bad = [h for h in header if isinstance(h, str) and h != h.translate(_CP1251_FALLBACK)]
        if bad:
            raise ValueError(f"Kazakh headers {bad} cannot be written in cp1251; use headers='ru'")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    comma_decimal = delimiter == ";"  # a Russian-locale Excel's CSV
    for values in (header, *rows):
        line = [_csv_text(v, comma_decimal) for v in values]
        if encoding == "cp1251":
            line = [s.translate(_CP1251_FALLBACK) for s in line]
        writer.writerow(line)
    return buf.getvalue().encode(encoding)


def _csv_text(v: object, comma_decimal: bool) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (float, Decimal)):
        if comma_decimal:
            return f"{v:,.2f}".replace(",", " ").replace(".", ",")
        return f"{v:.2f}"
    if isinstance(v, dt.datetime):
        return v.strftime("%d.%m.%Y %H:%M")
    if isinstance(v, dt.date):
        return v.strftime("%d.%m.%Y")
    raise TypeError(f"cannot write {type(v).__name__}")


# ------------------------------------------------------------ the generator
_KK_SURNAMES = (
    "Асқаров",
    "Жұмабаев",
    "Серікбаев",
    "Нұрланов",
    "Оспанов",
    "Төлеуов",
    "Бекова",
    "Әбілқасымова",
    "Қасымов",
    "Сәрсенбаев",
    "Ермекова",
    "Мұқанов",
    "Ахметова",
    "Омаров",
    "Ізбасарова",
    "Құдайбергенов",
)
_RU_SURNAMES = (
    "Ким",
    "Иванов",
    "Петрова",
    "Цой",
    "Пак",
    "Смирнов",
    "Шевченко",
    "Ли",
    "Кузнецова",
    "Волков",
    "Тен",
    "Морозова",
    "Сергеев",
    "Абдрахманов",
    "Юсупова",
    "Нуриев",
)
_INITIALS = "АБДЕЖКМНСТГРЛ"
_KK_INITIALS = "АБДЕЖҚМНСТҒӘЛ"
_KK_WORDS = (
    ("Алтын", "Ақ", "Көк", "Нұр", "Жібек", "Дала", "Тау", "Сары", "Қазына", "Барыс", "Ұлы", "Жас"),
    ("Дән", "Жол", "Құрылыс", "Сервис", "Трейд", "Агро", "Логистик", "Медиа", "Тех", "Өрнек", "Қанат", "Орда"),
)
_RU_WORDS = (
    (
        "Степной",
        "Северный",
        "Восточный",
        "Новый",
        "Алатау",
        "Каспий",
        "Евразия",
        "Горизонт",
        "Азия",
        "Сарыарка",
        "Байтерек",
        "Меридиан",
    ),
    ("ветер", "ключ", "Строй", "Трейд", "Логистик", "Консалт", "Фарм", "Сервис", "Плюс", "Агро", "Ойл", "Групп"),
)
_REGIONS = (
    ("Нұр-Сұлтан", "Нур-Султан"),
    ("Алматы", "Алматы"),
    ("Шымкент", "Шымкент"),
    ("Ақмола облысы", "Акмолинская область"),
    ("Ақтөбе облысы", "Актюбинская область"),
    ("Алматы облысы", "Алматинская область"),
    ("Атырау облысы", "Атырауская область"),
    ("Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
    ("Жамбыл облысы", "Жамбылская область"),
    ("Батыс Қазақстан облысы", "Западно-Казахстанская область"),
    ("Қарағанды облысы", "Карагандинская область"),
    ("Қостанай облысы", "Костанайская область"),
    ("Қызылорда облысы", "Кызылординская область"),
    ("Маңғыстау облысы", "Мангистауская область"),
    ("Павлодар облысы", "Павлодарская область"),
    ("Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
    ("Түркістан облысы", "Туркестанская область"),
)
# Oblast codes at the start of 10-digit accounts ("02…", "07…": leading zeros).
_ACCOUNT_PREFIXES = ("02", "03", "05", "07", "10", "14", "19", "31", "47", "55", "61", "71")
_KK_NOTES = ("", "", "", "ismet.kz", "e-шарт", "Сату орталығы", "қайта қосылды", "@Айгерим", "=тексеру")
_RU_MANAGERS = ("", "", "Иванова Е.", "Сейткали А.", "Ким Д.", "Оразова Ж.", "@Нурлан", "-")
_PRICE_POINTS = (
    5999,
    6500,
    6990,
    7490,
    7990,
    8990,
    9990,
    10990,
    11990,
    12490,
    13990,
    14999,
    15000,
    16990,
    17990,
    19990,
    22490,
    24990,
    27990,
    29999,
    30000,
    34990,
    39990,
    45990,
    59990,
    89990,
)
_TRANSLIT = str.maketrans(
    {
        **dict(
            zip(
                "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
                [
                    "a",
                    "b",
                    "v",
                    "g",
                    "d",
                    "e",
                    "e",
                    "zh",
                    "z",
                    "i",
                    "i",
                    "k",
                    "l",
                    "m",
                    "n",
                    "o",
                    "p",
                    "r",
                    "s",
                    "t",
                    "u",
                    "f",
                    "kh",
                    "ts",
                    "ch",
                    "sh",
                    "sh",
                    "",
                    "y",
                    "",
                    "e",
                    "yu",
                    "ya",
                    "a",
                    "g",
                    "k",
                    "n",
                    "o",
                    "u",
                    "u",
                    "h",
                    "i",
                ],
            )
        ),
    }
)
_NBSP = "\u00a0"


@dataclass
class _Client:
    client_id: str
    name: str
    type_text: str
    is_ie: bool
    bundle: bool
    plan: str
    region: str
    phone: str
    email: str


class _Month:
    """Builds one month's rows; all randomness from one seeded generator."""

    def __init__(self, month: str, seed: int, headers: str, messy: bool, rules: Rules, numbers: bool = True):
        self.month = month
        self.rules = rules
        self.headers = headers
        self.messy = messy
        self.rng = random.Random(f"demo:{seed}:{month}")
        self.seed = seed
        self.index = DEFAULT_MONTHS.index(month) if month in DEFAULT_MONTHS else 9
        self.first = dt.date(int(month[:4]), int(month[5:7]), 1)
        self.days = (add_months(self.first, 1) - self.first).days
        self.ids: set[str] = set()
        self.accounts: set[str] = set()
        self.kk = headers == "kk"
        # Identifiers stored as numbers exist only in workbooks; a CSV is text.
        self.numbers = numbers
        self.points = {
            t.denomination: tuple(Decimal(p) for p in _PRICE_POINTS if t.contains(Decimal(p))) for t in rules.tiers
        }

    # identities ----------------------------------------------------------
    def _new_id(self, ie: bool, rng: random.Random | None = None, tag: int | None = None) -> str:
        rng = rng or self.rng
        tag = self.index if tag is None else tag
        while True:
            if ie:  # IIN: birth date, century/sex digit, serial, check digit
                born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 17500))
                if rng.random() < 0.06:  # born in the 2000s: "01…"
                    born = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(0, 1460))
                century = (3 if born.year < 2000 else 5) + rng.randrange(2)
                head = f"{born:%y%m%d}{century}{tag % 10}{rng.randrange(1000):03d}"
            else:  # BIN: registration YYMM, "4" legal entity, "0" head office, serial
                year = rng.choice(range(2000, 2021))
                head = f"{year % 100:02d}{rng.randrange(1, 13):02d}40{tag % 10}{rng.randrange(10000):04d}"
            check = check_digit(head)
            if check is not None and head + str(check) not in self.ids:
                self.ids.add(head + str(check))
                return head + str(check)

    def _new_account(self) -> str:
        while True:
            if self.rng.random() < 0.7:
                acc = f"{self.rng.choice(_ACCOUNT_PREFIXES)}{self.index % 10}{self.rng.randrange(10**7):07d}"
            else:
                acc = f"{self.rng.randrange(1, 10)}{self.index % 10}{self.rng.randrange(10**7):07d}"
            if acc not in self.accounts:
                self.accounts.add(acc)
                return acc

    def _client(
        self, ie: bool, rng: random.Random | None = None, tag: int | None = None, kk: bool | None = None
    ) -> _Client:
        rng = rng or self.rng
        kk_style = rng.random() < (0.75 if (self.kk if kk is None else kk) else 0.25)
        if ie:
            surname = rng.choice(_KK_SURNAMES if kk_style else _RU_SURNAMES)
            initials = f"{rng.choice(_KK_INITIALS if kk_style else _INITIALS)}."
            if not kk_style or rng.random() < 0.4:
                initials += f"{rng.choice(_INITIALS)}."
            name = f"{'ЖК' if kk_style else 'ИП'} {surname} {initials}"
            type_text = rng.choice(("ЖК", "ЖК", "жк", "IE") if kk_style else ("ИП", "ИП", "ип", "Ип", "IE"))
            bundle = rng.random() < 0.7
            plan = rng.choice(("ЖК Бизнес", "ИП Старт")) if bundle else ("Базалық" if kk_style else "Базовый")
            mail_user = surname.lower().translate(_TRANSLIT)
        else:
            words = _KK_WORDS if kk_style else _RU_WORDS
            firm = f"{rng.choice(words[0])} {rng.choice(words[1])}"
            quoted = rng.choice((f"«{firm}»", f"«{firm}»", f'"{firm}"'))
            name = f"{'ЖШС' if kk_style else 'ТОО'} {quoted}"
            type_text = rng.choice(("ЖШС", "ЖШС", "LLP", "жшс") if kk_style else ("ТОО", "ТОО", "тоо", " ТОО ", "LLP"))
            bundle = False
            plan = "Базалық" if kk_style else "Базовый"
            mail_user = (
                rng.choice(("info", "buh", "office", "director")) + "." + firm.split()[0].lower().translate(_TRANSLIT)
            )
        region = rng.choice(_REGIONS)[0 if self.kk else 1]
        operator = rng.choice(("701", "702", "705", "707", "747", "771", "775", "778"))
        number = f"{rng.randrange(10**7):07d}"
        phone = rng.choice(
            (
                f"+7 {operator} {number[:3]} {number[3:5]} {number[5:]}",
                f"+7 ({operator}) {number[:3]}-{number[3:5]}-{number[5:]}",
                f"8{operator}{number}",
                f"+7{operator}{number}",
            )
        )
        email = (
            "" if rng.random() < 0.2 else f"{mail_user}@{rng.choice(('mail.ru', 'mail.kz', 'gmail.com', 'inbox.kz'))}"
        )
        return _Client(
            client_id=self._new_id(ie, rng, tag),
            name=name,
            type_text=type_text,
            is_ie=ie,
            bundle=bundle,
            plan=plan,
            region=region,
            phone=phone,
            email=email,
        )

    # values as written ---------------------------------------------------
    def _date_cell(self, day: dt.date):
        if not self.messy:
            return day
        x = self.rng.random()
        if x < 0.85:
            return day
        return day.strftime("%d.%m.%Y") if x < 0.95 else day.isoformat()

    def _fee_cell(self, fee: Decimal):
        value = float(fee) if fee != fee.to_integral() else int(fee)
        if not self.messy or self.rng.random() < 0.9:
            return value
        whole = int(abs(fee))
        sign = "-" if fee < 0 else ""
        grouped = f"{whole:,}".replace(",", self.rng.choice((" ", _NBSP)))
        cents = f"{abs(fee) - whole:.2f}"[2:]
        return (
            self.rng.choice(
                (
                    f"{sign}{grouped}",
                    f"{sign}{grouped},{cents}",
                    f"{sign}{whole}.{cents}",
                )
            )
            if fee == fee.to_integral()
            else f"{sign}{grouped},{cents}"
        )

    def _id_cell(self, client_id: str):
        # Excel users paste IINs as numbers: the leading zeros are lost.
        if self.messy and self.numbers and client_id.isdigit() and len(client_id) == 12:
            if self.rng.random() < (0.4 if client_id.startswith("0") else 0.08):
                return int(client_id)
        return client_id

    def _account_cell(self, account: str):
        if self.messy:
            x = self.rng.random()
            if x < 0.15 and not account.startswith("0"):
                return int(account)
            if x < 0.18:
                return f" {account} "
        return account

    def _fee_for(self, denomination: int | None) -> Decimal:
        """A realistic fee in the tier (`None`: any tier)."""
        tiers = self.rules.tiers
        tier = next(t for t in tiers if t.denomination == denomination) if denomination else self.rng.choice(tiers)
        if self.rng.random() < 0.6:
            return self.rng.choice(self.points[tier.denomination])
        high = tier.max_fee if tier.max_fee is not None else tier.min_fee * 4
        fee = Decimal(self.rng.randrange(int(tier.min_fee), int(high)))
        fee = (fee // 10) * 10 - 10 if fee > tier.min_fee + 10 else tier.min_fee
        if self.rng.random() < 0.1:
            fee += Decimal("0.50")
        return max(fee, tier.min_fee)

    def _draw_denomination(self) -> int:
        tiers = self.rules.tiers
        return tiers[0].denomination if self.rng.random() < 0.72 else tiers[1].denomination

    def _connected(self) -> dt.date:
        return self.first + dt.timedelta(days=self.rng.randrange(self.days))

    def _lookback(self, client: _Client) -> int:
        return self.rules.bundle_ie_months if (client.is_ie and client.bundle) else self.rules.other_months

    def row(self, client: _Client, fee: Decimal, *, connected: dt.date | None = None, **override) -> dict:
        """A clean row (eligible unless `override` says otherwise), as a field -> value dict."""
        rng = self.rng
        connected = connected or self._connected()
        prev = None
        if rng.random() < 0.35:
            boundary = add_months(connected, -self._lookback(client))
            prev = boundary - dt.timedelta(days=rng.randrange(1, 400))
        if self.kk:
            extra = rng.choice(_KK_NOTES)
        else:
            extra = rng.choice(_RU_MANAGERS)
        values = {
            "account": self._account_cell(self._new_account()),
            "client_id": self._id_cell(client.client_id),
            "client_name": client.name,
            "client_type": client.type_text,
            "plan": client.plan,
            "connected_on": self._date_cell(connected),
            "monthly_fee": self._fee_cell(fee),
            "new_client": rng.choice(("иә", "Иә", "да") if self.kk else ("да", "Да", "ДА", "yes", "+")),
            "previous_service_until": self._date_cell(prev) if prev else None,
            "extra": extra or None,
            "disconnected_on": None,
            "merged_accounts": rng.choice(
                (None, None, None, "жоқ", "нет", "-") if self.kk else (None, None, None, "нет", "-")
            ),
            "region": client.region,
            "phone": client.phone,
            "email": client.email or None,
        }
        if not self.messy:
            values["merged_accounts"] = None
            values["extra"] = None
        values.update(override)
        return values

    # the month -----------------------------------------------------------
    def build(self, n: int) -> list[DemoRow]:
        rng, rules = self.rng, self.rules
        share = (lambda s: max(1, round(n * s))) if self.messy else (lambda s: 0)
        counts = {
            MISSING_VALUE: share(0.01),
            BAD_CLIENT_ID: share(0.01),
            NEGATIVE_FEE: share(0.004),
            BAD_DATE: share(0.005),
            "client_type": share(0.015),
            "outside_period": share(0.004),
            "fee_below_minimum": share(0.03),
            "not_new_client": share(0.02),
            "disconnected": share(0.01),
            "merged_accounts": share(0.008),
            "duplicate_account": share(0.005),
            "duplicate_client": share(0.01),
            "already_participated": min(3, self.index) if self.messy else 0,
            OTHER_MONTH: share(0.005) if self.index > 0 else 0,
        }
        anchors = [self._anchor(k, self.index) for k in range(3)] if self.index < 9 else []
        top = TOP_TIER_SHORT.get(self.month)
        # Data rows = plain eligible rows + one per count + the kept row of each duplicate_client pair.
        eligible = n - sum(counts.values()) - counts["duplicate_client"]
        if top is None:
            top = max(3, round(eligible * 0.04))
        minimum = len(anchors) + top + 8
        if eligible < minimum:
            raise ValueError(f"{self.month}: rows={n} is too few for the demo's cases (need more eligible rows)")

        out: list[DemoRow] = []

        def eligible_row(client, denomination, fee=None, **kw) -> tuple[DemoRow, dict]:
            fee = fee if fee is not None else self._fee_for(denomination)
            values = self.row(client, fee, **kw)
            return DemoRow(self._tuple(values), ELIGIBLE, ELIGIBLE, client.client_id, denomination), values

        # Eligible rows: anchors (clients who come back later), top tier, the rest.
        dens = [self._draw_denomination() for _ in range(eligible - len(anchors) - top)]
        dens += [rules.tiers[-1].denomination] * top
        boundary_fees = {rules.tiers[-1].denomination: [rules.tiers[-1].min_fee]}
        for tier in rules.tiers[:-1]:
            boundary_fees.setdefault(tier.denomination, []).append(tier.min_fee)
            boundary_fees[tier.denomination].append(tier.max_fee - 1)
        plain: list[tuple[DemoRow, dict]] = []
        for client, den in anchors:
            out.append(eligible_row(client, den)[0])
        for den in dens:
            fee = boundary_fees[den].pop() if boundary_fees.get(den) and self.messy else None
            plain.append(eligible_row(self._client(rng.random() < 0.6), den, fee))
        out.extend(row for row, _ in plain)

        # The same account twice (an export that listed it twice): identical rows.
        for row, _values in rng.sample(plain, counts["duplicate_account"]):
            out.append(DemoRow(row.values, "duplicate_account", "duplicate_account", row.client_id))
        # The same client with two accounts: the higher fee stays.
        for _ in range(counts["duplicate_client"]):
            client = self._client(rng.random() < 0.5)
            den = self._draw_denomination()
            keep_fee = max(self._fee_for(den), rules.minimum_fee + 500)
            lose_fee = rules.minimum_fee + Decimal(rng.randrange(int(keep_fee - rules.minimum_fee)))
            out.append(eligible_row(client, den, keep_fee)[0])
            out.append(
                DemoRow(
                    self._tuple(self.row(client, lose_fee)), "duplicate_client", "duplicate_client", client.client_id
                )
            )
        # Clients who took part in an earlier month connect another account.
        for k in range(counts["already_participated"]):
            back = self.index - 1 - k % 2 if k < 2 else max(0, self.index - 2 - k)
            client, _ = self._anchor(k, max(back, 0))
            out.append(
                DemoRow(
                    self._tuple(self.row(client, self._fee_for(self._draw_denomination()))),
                    "already_participated",
                    "already_participated",
                    client.client_id,
                )
            )
        for _ in range(counts[OTHER_MONTH]):
            client = self._client(rng.random() < 0.6)
            late = self.first - dt.timedelta(days=rng.randrange(1, 4))
            out.append(
                DemoRow(
                    self._tuple(self.row(client, self._fee_for(self._draw_denomination()), connected=late)),
                    OTHER_MONTH,
                    OTHER_MONTH,
                    client.client_id,
                )
            )
        out.extend(self._excluded(counts))
        out.extend(self._errors(counts))

        rng.shuffle(out)
        # Of two identical rows, the first stays and the later one is the duplicate.
        seen: set[tuple] = set()
        for i, row in enumerate(out):
            if row.outcome in (ELIGIBLE, "duplicate_account") and row.values in seen:
                out[i] = DemoRow(row.values, "duplicate_account", "duplicate_account", row.client_id)
            elif row.outcome in (ELIGIBLE, "duplicate_account"):
                if row.outcome == "duplicate_account":
                    den = rules.tier_for(self._fee_of(row)).denomination
                    out[i] = DemoRow(row.values, ELIGIBLE, ELIGIBLE, row.client_id, den)
                seen.add(row.values)
        for _ in range(share(0.002)):  # blank rows in the middle, some as empty text
            blank = () if rng.random() < 0.7 else ("",) * len(FIELDS)
            out.insert(rng.randrange(1, len(out)), DemoRow(blank, BLANK, BLANK))
        return out

    def _fee_of(self, row: DemoRow) -> Decimal:
        value = row.values[FIELDS.index("monthly_fee")]
        if isinstance(value, str):
            value = value.replace(" ", "").replace(_NBSP, "").replace(",", ".")
        return Decimal(str(value))

    def _anchor(self, k: int, month_index: int) -> tuple[_Client, int]:
        """Client k of a month's returning clients: the same whichever month asks."""
        rng = random.Random(f"demo-anchor:{self.seed}:{month_index}:{k}")
        ie = rng.random() < 0.5
        den = self.rules.tiers[k % 2].denomination
        saved = self.ids
        self.ids = set()
        try:
            client = self._client(ie, rng, tag=month_index, kk=month_index % 2 == 0)
        finally:
            self.ids = saved | {client.client_id}
        return client, den

    def _excluded(self, counts: dict) -> list[DemoRow]:
        rng, rules, out = self.rng, self.rules, []

        def add(reason, client, fee, **kw):
            out.append(DemoRow(self._tuple(self.row(client, fee, **kw)), reason, reason, client.client_id))

        for _ in range(counts["client_type"]):
            client = self._client(False)
            firm = client.name.split(" ", 1)[1]
            kind = rng.choice(("АҚ", "АО", "ао", "АО"))
            client.name, client.type_text = f"{'АҚ' if kind == 'АҚ' else 'АО'} {firm}", kind
            add("client_type", client, self._fee_for(None))
        for k in range(counts["outside_period"]):
            early = self.index == 0 or (self.index < 8 and k % 2 == 0)
            day = (
                rules.first_connection - dt.timedelta(days=rng.randrange(1, 60))
                if early
                else rules.last_connection + dt.timedelta(days=rng.randrange(1, 30))
            )
            add("outside_period", self._client(rng.random() < 0.5), self._fee_for(None), connected=day)
        for k in range(counts["fee_below_minimum"]):
            fee = (
                rules.minimum_fee - Decimal("0.01")
                if k == 0
                else Decimal(rng.choice((0, 2490, 3990, 4500, 4990, 5490, 5990)))
            )
            add("fee_below_minimum", self._client(rng.random() < 0.6), fee)
        for k in range(counts["not_new_client"]):
            client = self._client(rng.random() < 0.6)
            connected = self._connected()
            if k % 2 == 0:
                add(
                    "not_new_client",
                    client,
                    self._fee_for(None),
                    connected=connected,
                    new_client=rng.choice(("жоқ", "нет", "Нет", "0", "-") if self.kk else ("нет", "Нет", "0", "-")),
                )
            else:
                boundary = add_months(connected, -self._lookback(client))
                prev = boundary + dt.timedelta(days=rng.randrange(max(1, (connected - boundary).days)))
                add(
                    "not_new_client",
                    client,
                    self._fee_for(None),
                    connected=connected,
                    previous_service_until=self._date_cell(prev),
                )
        for _ in range(counts["disconnected"]):
            connected = self._connected()
            add(
                "disconnected",
                self._client(rng.random() < 0.5),
                self._fee_for(None),
                connected=connected,
                disconnected_on=self._date_cell(connected + dt.timedelta(days=rng.randrange(3, 40))),
            )
        for _ in range(counts["merged_accounts"]):
            add(
                "merged_accounts",
                self._client(rng.random() < 0.5),
                self._fee_for(None),
                merged_accounts=rng.choice(("иә", "да", "Да", "+", "yes") if self.kk else ("да", "Да", "+", "yes")),
            )
        return out

    def _errors(self, counts: dict) -> list[DemoRow]:
        rng, out = self.rng, []

        def add(case, client, values):
            out.append(DemoRow(self._tuple(values), ERROR, case, client.client_id))

        required = ("account", "client_id", "client_name", "client_type", "connected_on", "monthly_fee")
        for k in range(counts[MISSING_VALUE]):
            client = self._client(rng.random() < 0.5)
            add(MISSING_VALUE, client, self.row(client, self._fee_for(None), **{required[k % len(required)]: None}))
        for k in range(counts[BAD_CLIENT_ID]):
            client = self._client(rng.random() < 0.5)
            good = client.client_id
            if k % 4 == 3:
                bad = good[:-1]  # a digit short, as text
            else:
                bad = good[:-1] + str((int(good[-1]) + rng.randrange(1, 10)) % 10)
            client.client_id = bad
            add(BAD_CLIENT_ID, client, self.row(client, self._fee_for(None), client_id=bad))
        for _ in range(counts[NEGATIVE_FEE]):
            client = self._client(rng.random() < 0.5)
            fee = -self._fee_for(None)
            value = rng.choice((int(fee), f"-{int(-fee):,}".replace(",", " ")))
            add(NEGATIVE_FEE, client, self.row(client, fee, monthly_fee=value))
        for _ in range(counts[BAD_DATE]):
            client = self._client(rng.random() < 0.5)
            text = rng.choice(
                (f"31.02.{self.first.year}", f"{self.first.year}-13-05", f"{self.first:%m.%Y}", "белгісіз")
            )
            add(BAD_DATE, client, self.row(client, self._fee_for(None), connected_on=text))
        return out

    def _tuple(self, values: dict) -> tuple:
        return tuple(values[f] for f in FIELDS)


def month_table(
    month: str,
    *,
    rows: int | None = None,
    seed: int = DEFAULT_SEED,
    headers: str | None = None,
    messy: bool = True,
    rules: Rules | None = None,
    fmt: str = "xlsx",
) -> DemoTable:
    """One month's demo rows with the outcome each is meant to have.

    `rows` counts data rows (blank rows come on top); default MONTH_ROWS.
    `headers` defaults to Kazakh for March, May, … and Russian for the others.
    """
    if month not in MONTH_ROWS and rows is None:
        raise ValueError(f"no default row count for {month}; pass rows=")
    rows = MONTH_ROWS[month] if rows is None else int(rows)
    if headers is None:
        headers = "kk" if (month in DEFAULT_MONTHS and DEFAULT_MONTHS.index(month) % 2 == 0) else "ru"
    if headers not in HEADERS:
        raise ValueError(f"headers must be one of {sorted(HEADERS)}")
    gen = _Month(month, seed, headers, messy, rules or load_rules(), numbers=fmt == "xlsx")
    built = gen.build(rows)
    variants = HEADERS[headers]
    header_rng = random.Random(f"demo-header:{seed}:{month}")
    header = tuple(
        header_rng.choice(variants[f]) if messy and header_rng.random() < 0.5 else variants[f][0] for f in FIELDS
    )
    return DemoTable(month=month, headers=headers, header=header, rows=tuple(built))


def write_month(
    path: str | os.PathLike,
    month: str,
    *,
    rows: int | None = None,
    seed: int = DEFAULT_SEED,
    headers: str | None = None,
    fmt: str | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
    messy: bool = True,
) -> Path:
    """Write one month's demo spreadsheet (format from `fmt`, else the suffix)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if headers is None and fmt == "csv" and encoding == "cp1251":
        headers = "ru"
    table = month_table(month, rows=rows, seed=seed, headers=headers, messy=messy, fmt=fmt)
    title = {"kk": "Парақ1", "ru": "Лист1", "en": "Sheet1"}[table.headers]
    return write_table(
        path,
        table.header,
        [r.values for r in table.rows],
        fmt=fmt,
        encoding=encoding,
        delimiter=delimiter,
        sheet_title=title,
    )


def write_demo(
    out_dir: str | os.PathLike,
    *,
    seed: int = DEFAULT_SEED,
    months: list[str] | tuple[str, ...] | None = None,
    rows: int | None = None,
    fmt: str = "xlsx",
) -> list[Path]:
    """One file per month, `participants-YYYY-MM.xlsx` (or .csv).

    As CSV, Kazakh-header months are UTF-8 with BOM and commas, Russian-header
    months Windows-1251 with semicolons (the two kinds billing systems export).
    """
    out = Path(out_dir)
    paths = []
    for month in months or DEFAULT_MONTHS:
        if fmt == "csv":
            table_headers = "kk" if month in DEFAULT_MONTHS and DEFAULT_MONTHS.index(month) % 2 == 0 else "ru"
            encoding, delimiter = ("utf-8-sig", ",") if table_headers == "kk" else ("cp1251", ";")
        else:
            table_headers, encoding, delimiter = None, "utf-8", ","
        paths.append(
            write_month(
                out / file_name(month, fmt),
                month,
                rows=rows,
                seed=seed,
                headers=table_headers,
                fmt=fmt,
                encoding=encoding,
                delimiter=delimiter,
            )
        )
    return paths


def demo_dir() -> Path:
    """The folder of the nine demo files, written on first use.

    Idempotent, and safe when two processes call it at once: every file is
    written under a temporary name and renamed, and equal seeds give equal bytes.
    """
    folder = config.data_dir() / f"demo-v{DEMO_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    for month in DEFAULT_MONTHS:
        path = folder / file_name(month)
        if not path.exists():
            write_month(path, month, seed=DEFAULT_SEED)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rows", type=int, default=None, help="data rows per month (default: a few hundred to ~2 000)")
    parser.add_argument("--month", action="append", help="YYYY-MM (repeatable; default 2021-03 … 2021-11)")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args(argv)
    try:
        paths = write_demo(args.out, seed=args.seed, months=args.month, rows=args.rows, fmt=args.format)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
