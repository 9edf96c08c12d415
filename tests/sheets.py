"""Test helpers that build participant spreadsheets of their own.

`Row` carries RULES.md's fields with sensible eligible defaults; `write_xlsx`
and `write_csv` write rows under Kazakh, Russian or English headers.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import openpyxl

from engine.ids import check_digit

HEADER_SETS = {
    "kk": {
        "account": "Дербес шот",
        "client_id": "БСН/ЖСН",
        "client_name": "Клиент атауы",
        "client_type": "Клиент түрі",
        "connected_on": "Қосылған күні",
        "monthly_fee": "Абоненттік төлем",
        "plan": "Тарифтік жоспар",
        "previous_service_until": "Алдыңғы қызмет аяқталған күн",
        "new_client": "Жаңа клиент",
        "disconnected_on": "Ажырату күні",
        "merged_accounts": "Шоттар біріктірілген",
        "phone": "Телефон",
        "email": "Эл. пошта",
        "region": "Өңір",
    },
    "ru": {
        "account": "Лицевой счёт",
        "client_id": "БИН/ИИН",
        "client_name": "Наименование клиента",
        "client_type": "Тип клиента",
        "connected_on": "Дата подключения",
        "monthly_fee": "Абонентская плата",
        "plan": "Тарифный план",
        "previous_service_until": "Дата окончания предыдущих услуг",
        "new_client": "Новый клиент",
        "disconnected_on": "Дата отключения",
        "merged_accounts": "Объединение лицевых счетов",
        "phone": "Телефон",
        "email": "Эл. почта",
        "region": "Регион",
    },
    "en": {
        "account": "Account",
        "client_id": "BIN/IIN",
        "client_name": "Client name",
        "client_type": "Client type",
        "connected_on": "Connection date",
        "monthly_fee": "Monthly fee",
        "plan": "Plan",
        "previous_service_until": "Previous service until",
        "new_client": "New client",
        "disconnected_on": "Disconnected on",
        "merged_accounts": "Merged accounts",
        "phone": "Phone",
        "email": "Email",
        "region": "Region",
    },
}


def valid_id(n: int, prefix: str = "0104150") -> str:
    """The n-th valid IIN/BIN starting with `prefix` (a birth date 2001-04-15 by default)."""
    found = -1
    serial = 0
    while True:
        body = (prefix + str(serial).zfill(11 - len(prefix)))[:11]
        check = check_digit(body)
        serial += 1
        if check is None:
            continue
        found += 1
        if found == n:
            return body + str(check)


def invalid_id(n: int) -> str:
    good = valid_id(n)
    return good[:11] + str((int(good[11]) + 1) % 10)


@dataclass
class Row:
    account: object = "100000001"
    client_id: object = ""
    client_name: object = "ЖК Асқаров Б."
    client_type: object = "ЖК"
    connected_on: object = dt.date(2021, 3, 5)
    monthly_fee: object = 6500
    plan: object = "Базалық"
    previous_service_until: object = None
    new_client: object = "иә"
    disconnected_on: object = None
    merged_accounts: object = "жоқ"
    phone: object = "+7 701 000 00 00"
    email: object = ""
    region: object = "Алматы"

    def __post_init__(self) -> None:
        if self.client_id == "":
            self.client_id = valid_id(int(str(self.account)[-4:]) if str(self.account)[-4:].isdigit() else 0)


FIELD_ORDER = [f.name for f in fields(Row)]


def _cells(row: Row | None, columns: list[str]) -> list:
    if row is None:
        return [None] * len(columns)
    values = asdict(row)
    return [values[c] for c in columns]


def write_xlsx(
    path: Path,
    rows: list[Row | None],
    *,
    lang: str = "kk",
    columns: list[str] | None = None,
    sheet: str = "Participants",
    extra_header_rows: list[list] | None = None,
) -> Path:
    """`None` in rows writes an entirely blank row.

    Not engine.workbook (the writer of the demo's files and the reports) on purpose: the reader is
    tested here against files the app's own writer did not make, saved the way most programs save
    them (openpyxl's ordinary workbook: a "=…" text is a formula without a saved value, which the
    formula tests need; dates in openpyxl's own format; any rows above the header)."""
    columns = columns or FIELD_ORDER
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for extra in extra_header_rows or []:
        ws.append(extra)
    ws.append([HEADER_SETS[lang][c] for c in columns])
    for row in rows:
        ws.append(_cells(row, columns))
    wb.save(path)
    return Path(path)


def write_csv(
    path: Path,
    rows: list[Row | None],
    *,
    lang: str = "ru",
    encoding: str = "utf-8",
    delimiter: str = ";",
    columns: list[str] | None = None,
) -> Path:
    columns = columns or FIELD_ORDER

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        return str(value)

    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow([HEADER_SETS[lang][c] for c in columns])
        for row in rows:
            writer.writerow([text(v) for v in _cells(row, columns)])
    return Path(path)


def rows_for(n: int, start: int = 1, **overrides) -> list[Row]:
    return [Row(account=str(100000000 + start + i), **overrides) for i in range(n)]


def RU(**kw) -> Row:
    """A row with Russian values only (Windows-1251 has no Kazakh letters)."""
    base = {
        "plan": "Базовый",
        "new_client": "да",
        "merged_accounts": "нет",
        "client_name": "ИП Ким А.",
        "client_type": "ИП",
    }
    return Row(**{**base, **kw})
