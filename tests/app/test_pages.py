"""AppTest over the whole app: every page for every role, the upload preview, and draws through the live page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.preview import preview as engine_preview
from tests.sheets import Row, rows_for, write_xlsx
from ui import claims, drawing, registry, stores

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(folder))
    monkeypatch.delenv("PROMOTION_DB_URL", raising=False)
    monkeypatch.delenv("RANDOM_ORG_API_KEY", raising=False)
    return folder


def app(role: str = "admin", *, lang: str = "en", rehearsal: bool = False) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["demo_role"] = role
    at.session_state["lang"] = lang
    at.session_state["rehearsal"] = rehearsal
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_page(at: AppTest, key: str) -> AppTest:
    at.switch_page(registry.BY_KEY[key].path).run()
    no_exception(at)
    return at


@pytest.fixture
def march_file(tmp_path) -> Path:
    rows = (
        rows_for(20)  # 50 000 tier
        + rows_for(10, start=200, monthly_fee=20000)  # 70 000 tier
        + rows_for(1, start=400, monthly_fee=45000)  # 100 000 tier
        + rows_for(3, start=500, monthly_fee=100)  # below the minimum fee
        + [Row(account="900000001", client_id="123")]  # an invalid BIN/IIN: an error row
    )
    return write_xlsx(tmp_path / "participants-2021-03.xlsx", rows)


# ---------------------------------------------------------------- every page, every role


@pytest.mark.parametrize("role", ["commission", "staff", "manager", "admin"])
def test_every_allowed_page_opens(role):
    at = app(role)
    no_exception(at)
    for spec in registry.pages_for(role):
        open_page(at, spec.key)
        assert not [e for e in at.error if "not allowed" in e.value], spec.key


@pytest.mark.parametrize("role", ["commission", "staff", "manager"])
def test_pages_a_role_may_not_see_are_not_reachable(role):
    at = app(role)
    hidden = [p for p in registry.PAGES if role not in p.roles]
    assert hidden
    for spec in hidden:
        with pytest.raises(ValueError):
            at.switch_page(spec.path)


@pytest.mark.parametrize("lang,title", [("kk", "Басты бет"), ("ru", "Главная"), ("en", "Home")])
def test_language_follows_the_browser_locale(lang, title):
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.context = {"locale": {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-GB"}[lang]}
    at.run()
    no_exception(at)
    assert at.title[0].value == title
    assert at.session_state["lang"] == lang


def test_demo_banner_is_on_every_page_when_no_users_exist():
    at = app("admin")
    for spec in registry.PAGES:
        open_page(at, spec.key)
        assert any("access control is off" in m.value for m in at.markdown), spec.key


def test_password_users_sign_in_with_their_role():
    from argon2 import PasswordHasher

    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.secrets["users"] = {"aigerim": {"role": "manager", "password_hash": PasswordHasher().hash("s3cret")}}
    at.session_state["lang"] = "en"
    at.run()
    no_exception(at)
    assert at.text_input  # the sign-in form, nothing else
    at.text_input[0].input("aigerim")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert at.error and "Wrong" in at.error[0].value
    at.text_input[1].input("s3cret")
    at.button[0].click().run()
    no_exception(at)
    assert at.title[0].value == "Home"
    assert not any("access control is off" in m.value for m in at.markdown)
    with pytest.raises(ValueError):
        at.switch_page("pages/live_draw.py")
    open_page(at, "charts")


# ---------------------------------------------------------------- upload and preview


def upload(at: AppTest, path: Path) -> AppTest:
    open_page(at, "upload")
    at.file_uploader(key="upload_file").set_value((path.name, path.read_bytes(), XLSX))
    at.run()
    no_exception(at)
    return at


def test_upload_shows_the_engine_numbers(march_file):
    at = upload(app("staff"), march_file)
    expected = engine_preview(march_file, march_file.name, draw_date=dt.date.today())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Data rows"] == str(expected.rows.data)
    assert metrics["Eligible"] == str(expected.rows.eligible)
    assert metrics["Excluded"] == str(expected.rows.excluded)
    assert metrics["Errors"] == str(expected.rows.errors)
    tiers = at.dataframe[0].value
    assert list(tiers["Participants"]) == [expected.tier("2021-03", d).eligible for d in (50000, 70000, 100000)]
    assert list(tiers["To draw"]) == [expected.tier("2021-03", d).to_draw for d in (50000, 70000, 100000)]
    assert any("clause 7" in w.value for w in at.warning)  # the 255/225 notice
    at.button(key="freeze").click().run()
    no_exception(at)
    assert any("Frozen for" in s.value for s in at.success)


def test_an_unreadable_file_gets_one_clear_message(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    at = upload(app("staff"), bad)
    assert at.error and "cannot be read" in at.error[0].value


# ---------------------------------------------------------------- the live draw


def freeze_and_open_draw(at: AppTest, path: Path) -> AppTest:
    upload(at, path)
    at.button(key="freeze").click().run()
    open_page(at, "draw")
    at.number_input(key="draw_reveal_seconds").set_value(0.0).run()
    return at


def confirm_commission(at: AppTest) -> None:
    at.checkbox(key="draw_confirm_commission").check().run()
    at.button(key="draw_confirm").click().run()
    no_exception(at)


def test_offline_draw_through_the_live_page(march_file):
    at = freeze_and_open_draw(app("admin"), march_file)
    # No RANDOM.ORG key: said before any button, as the way this draw goes (not as an error)
    assert any("RANDOM.ORG is not set up on this computer" in i.value for i in at.info)
    assert not at.error
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert any("<div class='hash'>" in m.value for m in at.markdown)  # the pool hash, before anything random
    pending = drawing.tier_state("2021-03", 50000, rehearsal=False).pending
    assert pending is not None and pending.method == "offline"  # its hash is stored, for the audience screen too
    confirm_commission(at)
    at.text_input(key="draw_entropy").input("3 6 1 4 4 2").run()
    at.checkbox(key="draw_offline_decided").check().run()
    at.button(key="draw_offline").click().run()
    no_exception(at)
    cards = [m.value for m in at.markdown if "<div class='winner-card'>" in m.value]
    assert len(cards) == 15
    state = drawing.tier_state("2021-03", 50000, rehearsal=False)
    assert state.done is not None and state.done.method == "offline" and len(state.done.winners) == 15
    assert all(w.account not in "".join(cards) for w in state.done.winners)  # masked on the big screen


def test_rehearsal_draw_through_the_stand_in(march_file):
    at = freeze_and_open_draw(app("admin", rehearsal=True), march_file)
    assert any("REHEARSAL" in m.value for m in at.markdown)
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    assert any("RANDOM.ORG ticket" in m.value for m in at.markdown)
    confirm_commission(at)
    at.button(key="draw_request").click().run()
    no_exception(at)
    assert any("Signature verified" in m.value for m in at.markdown)
    assert len([m for m in at.markdown if "<div class='winner-card'>" in m.value]) == 15
    done = drawing.tier_state("2021-03", 50000, rehearsal=True).done
    assert done is not None and done.rehearsal and done.signature_verified and done.method == "random-org"
    assert drawing.tier_state("2021-03", 50000, rehearsal=False).done is None  # a rehearsal never counts


def draw_month_offline(at: AppTest) -> None:
    for i in range(3):  # one tier at a time; the page moves on to the next tier by itself
        at.button(key="draw_freeze").click().run()
        if i == 0:
            confirm_commission(at)
        # the entropy of each tier is entered after its own pool hash is on screen (rule 4)
        assert not at.text_input(key="draw_entropy").value
        at.text_input(key="draw_entropy").input("5 5 2 1").run()
        at.checkbox(key="draw_offline_decided").check().run()
        at.button(key="draw_offline").click().run()
        no_exception(at)
        at.run()
    assert any("every tier is drawn" in s.value for s in at.success)


def test_after_a_draw_every_page_shows_it(march_file):
    at = freeze_and_open_draw(app("admin"), march_file)
    draw_month_offline(at)
    for spec in registry.PAGES:
        open_page(at, spec.key)
    # claims: record a handover with its serial
    open_page(at, "claims")
    at.tabs[1].text_input(key="claims_serial").input("CHOCO-0001").run()
    at.button(key="claims_handover").click().run()
    no_exception(at)
    assert any("Saved" in s.value for s in at.success)
    claimed = [v for v in claims.claim_views(rehearsal=False) if v.status == "claimed"]
    assert len(claimed) == 1 and claimed[0].winner.certificate_serial == "CHOCO-0001"
    # home: the face value handed over is the one claimed certificate's, not every winner's (engine.progress)
    open_page(at, "home")
    drawn = len(claims.claim_views(rehearsal=False))
    assert drawn > 1
    from ui.i18n import fmt_money

    budget = next(c.value for c in at.caption if "handed over" in c.value)
    assert budget.startswith(f"Certificates handed over: {fmt_money(claimed[0].winner.denomination, 'en')} of"), budget
    assert any(m.label == "Certificates drawn" and m.value.startswith(str(drawn)) for m in at.metric), [
        (m.label, m.value) for m in at.metric
    ]
    # documents: one click each, the download button makes its document when clicked
    open_page(at, "documents")
    protocol = next(b for b in at.get("download_button") if b.key == "docs_dl_protocol")
    assert protocol.proto.deferred_file_id
    assert not at.error, [e.value for e in at.error]
    at.button(key="docs_verify").click().run(timeout=120)
    no_exception(at)
    assert any("Everything checks out" in s.value for s in at.success), [e.value for e in at.error]


def test_every_string_used_exists_in_all_three_catalogues():
    import re

    from ui.catalog import ENTRIES

    used = set()
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.-]+)["']""", path.read_text(encoding="utf-8")))
    used |= {f"page.{p.key}" for p in registry.PAGES}
    missing = sorted(k for k in used if k not in ENTRIES)
    assert not missing, missing
    for key, texts in ENTRIES.items():
        assert len(texts) == 3 and all(x.strip() for x in texts), key


