"""The live draw's control view (what the operator sees before and after a draw) and the audience
screen it drives (ui.presentation), through AppTest with the real engine and store.

Browser checks of the audience screen at projector sizes: tests/e2e/test_presentation.py.
"""

from __future__ import annotations

import re

from tests.app.test_pages import (  # noqa: F401 - fixtures, used by name
    app,
    confirm_commission,
    data_dir,
    draw_month_offline,
    freeze_and_open_draw,
    march_file,
    no_exception,
    open_page,
    standin,
)
from ui import drawing, presentation, stores
from ui.catalog import ENTRIES

KK, RU, EN = 0, 1, 2
NOT_SET_UP = ENTRIES["present.randomorg_missing"][EN]
NOT_ASKED_YET = ENTRIES["draw.hash_not_stored"][EN]


def element_order(at, *items) -> list[int]:
    """Positions of elements in the page's tree, in reading order (for "before any button")."""
    order = [id(node) for node in _walk(at._tree)]
    return [order.index(id(item)) for item in items]


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def stale(at) -> list[str]:
    """What must not stay on screen after a draw: an error, the not-asked-yet note, the offline form."""
    left = [e.value for e in at.error]
    left += [c.value for c in at.caption if NOT_ASKED_YET in c.value]
    left += [
        w.key
        for kind in ("text_input", "checkbox")
        for w in getattr(at, kind)
        if w.key and ("entropy" in w.key or "offline" in w.key)
    ]
    return left


def cards(at) -> list[str]:
    return [m.value for m in at.markdown if "<div class='winner-card'>" in m.value]


def test_randomorg_not_set_up_is_said_before_any_button_and_offline_is_the_way(march_file):
    at = freeze_and_open_draw(app("admin"), march_file)
    notes = [i for i in at.info if NOT_SET_UP in i.value]
    assert len(notes) == 1 and not at.error
    freeze = at.button(key="draw_freeze")
    before, after = element_order(at, notes[0], freeze)
    assert before < after  # said before the button
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    assert not at.error
    pending = drawing.tier_state("2021-03", 50000, rehearsal=False).pending
    assert pending.method == "offline" and not pending.ticket_id  # frozen for it: the hash is stored
    confirm_commission(at)
    # The offline decision is a section of its own, not a folded fallback
    assert ENTRIES["draw.offline_title"][EN] in [s.value for s in at.subheader]
    assert "draw_entropy" in {w.key for w in at.text_input}
    assert "draw_request" not in {b.key for b in at.button}  # no RANDOM.ORG button that cannot work


def test_in_kazakh_and_russian_too(march_file):
    for lang, index in (("kk", KK), ("ru", RU)):
        at = (
            freeze_and_open_draw(app("admin", lang=lang), march_file)
            if lang == "kk"
            else open_page(app("commission", lang=lang), "draw")
        )  # (the month is frozen by now)
        assert any(ENTRIES["present.randomorg_missing"][index] in i.value for i in at.info), lang


def test_randomorg_set_up_is_said_too(march_file, standin):
    at = freeze_and_open_draw(app("admin"), march_file)
    assert not at.info and not at.error
    assert any(ENTRIES["present.randomorg_ready"][EN] in c.value for c in at.caption)


def test_nothing_stale_after_an_offline_draw(march_file):
    at = freeze_and_open_draw(app("admin"), march_file)
    at.button(key="draw_freeze").click().run()
    confirm_commission(at)
    at.text_input(key="draw_entropy").input("3 6 1 4 4 2").run()
    at.checkbox(key="draw_offline_decided").check().run()
    assert stale(at)  # (the check sees the form while it is there)
    at.button(key="draw_offline").click().run()
    no_exception(at)
    assert len(cards(at)) == 15
    assert not stale(at), stale(at)
    assert not any(NOT_SET_UP in i.value for i in at.info)
    # Every card: the drawn number and a mask of one length
    done = drawing.tier_state("2021-03", 50000, rehearsal=False).done
    for card, w in zip(cards(at), done.winners):
        assert f"Drawn number: {w.ordinal}" in card
        assert re.search(r"•{4}\d{4}", card) and w.account not in card


