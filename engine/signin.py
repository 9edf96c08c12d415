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
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

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
    return dt.datetime.now(dt.timezone.utc)


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
