"""Leases on pending draws: who is executing a draw, since when, and when someone else may take over.

A pending draw carries a lease (owner `host:pid:random`, and the time it was taken), so that a
crash can be resumed by the next attempt while a live attempt in another process is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.store.audit import utcnow
from engine.store.errors import DrawRefused, NotDrawn
from engine.store.schema import DrawRow

# A pending draw whose executor has not been heard of for this long may be
# resumed by someone else (longer than RANDOM.ORG's 120 s timeout plus delays).
LEASE_SECONDS = 300


def lease_owner() -> str:
    """A new lease's owner: this host and process, and a random part so two Stores differ."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lease_is_stale(owner: str | None, since: dt.datetime | None, now: dt.datetime) -> bool:
    """A lease is stale when its process is gone (same host) or it is too old."""
    if not owner:
        return True
    if since is None or (now - since).total_seconds() > LEASE_SECONDS:
        return True
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


class Leases:
    """The Store's methods over the leases of pending draws. The Store provides `_tx()` and
    `_leases` (draw id -> the lease this Store holds)."""

    _tx: Callable[[], AbstractContextManager[Session]]
    _leases: dict[int, str]

    def acquire_lease(self, draw_id: int, lease: str | None = None) -> str:
        """Take the right to execute a pending draw (ours, or a stale one)."""
        now = utcnow()
        with self._tx() as s:
            row = self._pending(s, draw_id)
            mine = lease or self._leases.get(draw_id)
            if row.lease_owner and row.lease_owner != mine and not lease_is_stale(row.lease_owner, row.lease_at, now):
                raise DrawRefused(f"draw #{draw_id} is being executed by {row.lease_owner}")
            new = mine if mine and row.lease_owner == mine else lease_owner()
            row.lease_owner, row.lease_at = new, now
            self._leases[draw_id] = new
            return new

    def release_lease(self, draw_id: int) -> None:
        """Give up executing a pending draw without failing it (e.g. entropy missing)."""
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is not None and row.status == "pending" and row.lease_owner == self._leases.get(draw_id):
                row.lease_owner = row.lease_at = None
            self._leases.pop(draw_id, None)

    def _pending(self, s: Session, draw_id: int) -> DrawRow:
        """The row of a pending draw, or why it cannot be executed."""
        row = s.get(DrawRow, draw_id)
        if row is None:
            raise NotDrawn(f"no draw #{draw_id}")
        if row.status == "done":
            raise DrawRefused(f"draw #{draw_id} ({row.month} {row.denomination}) is already done")
        if row.status != "pending":
            raise DrawRefused(f"draw #{draw_id} ({row.month} {row.denomination}) failed; prepare a new one")
        return row

    def _check_lease(self, row: DrawRow) -> None:
        mine = self._leases.get(row.id)
        if row.lease_owner != mine:
            raise DrawRefused(f"draw #{row.id} was taken over by {row.lease_owner}")

    def _set_lease_for_tests(self, draw_id: int, owner: str | None, at: dt.datetime | None) -> None:
        with self._tx() as s:
            s.execute(update(DrawRow).where(DrawRow.id == draw_id).values(lease_owner=owner, lease_at=at))