def test_nothing_stale_after_a_randomorg_failure_and_then_the_offline_method(march_file, standin):
    at = freeze_and_open_draw(app("admin"), march_file)
    at.button(key="draw_freeze").click().run()
    confirm_commission(at)
    standin.mode = "server_error"
    at.button(key="draw_request").click().run()
    no_exception(at)
    assert any("reported a server error" in e.value for e in at.error)  # a real failure is said, in red
    assert "draw_entropy" in {w.key for w in at.text_input}  # the offline method, opened by the failure
    at.text_input(key="draw_entropy").input("1 2 3 4 5 6").run()
    at.checkbox(key="draw_offline_decided").check().run()
    standin.mode = "ok"  # RANDOM.ORG can confirm the ticket unused, so the commission may switch (engine rule)
    at.button(key="draw_offline").click().run()
    no_exception(at)
    assert len(cards(at)) == 15
    assert not stale(at), stale(at)
    assert drawing.tier_state("2021-03", 50000, rehearsal=False).done.method == "offline"


# ---------------------------------------------------------------- the audience screen


def audience(role: str = "commission", lang: str = "en"):
    at = app(role, lang=lang)
    at.query_params["view"] = "audience"
    at.query_params["month"] = "2021-03"
    return open_page(at, "draw")


def screen(at) -> str:
    found = [m.value for m in at.markdown if m.value.startswith("<div class='pres'")]
    assert len(found) == 1, [m.value[:60] for m in at.markdown]
    return found[0]


def test_the_audience_screen_follows_the_operator_step_by_step(march_file):
    operator = freeze_and_open_draw(app("admin"), march_file)
    viewer = audience()
    assert "data-screen='waiting'" in screen(viewer)
    assert not viewer.button and not viewer.text_input and not viewer.checkbox and not viewer.expander
    operator.button(key="draw_freeze").click().run()
    pending = drawing.tier_state("2021-03", 50000, rehearsal=False).pending
    viewer.run()
    shown = screen(viewer)
    assert "data-screen='pool'" in shown
    assert "".join(re.findall(r"<span>([0-9a-f]{8})</span>", shown)) == pending.pool.sha256  # in groups of 8
    assert f">{pending.pool.size}<" in shown
    confirm_commission(operator)
    viewer.run()
    assert "pres-step now'>3." not in screen(viewer) and "class='pres-step now'>2." in screen(viewer)
    operator.text_input(key="draw_entropy").input("3 6 1 4 4 2").run()
    operator.checkbox(key="draw_offline_decided").check().run()
    operator.button(key="draw_offline").click().run()
    done = drawing.tier_state("2021-03", 50000, rehearsal=False).done
    # Halfway through the reveal (as the operator's page publishes it): 3 of 15, the third the newest
    presentation.update(rehearsal=False, step="reveal", draw_id=done.id, revealed=3)
    viewer.run()
    shown = screen(viewer)
    assert shown.count("class='pcard'") + shown.count("class='pcard newest'") == 3
    assert shown.count("class='pcard pending'") == 12
    newest = re.search(r"class='pcard newest' data-certificate='(\d+)'", shown)
    assert newest and newest.group(1) == "3"
    for w in done.winners[:3]:
        assert f"Drawn number: {w.ordinal}" in shown and w.account not in shown
        assert f"<span class='dots'>••••</span>{w.account[-4:]}" in shown
    presentation.update(rehearsal=False, step="done", revealed=15)
    viewer.run()
    assert screen(viewer).count("class='pcard pending'") == 0


def test_the_audience_screen_ends_with_every_winner_of_the_month(march_file):
    operator = freeze_and_open_draw(app("admin"), march_file)
    draw_month_offline(operator)
    viewer = audience(lang="ru")
    shown = screen(viewer)
    assert "data-screen='summary'" in shown and "победители" in shown
    winners = [w for w in stores.store().winners("2021-03") if w.current]
    assert shown.count("<div class='pcard") == len(winners) == 15 + 8 + 1


def test_the_audience_screen_in_rehearsal_is_marked(march_file):
    at = app("commission", rehearsal=False)
    at.query_params["view"] = "audience"
    at.query_params["rehearsal"] = "1"
    open_page(at, "draw")
    assert ENTRIES["present.rehearsal"][EN] in screen(at)