# ---------------------------------------------------------------- RANDOM.ORG failures on the live page


@pytest.fixture
def standin(tmp_path, monkeypatch):
    """The loopback stand-in configured as if it were RANDOM.ORG (not a rehearsal), with a production
    licence (an official draw refuses a developer key's result, integrity rule 6) and a short
    client timeout so that the "timeout" mode is quick to see."""
    from engine.randomorg import RandomOrgClient
    from engine.standin import StandIn

    server = StandIn(key_dir=tmp_path / "standin", hang_seconds=3.0, licence="production").start()
    monkeypatch.setenv("RANDOM_ORG_URL", server.url)
    monkeypatch.setenv("RANDOM_ORG_API_KEY", server.api_key)
    monkeypatch.setenv("RANDOM_ORG_PUBLIC_KEY", str(server.public_key_path))
    from_config = RandomOrgClient.from_config.__func__
    monkeypatch.setattr(
        RandomOrgClient,
        "from_config",
        classmethod(lambda cls, cfg, **kw: from_config(cls, cfg, **{"timeout": 1.0, **kw})),
    )
    try:
        yield server
    finally:
        server.stop()


# What the page must say for each kind of failure: what happened, and what to do next. A result
# that does not verify (bad signature) blocks the tier instead: tests/app/test_redraw_ui.py.
FAILURE_WORDS = {
    "allowance": ("daily allowance is used up", "resets at midnight UTC"),
    "key_not_running": ("key is not running", "Start the key in the RANDOM.ORG account"),
    "server_error": ("reported a server error", "Try again in a few minutes"),
    "timeout": ("did not answer in time", "the result is fetched through the ticket"),
}


