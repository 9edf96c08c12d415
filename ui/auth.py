"""Who the user is and what their role lets them open.

Users come from `.streamlit/secrets.toml`:

    [users.aigerim]
    role = "commission"            # commission | staff | manager | admin
    password_hash = "$argon2id$v=19$..."   # or a bcrypt "$2b$..." hash
    display_name = "Айгерім Сейітова"     # optional
    email = "aigerim@example.kz"         # optional: matches an OIDC login

With an `[auth]` section, people sign in through OIDC (`st.login`) and get the
role of the `[users.*]` entry whose email matches theirs. With neither, the app
is a local demo: access control is off, a banner says so on every screen, and
the sidebar lets one look at the app as any role.

Password tries are slowed per user name by `engine.signin`, from the audit
record: every failure and every sign-in is written there (`try_sign_in`).

A password sign-in survives a browser refresh: `sign_in` gives the browser a
cookie with a signed, expiring token (`engine.signin.sign_token`), and the
first run of a new browser session restores the user from it (`current_user`)
when it verifies, has not expired, was not revoked by a sign-out, and the user
is still configured with the same role. Streamlit reads request cookies
(`st.context.cookies`, sent when the browser connects) but cannot set them, so
`write_cookie` sets or clears it from the page's JavaScript (`st.html`): the
cookie cannot be HttpOnly. It is SameSite=Strict, and Secure over https. The
signing key is `COOKIE_SECRET` (environment or secrets.toml), else a random one made once
in the data folder. OIDC users keep Streamlit's own session cookie.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import format_datetime

import bcrypt
import streamlit as st
from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

from engine import config, signin
from engine.store import Store
from ui.database import open_store

ROLES = ("commission", "staff", "manager", "admin")
SESSION_USER = "auth_user"
DEMO_ROLE = "demo_role"
NAME_MAX_CHARS = 120  # a user name longer than this is not a name; keeps the audit record small
FORM_ACTOR = "sign-in form (not signed in)"  # who the audit record names for a failed try
COOKIE_NAME = "iskerlik_signin"
COOKIE_HOURS = int(signin.TOKEN_LIFETIME.total_seconds() // 3600)  # what the sign-out button's help tells the user
COOKIE_WRITE = "auth_cookie_write"  # session key: the cookie this browser must get ({"value", "expires"}) or lose
SIGNED_OUT = "auth_signed_out"  # session key: signed out here, so the cookie the browser connected with is stale
REVOCATION_CHECK = 30  # seconds: how soon another open tab notices a sign-out, at its next run
CHECKED_COOKIE = "auth_checked_cookie"  # session key: the cookie checked in this session, not checked again each run


@dataclass(frozen=True)
class User:
    name: str
    role: str
    display_name: str
    source: str  # "password" | "oidc" | "demo"


def _sign_in_store() -> Store:
    """The store that keeps the sign-in record. It is opened as the sign-in form, not as the user:
    finding the user must not ask who the user is. Every entry names its own actor."""
    return open_store(FORM_ACTOR)


def _secrets_section(name: str) -> dict:
    # Streamlit's own st.secrets for the [users] and [auth] tables: st.login reads [auth] there itself,
    # and both sections are Streamlit's. Plain settings (COOKIE_SECRET, keys) come from engine.config.
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets file at all, or an unreadable one
        return {}
    return dict(section) if section else {}


def configured_users() -> dict[str, dict]:
    users = _secrets_section("users")
    return {name: dict(entry) for name, entry in users.items() if isinstance(entry, dict) or hasattr(entry, "items")}


def oidc_configured() -> bool:
    return bool(_secrets_section("auth"))


def access_control_on() -> bool:
    return bool(configured_users()) or oidc_configured()


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against an argon2 (preferred) or bcrypt hash; never raises."""
    if not password_hash or not password:
        return False
    if password_hash.startswith("$argon2"):
        try:
            return PasswordHasher().verify(password_hash, password)
        except (Argon2Error, InvalidHashError, ValueError):
            return False
    if password_hash.startswith(("$2a$", "$2b$", "$2y$")):
        try:
            return bcrypt.checkpw(password.encode(), password_hash.encode())
        except ValueError:
            return False
    return False


def authenticate(name: str, password: str) -> User | None:
    entry = configured_users().get(name.strip())
    if not entry or entry.get("role") not in ROLES:
        return None
    if not verify_password(str(entry.get("password_hash", "")), password):
        return None
    return User(name.strip(), entry["role"], str(entry.get("display_name") or name.strip()), "password")


