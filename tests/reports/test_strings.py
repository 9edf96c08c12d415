"""The documents word months, dates, numbers, reasons and statuses as the screen does (one source each)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from reports import strings
from ui import formats
from ui.catalog import ENTRIES

UTC = dt.UTC


def test_month_and_date_words_come_from_babel():
    assert strings.month_words("2021-03") == ("2021 жылғы наурыз", "март 2021\u00a0г.")
    assert strings.date_words(dt.date(2021, 4, 5)) == ("2021 жылғы 5 сәуір", "5 апреля 2021\u00a0г.")
    assert strings.date_figures(dt.date(2021, 4, 5)) == "05.04.2021"
    assert strings.money(13590000) == "13\u00a0590\u00a0000"


@pytest.mark.parametrize("month", [f"2021-{m:02d}" for m in range(1, 13)])
def test_screen_and_document_name_the_same_month(month):
    """The Russian screen label is the document's month less its "г."; Kazakh and Russian names agree."""
    kk, ru = strings.month_words(month)
    assert ru.replace("\u00a0г.", "") == formats.month(month, "ru")
    assert formats.month(month, "kk").split(" ")[-1] == kk.split(" ")[-1]


def test_reasons_and_statuses_are_worded_as_on_screen():
    for reason in ("client_type", "not_new_client", "duplicate_client", "other_month"):
        kk, ru, _ = ENTRIES[f"reason.{reason}"]
        assert strings.reason_name(reason) == (kk, ru)
    for status in ("drawn", "contacted", "claimed", "unclaimed", "forfeited"):
        kk, ru, _ = ENTRIES[f"status.{status}"]
        assert strings.status_name(status) == (kk, ru)
    assert strings.reason_name("something_new") == ("something_new", "something_new")


@pytest.mark.parametrize("days,ru", [(1, "в течение 1 дня"), (14, "в течение 14 дней"), (21, "в течение 21 дня")])
def test_the_claim_window_takes_the_russian_plural(days, ru):
    kk_text, ru_text = strings.ts("closing", days=days)
    assert ru in ru_text and f"{days} күн" in kk_text


@pytest.mark.parametrize(
    "instant", [dt.datetime(2021, 4, 5, 5, 2, tzinfo=UTC), dt.datetime(2024, 6, 3, 5, 2, tzinfo=UTC)]
)
def test_times_are_almaty_s_with_tzdata_s_offset(instant):
    local = instant.astimezone(zoneinfo.ZoneInfo("Asia/Almaty"))
    hours = int(local.utcoffset().total_seconds() // 3600)
    assert strings.almaty_time(instant) == f"{local:%d.%m.%Y %H:%M} (UTC+{hours})"
    assert strings.almaty_time(instant, date=False) == f"{local:%H:%M} (UTC+{hours})"
