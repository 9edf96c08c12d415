"""Plurals, months, dates, numbers and times through Babel (CLDR), in Kazakh, Russian and English."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from babel.dates import get_month_names

from ui import defaults, formats
from ui.catalog import ENTRIES
from ui.i18n import LANGUAGES, fmt_date, fmt_datetime, fmt_int, fmt_month, t

UTC = dt.UTC


@pytest.mark.parametrize(
    "n,expected",
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день"), (22, "22 дня"), (14, "14 дней")],
)
def test_russian_days_take_the_form_cldr_gives(n, expected):
    assert t("settings.days", lang="ru", n=n) == expected


@pytest.mark.parametrize(
    "lang,n,expected",
    [
        ("kk", 1, "1 күн"),
        ("kk", 5, "5 күн"),
        ("kk", 21, "21 күн"),
        ("en", 1, "1 day"),
        ("en", 2, "2 days"),
        ("en", 21, "21 days"),
    ],
)
def test_kazakh_and_english_days(lang, n, expected):
    assert t("settings.days", lang=lang, n=n) == expected


def test_a_sentence_with_a_count_and_other_fields():
    deadline = "19.04.2021"
    assert t("claims.deadline", lang="ru", deadline=deadline, days=1) == "Срок: 19.04.2021 (остался 1 день)"
    assert t("claims.deadline", lang="ru", deadline=deadline, days=21) == "Срок: 19.04.2021 (остался 21 день)"
    assert t("claims.deadline", lang="ru", deadline=deadline, days=3) == "Срок: 19.04.2021 (осталось 3 дня)"
    assert t("claims.deadline", lang="en", deadline=deadline, days=1) == "Deadline: 19.04.2021 (1 day left)"
    assert t("draw.done", lang="ru", n=15) == "Розыгрыш завершён: 15 победителей"
    assert t("draw.done", lang="ru", n=2) == "Розыгрыш завершён: 2 победителя"
    assert t("claims.overdue", lang="ru", n=1).startswith("По 1 сертификату истёк")


def test_a_count_never_shows_its_plural_markup():
    """Every entry with a plural block reads as plain words for counts of every CLDR category."""
    plural_keys = [k for k, texts in ENTRIES.items() if any(", plural," in x for x in texts)]
    assert "settings.days" in plural_keys
    for key in plural_keys:
        fields = set(re.findall(r"\{(\w+)[},]", " ".join(ENTRIES[key])))
        for lang in LANGUAGES:
            for n in (0, 1, 2, 5, 21, 1000):
                text = t(key, lang=lang, **{f: n for f in fields})
                assert "plural" not in text and "{" not in text and "#" not in text, (key, lang, n, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_month_names_are_cldr_s(lang):
    for number, name in get_month_names("wide", "format", locale=formats.LOCALES[lang]).items():
        label = fmt_month(f"2021-{number:02d}", lang)
        assert "2021" in label
        assert (
            name.lower() in label.lower()
            or get_month_names("wide", "stand-alone", locale=formats.LOCALES[lang])[number].lower() in label.lower()
        )


def test_months_and_dates_in_three_languages():
    assert fmt_month("2021-03", "kk") == "2021\u202fж. наурыз"  # CLDR keeps the year with its "ж."
    assert fmt_month("2021-03", "ru") == "март 2021"
    assert fmt_month("2021-03", "en") == "March 2021"
    assert fmt_date(dt.date(2021, 4, 5), "ru") == "05.04.2021"
    assert fmt_date(dt.date(2021, 4, 5), "kk") == "05.04.2021"
    assert fmt_date(dt.date(2021, 4, 5), "en") == "05/04/2021"
    assert fmt_date(None, "ru") == "—"


def test_numbers_group_thousands_as_each_language_does():
    assert fmt_int(13590000, "ru") == "13\u00a0590\u00a0000"
    assert fmt_int(13590000, "kk") == "13\u00a0590\u00a0000"
    assert fmt_int(13590000, "en") == "13,590,000"
    assert fmt_int(None, "en") == "—"


@pytest.mark.parametrize(
    "instant",
    [
        dt.datetime(2021, 4, 5, 10, 30, tzinfo=UTC),
        dt.datetime(2024, 6, 1, 10, 30, tzinfo=UTC),
        dt.datetime(2021, 12, 31, 20, 15, tzinfo=UTC),
    ],
)
def test_instants_are_shown_in_almaty_time_as_tzdata_says(instant):
    # Kazakhstan moved from UTC+6 to UTC+5 on 1 March 2024: the offset comes from tzdata, not from here.
    local = instant.astimezone(zoneinfo.ZoneInfo("Asia/Almaty"))
    assert fmt_datetime(instant, "ru") == local.strftime("%d.%m.%Y %H:%M")
    assert fmt_datetime(instant, "en") == local.strftime("%d/%m/%Y %H:%M")
    assert fmt_datetime(instant.replace(tzinfo=None), "ru") == fmt_datetime(instant, "ru")  # the store's naive UTC
    assert fmt_datetime(None, "kk") == "—"


def test_the_place_is_stored_in_the_documents_languages_whatever_the_screen_s(tmp_path, monkeypatch):
    """The live draw offers the default place in the interface's language; the protocol is Kazakh/Russian."""
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(tmp_path))
    kk, ru, en = ENTRIES["draw.place_default"]
    for offered in (kk, ru, en, ""):
        assert defaults.document_place(offered) == f"{kk} / {ru}"
    assert defaults.document_place("Алматы қ. / г. Алматы") == "Алматы қ. / г. Алматы"  # as the commission typed it
    defaults.place_file().write_text("Қонаев қ. / г. Конаев", encoding="utf-8")
    assert defaults.document_place(en) == "Қонаев қ. / г. Конаев"
