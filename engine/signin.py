"""How long a user name must wait before its next password try.

Password guessing is slowed per user name: FREE_TRIES wrong passwords in a
row cost nothing, then every further failure doubles the wait (1, 2, 4 ... s,
at least 30 s from the 10th failure on, at most MAX_DELAY). A successful
sign-in starts the count again. Names nobody is configured under count the
same way, so guessing names is slowed too.

The count is read from the audit record (`sign_in` / `sign_in_failed`
entries), not from the browser session: a refresh or another browser sees the
same wait. Pure functions over `AuditEntry`s; the clock is `now()`, which a
test may replace.

The second half is the sign-in cookie's token (sign, verify, revoke), so a
refresh does not sign a password user out; see the section below.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import os
import secrets as _secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.records import AuditEntry

FREE_TRIES = 5
MAX_DELAY = 15 * 60  # seconds: slow enough for a guesser, short enough for a locked-out colleague
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
ACTIONS = (SIGN_IN, SIGN_IN_FAILED)
KEY_FIELD = "key"  # the payload field the store is asked to match (see `user_key`)
WINDOW = 100  # latest entries of one user name worth reading: far past the point where the wait stops growing


def now() -> dt.datetime:
    """The clock every wait is measured with (tests replace it)."""
    return dt.datetime.now(dt.UTC)


def user_key(name: str) -> str:
    """One counter per name whatever its case or surrounding blanks: 'Aigerim ' and 'aigerim' are the same guess."""
    return name.strip().lower()


def failure_payload(name: str, failures: int) -> dict:
    """The audit payload of a wrong password: the name as typed (trimmed), its counter key, the count so far."""
    return {"user": name.strip(), KEY_FIELD: user_key(name), "failures": failures}


def success_payload(name: str) -> dict:
    return {"user": name.strip(), KEY_FIELD: user_key(name)}


def _entries_of(entries: Iterable[AuditEntry], user: str) -> list[AuditEntry]:
    key = user_key(user)
    mine = [e for e in entries if e.action in ACTIONS and user_key(str(e.payload.get("user", ""))) == key]
    return sorted(mine, key=lambda e: e.id)


def failures_since_success(entries: Iterable[AuditEntry], user: str) -> int:
    """Wrong passwords for `user` since its last successful sign-in.

    `entries` may be only the latest few (the store reads a window): when the
    window holds no success, the oldest failure in it carries the count that
    was recorded when it happened, and the window adds to that.
    """
    count = 0
    oldest: AuditEntry | None = None
    for e in reversed(_entries_of(entries, user)):
        if e.action == SIGN_IN:
            return count
        count += 1
        oldest = e
    if oldest is None:
        return 0
    recorded = oldest.payload.get("failures")
    if isinstance(recorded, int) and not isinstance(recorded, bool) and recorded >= 1:
        return count - 1 + recorded
    return count


def last_failure_at(entries: Iterable[AuditEntry], user: str) -> dt.datetime | None:
    mine = _entries_of(entries, user)
    if not mine or mine[-1].action != SIGN_IN_FAILED:
        return None
    return mine[-1].at


def delay_seconds(failures: int) -> int:
    """The wait that `failures` wrong passwords in a row impose before the next try."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_DELAY, 2 ** (failures - FREE_TRIES))


def wait_seconds(failures: int, last_failure: dt.datetime | None, now: dt.datetime) -> int:
    """Whole seconds still to wait before the next try may be checked; 0 when a try is allowed.

    A last failure that seems to lie in the future (clocks of two servers)
    counts as just now: the wait is never shortened by a skewed clock.
    """
    delay = delay_seconds(failures)
    if not delay or last_failure is None:
        return 0
    elapsed = max(0.0, (now - last_failure).total_seconds())
    return max(0, math.ceil(delay - elapsed))