@dataclass(frozen=True)
class Attempt:
    """What one press of "Sign in" came to."""

    user: User | None  # set: the password was right
    checked: bool  # False: refused during a wait, without looking at the password
    wait_seconds: int  # > 0: the next try for this name must wait this long


def try_sign_in(name: str, password: str, store=None) -> Attempt:
    """Check a password unless the name must wait, and write the outcome to the audit record.

    The wait comes from the audit record (engine.signin), so a refresh or
    another browser does not reset it. A refused try is not recorded and does
    not count: it could not have guessed anything.
    """
    store = _sign_in_store() if store is None else store
    name = name.strip()[:NAME_MAX_CHARS]
    key = signin.user_key(name)
    if not key:
        return Attempt(None, checked=True, wait_seconds=0)  # nothing typed: nothing guessed, nothing to record
    entries = store.latest_audit(signin.ACTIONS, field=signin.KEY_FIELD, value=key, limit=signin.WINDOW)
    failures = signin.failures_since_success(entries, name)
    wait = signin.wait_seconds(failures, signin.last_failure_at(entries, name), signin.now())
    if wait:
        return Attempt(None, checked=False, wait_seconds=wait)
    user = authenticate(name, password)
    if user is not None:
        store.append_audit(signin.SIGN_IN, signin.success_payload(name), actor=f"{user.name} [{user.role}]")
        return Attempt(user, checked=True, wait_seconds=0)
    failures += 1
    store.append_audit(signin.SIGN_IN_FAILED, signin.failure_payload(name, failures), actor=FORM_ACTOR)
    return Attempt(None, checked=True, wait_seconds=signin.delay_seconds(failures))  # the wait starts now


def _oidc_user() -> User | None:
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "").lower()
        name = str(st.user.get("name") or email)
    except Exception:
        return None
    for user_name, entry in configured_users().items():
        if str(entry.get("email", "")).lower() == email and entry.get("role") in ROLES:
            return User(user_name, entry["role"], str(entry.get("display_name") or name), "oidc")
    return User(email or name, "", name, "oidc")  # signed in, but no role given


def current_user() -> User | None:
    """The signed-in user, a demo user when access control is off, or None."""
    if not access_control_on():
        role = st.session_state.get(DEMO_ROLE, "admin")
        return User("demo", role if role in ROLES else "admin", "demo", "demo")
    stored = st.session_state.get(SESSION_USER)
    if stored:
        entry = configured_users().get(stored.get("name", ""))
        if entry and entry.get("role") == stored.get("role") and not _revoked_elsewhere(stored):
            return User(stored["name"], stored["role"], stored.get("display_name", stored["name"]), "password")
        st.session_state.pop(SESSION_USER, None)
    restored = _restore_from_cookie()
    if restored is not None:
        return restored
    if oidc_configured():
        return _oidc_user()
    return None


def _revoked_elsewhere(stored: dict) -> bool:
    """True once another tab of this browser signed out (its `sign_out` names this session's token).

    Looked up at most every REVOCATION_CHECK seconds, not on every run; the
    time is noted first, because the look-up opens the store, which asks who
    the user is.
    """
    nonce = stored.get("nonce")
    now = signin.now()
    last = stored.get("checked_at")
    if not nonce or (last is not None and (now - last).total_seconds() < REVOCATION_CHECK):
        return False
    stored["checked_at"] = now
    entries = _sign_in_store().latest_audit((signin.SIGN_OUT,), field=signin.NONCE_FIELD, value=nonce, limit=1)
    if not signin.revoked(entries, nonce):
        return False
    st.session_state[SIGNED_OUT] = True  # the cookie this browser connected with is revoked too
    st.session_state.pop(COOKIE_WRITE, None)  # the browser's cookie is the other tab's business now
    return True


def request_cookies() -> Mapping[str, str]:
    """The cookies the browser sent when it connected (read-only; a test may replace this)."""
    try:
        return st.context.cookies
    except Exception:  # no browser behind this run (bare mode)
        return {}


def cookie_secret() -> bytes:
    """The key that signs sign-in tokens: `COOKIE_SECRET` (environment, then secrets.toml), else one kept in the data folder.

    With several servers behind one address, give them the same COOKIE_SECRET.
    """
    configured = config.setting("COOKIE_SECRET")
    if configured:
        return configured.encode("utf-8")
    return signin.secret_from_folder(config.data_dir())


