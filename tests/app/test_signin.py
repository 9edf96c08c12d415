"""The sign-in form through AppTest: guessing is slowed and recorded, and nothing but the form shows before it.

Real parts: the dashboard, the argon2 check, the store on a SQLite file. Only
the throttle's clock (`engine.signin.now`) is the test's, so that "during the
wait" and "after the wait" do not depend on how fast the machine is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from engine import signin
from engine.store import Store
from ui import auth, registry

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")
PASSWORD = "s3cret"
USERS = {"aigerim": {"role": "manager", "password_hash": PasswordHasher().hash(PASSWORD)}}
WRONG = "Wrong user name or password."


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(folder))
    monkeypatch.delenv("PROMOTION_DB_URL", raising=False)
    monkeypatch.delenv("COOKIE_SECRET", raising=False)
    return folder


class Clock:
    """Stands still at the start of the test until told to move: every failure is 'just now'."""

    def __init__(self) -> None:
        self.at = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def after_the_wait(self) -> None:
        self.at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=signin.MAX_DELAY)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(signin, "now", c)
    return c


@pytest.fixture
def audit():
    def read(*actions: str):
        store = Store()
        try:
            return [e for e in store.audit() if e.action in actions]
        finally:
            store.close()

    return read


def browser() -> AppTest:
    """A new browser session on the app with one password user configured."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.secrets["users"] = USERS
    at.session_state["lang"] = "en"
    return at.run()


