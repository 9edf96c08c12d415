"""Language: the three catalogues (Kazakh, Russian, English) and the one `t(key)` helper.

The strings themselves live in `ui/catalog.py`, one entry per key with its
three translations side by side so that none can be forgotten. The current
language is kept in the session; its default comes from the browser locale.
"""
from __future__ import annotations

import streamlit as st

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
    """The text for `key` in the current language, with `{name}` fields filled in."""
    catalogue = CATALOGUES[lang or current_language()]
    text = catalogue.get(key)
    if text is None:
        text = CATALOGUES["en"].get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def fmt_int(value: int | float | None) -> str:
    """Thousands with a thin space, as written in Kazakhstan: 13 590 000."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", "\u202f")


def fmt_money(value: int | float | None) -> str:
    return f"{fmt_int(value)} ₸"


MONTH_NAMES = {
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"),
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}


def fmt_month(month: str, lang: str | None = None) -> str:
    """'2021-03' -> 'наурыз 2021' / 'март 2021' / 'March 2021'."""
    try:
        year, mon = int(month[:4]), int(month[5:7])
    except (TypeError, ValueError):
        return str(month)
    name = MONTH_NAMES[lang or current_language()][mon - 1]
    return f"{year} {name}" if (lang or current_language()) == "kk" else f"{name} {year}"


def fmt_date(day) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def labels(prefix: str):
    """A format_func for widgets: value -> t(prefix + value), in the language of this run.

    Widgets may call format_func outside the script run (AppTest does), where
    the session's language is not readable; so the language is bound now."""
    lang = current_language()
    return lambda value: t(f"{prefix}{value}", lang=lang)


def month_labels():
    lang = current_language()
    return lambda month: fmt_month(month, lang=lang)
