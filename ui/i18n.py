"""Language: the three catalogues (Kazakh, Russian, English) and the one `t(key)` helper.

The strings themselves live in `ui/catalog.py`, one entry per key with its
three translations side by side so that none can be forgotten. The current
language is kept in the session; its default comes from the browser locale.
"""

from __future__ import annotations

import streamlit as st

from ui import formats
from ui.catalog import ENTRIES

LANGUAGES = ("kk", "ru", "en")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
SESSION_KEY = "lang"

CATALOGUES: dict[str, dict[str, str]] = {
    lang: {key: texts[i] for key, texts in ENTRIES.items()} for i, lang in enumerate(LANGUAGES)
}


def language_from_locale(locale: str | None) -> str:
    """'ru-RU' -> 'ru', 'kk' -> 'kk', 'en-GB' -> 'en'; anything else the default."""
    if not locale:
        return DEFAULT_LANGUAGE
    code = locale.replace("_", "-").split("-")[0].lower()
    if code == "kz":  # seen in the wild for Kazakh
        code = "kk"
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def browser_language() -> str:
    locale = getattr(st.context, "locale", None)
    return language_from_locale(locale)


def current_language() -> str:
    lang = st.session_state.get(SESSION_KEY)
    return lang if lang in LANGUAGES else browser_language()


def t(key: str, /, lang: str | None = None, **params: object) -> str:
    """The text for `key` in the current language, with `{name}` fields filled in.

    An entry that takes a count words it with an ICU plural block,
    "{n, plural, one {# день} few {# дня} many {# дней} other {# дня}}": the
    form is the one CLDR's plural rule of the language gives for `n`."""
    lang = lang or current_language()
    text = CATALOGUES[lang].get(key)
    if text is None:
        text = CATALOGUES["en"].get(key, key)
    text = formats.choose_plurals(text, lang, params)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


# Months, dates, numbers: Babel (CLDR) through ui.formats, which the documents use too.


def fmt_int(value: int | float | None, lang: str | None = None) -> str:
    """13 590 000 (kk, ru) / 13,590,000 (en); None -> '—'."""
    return formats.number(value, lang or current_language())


def fmt_money(value: int | float | None, lang: str | None = None) -> str:
    return f"{fmt_int(value, lang)} ₸"


def fmt_month(month: str, lang: str | None = None) -> str:
    """'2021-03' -> '2021 ж. наурыз' / 'март 2021' / 'March 2021'."""
    return formats.month(month, lang or current_language())


def fmt_date(day, lang: str | None = None) -> str:
    """05.04.2021 (kk, ru) / 05/04/2021 (en); None -> '—'."""
    return formats.date(day, lang or current_language())


def fmt_datetime(instant, lang: str | None = None) -> str:
    """A stored instant (aware UTC; naive is taken as UTC) as a clock in Almaty reads it: '05.04.2021 16:30'.

    The offset is tzdata's: UTC+6 until 1 March 2024, UTC+5 since."""
    return formats.datetime(instant, lang or current_language())


def int_labels():
    """A format_func for widgets that show numbers (tiers), in the language of this run."""
    lang = current_language()
    return lambda value: fmt_int(value, lang)


def labels(prefix: str):
    """A format_func for widgets: value -> t(prefix + value), in the language of this run.

    Widgets may call format_func outside the script run (AppTest does), where
    the session's language is not readable; so the language is bound now."""
    lang = current_language()
    return lambda value: t(f"{prefix}{value}", lang=lang)


def month_labels():
    lang = current_language()
    return lambda month: fmt_month(month, lang=lang)