def try_password(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def waits(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "Too many wrong tries" in w.value]


def signed_in(at: AppTest) -> bool:
    return at.title[0].value == "Home"


def kinds(block) -> list:
    """The element types under a block, nested the way they are on screen."""
    out = []
    for child in block.children.values():
        out.append((child.type, kinds(child)) if hasattr(child, "children") else child.type)
    return out


LOGIN_ONLY_MAIN = ["title", ("form", ["text_input", "text_input", "button"])]
LOGIN_ONLY_SIDEBAR = ["button_group"]  # the language picker


def test_guessing_is_slowed_after_five_tries_and_every_failure_is_recorded(clock, audit):
    at = browser()
    for n in range(1, signin.FREE_TRIES + 1):
        try_password(at, "aigerim", f"guess-{n}")
        assert [e.value for e in at.error] == [WRONG], n
        assert waits(at) == (
            [] if n < signin.FREE_TRIES else ["Too many wrong tries for this user name. Try again in 1 s."]
        )

    try_password(at, "aigerim", "guess-6")  # during the wait: refused, not checked, not counted
    assert not at.error
    assert waits(at) == ["Too many wrong tries for this user name. Try again in 1 s."]

    failed = audit(signin.SIGN_IN_FAILED)
    assert [e.payload["user"] for e in failed] == ["aigerim"] * 5
    assert [e.payload["failures"] for e in failed] == [1, 2, 3, 4, 5]
    assert all(clock.at - dt.timedelta(minutes=5) < e.at < clock.at + dt.timedelta(minutes=5) for e in failed)
    assert {e.actor for e in failed} == {"sign-in form (not signed in)"}


def test_during_the_wait_even_the_right_password_is_refused_in_any_browser(clock, audit):
    at = browser()
    for n in range(signin.FREE_TRIES):
        try_password(at, "aigerim", f"guess-{n}")
    try_password(at, "aigerim", PASSWORD)
    assert not signed_in(at) and waits(at) and not at.error
    assert kinds(at.main)[:2] == LOGIN_ONLY_MAIN

    other = try_password(browser(), "aigerim", PASSWORD)  # a refresh or another browser: the same wait
    assert not signed_in(other) and waits(other)
    assert audit(signin.SIGN_IN) == []
    assert len(audit(signin.SIGN_IN_FAILED)) == signin.FREE_TRIES


def test_after_the_wait_the_delay_grows_and_the_right_password_signs_in(clock, audit):
    at = browser()
    for n in range(signin.FREE_TRIES):
        try_password(at, "aigerim", f"guess-{n}")

    clock.after_the_wait()
    try_password(at, "aigerim", "guess-6")  # checked again, and the next wait is longer
    assert [e.value for e in at.error] == [WRONG]
    assert waits(at) == ["Too many wrong tries for this user name. Try again in 2 s."]

    clock.after_the_wait()
    try_password(at, "aigerim", PASSWORD)
    assert signed_in(at)
    signed = audit(signin.SIGN_IN)
    assert [(e.payload["user"], e.actor) for e in signed] == [("aigerim", "aigerim [manager]")]
    assert [e.payload["failures"] for e in audit(signin.SIGN_IN_FAILED)] == [1, 2, 3, 4, 5, 6]

    at = try_password(browser(), "aigerim", "one-slip")  # the count starts again after a success
    assert [e.value for e in at.error] == [WRONG] and not waits(at)
    assert audit(signin.SIGN_IN_FAILED)[-1].payload["failures"] == 1


def test_guessing_user_names_is_slowed_too(clock, audit):
    at = browser()
    for typed in ["Ghost", "ghost", " GHOST ", "gHost", "ghost"]:
        try_password(at, typed, "anything")
        assert [e.value for e in at.error] == [WRONG]
    try_password(at, "ghost", "anything")
    assert not at.error and waits(at)
    assert [e.payload["user"] for e in audit(signin.SIGN_IN_FAILED)] == ["Ghost", "ghost", "GHOST", "gHost", "ghost"]

    try_password(at, "aigerim", PASSWORD)  # another name has its own count
    assert signed_in(at)


def test_nothing_but_the_login_form_renders_before_sign_in():
    store = Store()  # something stored that no page may show before sign-in
    store.append_audit("commission_defaults", {"members": [["chair", "Secret Chairwoman", ""]]})
    store.close()

    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.secrets["users"] = USERS
    at.session_state["lang"] = "en"
    at.session_state["demo_role"] = "admin"  # a session that asks to be the demo admin gets nothing for it
    at.session_state["rehearsal"] = True
    at.run()
    assert not at.exception
    assert kinds(at.main) == LOGIN_ONLY_MAIN
    assert kinds(at.sidebar) == LOGIN_ONLY_SIDEBAR
    assert at.title[0].value == "“Business Offer” draw"
    assert not at.markdown and not at.caption and not at.dataframe and not at.metric

    for spec in registry.PAGES:  # no page is even reachable
        with pytest.raises(ValueError):
            at.switch_page(spec.path)

    try_password(at, "aigerim", "wrong")  # a failed try adds its message, nothing else
    assert kinds(at.main) == [*LOGIN_ONLY_MAIN, "error"]
    assert kinds(at.sidebar) == LOGIN_ONLY_SIDEBAR


# ---------------------------------------------------------------- the sign-in cookie (a refresh keeps the user)
#
# AppTest cannot send cookies (st.context.cookies comes from a real browser's
# connection), so these tests hand the dashboard the cookies a browser would
# send by replacing `ui.auth.request_cookies`; tests/e2e/test_signin_browser.py
# does the same through Chromium.


@pytest.fixture
def cookies(monkeypatch) -> dict:
    """The cookies the next browser session "connects with"."""
    sent: dict[str, str] = {}
    monkeypatch.setattr(auth, "request_cookies", lambda: sent)
    return sent


def token_for(data_dir, user="aigerim", role="manager", at=None, secret=None) -> str:
    return signin.sign_token(secret or signin.secret_from_folder(data_dir), user, role, at or dt.datetime.now(dt.UTC))


def refreshed(users=USERS, secrets: dict | None = None) -> AppTest:
    """A new browser session, as after a refresh: nothing in its session state."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.secrets["users"] = users
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def login_form_only(at: AppTest) -> bool:
    return kinds(at.main) == LOGIN_ONLY_MAIN and kinds(at.sidebar) == LOGIN_ONLY_SIDEBAR and not at.markdown


def test_a_valid_cookie_restores_the_user_after_a_refresh(cookies, data_dir):
    cookies[auth.COOKIE_NAME] = token_for(data_dir)
    at = refreshed()
    assert signed_in(at)
    assert [c.value for c in at.sidebar.caption] == ["Signed in as aigerim (Manager)"]
    assert at.session_state[auth.SESSION_USER]["name"] == "aigerim"
    [sign_out] = [b for b in at.sidebar.button if b.label == "Sign out"]
    assert "12 hours on this browser" in sign_out.help


def test_signing_in_gives_the_browser_a_strict_cookie_that_signs_in_the_next_session(cookies, data_dir):
    at = try_password(browser(), "aigerim", PASSWORD)
    assert signed_in(at)
    script = [e for e in at.sidebar if e.type == "html"]
    assert len(script) == 1
    body = script[0].proto.body
    assert "SameSite=Strict" in body and "Path=/" in body and "'https:'" in body  # Secure over https
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+);", body).group(1))
    assert (
        expires
        == signin.verify_token(
            signin.secret_from_folder(data_dir),
            at.session_state[auth.COOKIE_WRITE]["value"],
            expires - dt.timedelta(hours=1),
        ).expires
    )
    assert dt.timedelta(hours=11) < expires - dt.datetime.now(dt.UTC) <= signin.TOKEN_LIFETIME
    token = at.session_state[auth.COOKIE_WRITE]["value"]
    assert f"{auth.COOKIE_NAME}={token};" in body
    write_id = at.session_state[auth.COOKIE_WRITE]["id"]
    assert "sessionStorage" in body and json.dumps(write_id) in body  # it acts once per write in a tab

    cookies[auth.COOKIE_NAME] = token  # the refresh sends what the script set
    assert signed_in(refreshed())


@pytest.mark.parametrize("case", ["expired", "tampered", "another key", "role changed", "user removed", "garbage"])
def test_a_cookie_that_must_not_sign_in_shows_only_the_login_form(cookies, data_dir, case):
    users = USERS
    if case == "expired":
        token = token_for(data_dir, at=dt.datetime.now(dt.UTC) - signin.TOKEN_LIFETIME)
    elif case == "tampered":
        body, mac = token_for(data_dir).split(".")
        payload = json.loads(signin._unb64(body)) | {"r": "admin"}
        token = signin._b64(json.dumps(payload).encode()) + "." + mac
        users = {**USERS, "aigerim": {**USERS["aigerim"], "role": "admin"}}  # even where the role exists
    elif case == "another key":
        token = token_for(data_dir, secret=b"not the server's key")
    elif case == "role changed":
        token = token_for(data_dir, role="admin")
    elif case == "user removed":
        token = token_for(data_dir, user="bolat")
    else:
        token = "not-a-token"
    cookies[auth.COOKIE_NAME] = token
    at = refreshed(users)
    assert login_form_only(at)
    for spec in registry.PAGES:
        with pytest.raises(ValueError):
            at.switch_page(spec.path)


def test_signing_out_revokes_the_token_for_every_later_session(cookies, data_dir, audit):
    cookies[auth.COOKIE_NAME] = token_for(data_dir)
    at = refreshed()
    assert signed_in(at)
    nonce = at.session_state[auth.SESSION_USER]["nonce"]

    sign_out = next(b for b in at.sidebar.button if b.label == "Sign out")
    sign_out.click().run()
    assert not at.exception
    assert kinds(at.main) == LOGIN_ONLY_MAIN  # the same session, though its browser connected with the cookie
    script = [e for e in at.sidebar if e.type == "html"]
    assert len(script) == 1 and f"{auth.COOKIE_NAME}=; Path=/; Max-Age=0" in script[0].proto.body
    [entry] = audit(signin.SIGN_OUT)
    assert entry.payload == {"user": "aigerim", "key": "aigerim", "nonce": nonce}
    assert entry.actor == "aigerim [manager]"

    assert login_form_only(refreshed())  # a browser that kept the cookie anyway gets nothing for it
    assert signed_in(try_password(at, "aigerim", PASSWORD))  # and the password still works


def secrets_toml(tmp_path, monkeypatch, text: str) -> Path:
    """A real ~/.streamlit/secrets.toml (engine.config reads the files, as the command line does)."""
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True, exist_ok=True)
    path = home / ".streamlit" / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    return path


def test_cookie_secret_from_secrets_toml_is_used_when_set(cookies, data_dir, tmp_path, monkeypatch):
    toml = secrets_toml(tmp_path, monkeypatch, 'COOKIE_SECRET = "from-secrets-toml"\n')
    cookies[auth.COOKIE_NAME] = token_for(data_dir, secret=b"from-secrets-toml")
    assert signed_in(refreshed())
    toml.unlink()
    assert login_form_only(refreshed())  # without it the server signs with the data folder's key


def test_cookie_secret_from_the_environment_comes_first(cookies, data_dir, tmp_path, monkeypatch):
    secrets_toml(tmp_path, monkeypatch, 'COOKIE_SECRET = "from-secrets-toml"\n')
    monkeypatch.setenv("COOKIE_SECRET", "from-the-environment")
    cookies[auth.COOKIE_NAME] = token_for(data_dir, secret=b"from-the-environment")
    assert signed_in(refreshed())


def test_a_sign_out_in_one_tab_signs_the_other_open_tabs_out_at_their_next_step(cookies, data_dir, clock):
    cookies[auth.COOKIE_NAME] = token_for(data_dir)
    projector, control = refreshed(), refreshed()  # two tabs of one browser, both from the cookie
    assert signed_in(projector) and signed_in(control)

    next(b for b in control.sidebar.button if b.label == "Sign out").click().run()
    assert kinds(control.main) == LOGIN_ONLY_MAIN

    projector.run()  # within the check interval: not looked up yet
    assert signed_in(projector)
    clock.at += dt.timedelta(seconds=auth.REVOCATION_CHECK)
    projector.run()
    assert not projector.exception and login_form_only(projector)
