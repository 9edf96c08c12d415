"""The list of winners published on ismet.kz (clause 10), with personal data masked.

Only the month, tier, certificate number, a masked account and a masked name
are published: never the BIN/IIN, the phone or the full account.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from engine.records import MonthRecord
from reports.strings import both, money, month_words, ts

# Legal forms kept as written (they are not personal data): Kazakh, Russian, English.
LEGAL_FORMS = {"жк", "ип", "ie", "жшс", "тоо", "llp", "ао", "ақ", "jsc", "ооо", "ltd", "кх", "шқ"}
_QUOTES = "«»\"'“”„"
_DIGIT = re.compile(r"\d")


MASK_LENGTH = 8
MASK_DOT = "\u2022"  # •


def mask_account(account: str) -> str:
    """'1234564821' -> '••••4821': always MASK_LENGTH characters, so the mask does not tell the
    account's length; the last four characters at most, never more than half of the account.
    The one masking of the app: the published list and every screen use it."""
    account = str(account).strip()
    keep = min(4, len(account) // 2)
    return MASK_DOT * (MASK_LENGTH - keep) + (account[-keep:] if keep else "")


def _mask_word(word: str, first: bool) -> str:
    """First word (surname or company name): two letters and ***; others: the initial."""
    core = word.strip(_QUOTES)
    if not core:
        return word
    lead = word[: len(word) - len(word.lstrip(_QUOTES))]
    tail = word[len(word.rstrip(_QUOTES)) :]
    if _DIGIT.search(core):  # a number in a name could be an identifier: hide it whole
        return lead + "***" + tail
    if first:
        return f"{lead}{core[:2]}***{tail}"
    return f"{lead}{core[0]}.{tail}"


def mask_name(name: str) -> str:
    """'ЖК Асқаров Бауыржан' -> 'ЖК Ас*** Б.'; 'ТОО «Алтын Дән»' -> 'ТОО «Ал*** Д.»'."""
    words = str(name).split()
    out, first = [], True
    for word in words:
        if word.strip(_QUOTES).lower().rstrip(".") in LEGAL_FORMS:
            out.append(word)
            continue
        out.append(_mask_word(word, first))
        first = False
    masked = " ".join(out)
    return _DIGIT.sub("*", masked)


def publication_rows(records: Iterable[MonthRecord]) -> list[tuple[str, int, int, str, str]]:
    """(month, denomination, certificate, masked account, masked name) of every current winner."""
    rows = []
    for record in records:
        for w in record.current_winners:
            if w.status in ("unclaimed", "forfeited"):
                continue  # lost the certificate; its re-draw winner is listed instead
            rows.append(
                (record.month, w.denomination, w.certificate, mask_account(w.account), mask_name(w.client_name))
            )
    return rows


def _header() -> list[str]:
    return [both("month"), both("denomination"), both("certificate_no"), both("account"), both("client_name")]


def publication_xlsx(records: Iterable[MonthRecord], rules=None) -> bytes:
    # The workbook writer loads openpyxl and numpy (0.15 s alone, 0.5 s on a busy machine): the HTML
    # list and every screen that masks an account import this module and need neither.
    from reports.xlsx import Sheet, workbook_bytes  # noqa: PLC0415 (start-up time)

    records = list(records)
    rows = publication_rows(records)
    caption = _caption(records, rules)
    return workbook_bytes(
        [Sheet("ismet.kz", _header(), rows, caption=caption, widths=(10, 18, 10, 18, 40), money_columns=(1,))]
    )


def _caption(records: list[MonthRecord], rules) -> str:
    name_kk = rules.name_kk if rules else "Іскерлік ұсыныс"
    name_ru = rules.name_ru if rules else "Деловое предложение"
    if len(records) == 1:
        mk, mr = month_words(records[0].month)
    else:
        mk, mr = ", ".join(r.month for r in records), ", ".join(r.month for r in records)
    kk, ru = ts("publish_title", name_kk=name_kk, name_ru=name_ru, month_kk=mk, month_ru=mr)
    return f"{kk} / {ru}"


def publication_html(records: Iterable[MonthRecord], rules=None) -> str:
    """An HTML fragment (a <table>) to paste into the ismet.kz page; every value is escaped."""
    records = list(records)
    e = html.escape
    parts = ['<table class="iskerlik-winners">', f"<caption>{e(_caption(records, rules))}</caption>", "<thead><tr>"]
    parts += [f"<th>{e(h)}</th>" for h in _header()]
    parts.append("</tr></thead><tbody>")
    for month, den, cert, account, name in publication_rows(records):
        parts.append(
            f"<tr><td>{e(month)}</td><td>{e(money(den))}</td><td>{cert}</td>"
            f"<td>{e(account)}</td><td>{e(name)}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "\n".join(parts) + "\n"
