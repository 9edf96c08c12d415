"""The charts page read back from the Plotly figures it sends: months in calendar order on every
x-axis, one colour per tier in every chart, and words instead of empty axes.

Two months drawn offline by the real engine into a fresh data folder: March (a tier with too few
participants, so certificates carry over) and April, where the only handed-over certificate and
the only "client type" exclusion are; grouped naively, those traces would put April first.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import random

import numpy as np
import pytest

from engine.claims import set_claim
from engine.draw import DrawOccasion, draw_month
from engine.preview import preview
from engine.rules import load_rules
from engine.store import Store
from tests.app.test_pages import app, data_dir, no_exception, open_page  # noqa: F401 - data_dir is a fixture
from tests.engine.test_draw import FEES, valid_iin, write_csv
from ui.charts import STATUS_COLOURS, tier_colours
from ui.formats import month, number

MARCH, APRIL = "2021-03", "2021-04"


def with_exclusions(path, month_: str, *, other_type: int, low_fee: int, seed: int):
    """Append rows the engine excludes: a client type that is neither IE nor LLP, a fee below the minimum."""
    rng = random.Random(seed)
    with open(path, "a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for i in range(other_type + low_fee):
            kind, fee = ("JSC", FEES[50000]) if i < other_type else ("IE", 100)
            w.writerow(
                [
                    f"{rng.randrange(10**8, 10**9)}",
                    valid_iin(rng),
                    f"Excluded {i}",
                    kind,
                    f"{month_}-{i % 28 + 1:02d}",
                    fee,
                    "yes",
                    f"+7 700 100 {i:04d}",
                    "Almaty",
                ]
            )
    return path


@pytest.fixture
def two_months(tmp_path):
    store = Store()
    march = with_exclusions(
        write_csv(tmp_path / "march.csv", {50000: 20, 70000: 3, 100000: 0}, month=MARCH),
        MARCH,
        other_type=0,
        low_fee=4,
        seed=7,
    )
    pv = preview(march, month=MARCH, draw_date=dt.date(2021, 4, 5), history=store.history())
    store.record_import(pv.import_summary(MARCH))
    draw_month(store, pv, DrawOccasion(MARCH, dt.date(2021, 4, 5), "offline"), entropy="3 1 4")
    april = with_exclusions(
        write_csv(tmp_path / "april.csv", {50000: 20, 70000: 20, 100000: 10}, month=APRIL, seed=2),
        APRIL,
        other_type=2,
        low_fee=3,
        seed=8,
    )
    pv = preview(april, month=APRIL, draw_date=dt.date(2021, 5, 5), history=store.history())
    store.record_import(pv.import_summary(APRIL))
    draw_month(store, pv, DrawOccasion(APRIL, dt.date(2021, 5, 5), "offline"), entropy="1 5 9")
    for status in ("contacted", "claimed"):
        set_claim(store, APRIL, 50000, 1, status, certificate_serial="CHOCO-1", today=dt.date(2021, 5, 6))
    store.close()


def figures(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def values(data) -> list:
    """A trace's numbers: Plotly sends arrays as {"dtype", "bdata" (base64)}."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_x_axis_lists_months_in_calendar_order(two_months, lang):
    at = open_page(app("manager", lang=lang), "charts")
    rules = load_rules()
    calendar = [month(m, lang) for m in rules.months]
    charts = figures(at)
    assert len(charts) == 7, [s.value for s in at.subheader]
    for fig in charts:
        axis = fig["layout"]["xaxis"]
        assert axis["categoryorder"] == "array" and axis["categoryarray"] == calendar
        assert axis.get("tickangle") == 0
        for trace in fig["data"]:
            positions = [calendar.index(x) for x in trace["x"]]
            assert positions == sorted(positions), (trace.get("name"), trace["x"])
    # The traces that once put April first (handed over, "client type") are there, April only.
    claims = next(
        f
        for f in charts
        if f["layout"].get("barmode") == "stack"
        and any(tr.get("marker", {}).get("color") == STATUS_COLOURS["claimed"] for tr in f["data"])
    )
    assert [tr["x"] for tr in claims["data"] if tr["marker"]["color"] == STATUS_COLOURS["claimed"]] == [
        [month(APRIL, lang)]
    ]
    assert any(tr["x"] == [month(APRIL, lang)] for tr in charts[-1]["data"])


def test_each_tier_has_one_colour_in_every_chart(two_months):
    at = open_page(app("manager", lang="ru"), "charts")
    rules = load_rules()
    colours = tier_colours(rules.denominations)
    assert len(set(colours.values())) == len(rules.denominations)
    seen: dict[int, set[str]] = {d: set() for d in rules.denominations}
    for fig in figures(at):
        for trace in fig["data"]:
            name = trace.get("name", "")
            for den in rules.denominations:
                if name.startswith(f"{number(den, 'ru')} ₸"):
                    marker = trace.get("marker", {})
                    colour = marker.get("color") or trace.get("line", {}).get("color")
                    if colour == "rgba(0,0,0,0)":  # an outline bar (certificates to draw): its outline's colour
                        colour = marker["line"]["color"]
                    seen[den].add(colour)
    for den in rules.denominations:
        assert seen[den] == {colours[den]}, (den, seen[den])


def test_certificates_against_the_quota_have_their_own_scale(two_months):
    """Drawn and to-draw certificates (tens) are not drawn against pools (hundreds): a chart of their own."""
    at = open_page(app("manager", lang="en"), "charts")
    coverage = next(f for f in figures(at) if any(": to draw" in tr.get("name", "") for tr in f["data"]))
    ys = [y for tr in coverage["data"] for y in values(tr["y"])]
    assert max(ys) <= 30
    texts = [x for tr in coverage["data"] if ": to draw" in tr["name"] for x in tr["text"]]
    assert all("/" in x for x in texts)


def test_nothing_drawn_is_said_in_words_not_with_empty_axes():
    at = open_page(app("manager", lang="ru"), "charts")
    no_exception(at)
    assert not at.get("plotly_chart")
    [info] = [i.value for i in at.info]  # one sentence, not an empty box per chart
    assert "нет ни розыгрышей, ни зафиксированных файлов" in info
    assert f"Бюджет {number(load_rules().total_face_value, 'ru')} ₸ не израсходован" in info


def test_a_frozen_file_without_a_draw_shows_its_exclusions_and_says_why_the_rest_is_empty(tmp_path):
    store = Store()
    march = with_exclusions(
        write_csv(tmp_path / "march.csv", {50000: 20, 70000: 3, 100000: 0}, month=MARCH),
        MARCH,
        other_type=1,
        low_fee=2,
        seed=7,
    )
    store.record_import(
        preview(march, month=MARCH, draw_date=dt.date(2021, 4, 5), history=store.history()).import_summary(MARCH)
    )
    store.close()
    at = open_page(app("manager", lang="ru"), "charts")
    [fig] = figures(at)
    assert fig["layout"]["barmode"] == "stack"  # the exclusions
    infos = [i.value for i in at.info]
    assert sum("розыгрышей ещё не было" in i for i in infos) == 3, infos
    assert any(f"бюджет {number(load_rules().total_face_value, 'ru')} ₸ не израсходован" in i for i in infos), infos


def test_no_month_picked_says_what_to_do(two_months):
    at = open_page(app("manager", lang="en"), "charts")
    at.multiselect(key="charts_months").set_value([]).run()
    no_exception(at)
    assert not at.get("plotly_chart")
    assert any("Choose at least one month" in i.value for i in at.info)