def wait_for(entries: Iterable[AuditEntry], user: str, now: dt.datetime) -> int:
    """`wait_seconds` for `user` straight from audit entries."""
    entries = list(entries)
    return wait_seconds(failures_since_success(entries, user), last_failure_at(entries, user), now)


# ---------------------------------------------------------------- the sign-in cookie
#
# A password sign-in survives a browser refresh through a cookie holding a
# token: who (user name and role), until when, and a random nonce, signed with
# HMAC-SHA256 under a server secret. The token proves nothing about the
# password any more, only that this server issued it; so it is accepted only
# while unexpired, unrevoked (a `sign_out` audit entry names its nonce), and
# while the configuration still gives that user the same role (ui.auth checks
# the last part). Its form: base64url(JSON payload) "." base64url(MAC).

SIGN_OUT = "sign_out"
NONCE_FIELD = "nonce"
TOKEN_LIFETIME = dt.timedelta(hours=12)  # a working day and its draw; the next day starts with the password
TOKEN_VERSION = 1
SECRET_FILE = "cookie-secret"  # in the data folder, 0600, made once when secrets.toml has no COOKIE_SECRET
TOKEN_MAX_CHARS = 4096  # a cookie longer than this is not one of ours


@dataclass(frozen=True)
class Token:
    """What a verified sign-in token says."""

    user: str
    role: str
    expires: dt.datetime
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())


def new_nonce() -> str:
    """128 random bits, in hex: what tells one token (and its revocation) from every other."""
    return _secrets.token_hex(16)


def sign_token(
    secret: bytes,
    user: str,
    role: str,
    now: dt.datetime,
    *,
    lifetime: dt.timedelta = TOKEN_LIFETIME,
    nonce: str | None = None,
) -> str:
    """A token for `user` in `role`, valid from `now` for `lifetime`."""
    if not secret:
        raise ValueError("a sign-in token needs a non-empty secret")
    payload = {
        "v": TOKEN_VERSION,
        "u": user,
        "r": role,
        "exp": int((now + lifetime).timestamp()),
        "n": nonce or new_nonce(),
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return f"{body}.{_mac(secret, body)}"


def verify_token(secret: bytes, token: str | None, now: dt.datetime) -> Token | None:
    """The token's content when `secret` signed it and it has not expired at `now`; else None. Never raises."""
    if not secret or not token or len(token) > TOKEN_MAX_CHARS or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    try:
        if not hmac.compare_digest(_mac(secret, body), mac):
            return None
        payload = json.loads(_unb64(body))
        user, role, exp, nonce = payload["u"], payload["r"], payload["exp"], payload["n"]
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    if payload.get("v") != TOKEN_VERSION or not all(isinstance(x, str) and x for x in (user, role, nonce)):
        return None
    if not isinstance(exp, int) or isinstance(exp, bool):
        return None
    expires = dt.datetime.fromtimestamp(exp, dt.UTC)
    if now >= expires:
        return None
    return Token(user, role, expires, nonce)


def sign_out_payload(name: str, nonce: str) -> dict:
    """The audit payload of a sign-out: it revokes the token with this nonce on every server sharing the record."""
    return {"user": name.strip(), KEY_FIELD: user_key(name), NONCE_FIELD: nonce}


def revoked(entries: Iterable[AuditEntry], nonce: str) -> bool:
    """True when a `sign_out` entry names this token's nonce."""
    return any(e.action == SIGN_OUT and e.payload.get(NONCE_FIELD) == nonce for e in entries)


def secret_from_folder(folder: Path) -> bytes:
    """The cookie secret kept in `folder` (made once, readable by the server's user only).

    Two server processes starting together agree: the file is created
    exclusively, and the loser reads the winner's secret.
    """
    path = Path(folder) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(_secrets.token_hex(32))
    for _ in range(50):  # the other process may still be writing its 64 characters
        text = path.read_text().strip()
        if len(text) >= 64:
            return bytes.fromhex(text)
        time.sleep(0.01)
    raise RuntimeError(f"{path} does not hold a cookie secret: delete it and it is made again")
