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
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

ROLES = ("commission", "staff", "manager", "admin")
SESSION_USER = "auth_user"
DEMO_ROLE = "demo_role"
NAME_MAX_CHARS = 120  # a user name longer than this is not a name; keeps the audit record small
FORM_ACTOR = "sign-in form (not signed in)"  # who the audit record names for a failed try


@dataclass(frozen=True)
class User:
    name: str
    role: str
    display_name: str
    source: str  # "password" | "oidc" | "demo"


def _secrets_section(name: str) -> dict:
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
        from argon2 import PasswordHasher
        from argon2.exceptions import Argon2Error, InvalidHashError

        try:
            return PasswordHasher().verify(password_hash, password)
        except (Argon2Error, InvalidHashError, ValueError):
            return False
    if password_hash.startswith(("$2a$", "$2b$", "$2y$")):
        try:
            import bcrypt
        except ImportError:
            return False
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
    from engine import signin

    if store is None:
        from ui import services

        store = services.store()
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
        if entry and entry.get("role") == stored.get("role"):  # still configured, same role
            return User(stored["name"], stored["role"], stored.get("display_name", stored["name"]), "password")
        st.session_state.pop(SESSION_USER, None)
    if oidc_configured():
        return _oidc_user()
    return None


def sign_in(user: User) -> None:
    st.session_state[SESSION_USER] = {"name": user.name, "role": user.role, "display_name": user.display_name}


def sign_out(user: User) -> None:
    st.session_state.pop(SESSION_USER, None)
    if user.source == "oidc":
        st.logout()


def start_oidc_login() -> None:
    providers = [k for k, v in _secrets_section("auth").items() if hasattr(v, "items")]
    st.login(providers[0] if len(providers) == 1 else None)
