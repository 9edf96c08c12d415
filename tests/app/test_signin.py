"""The sign-in form through AppTest: guessing is slowed and recorded, and nothing but the form shows before it.

Real parts: the dashboard, the argon2 check, the store on a SQLite file. Only
the throttle's clock (`engine.signin.now`) is the test's, so that "during the
wait" and "after the wait" do not depend on how fast the machine is.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from engine import signin
from engine.store import Store
from ui import registry

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
    return folder


class Clock:
    """Stands still at the start of the test until told to move: every failure is 'just now'."""

    def __init__(self) -> None:
        self.at = dt.datetime.now(dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.at

    def after_the_wait(self) -> None:
        self.at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=signin.MAX_DELAY)


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
        assert waits(at) == ([] if n < signin.FREE_TRIES else ["Too many wrong tries for this user name. Try again in 1 s."])

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