def nothing_stored(at: AppTest) -> None:
    """A failure stores no winner, and the tier can still be drawn from the page."""
    assert drawing.tier_state("2021-03", 50000, rehearsal=False).done is None
    assert stores.store().winners(rehearsal=False) == []
    assert not [m for m in at.markdown if "<div class='winner-card'>" in m.value]
    keys = {b.key for b in at.button}
    assert "draw_request" in keys or "draw_freeze" in keys, keys


def shows_failure(at: AppTest, kind: str) -> None:
    no_exception(at)
    what, next_step = FAILURE_WORDS[kind]
    errors = " ".join(e.value for e in at.error)
    assert what in errors and next_step in errors, (kind, errors)
    nothing_stored(at)


def test_each_randomorg_failure_is_said_in_plain_words_and_the_draw_then_completes(march_file, standin):
    at = freeze_and_open_draw(app("admin"), march_file)
    # At the pool freeze (the ticket): the commission still sees the pool hash; it may try again.
    standin.mode = "allowance"
    at.button(key="draw_freeze").click().run()
    shows_failure(at, "allowance")
    assert any("<div class='hash'>" in m.value for m in at.markdown)
    assert at.button(key="draw_freeze").label == "Try RANDOM.ORG again"
    standin.mode = "ok"
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    assert not at.error and any("RANDOM.ORG ticket" in m.value for m in at.markdown)
    confirm_commission(at)
    # At the request: every kind in turn; none stores anything.
    for kind in ("key_not_running", "server_error", "timeout", "allowance"):
        if not any(b.key == "draw_request" for b in at.button):  # the failure released the ticket
            standin.mode = "ok"
            at.button(key="draw_freeze").click().run()
            no_exception(at)
        standin.mode = kind
        at.button(key="draw_request").click().run()
        shows_failure(at, kind)
    # RANDOM.ORG is back: the draw completes, signature checked, winners revealed.
    standin.mode = "ok"
    if not any(b.key == "draw_request" for b in at.button):
        at.button(key="draw_freeze").click().run()
    at.button(key="draw_request").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert any("Signature verified" in m.value for m in at.markdown)
    assert len([m for m in at.markdown if "<div class='winner-card'>" in m.value]) == 15
    done = drawing.tier_state("2021-03", 50000, rehearsal=False).done
    assert done is not None and done.method == "random-org" and done.signature_verified and not done.rehearsal
    assert len(done.winners) == 15 and len(stores.store().winners(rehearsal=False)) == 15


