"""The database's tables as SQLAlchemy rows: what is stored, column by column.

Only the store's own modules touch these rows; everyone else reads the frozen
records of `engine.records`. A new column goes into a row here *and* into a new
Alembic revision in engine/migrations/versions (see engine/store/migrations.py);
tests/engine/test_migrations.py fails when the two disagree.

The unique constraint on draws is what makes "a month and tier is drawn once" hold under
races: see engine/store/slots.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: the same instant on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class SchemaVersionRow(Base):
    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ImportRow(Base):
    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str] = mapped_column(Text, default="")
    month: Mapped[str] = mapped_column(String(7), index=True)
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_data: Mapped[int] = mapped_column(Integer)
    rows_blank: Mapped[int] = mapped_column(Integer)
    eligible: Mapped[int] = mapped_column(Integer)
    excluded: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    excluded_by_reason: Mapped[str] = mapped_column(Text, default="{}")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MonthSessionRow(Base):
    """One sitting of the commission for a month (official, or one rehearsal run)."""

    __tablename__ = "month_sessions"
    __table_args__ = (UniqueConstraint("month", "slot", name="uq_month_session"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    slot: Mapped[str] = mapped_column(String(40))
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    run: Mapped[int] = mapped_column(Integer, default=0)
    protocol_number: Mapped[str] = mapped_column(Text, default="")
    draw_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    place: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CommissionRow(Base):
    __tablename__ = "commission_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("month_sessions.id", ondelete="CASCADE"), index=True)
    position_index: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[str] = mapped_column(Text, default="")


class PoolRow(Base):
    __tablename__ = "pools"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    denomination: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(20))  # "draw" | "redraw"
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # canonical text, the thing hashed
    # name, phone, region per ordinal (JSON list); not hashed, needed to name a re-draw's winner
    details: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PoolMemberChunkRow(Base):
    """The members of a frozen pool in chunks of MEMBER_CHUNK (revision 0004): chunk k (from 0)
    holds `count` members from ordinal `first_ordinal` on, their columns (CHUNK_COLUMNS) as one
    Arrow IPC stream in `data` (see engine/store/members.py). A draw reads only its winners' chunks
    instead of parsing the whole pool; `verify` decodes every chunk, rebuilds the pool text from
    them and checks the details against their hash in the audit record."""

    __tablename__ = "pool_member_chunks"
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), primary_key=True, autoincrement=False)
    chunk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_ordinal: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ParticipationRow(Base):
    """RULES.md reason 9 as rows (revision 0004): each client of an official, completed original
    draw's pool with the earliest such month. Written in the transaction that completes the
    draw; `verify` recomputes it from the pool texts."""

    __tablename__ = "participations"
    __table_args__ = {"sqlite_with_rowid": False}
    client_id: Mapped[str] = mapped_column(Text, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"))


class DrawRow(Base):
    __tablename__ = "draws"
    __table_args__ = (
        UniqueConstraint("month", "denomination", "slot", "redraw_certificate", "redraw_round", name="uq_draw_slot"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    denomination: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # "draw" | "redraw"
    slot: Mapped[str] = mapped_column(String(40))
    redraw_certificate: Mapped[int] = mapped_column(Integer, default=0)  # 0 for original draws
    redraw_round: Mapped[int] = mapped_column(Integer, default=0)
    redraw_reason: Mapped[str] = mapped_column(String(20), default="")
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    run: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))  # pending | done | failed
    quota: Mapped[int] = mapped_column(Integer, default=0)
    carried_in: Mapped[int] = mapped_column(Integer, default=0)
    to_draw: Mapped[int] = mapped_column(Integer, default=0)
    drawn: Mapped[int] = mapped_column(Integer, default=0)
    carry_out: Mapped[int] = mapped_column(Integer, default=0)
    draw_date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pools.id"), nullable=True)
    ticket_id: Mapped[str] = mapped_column(Text, default="")
    signed_random: Mapped[str] = mapped_column(Text, default="")
    serial_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    completion_time: Mapped[str] = mapped_column(Text, default="")
    hashed_api_key: Mapped[str] = mapped_column(Text, default="")
    license_text: Mapped[str] = mapped_column(Text, default="")
    development_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    signature_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    public_key_pem: Mapped[str] = mapped_column(Text, default="")  # the key the signature was checked with
    entropy: Mapped[str] = mapped_column(Text, default="")
    entropy_by: Mapped[str] = mapped_column(Text, default="")  # who entered the entropy (rule 4), revision 0003
    entropy_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failure: Mapped[str] = mapped_column(Text, default="")
    lease_owner: Mapped[str | None] = mapped_column(Text, nullable=True)
    lease_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WinnerRow(Base):
    __tablename__ = "winners"
    __table_args__ = (UniqueConstraint("draw_id", "certificate", name="uq_winner_certificate"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    denomination: Mapped[int] = mapped_column(Integer)
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    certificate: Mapped[int] = mapped_column(Integer)
    ordinal: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(Text)
    client_name: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="drawn")
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    certificate_serial: Mapped[str] = mapped_column(Text, default="")
    current: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditRow(Base):
    """Append-only. UNIQUE(prev_sha256) keeps the chain linear even under races."""

    __tablename__ = "audit"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
