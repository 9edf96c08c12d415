"""Re-draws are the commission's act, on the live draw page, with the monthly draw's steps
(RULES.md, integrity rule 3); staff only see them waiting on the claims page. A used ticket whose
result does not verify is abandoned by the commission with a reason (rule 5). The audit check
says what failed in the user's language.

Real engine, a real SQLite file in a fresh data folder, the loopback stand-in for RANDOM.ORG.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

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
from ui import claims, drawing, stores
from ui.catalog import ENTRIES

KK, RU, EN = 0, 1, 2
WAITING = ENTRIES["claims.awaiting_redraw_short"][EN]  # "Waiting for a re-draw by the commission"


def drawn_march(march_file, *, days_ago: int = 0) -> None:
    """March 2021 drawn offline through the live page (by the admin), `days_ago` days ago."""
    at = freeze_and_open_draw(app("admin"), march_file)
    if days_ago:
        at.date_input(key="draw_date").set_value(dt.date.today() - dt.timedelta(days=days_ago)).run()
    draw_month_offline(at)


def forfeit(certificate: int, reason: str = "refused to sign the act") -> None:
    """Staff record a forfeit on the claims page (clause 15)."""
    at = open_page(app("staff"), "claims")
    at.selectbox(key="claims_pick").set_value(f"2021-03|50000|{certificate}").run()
    at.tabs[2].text_area(key="claims_forfeit_reason").input(reason).run()
    at.button(key="claims_forfeit").click().run()
    at.button(key="claims_forfeit_confirm").click().run()  # the dialog that names whom it concerns
    no_exception(at)
    assert any("Saved" in s.value for s in at.success)


def hashes(at: AppTest) -> list[str]:
    return [m.value.split(">")[1].split("<")[0] for m in at.markdown if m.value.startswith("<div class='hash'>")]


def cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "<div class='winner-card'>" in m.value]


def redraw_page(certificate: int, *, role: str = "commission", lang: str = "en") -> AppTest:
    """The live draw page in re-draw mode, the certificate picked."""
    at = open_page(app(role, lang=lang), "draw")
    at.number_input(key="draw_reveal_seconds").set_value(0.0).run()
    at.segmented_control(key="draw_mode").set_value("redraw").run()
    at.selectbox(key="redraw_pick").set_value(f"2021-03|50000|{certificate}").run()
    no_exception(at)
    return at


def keys(at: AppTest) -> set[str]:
    found = set()
    for kind in ("button", "text_input", "text_area", "checkbox", "radio", "selectbox", "multiselect"):
        found |= {w.key for w in getattr(at, kind) if w.key}
    return found


# ---------------------------------------------------------------- the claims page: staff do not draw


def test_staff_see_a_lapsed_certificate_waiting_for_the_commission_and_cannot_redraw(march_file):
    drawn_march(march_file, days_ago=20)  # the 14-day claim window of every winner is over
    forfeit_at = app("staff")
    at = open_page(forfeit_at, "claims")
    assert any("24 certificates are past their 14-day window" in e.value for e in at.error)
    # The mark, in the table and on the certificate picked
    table = at.dataframe[0].value
    assert (table["Re-draw"] == WAITING).sum() == 24
    assert any(WAITING.lower() in w.value.lower() for w in at.warning), [w.value for w in at.warning]
    # No draw control of any kind: no re-draw button, no method, no entropy
    labels = [w.label for kind in ("button", "text_input", "radio", "checkbox") for w in getattr(at, kind)]
    assert not [x for x in labels if "draw" in x.lower() or "entropy" in x.lower() or "method" in x.lower()], labels
    assert not {k for k in keys(at) if "redraw" in k or "entropy" in k or "offline" in k}
    assert not at.radio
    # Where the re-draw happens: staff cannot open the live draw page, so it is named in words
    assert not at.page_link
    assert any("Only the commission re-draws" in c.value for c in at.caption), [c.value for c in at.caption]
    # An administrator (who may open the live draw page) gets the link to it
    admin = open_page(app("admin"), "claims")
    links = [link for link in admin.page_link if link.label == ENTRIES["claims.go_redraw"][EN]]
    assert links, [link.label for link in admin.page_link]
    # In Kazakh too
    kk = open_page(app("staff", lang="kk"), "claims")
    assert any(ENTRIES["claims.awaiting_redraw"][KK] in w.value for w in kk.warning)


def test_a_certificate_in_its_window_is_not_marked(march_file):
    drawn_march(march_file)
    at = open_page(app("staff"), "claims")
    assert not (at.dataframe[0].value["Re-draw"] == WAITING).any()
    assert not any(WAITING.lower() in w.value.lower() for w in at.warning)
    assert "claims_contact" in keys(at)  # staff still record contacts, handovers and forfeits


# ---------------------------------------------------------------- the live draw page: the commission re-draws


def test_the_commission_redraws_a_forfeited_certificate_offline_with_the_monthly_steps(march_file):
    drawn_march(march_file)
    old = stores.store().current_winner("2021-03", 50000, 3)
    forfeit(3)
    at = redraw_page(3)
    assert "Certificate no. 3" in at.header[0].value
    # Before the pool is frozen: no hash, no entropy, no result; only the freeze
    assert not hashes(at) and not cards(at)
    assert not {k for k in keys(at) if "entropy" in k or "offline" in k or "request" in k}, keys(at)
    # RANDOM.ORG (the default) is not set up here: said before any button, as the way to go, not as an error
    assert any("RANDOM.ORG is not set up on this computer" in i.value for i in at.info)
    at.button(key="redraw_freeze").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    shown = hashes(at)
    assert len(shown) == 1 and len(shown[0]) == 64
    assert not cards(at)
    assert "redraw_entropy" not in keys(at)  # the commission has not confirmed it is present yet
    confirm_commission_for_redraw(at)
    # Only now, by the commission's explicit decision, the offline method and its entropy
    assert {"redraw_entropy", "redraw_offline_decided"} <= keys(at)
    at.text_input(key="redraw_entropy").input("6 6 2 5 1").run()
    assert at.button(key="redraw_offline").disabled  # entropy alone is not the decision
    at.checkbox(key="redraw_offline_decided").check().run()
    at.button(key="redraw_offline").click().run()
    no_exception(at)
    assert not at.error and not at.info, [e.value for e in [*at.error, *at.info]]  # nothing stale under the winner
    assert len(cards(at)) == 1
    assert any("New winner of certificate no. 3" in s.value for s in at.success), [s.value for s in at.success]
    # Stored: the new winner is current, the old one is not; the pool is the one shown first
    state = drawing.tier_state("2021-03", 50000, rehearsal=False)
    assert len(state.redraws) == 1
    redraw = state.redraws[0]
    assert redraw.method == "offline" and redraw.entropy == "6 6 2 5 1" and redraw.pool.sha256 == shown[0]
    assert redraw.pool.size == 20 - 15  # the tier's pool less everyone already drawn
    if hasattr(redraw, "entropy_by"):
        assert redraw.entropy_by  # who entered it (rule 4)
    new = redraw.winners[0]
    assert new.account not in {w.account for w in state.done.winners}
    winners = {(w.certificate, w.account): w for w in stores.store().winners("2021-03")}
    assert winners[(3, new.account)].current and winners[(3, new.account)].status == "drawn"
    assert not winners[(3, old.account)].current and winners[(3, old.account)].status == "forfeited"
    assert new.account not in "".join(cards(at))  # masked on the big screen
    # The commission confirmed at this re-draw is what the protocol will print under the re-draws
    (present,) = stores.store().month_record("2021-03").redraw_commissions
    assert (present.denomination, present.certificate) == (50000, 3)  # (no commission set up in Settings here)
    # Nothing waits any more, and the audit check agrees with everything stored
    assert claims.awaiting_redraw(rehearsal=False) == []
    assert not [(f.name, f.detail) for f in stores.verify_store() if not f.ok]


def confirm_commission_for_redraw(at: AppTest) -> None:
    at.checkbox(key="redraw_confirm_commission").check().run()
    at.button(key="redraw_confirm").click().run()
    no_exception(at)


def test_the_commission_redraws_an_unclaimed_certificate_with_randomorg(march_file, standin):
    drawn_march(march_file, days_ago=20)
    at = redraw_page(1)
    at.button(key="redraw_freeze").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    shown = hashes(at)
    assert len(shown) == 1 and any("RANDOM.ORG ticket" in m.value for m in at.markdown)
    assert standin.requests.count("generateSignedIntegers") == 0  # nothing random before the commission
    confirm_commission_for_redraw(at)
    assert any("it names the new winner of certificate no. 1" in m.value for m in at.markdown)
    at.button(key="redraw_request").click().run()
    no_exception(at)
    assert any("Signature verified" in m.value for m in at.markdown)
    assert len(cards(at)) == 1
    redraw = drawing.tier_state("2021-03", 50000, rehearsal=False).redraws[0]
    assert redraw.method == "random-org" and redraw.signature_verified and redraw.pool.sha256 == shown[0]
    assert len(claims.awaiting_redraw(rehearsal=False)) == 23
    assert not [(f.name, f.detail) for f in stores.verify_store() if not f.ok]
    # The claims page counts one certificate less past its window
    claims_page = open_page(app("staff"), "claims")
    assert [e.value for e in claims_page.error] == [
        "23 certificates are past their 14-day window: they need a re-draw."
    ]


def test_only_the_commission_redraws(march_file):
    drawn_march(march_file, days_ago=20)
    at = redraw_page(1, role="admin")  # the administrator may open the page, but does not draw
    assert any("Only the commission re-draws" in i.value for i in at.info)
    assert not {k for k in keys(at) if k.startswith("redraw_") and k != "redraw_pick"}, keys(at)


# ---------------------------------------------------------------- a used ticket that does not verify (rule 5)


def test_a_ticket_that_does_not_verify_blocks_the_tier_until_the_commission_abandons_it(march_file, standin):
    at = freeze_and_open_draw(app("admin"), march_file)
    at.button(key="draw_freeze").click().run()
    confirm_commission(at)
    standin.mode = "bad_signature"
    at.button(key="draw_request").click().run()
    no_exception(at)
    blocked = drawing.blocked_draw("2021-03", 50000, rehearsal=False)
    assert blocked is not None and blocked.ticket_id
    errors = " ".join(e.value for e in at.error)
    assert blocked.ticket_id in errors and "could not be verified" in errors and "did not verify" in errors
    assert not cards(at)
    # Nothing can be drawn: no freeze, no request, no offline method; the administrator cannot abandon
    assert not {k for k in keys(at) if k.startswith("draw_") and k not in ("draw_month", "draw_place")}, keys(at)
    assert any("Only the commission can abandon" in i.value for i in at.info)
    # The commission: a reason and a confirmation are required
    at = open_page(app("commission"), "draw")
    at.number_input(key="draw_reveal_seconds").set_value(0.0).run()
    assert at.button(key="abandon_abandon").disabled
    at.checkbox(key="abandon_abandon_sure").check().run()
    assert at.button(key="abandon_abandon").disabled  # no reason yet
    at.text_area(key="abandon_abandon_reason").input("The signature did not verify; RANDOM.ORG was told.").run()
    at.button(key="abandon_abandon").click().run()
    no_exception(at)
    assert any(f"Ticket `{blocked.ticket_id}` was abandoned" in s.value for s in at.success), at.success
    assert drawing.blocked_draw("2021-03", 50000, rehearsal=False) is None
    abandoned = [e for e in stores.audit_entries() if e.action == "ticket_abandoned"]
    assert abandoned and abandoned[-1].payload["reason"].startswith("The signature did not verify")
    # Drawn afresh: a new ticket, the pool hash first, then the numbers
    standin.mode = "ok"
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    pending = drawing.tier_state("2021-03", 50000, rehearsal=False).pending
    assert pending is not None and pending.ticket_id and pending.ticket_id != blocked.ticket_id
    assert pending.pool.sha256 in hashes(at)
    confirm_commission(at)  # this browser's commission confirms it is present
    at.button(key="draw_request").click().run()
    no_exception(at)
    assert len(cards(at)) == 15
    done = drawing.tier_state("2021-03", 50000, rehearsal=False).done
    assert done.ticket_id == pending.ticket_id and done.signature_verified
    # The audit check lists the abandoned ticket as a notice, not a failure
    docs = open_page(app("commission"), "documents")
    docs.button(key="docs_verify").click().run(timeout=120)
    no_exception(docs)
    assert not docs.error, [e.value for e in docs.error]
    assert any(ENTRIES["verify.abandoned"][EN] in i.value for i in docs.info), [i.value for i in docs.info]


def test_a_refused_draw_is_said_in_the_users_language(march_file):
    """DrawRefused carries a code and its values: the page says it in Russian, dates and months as people write them."""
    at = freeze_and_open_draw(app("admin", lang="ru"), march_file)
    at.date_input(key="draw_date").set_value(dt.date(2021, 3, 20)).run()  # March is not over yet (rule 2)
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    expected = ENTRIES["refused.draw_date_early"][RU].format(month="март 2021", first_day="01.04.2021")
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]
    assert drawing.tier_state("2021-03", 50000, rehearsal=False).pending is None


# ---------------------------------------------------------------- the audit check in plain words


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_audit_check_says_a_deleted_draw_in_the_users_language(march_file, data_dir, lang):
    drawn_march(march_file)
    database = data_dir / "promotion.sqlite"
    assert database.exists()
    with sqlite3.connect(database) as db:  # an insider deletes a draw behind the app's back
        draw_id = db.execute("SELECT id FROM draws WHERE denomination = 100000 AND kind = 'draw'").fetchone()[0]
        db.execute("DELETE FROM winners WHERE draw_id = ?", (draw_id,))
        db.execute("DELETE FROM draws WHERE id = ?", (draw_id,))
    at = open_page(app("commission", lang=lang), "documents")
    at.button(key="docs_verify").click().run(timeout=120)
    no_exception(at)
    index = {"kk": KK, "ru": RU}[lang]
    errors = " ".join(e.value for e in at.error)
    assert ENTRIES["verify.draw_missing"][index] in errors, errors
    assert ENTRIES["verify.draw_missing.text"][index] in errors, errors
    assert ENTRIES["docs.technical"][index] in [x.label for x in at.expander]


def test_an_unknown_finding_falls_back_to_the_engine_words():
    from engine.verify import Finding
    from ui.widgets import finding_words

    def words(finding):
        AppTest.from_function(lambda: None)  # (no script run: the default language, Kazakh)
        return finding_words(finding)

    assert words(Finding("something new", False, "what was seen")) == ("something new", "what was seen")
    assert words(Finding("x", False, "seen", code="a_code_from_tomorrow")) == ("x", "seen")
    assert words(Finding("pool #1", False, "sha256 differs", code="pool")) == (
        ENTRIES["verify.pool"][KK],
        ENTRIES["verify.pool.text"][KK],
    )
    assert words(Finding("pool #1", True, "", code="pool")) == (ENTRIES["verify.pool"][KK], "")
    assert words(Finding("bundle: manifest", False, "x", code="bundle_manifest"))[0] == ENTRIES["verify.bundle"][KK]
    assert words(Finding("old import", True, "", code="not_covered"))[1] == ENTRIES["verify.not_covered.text"][KK]
