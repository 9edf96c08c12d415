"""Months, dates, times, numbers and plurals in Kazakh, Russian and English, from Babel (CLDR).

No Streamlit here: the screens (through `ui.i18n`) and the printed documents
(through `reports.strings`) both word a month, a date or "5 дней" with these
functions, so that the two never disagree. Every function takes the language
explicitly.

Two house choices on top of CLDR, both kept here and nowhere else:
- Documents write the Kazakh year out as official papers do ("2021 жылғы
  наурыз"); CLDR abbreviates it ("2021 ж. наурыз"), which the screen keeps.
- Short month labels on screen (selectors, chart axes) drop the Russian "г."
  ("март 2021"); documents keep CLDR's "март 2021 г.".
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal

LANGUAGES = ("kk", "ru", "en")
# English in Kazakhstan is read the British way: 05/04/2021, not 4/5/2021.
LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def _locale(lang: str) -> str:
    return LOCALES.get(lang, lang)


def _month_start(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


# ---------------------------------------------------------------- numbers


def number(value: int | float | None, lang: str) -> str:
    """13590000 -> '13 590 000' (kk, ru: non-breaking spaces) / '13,590,000' (en); None -> '—'."""
    if value is None:
        return "—"
    return format_decimal(value, locale=_locale(lang))


# ---------------------------------------------------------------- months and dates


def month(month: str, lang: str) -> str:
    """'2021-03' on screen: '2021 ж. наурыз' / 'март 2021' / 'March 2021'."""
    try:
        first = _month_start(month)
    except (TypeError, ValueError):
        return str(month)
    if lang == "ru":
        return format_date(first, "LLLL y", locale=_locale(lang))
    return format_skeleton("yMMMM", first, locale=_locale(lang))


def month_in_document(month: str, lang: str) -> str:
    """'2021-03' in a document: '2021 жылғы наурыз' / 'март 2021 г.' / 'March 2021'."""
    first = _month_start(month)
    if lang == "kk":
        return format_date(first, "y 'жылғы' MMMM", locale=_locale(lang))
    return format_skeleton("yMMMM", first, locale=_locale(lang))


def date(day: dt.date | None, lang: str) -> str:
    """A date in figures: '05.04.2021' (kk, ru), '05/04/2021' (en); None -> '—'."""
    if not day:
        return "—"
    return format_skeleton("yMMdd", day, locale=_locale(lang))


def date_in_words(day: dt.date, lang: str) -> str:
    """A date in a document's sentence: '2021 жылғы 5 сәуір' / '5 апреля 2021 г.' / '5 April 2021'."""
    if lang == "kk":
        return format_date(day, "y 'жылғы' d MMMM", locale=_locale(lang))
    return format_date(day, "long", locale=_locale(lang))


def local_time(instant: dt.datetime) -> dt.datetime:
    """An instant as a clock in Almaty reads it (naive instants are taken as UTC, as the store keeps them)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(ALMATY)


def datetime(instant: dt.datetime | None, lang: str) -> str:
    """An instant in Almaty time: '05.04.2021 16:30' (kk, ru), '05/04/2021 16:30' (en); None -> '—'."""
    if instant is None:
        return "—"
    local = local_time(instant)
    return f"{date(local.date(), lang)} {format_time(local, 'HH:mm', locale=_locale(lang))}"


# ---------------------------------------------------------------- plurals

# ICU MessageFormat's plural block: "{n, plural, one {# день} few {# дня} many {# дней} other {# дня}}".
_PLURAL = re.compile(r"\{(\w+),\s*plural,")
_FORM = re.compile(r"\s*(=\d+|zero|one|two|few|many|other)\s*\{")


def plural_category(n: int | float, lang: str) -> str:
    """CLDR's category for `n` in `lang`: ru 1 -> one, 2 -> few, 5 -> many, 21 -> one."""
    return Locale.parse(_locale(lang)).plural_form(n)


def _closing_brace(text: str, start: int) -> int:
    """Index of the brace that closes the one opened just before `start`."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i
    raise ValueError(f"unbalanced braces in {text!r}")


def choose_plurals(text: str, lang: str, params: dict) -> str:
    """Replace each plural block in `text` by the form CLDR chooses for its count in `params`.

    '#' in the chosen form stands for the count written as a number of the
    language; other `{fields}` are left for `str.format`."""
    while (found := _PLURAL.search(text)) is not None:
        name, pos = found.group(1), found.end()
        end = _closing_brace(text, found.start() + 1)
        forms: dict[str, str] = {}
        while (form := _FORM.match(text, pos)) and pos < end:
            close = _closing_brace(text, form.end())
            forms[form.group(1)] = text[form.end() : close]
            pos = close + 1
        count = params.get(name)
        if isinstance(count, (int, float)):
            chosen = forms.get(f"={count}") or forms.get(plural_category(count, lang)) or forms.get("other", "")
            chosen = chosen.replace("#", number(count, lang))
        else:  # no count given: the general form, with the field left as it is
            chosen = forms.get("other", "").replace("#", f"{{{name}}}")
        text = text[: found.start()] + chosen + text[end + 1 :]
    return text