def test_a_timed_out_answer_is_recovered_through_its_ticket(march_file, standin):
    """RANDOM.ORG answered but too late: the next attempt fetches that very result, it asks for no new numbers."""
    at = freeze_and_open_draw(app("admin"), march_file)
    at.button(key="draw_freeze").click().run()
    confirm_commission(at)
    standin.mode = "timeout"
    at.button(key="draw_request").click().run()
    shows_failure(at, "timeout")
    generated = standin.requests.count("generateSignedIntegers")
    standin.mode = "ok"
    at.button(key="draw_request").click().run()
    no_exception(at)
    assert any("recovered through the ticket" in m.value for m in at.markdown)
    assert standin.requests.count("generateSignedIntegers") == generated == 1
    assert len([m for m in at.markdown if "<div class='winner-card'>" in m.value]) == 15


# ---------------------------------------------------------------- the second screen
# Re-draws: tests/app/test_redraw_ui.py (the commission's act on the live draw page).


def test_a_second_screen_follows_a_stored_draw(march_file):
    at = freeze_and_open_draw(app("admin"), march_file)
    draw_month_offline(at)
    stored = {d: drawing.tier_state("2021-03", d, rehearsal=False).done for d in (50000, 70000, 100000)}
    second = open_page(app("commission"), "draw")  # another browser, on the same page
    second.toggle(key="draw_follow").set_value(True).run()
    no_exception(second)
    assert second.query_params["view"] in ("audience", ["audience"])  # this tab is now the audience screen
    shown = " ".join(m.value for m in second.markdown)
    assert "data-screen='summary'" in shown  # the month is drawn: all its winners on one screen
    assert shown.count("class='pcard") == sum(len(d.winners) for d in stored.values()) == 15 + 8 + 1
    for draw in stored.values():
        for w in draw.winners:
            assert f"data-certificate='{w.certificate}' data-denomination='{w.denomination}'" in shown
    assert not any(w.account in shown for d in stored.values() for w in d.winners)  # masked
    assert not second.button and not second.text_input and not second.checkbox  # no control at all
