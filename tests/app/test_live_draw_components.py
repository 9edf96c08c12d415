"""The live draw's components (ui/live_draw.py), each on its own: AppTest.from_function runs one
component with plain engine records and the test reads what it shows.

The page that composes them, driven through a whole draw with the real engine and store:
tests/app/test_live_draw.py and tests/app/test_redraw_ui.py.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from engine.claims import ClaimView
from engine.records import (
    METHOD_NONE,
    METHOD_OFFLINE,
    METHOD_RANDOM_ORG,
    CommissionMember,
    DrawRecord,
    PoolRecord,
    WinnerRecord,
)
from engine.store import DrawRefused
from ui.catalog import ENTRIES
from ui.i18n import fmt_int, fmt_month, t

LANGS = {"kk": 0, "ru": 1, "en": 2}
HASH = "ab12" * 16


def winner(cert: int, *, ordinal: int | None = None, den: int = 50000) -> WinnerRecord:
    return WinnerRecord(
        id=cert,
        draw_id=1,
        month="2021-03",
        denomination=den,
        certificate=cert,
        ordinal=ordinal or 100 + cert,
        account=f"71720000{cert:02d}",
        client_id=f"C{cert}",
        client_name=f"Client {cert}",
        status="drawn",
        status_changed_at=dt.datetime(2021, 4, 5, 10, 0, tzinfo=dt.UTC),
        deadline=dt.date(2021, 4, 19),
    )


def draw(**changes) -> DrawRecord:
    fields = dict(
        id=1,
        month="2021-03",
        denomination=50000,
        kind="draw",
        rehearsal=False,
        method=METHOD_RANDOM_ORG,
        status="pending",
        quota=15,
        carried_in=0,
        to_draw=15,
        drawn=0,
        carry_out=0,
        draw_date=dt.date(2021, 4, 5),
        started_at=dt.datetime(2021, 4, 5, 10, 0, tzinfo=dt.UTC),
        finished_at=None,
        pool=PoolRecord(id=1, month="2021-03", denomination=50000, size=7, sha256=HASH, text="", purpose="draw"),
        ticket_id="tkt-42",
    )
    fields.update(changes)
    return DrawRecord(**fields)


def run(script, lang: str = "en", **kwargs) -> AppTest:
    at = AppTest.from_function(script, kwargs=kwargs, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(key: str, lang: str = "en", **params) -> str:
    """A catalogue entry as the screen shows it (plural blocks and fields filled in)."""
    return t(key, lang=lang, **params)


def cards(at) -> list[str]:
    return [m.value for m in at.markdown if "<div class='winner-card'>" in m.value]


def metrics(at) -> dict[str, str]:
    """big_metric figures: label -> number, as shown."""
    found = {}
    for m in at.markdown:
        hit = re.search(r"<div class='big-label'>(.*?)</div><div class='big-number'>(.*?)</div>", m.value)
        if hit:
            found[hit.group(1)] = hit.group(2)
    return found


# ---------------------------------------------------------------- the winners


def _cards_script(winners, newest):
    from ui import live_draw

    live_draw.winner_cards(winners, newest=newest)


@pytest.mark.parametrize("lang", LANGS)
def test_winner_cards_mask_accounts_show_the_drawn_number_and_mark_the_newest(lang):
    winners = [winner(1, ordinal=5), winner(2, ordinal=17), winner(3, ordinal=2)]
    at = run(_cards_script, lang, winners=winners, newest=2)
    shown = cards(at)
    assert len(shown) == 3
    assert ["№ 1" in shown[0], "№ 2" in shown[1], "№ 3" in shown[2]] == [True, True, True]
    assert not any(w.account in c for w, c in zip(winners, shown, strict=True))  # never the full account
    assert all(w.account[-4:] in c for w, c in zip(winners, shown, strict=True))
    assert text("present.drawn_number", lang, n="17") in shown[1]
    newest = ENTRIES["draw.newest"][LANGS[lang]]
    assert [newest in c for c in shown] == [False, True, False]
    assert [("class='newest'" in c) for c in shown] == [False, True, False]


def test_winner_cards_without_a_newest_mark_none():
    at = run(_cards_script, winners=[winner(1), winner(2)], newest=None)
    assert len(cards(at)) == 2 and not [c for c in cards(at) if "newest" in c]


def _reveal_script(winners):
    import streamlit as st

    from ui import live_draw

    st.session_state["revealed"] = []
    live_draw.reveal(winners, pause=0, on_reveal=st.session_state["revealed"].append)


def test_reveal_shows_every_winner_in_order_tells_each_step_and_the_last_stays_newest():
    winners = [winner(k) for k in (1, 2, 3, 4)]
    at = run(_reveal_script, winners=winners)
    shown = cards(at)
    assert [re.search(r"№ (\d+)", c).group(1) for c in shown] == ["1", "2", "3", "4"]
    assert at.session_state["revealed"] == [1, 2, 3, 4]  # the audience screen is told after each one
    assert ["class='newest'" in c for c in shown] == [False, False, False, True]


def _outcome_script(done):
    from ui import live_draw

    live_draw.draw_outcome(done, "draw")


@pytest.mark.parametrize("lang", LANGS)
def test_a_redraws_outcome_names_the_certificate_and_the_masked_new_winner(lang):
    done = draw(kind="redraw", status="done", redraw_of_certificate=3, winners=(winner(3, ordinal=9),), drawn=1)
    at = run(_outcome_script, lang, done=done)
    assert [s.value for s in at.success] == [
        text("draw.redrawn", lang, certificate=3, account="••••" + winner(3).account[-4:])
    ]
    assert winner(3).account not in at.success[0].value
    assert at.button(key="draw_next").label == ENTRIES["draw.next_redraw"][LANGS[lang]]


def test_a_redraw_with_nobody_left_carries_the_certificate_over():
    at = run(_outcome_script, done=draw(kind="redraw", status="done", redraw_of_certificate=3, winners=()))
    assert [i.value for i in at.info] == [ENTRIES["draw.redraw_empty"][2]]
    assert not at.success


def test_a_tiers_outcome_says_what_carries_over_and_offers_the_next_tier():
    at = run(
        _outcome_script, done=draw(status="done", carry_out=8, drawn=7, winners=tuple(winner(k) for k in range(1, 8)))
    )
    assert [c.value for c in at.caption] == [text("draw.carry_out", n=8)]
    assert at.button(key="draw_next").label == "Next tier"
    at = run(_outcome_script, done=draw(status="done", carry_out=0, drawn=7))
    assert not at.caption


def _month_done_script(month):
    from ui import live_draw

    live_draw.month_done(month, None)


@pytest.mark.parametrize("lang", LANGS)
def test_month_done_says_every_tier_is_drawn(lang):
    at = run(_month_done_script, lang, month="2021-03")
    assert [s.value for s in at.success] == [text("draw.month_done", lang, month=fmt_month("2021-03", lang))]
    assert "2021" in at.success[0].value
    assert not at.get("page_link")  # no way to the documents for someone who may not go there


# ---------------------------------------------------------------- the pool and its hash


def _facts_script(record):
    from ui import live_draw

    live_draw.draw_facts(record)


def test_a_frozen_pool_shows_its_size_hash_ticket_and_what_it_will_draw_min_of_owed_and_pool():
    at = run(_facts_script, record=draw(to_draw=15))  # 15 owed, 7 in the pool: 7 will be drawn
    assert metrics(at) == {"Pool size": "7", "To draw": "15", text("draw.will_draw"): "7"}
    assert any(HASH in m.value for m in at.markdown)
    assert any("tkt-42" in m.value for m in at.markdown)
    assert not at.success  # nothing signed yet
    at = run(_facts_script, record=draw(to_draw=3))
    assert metrics(at)[text("draw.will_draw")] == "3"


def test_a_done_randomorg_draw_shows_the_signature():
    done = draw(
        status="done",
        drawn=7,
        serial_number=1234,
        completion_time="2021-04-05 10:01:02Z",
        signature_verified=True,
        carry_out=8,
    )
    at = run(_facts_script, record=done)
    assert metrics(at)["Drawn"] == "7"
    assert any("1234" in m.value for m in at.markdown)
    assert [s.value for s in at.success] == [ENTRIES["draw.signature_ok"][2]]
    assert [c.value for c in at.caption] == [text("draw.carry_out", n=8)]
    assert not at.warning
    at = run(_facts_script, record=done.__class__(**{**done.__dict__, "development_licence": True}))
    assert [w.value for w in at.warning] == [ENTRIES["draw.development_licence"][2]]


def test_a_done_offline_draw_shows_the_entropy_and_an_empty_pool_what_carries_over():
    at = run(
        _facts_script, record=draw(method=METHOD_OFFLINE, status="done", drawn=7, entropy="3 6 1 4 4 2", ticket_id="")
    )
    assert any("3 6 1 4 4 2" in m.value for m in at.markdown)
    assert not any("tkt-42" in m.value for m in at.markdown)
    at = run(_facts_script, record=draw(method=METHOD_NONE, status="done", pool=None, carry_out=15, ticket_id=""))
    assert metrics(at)["Pool size"] == "0"
    assert [i.value for i in at.info] == [text("draw.empty_pool", n=15)]


def _preview_script(tier):
    from ui import live_draw

    live_draw.preview_facts(tier)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_preview_facts_show_pool_quota_carry_in_and_certificates_owed(lang):
    from types import SimpleNamespace

    at = run(_preview_script, lang, tier=SimpleNamespace(eligible=1200, quota=15, carried_in=2, to_draw=17))
    assert list(metrics(at).values()) == ["1\u00a0200" if lang == "ru" else "1,200", "15", "2", "17"]
    assert list(metrics(at)) == [
        ENTRIES[k][LANGS[lang]] for k in ("col.pool_size", "col.quota", "col.carried_in", "col.to_draw")
    ]


def _redraw_pool_script(size):
    from ui import live_draw

    live_draw.redraw_pool_facts(size)


def test_a_redraw_pool_before_freezing_and_its_size_once_frozen_by_a_refused_attempt():
    at = run(_redraw_pool_script, size=None)
    assert metrics(at) == {} and [c.value for c in at.caption] == [ENTRIES["draw.redraw_pool"][2]]
    at = run(_redraw_pool_script, size=42)
    assert metrics(at) == {"Pool size": "42"}


# ---------------------------------------------------------------- what to draw


def _tier_script(denominations, drawn, next_tier):
    import streamlit as st

    from ui import live_draw

    st.session_state["picked"] = live_draw.tier_picker("2021-03", denominations, drawn, next_tier)


def test_tier_picker_marks_drawn_tiers_picks_the_next_and_heads_it():
    at = run(_tier_script, denominations=(50000, 70000, 100000), drawn=[50000], next_tier=70000)
    control = at.get("button_group")[0]
    assert control.key == "draw_tier_2021-03_70000"
    assert at.session_state["picked"] == 70000
    assert [h.value for h in at.header] == [text("draw.tier_title", tier="70,000")]
    labels = [o.content for o in control.proto.options]
    assert labels == ["✓ 50,000 ₸", "70,000 ₸", "100,000 ₸"]


def _mode_script(waiting):
    import streamlit as st

    from ui import live_draw

    st.session_state["mode"] = live_draw.mode_picker("2021-03", waiting)


def test_mode_picker_appears_only_when_redraws_wait():
    at = run(_mode_script, waiting=0)
    assert at.session_state["mode"] == "month" and not at.get("button_group")
    at = run(_mode_script, "ru", waiting=2)
    control = at.get("button_group")[0]
    assert control.key == "draw_mode" and at.session_state["mode"] == "month"
    assert [o.content for o in control.proto.options] == [
        text("draw.mode_month", "ru", month="март 2021"),
        text("draw.mode_redraw", "ru", n=2),
    ]


def _redraw_script(waiting):
    import streamlit as st

    from ui import live_draw

    picked, view = live_draw.redraw_picker(waiting)
    st.session_state["picked"] = picked
    live_draw.redraw_header(view, "flash!")


@pytest.mark.parametrize("lang", LANGS)
def test_redraw_picker_lists_waiting_certificates_and_the_header_says_why(lang):
    lapsed = ClaimView(winner=winner(3), status="unclaimed", deadline=dt.date(2021, 4, 19), days_left=-2)
    forfeited = ClaimView(winner=winner(5, den=70000), status="forfeited", deadline=dt.date(2021, 4, 19), days_left=3)
    at = run(_redraw_script, lang, waiting=[lapsed, forfeited])
    assert at.selectbox(key="redraw_pick").options[1].endswith(ENTRIES["status.forfeited"][LANGS[lang]])
    assert at.session_state["picked"] == "2021-03|50000|3"
    assert [h.value for h in at.header] == [
        text("draw.redraw_title", lang, certificate=3, tier=fmt_int(50000, lang), month=fmt_month("2021-03", lang))
    ]
    assert [s.value for s in at.success] == ["flash!"]
    explained = [m.value for m in at.markdown if ENTRIES["status.unclaimed"][LANGS[lang]] in m.value]
    assert explained and winner(3).account not in explained[0] and winner(3).account[-4:] in explained[0]


def _status_script(rehearsal, configured):
    from ui import live_draw

    live_draw.randomorg_status(rehearsal=rehearsal, configured=configured)


@pytest.mark.parametrize("lang", LANGS)
def test_randomorg_status_says_where_the_numbers_come_from(lang):
    i = LANGS[lang]
    at = run(_status_script, lang, rehearsal=False, configured=False)
    assert [x.value for x in at.info] == [ENTRIES["present.randomorg_missing"][i]]
    at = run(_status_script, lang, rehearsal=False, configured=True)
    assert not at.info and ENTRIES["present.randomorg_ready"][i] in at.caption[0].value
    at = run(_status_script, lang, rehearsal=True, configured=True)
    assert [c.value for c in at.caption] == [ENTRIES["present.randomorg_rehearsal"][i]]


# ---------------------------------------------------------------- the commission and the random numbers


def _commission_script(members):
    import streamlit as st

    from ui import live_draw

    st.session_state.setdefault("recorded", [])
    ok = live_draw.commission_step(
        "draw", "confirmed", members, lambda present: st.session_state["recorded"].append([m.name for m in present])
    )
    st.session_state["ok"] = ok


def test_commission_step_confirms_only_after_the_checkbox_and_records_who_is_present():
    members = [
        CommissionMember("chair", "A. Chair"),
        CommissionMember("secretary", "B. Secretary"),
        CommissionMember("member", "C. Member"),
    ]
    at = run(_commission_script, members=members)
    assert at.session_state["ok"] is False
    assert at.multiselect(key="draw_present").value == ["A. Chair", "B. Secretary", "C. Member"]
    assert at.button(key="draw_confirm").disabled
    at.multiselect(key="draw_present").unselect("C. Member").run()
    at.checkbox(key="draw_confirm_commission").check().run()
    at.button(key="draw_confirm").click().run()
    assert at.session_state["recorded"] == [["A. Chair", "B. Secretary"]]
    assert at.session_state["ok"] is True
    assert any(ENTRIES["draw.commission_confirmed"][2] in m.value for m in at.markdown)


def test_commission_step_without_members_says_so():
    at = run(_commission_script, "ru", members=[])
    assert [c.value for c in at.caption] == [ENTRIES["draw.no_commission"][1]]


def _request_script(record):
    from ui import live_draw

    live_draw.request_explained(record)


@pytest.mark.parametrize("lang", LANGS)
def test_request_explained_asks_for_min_of_owed_and_pool_numbers_or_one_for_a_redraw(lang):
    at = run(_request_script, lang, record=draw(to_draw=15))
    assert [s.value for s in at.subheader] == [ENTRIES["draw.step_request"][LANGS[lang]]]
    assert [m.value for m in at.markdown] == [text("draw.request_explained", lang, n=7, size=7, ticket="tkt-42")]
    at = run(_request_script, lang, record=draw(kind="redraw", to_draw=1, redraw_of_certificate=4))
    assert [m.value for m in at.markdown] == [
        text("draw.redraw_request_explained", lang, size=7, ticket="tkt-42", certificate=4)
    ]


def test_request_explained_asks_nothing_of_randomorg_for_an_offline_draw():
    at = run(_request_script, record=draw(method=METHOD_OFFLINE, ticket_id=""))
    assert len(at.subheader) == 1 and not at.markdown


def _empty_script(record):
    import streamlit as st

    from ui import live_draw

    st.session_state["recorded"] = live_draw.empty_pool_step(record, "draw")


def test_an_empty_pool_says_what_carries_over_and_records_it_on_the_commissions_click():
    at = run(_empty_script, "ru", record=draw(method=METHOD_NONE, pool=None, to_draw=15))
    assert [i.value for i in at.info] == [text("draw.empty_pool", "ru", n=15)]
    assert at.session_state["recorded"] is False
    at.button(key="draw_record_empty").click().run()
    assert at.session_state["recorded"] is True
    at = run(_empty_script, record=draw(kind="redraw", method=METHOD_NONE, pool=None, to_draw=1))
    assert [i.value for i in at.info] == [ENTRIES["draw.redraw_empty"][2]]


def _offline_script(section):
    import streamlit as st

    from ui import live_draw

    st.session_state["entropy"] = live_draw.offline_step("draw", expanded=True, section=section)


def test_offline_step_runs_only_on_the_commissions_decision_with_entropy():
    at = run(_offline_script, section=True)
    assert [s.value for s in at.subheader] == [ENTRIES["draw.offline_title"][2]]
    assert at.button(key="draw_offline").disabled
    at.text_input(key="draw_entropy").input("  3 6 1 4  ").run()
    assert at.button(key="draw_offline").disabled  # entropy alone is not the commission's decision
    at.checkbox(key="draw_offline_decided").check().run()
    at.button(key="draw_offline").click().run()
    assert at.session_state["entropy"] == "3 6 1 4"
    at = run(_offline_script, section=False)
    assert not at.subheader and at.expander[0].label == ENTRIES["draw.offline_title"][2]


def _steps_script(events):
    import streamlit as st

    from ui import live_draw

    on_step = live_draw.step_log(st.container())
    for event, info in events:
        on_step(event, info)


def test_step_log_says_each_step_the_engine_reports():
    events = [
        ("pool_frozen", {"pool_size": 7}),
        ("requesting", {"method": METHOD_RANDOM_ORG, "n": 7, "maximum": 20, "ticket_id": "tkt-42"}),
        ("signature_verified", {"serial_number": 1234, "recovered": True}),
    ]
    at = run(_steps_script, events=events)
    assert [m.value for m in at.markdown] == [
        ":material/hourglass_top: " + text("draw.step_requesting", n=7, maximum=20, ticket="tkt-42"),
        ":material/verified: " + text("draw.step_signature", serial=1234),
        ":material/history: " + text("draw.step_recovered"),
    ]
    at = run(_steps_script, "kk", events=[("requesting", {"method": METHOD_OFFLINE, "entropy": "3 6 1"})])
    assert [m.value for m in at.markdown] == [
        ":material/hourglass_top: " + text("draw.step_offline", "kk", entropy="3 6 1")
    ]


# ---------------------------------------------------------------- failures, refusals, a blocked ticket


def _failure_script(kind, configured):
    from ui import live_draw

    live_draw.failure_box(kind, "technical words", configured=configured)


@pytest.mark.parametrize("lang", LANGS)
def test_failure_box_says_what_happened_and_what_next_the_details_folded(lang):
    i = LANGS[lang]
    at = run(_failure_script, lang, kind="no_key", configured=False)  # no key here: RANDOM.ORG is not set up
    assert at.error[0].value == f"**{ENTRIES['fail.not_configured'][i]}**\n\n{ENTRIES['next.not_configured'][i]}"
    assert at.expander[0].label == ENTRIES["draw.technical"][i] and at.code[0].value == "technical words"
    at = run(_failure_script, lang, kind="something_new", configured=True)
    assert at.error[0].value == f"**{ENTRIES['fail.other'][i]}**\n\n{ENTRIES['next.other'][i]}"


def _refusal_script(exc):
    from ui import live_draw

    live_draw.show_refusal(exc)


def test_a_refusal_in_the_users_language_with_months_in_words():
    exc = DrawRefused("2021-03 is not drawn yet", "months_out_of_order", first_undrawn="2021-03")
    at = run(_refusal_script, "ru", exc=exc)
    assert at.error[0].value == text(
        "draw.refused", "ru", message=text("refused.months_out_of_order", "ru", first_undrawn="март 2021")
    )
    at = run(_refusal_script, "ru", exc=DrawRefused("an English reason"))
    assert "an English reason" in at.error[0].value


def _blocked_script(record, may_abandon):
    import streamlit as st

    from ui import live_draw

    st.session_state["reason"] = live_draw.blocked_ticket_panel(record, "abandon", may_abandon=may_abandon)


def test_a_blocked_ticket_is_abandoned_only_by_the_commission_with_a_reason():
    blocked = draw(status="failed", failure="signature: the signature does not verify")
    at = run(_blocked_script, record=blocked, may_abandon=False)
    assert "tkt-42" in at.error[0].value
    assert [i.value for i in at.info] == [ENTRIES["draw.blocked_commission_only"][2]]
    assert not at.text_area
    at = run(_blocked_script, record=blocked, may_abandon=True)
    assert at.button(key="abandon_abandon").disabled
    at.text_area(key="abandon_abandon_reason").input("RANDOM.ORG answered with a broken signature").run()
    assert at.button(key="abandon_abandon").disabled  # a reason alone is not the confirmation
    at.checkbox(key="abandon_abandon_sure").check().run()
    at.button(key="abandon_abandon").click().run()
    assert at.session_state["reason"] == "RANDOM.ORG answered with a broken signature"
