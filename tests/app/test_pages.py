"""AppTest over the whole app: every page for every role, the upload preview, and draws through the live page."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.preview import preview as engine_preview
from tests.sheets import Row, rows_for, write_xlsx
from ui import registry

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
    at.button(key="draw_freeze").click().run()
    no_exception(at)
    # No RANDOM.ORG key: the ticket cannot be created; the failure is said in plain words.
    assert any("no RANDOM.ORG key" in e.value for e in at.error)
    confirm_commission(at)
    at.text_input(key="draw_entropy").input("3 6 1 4 4 2").run()
    at.checkbox(key="draw_offline_decided").check().run()
    at.button(key="draw_offline").click().run()
    no_exception(at)
    cards = [m.value for m in at.markdown if "<div class='winner-card'>" in m.value]
    assert len(cards) == 15
    from ui import services

    state = services.tier_state("2021-03", 50000, rehearsal=False)
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
    from ui import services

    done = services.tier_state("2021-03", 50000, rehearsal=True).done
    assert done is not None and done.rehearsal and done.signature_verified and done.method == "random-org"
    assert services.tier_state("2021-03", 50000, rehearsal=False).done is None  # a rehearsal never counts


def draw_month_offline(at: AppTest) -> None:
    for i in range(3):  # one tier at a time; the page moves on to the next tier by itself
        at.button(key="draw_freeze").click().run()
        if i == 0:
            confirm_commission(at)
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
    from ui import services

    claimed = [v for v in services.claim_views(rehearsal=False) if v.status == "claimed"]
    assert len(claimed) == 1 and claimed[0].winner.certificate_serial == "CHOCO-0001"
    # documents: the protocol is made on demand and offered for download
    open_page(at, "documents")
    at.button(key="docs_make_protocol").click().run(timeout=120)
    no_exception(at)
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