def test_grid_shapes_keep_25_on_one_screen():
    assert presentation.grid_shape(15) == (5, 3)
    assert presentation.grid_shape(25) == (5, 5)
    assert presentation.grid_shape(8) == (4, 2)
    assert presentation.grid_shape(1) == (1, 1)
    cols, rows = presentation.grid_shape(40)
    assert cols * rows >= 40 and cols >= rows


def test_a_redraw_gets_the_same_presentation(march_file):
    from tests.app.test_redraw_ui import forfeit

    operator = freeze_and_open_draw(app("admin"), march_file)
    draw_month_offline(operator)
    forfeit(3)
    at = open_page(app("commission"), "draw")
    at.number_input(key="draw_reveal_seconds").set_value(0.0).run()
    at.segmented_control(key="draw_mode").set_value("redraw").run()
    at.selectbox(key="redraw_pick").set_value("2021-03|50000|3").run()
    viewer = audience()
    assert "data-screen='waiting'" in screen(viewer)
    assert "Re-draw of certificate no. 3" in screen(viewer)
    at.button(key="redraw_freeze").click().run()
    no_exception(at)
    viewer.run()
    shown = screen(viewer)
    pending = drawing.pending_redraw("2021-03", 50000, 3, rehearsal=False)
    assert "data-screen='pool'" in shown
    assert "".join(re.findall(r"<span>([0-9a-f]{8})</span>", shown)) == pending.pool.sha256
    at.checkbox(key="redraw_confirm_commission").check().run()
    at.button(key="redraw_confirm").click().run()
    at.text_input(key="redraw_entropy").input("6 6 2 5 1").run()
    at.checkbox(key="redraw_offline_decided").check().run()
    at.button(key="redraw_offline").click().run()
    no_exception(at)
    assert not stale(at), stale(at)
    viewer.run()
    shown = screen(viewer)
    new = drawing.tier_state("2021-03", 50000, rehearsal=False).redraws[0].winners[0]
    assert "data-screen='revealed'" in shown
    assert re.findall(r"class='pcard newest' data-certificate='(\d+)'", shown) == ["3"]
    assert f"Drawn number: {new.ordinal}" in shown and new.account not in shown
    # The month's summary then shows the re-drawn certificate once, with its new winner
    presentation.publish(presentation.Stage("2021-03", kind="summary"), rehearsal=False)
    viewer.run()
    shown = screen(viewer)
    assert "data-screen='summary'" in shown and shown.count("<div class='pcard") == 15 + 8 + 1
    cards = re.findall(r"data-certificate='3' data-denomination='50000'.*?class='drawn'>([^<]*)<", shown)
    assert cards == [f"Drawn number: {new.ordinal}"]


def test_a_rehearsal_with_randomorg_on_the_audience_screen(march_file):
    operator = freeze_and_open_draw(app("admin", rehearsal=True), march_file)
    assert any(ENTRIES["present.randomorg_rehearsal"][EN] in c.value for c in operator.caption)
    operator.button(key="draw_freeze").click().run()
    viewer = app("commission")
    viewer.query_params["view"] = "audience"
    viewer.query_params["rehearsal"] = "1"
    open_page(viewer, "draw")
    pending = drawing.tier_state("2021-03", 50000, rehearsal=True).pending
    shown = screen(viewer)
    assert "data-screen='pool'" in shown and ENTRIES["present.rehearsal"][EN] in shown
    assert f"RANDOM.ORG ticket: {pending.ticket_id}" in shown
    confirm_commission(operator)
    viewer.run()
    assert "RANDOM.ORG is asked for 15 numbers from 1 to 20." in screen(viewer)
    operator.button(key="draw_request").click().run()
    no_exception(operator)
    viewer.run()
    done = drawing.tier_state("2021-03", 50000, rehearsal=True).done
    assert f"RANDOM.ORG signature verified, result no. {done.serial_number}" in screen(viewer)
    assert screen(viewer).count("class='pcard pending'") == 0
    # The official audience screen does not show a rehearsal
    official = audience()
    assert "data-screen='waiting'" in screen(official) and ENTRIES["present.rehearsal"][EN] not in screen(official)
