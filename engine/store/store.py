"""The Store: the promotion's database as calls, each one transaction.

The class is composed of the package's parts, one job each: the audit record (audit.py), leases
on pending draws (leases.py), imports and commission sittings (imports.py), draws and re-draws
(draws.py), winners and claims (winners.py) and what is read back (reads.py). This module opens
the database (connection.py), migrates it to head (migrations.py) and runs the transactions.
Every write appends its audit entry in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from engine.config import database_url
from engine.store.audit import AuditLog, default_actor
from engine.store.connection import connect, location
from engine.store.draws import Draws
from engine.store.imports import Imports
from engine.store.leases import Leases
from engine.store.migrations import ADVISORY_LOCK, current_revision, migrate
from engine.store.reads import Reads
from engine.store.winners import Winners


class Store(AuditLog, Leases, Imports, Draws, Winners, Reads):
    """The promotion's database. Thread-safe to share; each call is one transaction."""

    def __init__(self, url: str | None = None, *, actor: str | None = None) -> None:
        self._url = url or database_url()
        self.actor = actor or default_actor()
        self.engine = connect(self._url)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._leases: dict[int, str] = {}  # draw id -> lease this Store holds
        # pool id -> members table of the last pools this Store froze, until their draws complete
        self._frozen_members: dict[int, Any] = {}
        self._fresh_tickets: set[int] = set()  # tickets created here and not yet used for a request
        migrate(self.engine)

    # ---- identity
    @property
    def url(self) -> str:
        return self._url

    @property
    def location(self) -> str:
        """Where the data lives, for the settings page (no password shown)."""
        return location(self._url)

    def close(self) -> None:
        self.engine.dispose()

    # ---- transactions
    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction. On PostgreSQL writers serialise on an advisory lock
        (SQLite's BEGIN IMMEDIATE does the same)."""
        with self._sessions.begin() as session:
            if self.dialect == "postgresql":
                session.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
            yield session

    def schema_version(self) -> int:
        """The Alembic revision the database is at, as a number (revision 0003 is 3)."""
        with self._tx() as s:
            return int(current_revision(s.connection()) or 0)