def restore(token: str | None, store=None) -> tuple[User, str] | None:
    """The user a cookie's token stands for, and its nonce; None when it must not sign anyone in."""
    found = signin.verify_token(cookie_secret(), token, signin.now())
    if found is None:
        return None
    entry = configured_users().get(found.user)
    if not entry or found.role not in ROLES or entry.get("role") != found.role:
        return None  # removed from the configuration, or given another role since
    store = _sign_in_store() if store is None else store
    entries = store.latest_audit((signin.SIGN_OUT,), field=signin.NONCE_FIELD, value=found.nonce, limit=1)
    if signin.revoked(entries, found.nonce):
        return None
    return User(found.user, found.role, str(entry.get("display_name") or found.user), "password"), found.nonce


def _restore_from_cookie() -> User | None:
    if st.session_state.get(SIGNED_OUT) or not configured_users():
        return None
    token = request_cookies().get(COOKIE_NAME)
    if not token or st.session_state.get(CHECKED_COOKIE) == token:
        return None
    # Marked before the check: the check opens the store, which asks who the user is (nobody yet).
    # A refused cookie is left to expire: clearing it might clear a newer one another tab set.
    st.session_state[CHECKED_COOKIE] = token
    restored = restore(token)
    if restored is None:
        return None
    user, nonce = restored
    _remember(user, nonce)
    return user


def _remember(user: User, nonce: str) -> None:
    st.session_state[SESSION_USER] = {
        "name": user.name,
        "role": user.role,
        "display_name": user.display_name,
        "nonce": nonce,
        "checked_at": signin.now(),
    }


def sign_in(user: User) -> None:
    """Remember `user` in this browser session, and in a cookie that survives a refresh (`write_cookie`)."""
    now = signin.now()
    token = signin.sign_token(cookie_secret(), user.name, user.role, now)
    found = signin.verify_token(cookie_secret(), token, now)
    _remember(user, found.nonce)
    st.session_state.pop(SIGNED_OUT, None)
    st.session_state[COOKIE_WRITE] = {"value": token, "expires": found.expires, "id": found.nonce}


def sign_out(user: User, store=None) -> None:
    """Forget the user here, revoke the cookie's token for every server (audit `sign_out`), clear the cookie."""
    st.session_state[SIGNED_OUT] = True  # first: from now on the cookie this browser connected with is stale
    st.session_state[COOKIE_WRITE] = {"value": "", "expires": None, "id": f"out-{signin.new_nonce()}"}
    stored = st.session_state.pop(SESSION_USER, None) or {}
    nonce = stored.get("nonce")
    if nonce:
        store = _sign_in_store() if store is None else store
        store.append_audit(
            signin.SIGN_OUT, signin.sign_out_payload(user.name, nonce), actor=f"{user.name} [{user.role}]"
        )
    if user.source == "oidc":
        st.logout()


def cookie_script(value: str, expires: dt.datetime | None, write_id: str) -> str:
    """The script that sets the sign-in cookie until `expires` (the token's own expiry), or deletes it (None).

    It acts once per `write_id` in a tab (noted in sessionStorage), however
    often it is rendered again: a tab that signed in earlier must never put its
    old cookie back over a newer one another tab has set since. The expiry is
    absolute for the same reason: running again must not extend it.
    """
    until = f"Expires={format_datetime(expires.astimezone(dt.UTC), usegmt=True)}" if expires else "Max-Age=0"
    attributes = f"Path=/; {until}; SameSite=Strict"
    return (
        "<script>(function () {"
        f"var done = {json.dumps(COOKIE_NAME + '_written')}, id = {json.dumps(write_id)};"
        "try { if (window.sessionStorage.getItem(done) === id) { return; } } catch (e) {}"
        f"var cookie = {json.dumps(f'{COOKIE_NAME}={value}; {attributes}')};"
        "if (window.location.protocol === 'https:') { cookie += '; Secure'; }"
        "document.cookie = cookie;"
        "try { window.sessionStorage.setItem(done, id); } catch (e) {}"
        "})();</script>"
    )


def write_cookie() -> None:
    """Give the browser the cookie this session owes it (set after a sign-in, cleared after a sign-out).

    Rendered on every run of the session, not once: a rerun that starts before
    the browser has run the script would otherwise drop it (the script itself
    acts only once).
    """
    pending = st.session_state.get(COOKIE_WRITE)
    if pending:
        st.html(cookie_script(pending["value"], pending["expires"], pending["id"]), unsafe_allow_javascript=True)


def start_oidc_login() -> None:
    providers = [k for k, v in _secrets_section("auth").items() if hasattr(v, "items")]
    st.login(providers[0] if len(providers) == 1 else None)
