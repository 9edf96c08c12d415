"""The database of the promotion: imports, frozen pools, draws, winners, claims
and an append-only audit record whose entries are chained by SHA-256.

SQLAlchemy 2 over SQLite by default (one file under the data folder, WAL mode,
so the Streamlit app and a command line can share it), any SQLAlchemy URL for a
shared installation (PostgreSQL). The schema migrates itself on start, with the
Alembic revisions in engine/migrations/versions.

Why the unique constraint on draws: "a month and tier is drawn once" must hold
even when two browsers click at the same moment. Every draw row claims a
*slot*: ``official`` for real draws, ``rehearsal-<run>`` for rehearsals and
``failed-<id>`` once an attempt failed (which frees the official slot again).
``UNIQUE(month, denomination, slot, redraw_certificate, redraw_round)`` lets the
database, not the application, decide who got there first.

A pending draw carries a *lease* (who is executing it, since when), so that a
crash can be resumed by the next attempt while a live attempt in another
process is refused.

Outside this module, nobody touches rows: readers get the frozen records of
`engine.records`.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
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
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from engine.records import (
    AbandonedTicket,
    AuditEntry,
    CommissionMember,
    DrawRecord,
    History,
    ImportRecord,
    MonthRecord,
    PoolMember,
    PoolRecord,
    WinnerRecord,
)

REPO_DIR = Path(__file__).resolve().parent.parent
DB_FILE_NAME = "promotion.sqlite"
OFFICIAL = "official"
ABANDONED = "abandoned"  # status of a draw whose used ticket's result could not be verified (rule 5)
BLOCKED = "blocked"  # a used ticket whose result could not be verified holds the slot until abandoned
GENESIS_SHA256 = "0" * 64  # prev_sha256 of the first audit entry
# A pending draw whose executor has not been heard of for this long may be
# resumed by someone else (longer than RANDOM.ORG's 120 s timeout plus delays).
LEASE_SECONDS = 300
SQLITE_BUSY_MS = 30_000
_CHUNK = 900  # ids per IN (...) query: under every SQLite build's limit of bound values
_FROZEN_AT_HAND = 3  # pools whose members a Store keeps after freezing them, until they are drawn


# --------------------------------------------------------------------------- errors


class StoreError(Exception):
    """Base of the store's own errors; the message is plain English."""


class NotDrawn(StoreError, LookupError):
    """The month (or tier) has no stored draw."""


class DrawRefused(StoreError):
    """The draw may not run: already drawn, running elsewhere, or not allowed.

    `code` names the refusal for a translated message (see ui/catalog.py "refused.*"),
    `params` its values; the English message stays the exception's text."""

    def __init__(self, message: str, code: str = "", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


# --------------------------------------------------------------------------- helpers


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value, so hashes over it are reproducible."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def audit_sha256(prev_sha256: str, seq: int, at: dt.datetime, action: str, actor: str, payload: dict) -> str:
    """SHA-256 of prev_sha256 + the canonical JSON of the entry (what `verify` recomputes)."""
    body = canonical_json(
        {"seq": seq, "at": at.isoformat(), "action": action, "actor": actor, "payload": payload}
    )
    return hashlib.sha256((prev_sha256 + body).encode("utf-8")).hexdigest()


def fields_sha256(value: Any) -> str:
    """SHA-256 of the canonical JSON of printed fields: what the audit record keeps of them (rule 7)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def import_fields(r: Any) -> list:
    """The fields of an import that documents print (the protocol's sources section)."""
    return [r.file_name, r.file_sha256, r.sheet, r.month, bool(r.rehearsal), r.rows_data, r.rows_blank,
            r.eligible, r.excluded, r.errors, r.excluded_by_reason]


def winner_details(rows: Sequence[Any]) -> list:
    """[certificate, name, phone, region] of a draw's winners, by certificate (printed in protocol and acts)."""
    return [[r.certificate, r.client_name, r.phone, r.region] for r in sorted(rows, key=lambda r: r.certificate)]


# A frozen pool's members as columns (a pyarrow Table, ordinal order): what pool_member_chunks
# holds. Details = the last three, printed for a winner and hashed into the audit record.
MEMBER_COLUMNS = ("ordinal", "account", "client_id", "client_name", "phone", "region")
DETAIL_COLUMNS = ("client_name", "phone", "region")


# How pool_member_chunks holds a pool's members (revision 0004): MEMBER_CHUNK members a chunk,
# each chunk its CHUNK_COLUMNS (UTF-8 strings, in ordinal order; the ordinal is first_ordinal + i)
# as one Arrow IPC stream (a schema message and one record batch, buffers compressed with LZ4 frame
# as the IPC format allows): pyarrow.ipc.open_stream(data).read_all() reads it in any Python.
# LZ4 against Zstandard and none, 900 000 members (benchmarks/draw.py's tier): encode + store +
# decode 0.25 s against 0.35 s and 0.26 s, 29 MB against 13 MB and 61 MB.
MEMBER_CHUNK = 4096
CHUNK_COLUMNS = ("account", "client_id", "client_name", "phone", "region")
_CHUNK_COMPRESSION = "lz4"


def encode_member_chunk(columns: Any) -> bytes:
    """One chunk's members (a pyarrow Table or RecordBatch with CHUNK_COLUMNS) as Arrow IPC bytes."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    arrays = []
    for c in CHUNK_COLUMNS:
        col = columns.column(c)
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        arrays.append(col if col.type == pa.string() else col.cast(pa.string()))
    batch = pa.record_batch(arrays, names=list(CHUNK_COLUMNS))
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, batch.schema, options=ipc.IpcWriteOptions(compression=_CHUNK_COMPRESSION)) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def member_chunks(members: Any) -> list[tuple[int, int, int, bytes]]:
    """(chunk, first_ordinal, count, data) of a pool's members (MEMBER_COLUMNS, ordinal order 1..N)."""
    table = members.select(list(CHUNK_COLUMNS))
    out = []
    for k, start in enumerate(range(0, members.num_rows, MEMBER_CHUNK)):
        part = table.slice(start, MEMBER_CHUNK).combine_chunks()
        out.append((k, start + 1, part.num_rows, encode_member_chunk(part)))
    return out


def decode_member_chunk(data: bytes, first_ordinal: int) -> Any:
    """A stored chunk as a members table (MEMBER_COLUMNS, ordinals from first_ordinal); None when
    its bytes are not an Arrow stream of exactly CHUNK_COLUMNS as strings (changed by hand)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.ipc as ipc

    if not isinstance(data, (bytes, bytearray, memoryview)):  # e.g. text written over it by hand
        return None
    try:
        table = ipc.open_stream(pa.py_buffer(data)).read_all()
    except (pa.ArrowException, OSError, ValueError):
        return None
    if tuple(table.column_names) != CHUNK_COLUMNS or any(t != pa.string() for t in table.schema.types):
        return None
    ordinals = pa.array(np.arange(first_ordinal, first_ordinal + table.num_rows, dtype=np.int64))
    return pa.table({"ordinal": ordinals, **{c: table.column(c).combine_chunks() for c in CHUNK_COLUMNS}})


def empty_members() -> Any:
    import pyarrow as pa

    return pa.table({c: pa.array([], pa.int64() if c == "ordinal" else pa.string()) for c in MEMBER_COLUMNS})


def string_bytes(column: Any) -> tuple[bytes, Any]:
    """The UTF-8 bytes of a string column's values, concatenated, and their lengths (numpy int64):
    straight from Arrow's buffers, without a Python object per value."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not isinstance(arr, pa.Array):
        arr = pa.array(list(arr), pa.large_string())
    if arr.null_count or arr.type not in (pa.string(), pa.large_string()):
        arr = pc.fill_null(arr.cast(pa.large_string()), "")
    n = len(arr)
    if n == 0:
        return b"", np.zeros(0, dtype=np.int64)
    width = "<i4" if arr.type == pa.string() else "<i8"  # 32- or 64-bit offsets, read in place
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset:arr.offset + n + 1].astype(np.int64)
    data = arr.buffers()[2]
    values = b"" if data is None else bytes(memoryview(data)[int(offsets[0]):int(offsets[-1])])
    return values, np.diff(offsets)


def string_order(strings: Any) -> Any:
    """Indices that sort a string column in plain string order (stable): Python's order, the order
    of the UTF-8 bytes. When every value is ASCII digits of one length (up to 18: account numbers,
    IINs), that is the order of their values, and Arrow sorts 64-bit integers several times
    faster than strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(strings):
        lengths = pc.min_max(pc.binary_length(strings)).as_py()
        if 0 < lengths["min"] == lengths["max"] <= 18 and pc.all(pc.ascii_is_decimal(strings)).as_py():
            return pc.sort_indices(pc.cast(strings, pa.int64()))
    return pc.sort_indices(strings)


def json_string_array(strings: Any) -> str:
    """The JSON text of a string column as an array. Built from Arrow's buffer when every value is
    ASCII letters and digits (nothing to escape: client ids), else by json.dumps of the values."""
    import pyarrow.compute as pc

    if len(strings) and pc.all(pc.ascii_is_alnum(strings)).as_py():
        values, _ = string_bytes(pc.binary_join_element_wise('"', strings, '",', ""))
        return "[" + values[:-1].decode("ascii") + "]"
    return json.dumps(strings.to_pylist(), ensure_ascii=False, separators=(",", ":"))


def members_sha256(members: Any) -> str:
    """SHA-256 of a pool's members' details (name, phone, region per ordinal), what the audit
    record's pool_frozen entry keeps of them (`members_sha256`, rule 7). Canonical and cheap from
    columns: the member count (8 bytes, little-endian), then per column its values' UTF-8 lengths
    (8 bytes each, little-endian) followed by the values' bytes, in ordinal order."""
    h = hashlib.sha256(members.num_rows.to_bytes(8, "little"))
    for name in DETAIL_COLUMNS:
        values, lengths = string_bytes(members.column(name))
        h.update(lengths.astype("<u8").tobytes())
        h.update(values)
    return h.hexdigest()


def members_from_text(pool_text: str, details_json: str = "") -> Any:
    """The members table of a pool stored as text and a details JSON list (pools made before
    revision 0004, or given so by a caller): ordinal, account and client_id from each line."""
    import pyarrow as pa

    details = json.loads(details_json) if details_json.strip() else []
    cols: dict[str, list] = {c: [] for c in MEMBER_COLUMNS}
    lines = pool_text.split("\n")  # line feeds only: an account may hold U+2028 and the like
    if lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        first, _, rest = line.partition(",")
        account_and_id, _, _den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        name, phone, region = ([*details[i], "", "", ""] if i < len(details) else ["", "", ""])[:3]
        for c, v in zip(MEMBER_COLUMNS, (int(first), account, client_id, name, phone, region)):
            cols[c].append(v if c == "ordinal" else "" if v is None else str(v))
    return pa.table({c: pa.array(v, pa.int64() if c == "ordinal" else pa.string()) for c, v in cols.items()})


def default_actor() -> str:
    name = os.environ.get("PROMOTION_ACTOR")
    if name:
        return name
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def default_url() -> str:
    """$PROMOTION_DB_URL, else a SQLite file in $PROMOTION_DATA_DIR or <repo>/data."""
    url = os.environ.get("PROMOTION_DB_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("PROMOTION_DATA_DIR") or REPO_DIR / "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / DB_FILE_NAME).resolve()}"


def _lease_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _lease_is_stale(owner: str | None, since: dt.datetime | None, now: dt.datetime) -> bool:
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


# --------------------------------------------------------------------------- schema


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
    Arrow IPC stream in `data` (see encode_member_chunk). A draw reads only its winners' chunks
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
        UniqueConstraint(
            "month", "denomination", "slot", "redraw_certificate", "redraw_round", name="uq_draw_slot"
        ),
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


# Migrations: Alembic revisions 0001, 0002, ... in engine/migrations/versions, each
# written out (never create_all on the models above, which move on). A new column
# goes into a model here and into a new revision; tests/engine/test_migrations.py
# fails when the two disagree.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCHEMA_REVISION = "0004"  # the head revision
SCHEMA_VERSION = int(SCHEMA_REVISION)
# The first release counted its own migrations in schema_version (1, 2) and has no
# alembic_version table: such a database is stamped with the matching revision.
_LEGACY_REVISIONS = {1: "0001", 2: "0002"}


def _alembic_config(conn: Connection | None) -> Any:
    """Alembic configured in code (no alembic.ini), running on the store's own connection
    (None for what needs no database, such as writing a new revision). Alembic is imported only
    when a schema has to change: a command on a database at head does not pay for it."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = conn
    return config


def _current_revision(conn: Connection) -> str | None:
    """The Alembic revision a database is at (its alembic_version row), None before any."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_has_json_each() -> bool:
    """SQLite has its JSON functions built in from 3.38 (earlier builds usually compiled them in)."""
    import sqlite3

    if sqlite3.sqlite_version_info >= (3, 38, 0):
        return True
    try:
        sqlite3.connect(":memory:").execute("SELECT value FROM json_each('[1]')").close()
    except sqlite3.Error:
        return False
    return True


def _setup_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout; and BEGIN IMMEDIATE so that two writers
    queue up instead of failing when a read transaction turns into a write."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _postgresql_url(url: Any) -> Any:
    """A bare postgresql:// URL means psycopg2 to SQLAlchemy 2.0 (psycopg 3 from 2.1 on):
    use psycopg 3, the driver this project installs, unless psycopg2 is there."""
    if url.drivername == "postgresql":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return url.set(drivername="postgresql+psycopg")
    return url


def _check_postgresql(engine: Engine) -> None:
    """Refuse a database that cannot hold Kazakh and Russian text, before anything is stored."""
    with engine.connect() as conn:
        encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
        name = conn.exec_driver_sql("SELECT current_database()").scalar()
    if str(encoding).upper().replace("-", "") != "UTF8":
        raise StoreError(
            f"The PostgreSQL database {name!r} uses the {encoding} encoding; the promotion stores Kazakh and "
            f"Russian names and needs UTF8. Create it with: CREATE DATABASE {name} ENCODING 'UTF8' "
            "TEMPLATE template0")


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class WinnerInput:
    """A winner about to be stored (draw.py builds these)."""

    certificate: int
    ordinal: int
    account: str
    client_id: str
    client_name: str = ""
    phone: str = ""
    region: str = ""


class Store:
    """The promotion's database. Thread-safe to share; each call is one transaction."""

    def __init__(self, url: str | None = None, *, actor: str | None = None) -> None:
        self._url = url or default_url()
        self.actor = actor or default_actor()
        parsed = make_url(self._url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {}
        target: Any = self._url
        if self.dialect == "postgresql":
            target = _postgresql_url(parsed)
            # READ COMMITTED whatever the server's default: every transaction first waits
            # for the advisory lock and must then see what the previous holder committed
            # (under REPEATABLE READ or SERIALIZABLE its snapshot predates the wait, and two
            # writers computed the same audit seq). pool_pre_ping: a shared server restarts
            # or drops idle connections while the app keeps running.
            kwargs.update(isolation_level="READ COMMITTED", pool_pre_ping=True)
            if target.get_driver_name() in ("psycopg", "psycopg2"):
                kwargs["connect_args"] = {"client_encoding": "utf8"}
        elif self.dialect == "sqlite":
            database = parsed.database
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False}
        self.engine = create_engine(target, **kwargs)
        if self.dialect == "sqlite":
            _setup_sqlite(self.engine)
        elif self.dialect == "postgresql":
            try:
                _check_postgresql(self.engine)
            except BaseException:
                self.engine.dispose()
                raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._leases: dict[int, str] = {}  # draw id -> lease this Store holds
        # pool id -> members table of the last pools this Store froze, until their draws complete
        self._frozen_members: dict[int, Any] = {}
        self._fresh_tickets: set[int] = set()  # tickets created here and not yet used for a request
        self._migrate()

    # ---- identity
    @property
    def url(self) -> str:
        return self._url

    @property
    def location(self) -> str:
        """Where the data lives, for the settings page (no password shown)."""
        parsed = make_url(self._url)
        if self.dialect == "sqlite":
            return f"SQLite file {parsed.database}"
        return f"{self.dialect} database {parsed.render_as_string(hide_password=True)}"

    def close(self) -> None:
        self.engine.dispose()

    # ---- transactions
    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction. On PostgreSQL writers serialise on an advisory lock
        (SQLite's BEGIN IMMEDIATE does the same)."""
        with self._sessions.begin() as session:
            if self.dialect == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(2021030108)"))
            yield session

    def _migrate(self) -> None:
        """Upgrade the schema to head in one transaction (BEGIN IMMEDIATE on SQLite, the
        advisory lock on PostgreSQL): two processes starting at once migrate it once, and
        a failing revision leaves the database as it was. Alembic joins this transaction
        and does not commit by itself (engine/migrations/env.py)."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(2021030108)"))
            current = _current_revision(conn)
            if current == SCHEMA_REVISION:
                return  # the usual case: no need to load Alembic or the revision scripts
            from alembic import command
            from alembic.script import ScriptDirectory

            config = _alembic_config(conn)
            if current is None and inspect(conn).has_table(SchemaVersionRow.__tablename__):
                legacy = conn.execute(select(func.max(SchemaVersionRow.version))).scalar()
                if legacy not in _LEGACY_REVISIONS:
                    raise StoreError(f"The database's schema_version is {legacy}, which no revision matches; "
                                     "it was not made by this program")
                command.stamp(config, _LEGACY_REVISIONS[legacy])
            elif current is not None:
                known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
                if current not in known:
                    raise StoreError(f"The database's schema is at revision {current}, newer than this program "
                                     f"knows (up to {SCHEMA_REVISION}); update the program before using it")
            command.upgrade(config, "head")

    def schema_version(self) -> int:
        """The Alembic revision the database is at, as a number (revision 0003 is 3)."""
        with self._tx() as s:
            return int(_current_revision(s.connection()) or 0)

    # ---- audit
    def _append_audit(self, s: Session, action: str, payload: dict, actor: str | None = None) -> AuditRow:
        last = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        seq = last.seq + 1 if last else 1
        prev = last.sha256 if last else GENESIS_SHA256
        at = utcnow()
        who = actor or self.actor
        payload = json.loads(canonical_json(payload))  # plain JSON types only, as it will read back
        row = AuditRow(
            seq=seq,
            at=at,
            action=action,
            actor=who,
            payload=canonical_json(payload),
            prev_sha256=prev,
            sha256=audit_sha256(prev, seq, at, action, who, payload),
        )
        s.add(row)
        s.flush()
        return row

    def append_audit(self, action: str, payload: dict, actor: str | None = None) -> AuditEntry:
        with self._tx() as s:
            return _audit_record(self._append_audit(s, action, payload, actor))

    def audit_head(self) -> tuple[int, str]:
        """(seq, sha256) of the last audit entry; (0, GENESIS_SHA256) for an empty record."""
        with self._tx() as s:
            last = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
            return (last.seq, last.sha256) if last else (0, GENESIS_SHA256)

    def audit_drawn(self, month: str, denomination: int) -> list[int]:
        """Ids of the official original draws of a tier that the audit record says were completed:
        what the draw tables say can be deleted or relabelled, the chained record cannot."""
        with self._tx() as s:
            payloads = [json.loads(p) for p in s.scalars(select(AuditRow.payload).where(AuditRow.action == "draw_done"))]
        return [p["draw_id"] for p in payloads if p.get("month") == month and p.get("denomination") == denomination
                and p.get("kind") == "draw" and not p.get("rehearsal")]

    def audit(self) -> list[AuditEntry]:
        with self._tx() as s:
            return [_audit_record(r) for r in s.scalars(select(AuditRow).order_by(AuditRow.seq))]

    # ---- imports and commission
    def record_import(self, preview: Any, month: str, *, rehearsal: bool = False) -> ImportRecord:
        """Store what was read from a file for a month (idempotent per file, month, kind)."""
        by_reason = dict(sorted(preview.excluded_by_reason(month).items()))
        rows = preview.rows
        with self._tx() as s:
            existing = s.scalars(
                select(ImportRow).where(
                    ImportRow.month == month,
                    ImportRow.file_sha256 == preview.file_sha256,
                    ImportRow.rehearsal == rehearsal,
                )
            ).first()
            if existing is not None:
                return _import_record(existing)
            row = ImportRow(
                file_name=preview.file_name or "",
                file_sha256=preview.file_sha256,
                sheet=preview.sheet or "",
                month=month,
                rehearsal=rehearsal,
                rows_data=rows.data,
                rows_blank=rows.blank,
                eligible=rows.eligible,
                excluded=rows.excluded,
                errors=rows.errors,
                excluded_by_reason=canonical_json(by_reason),
                imported_at=utcnow(),
            )
            s.add(row)
            s.flush()
            self._append_audit(
                s,
                "import",
                {"month": month, "file_name": row.file_name, "file_sha256": row.file_sha256,
                 "rehearsal": rehearsal, "eligible": row.eligible, "excluded": row.excluded,
                 "errors": row.errors, "import_id": row.id, "fields_sha256": fields_sha256(import_fields(row))},
            )
            return _import_record(row)

    def imports(self, month: str | None = None, *, rehearsal: bool = False) -> list[ImportRecord]:
        with self._tx() as s:
            q = select(ImportRow).where(ImportRow.rehearsal == rehearsal).order_by(ImportRow.id)
            if month:
                q = q.where(ImportRow.month == month)
            return [_import_record(r) for r in s.scalars(q)]

    def start_rehearsal(self, month: str) -> int:
        """Open a new rehearsal run for a month; returns its number (1, 2, ...)."""
        with self._tx() as s:
            run = (s.scalar(select(func.max(MonthSessionRow.run)).where(
                MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True))) or 0) + 1
            s.add(MonthSessionRow(month=month, slot=f"rehearsal-{run}", rehearsal=True, run=run,
                                  protocol_number=f"R-{month}-{run}", created_at=utcnow()))
            self._append_audit(s, "rehearsal_started", {"month": month, "run": run})
            return run

    def latest_rehearsal_run(self, month: str) -> int:
        with self._tx() as s:
            return int(s.scalar(select(func.max(MonthSessionRow.run)).where(
                MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True))) or 0)

    def set_commission(
        self,
        month: str,
        members: Sequence[CommissionMember],
        place: str,
        draw_date: dt.date,
        rehearsal: bool = False,
        *,
        protocol_number: str | None = None,
        run: int | None = None,
    ) -> None:
        """Record who sat on the commission (for the protocol); replaces an earlier list."""
        with self._tx() as s:
            session = self._month_session(s, month, rehearsal, run, create=True)
            session.place = place
            session.draw_date = draw_date
            if protocol_number:
                session.protocol_number = protocol_number
            for old in s.scalars(select(CommissionRow).where(CommissionRow.session_id == session.id)):
                s.delete(old)
            for i, m in enumerate(members):
                s.add(CommissionRow(session_id=session.id, position_index=i, role=m.role,
                                    name=m.name, position=m.position))
            self._append_audit(
                s, "commission",
                {"month": month, "rehearsal": rehearsal, "run": session.run, "place": place,
                 "draw_date": draw_date.isoformat(), "protocol_number": session.protocol_number,
                 "members": [[m.role, m.name, m.position] for m in members]},
            )

    def _month_session(self, s: Session, month: str, rehearsal: bool, run: int | None,
                       create: bool) -> MonthSessionRow | None:
        if rehearsal:
            if run is None:
                run = s.scalar(select(func.max(MonthSessionRow.run)).where(
                    MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True))) or 0
                if run == 0:
                    run = 1
            slot = f"rehearsal-{run}"
        else:
            run, slot = 0, OFFICIAL
        row = s.scalars(select(MonthSessionRow).where(
            MonthSessionRow.month == month, MonthSessionRow.slot == slot)).first()
        if row is None and create:
            number = f"R-{month}-{run}" if rehearsal else month
            row = MonthSessionRow(month=month, slot=slot, rehearsal=rehearsal, run=run,
                                  protocol_number=number, created_at=utcnow())
            s.add(row)
            s.flush()
        return row

    # ---- draws: claiming a slot
    def claim_draw(
        self,
        *,
        month: str,
        denomination: int,
        kind: str,
        method: str,
        rehearsal: bool,
        run: int,
        quota: int,
        carried_in: int,
        to_draw: int,
        draw_date: dt.date,
        place: str,
        pool_text: str,
        pool_sha256: str,
        pool_size: int,
        pool_details: str = "",
        pool_members: Any = None,
        redraw_certificate: int = 0,
        redraw_reason: str = "",
        replacing: WinnerRecord | None = None,
    ) -> tuple[DrawRecord, bool]:
        """Freeze the pool in the database and claim the draw's slot, in one transaction.

        Returns (draw, resumed). A pending draw of the same slot whose executor
        is gone is resumed (same pool required); a done or live one is refused.

        `pool_members`: the members as columns (MEMBER_COLUMNS, ordinal order), stored in chunks
        in pool_member_chunks with the hash of their details in the audit record. Without it they
        are read from `pool_text` and `pool_details` (a JSON list of [name, phone, region]).

        `replacing`: for a re-draw, the winner it replaces; refused when, inside this transaction,
        that winner is no longer current or its status changed since the caller read it.
        """
        slot = f"rehearsal-{run}" if rehearsal else OFFICIAL
        now = utcnow()
        if pool_members is None:
            pool_members = members_from_text(pool_text, pool_details)
        if pool_members.num_rows != pool_size:
            raise ValueError(f"{pool_members.num_rows} pool members given for a pool of {pool_size}")
        details_hash = members_sha256(pool_members)
        for _attempt in range(3):
            try:
                with self._tx() as s:
                    if replacing is not None:
                        row = s.get(WinnerRow, replacing.id)
                        if row is None or not row.current or row.status != replacing.status:
                            raise DrawRefused(f"{month} {denomination} certificate {replacing.certificate} "
                                              "changed meanwhile; look again")
                    redraw_round = 0
                    if kind == "redraw":
                        redraw_round = self._next_redraw_round(s, month, denomination, slot, redraw_certificate)
                    existing = self._slot_row(s, month, denomination, slot, redraw_certificate, redraw_round,
                                              kind)
                    if existing is not None:
                        return self._resume(s, existing, pool_sha256, method, now), True
                    self._month_session(s, month, rehearsal, run if rehearsal else None, create=True)
                    pool = PoolRow(month=month, denomination=denomination,
                                   purpose="redraw" if kind == "redraw" else "draw", rehearsal=rehearsal,
                                   size=pool_size, sha256=pool_sha256, text=pool_text, details="",
                                   created_at=now)
                    s.add(pool)
                    s.flush()
                    self._insert_members(s, pool.id, pool_members)
                    lease = _lease_owner()
                    row = DrawRow(
                        month=month, denomination=denomination, kind=kind, slot=slot,
                        redraw_certificate=redraw_certificate, redraw_round=redraw_round,
                        redraw_reason=redraw_reason, rehearsal=rehearsal, run=run, method=method,
                        status="pending", quota=quota, carried_in=carried_in, to_draw=to_draw,
                        draw_date=draw_date, place=place, started_at=now, pool_id=pool.id,
                        lease_owner=lease, lease_at=now,
                    )
                    s.add(row)
                    s.flush()
                    self._append_audit(
                        s, "pool_frozen",
                        {"draw_id": row.id, "month": month, "denomination": denomination, "kind": kind,
                         "rehearsal": rehearsal, "run": run, "method": method, "pool_id": pool.id,
                         "pool_size": pool_size, "pool_sha256": pool_sha256, "to_draw": to_draw,
                         "carried_in": carried_in, "quota": quota,
                         "certificate": redraw_certificate or None, "round": redraw_round or None,
                         "draw_date": draw_date.isoformat(), "place": place,
                         "members_sha256": details_hash},
                    )
                    self._leases[row.id] = lease
                    record = self._draw_record(s, row)
                # committed: the members just stored stay at hand for this draw's participations
                # (a month's tiers are frozen before any is drawn; a few pools at most)
                self._frozen_members[pool.id] = pool_members
                while len(self._frozen_members) > _FROZEN_AT_HAND:
                    self._frozen_members.pop(next(iter(self._frozen_members)))
                return record, False
            except IntegrityError:
                continue  # someone claimed the slot between our check and insert: look again
        raise DrawRefused(f"{month} {denomination}: the draw slot is contended; try again")

    def _insert_members(self, s: Session, pool_id: int, members: Any) -> None:
        """The pool's members in chunks of MEMBER_CHUNK (pool_member_chunks): a few hundred rows
        of Arrow IPC bytes for a million members, through the driver's executemany."""
        if members.num_rows == 0:
            return
        rows = [(pool_id, *chunk) for chunk in member_chunks(members)]
        cursor = s.connection().connection.cursor()
        try:
            mark = "?" if self.dialect == "sqlite" else "%s"
            cursor.executemany("INSERT INTO pool_member_chunks (pool_id, chunk, first_ordinal, count, data) "
                               f"VALUES ({', '.join([mark] * 5)})", rows)
        finally:
            cursor.close()

    def _next_redraw_round(self, s: Session, month: str, den: int, slot: str, cert: int) -> int:
        rows = s.scalars(select(DrawRow).where(
            DrawRow.month == month, DrawRow.denomination == den, DrawRow.slot == slot,
            DrawRow.redraw_certificate == cert)).all()
        pending = [r for r in rows if r.status in ("pending", BLOCKED)]  # resumed, or refused while blocked
        if pending:
            return pending[0].redraw_round
        return max((r.redraw_round for r in rows), default=0) + 1

    def _slot_row(self, s: Session, month: str, den: int, slot: str, cert: int, rnd: int,
                  kind: str) -> DrawRow | None:
        return s.scalars(select(DrawRow).where(
            DrawRow.month == month, DrawRow.denomination == den, DrawRow.slot == slot,
            DrawRow.redraw_certificate == cert, DrawRow.redraw_round == rnd)).first()

    def _resume(self, s: Session, row: DrawRow, pool_sha256: str, method: str, now: dt.datetime) -> DrawRecord:
        what = f"{row.month} {row.denomination}" + (
            f" certificate {row.redraw_certificate}" if row.kind == "redraw" else "")
        if row.status == "done":
            raise DrawRefused(f"{what} was already drawn (draw #{row.id}, {row.draw_date}); "
                              "only re-draws of named certificates are allowed", "already_drawn")
        if row.status == BLOCKED:
            raise DrawRefused(
                f"{what}: RANDOM.ORG ticket {row.ticket_id} was used but its result could not be verified "
                f"({row.failure}); the commission must abandon it with a reason before the tier is drawn again "
                "(python -m engine abandon)", "ticket_blocked", ticket_id=row.ticket_id,
                denomination=row.denomination)
        if not _lease_is_stale(row.lease_owner, row.lease_at, now):
            raise DrawRefused(f"{what} is being drawn right now by {row.lease_owner} (draw #{row.id})",
                              "draw_running", owner=row.lease_owner or "")
        pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
        if row.kind == "draw" and pool is not None and pool.sha256 != pool_sha256:
            raise DrawRefused(
                f"{what}: an unfinished draw #{row.id} was prepared with pool {pool.sha256}, "
                f"the participants given now hash to {pool_sha256}; finish it with the same file")
        if row.method != method:
            if row.ticket_id:
                raise DrawRefused(
                    f"{what}: an unfinished RANDOM.ORG draw #{row.id} holds ticket {row.ticket_id}, "
                    "which may already carry the result; finish it with --method random-org", "ticket_pending",
                    ticket_id=row.ticket_id)
            row.method = method
        lease = _lease_owner()
        row.lease_owner, row.lease_at = lease, now
        self._leases[row.id] = lease
        self._append_audit(s, "draw_resumed", {"draw_id": row.id, "ticket_id": row.ticket_id,
                                                "method": row.method})
        return self._draw_record(s, row)

    # ---- draws: the executing side
    def acquire_lease(self, draw_id: int, lease: str | None = None) -> str:
        """Take the right to execute a pending draw (ours, or a stale one)."""
        now = utcnow()
        with self._tx() as s:
            row = self._pending(s, draw_id)
            mine = lease or self._leases.get(draw_id)
            if row.lease_owner and row.lease_owner != mine and not _lease_is_stale(row.lease_owner, row.lease_at, now):
                raise DrawRefused(f"draw #{draw_id} is being executed by {row.lease_owner}")
            new = mine if mine and row.lease_owner == mine else _lease_owner()
            row.lease_owner, row.lease_at = new, now
            self._leases[draw_id] = new
            return new

    def _pending(self, s: Session, draw_id: int) -> DrawRow:
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

    def set_ticket(self, draw_id: int, ticket_id: str) -> DrawRecord:
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.ticket_id = ticket_id
            self._append_audit(s, "ticket_created", {"draw_id": draw_id, "ticket_id": ticket_id})
            self._fresh_tickets.add(draw_id)
            return self._draw_record(s, row)

    def take_fresh_ticket(self, draw_id: int) -> bool:
        """True once if this Store created the draw's ticket and never sent a request with
        it: then there is nothing to recover and getTicket can be skipped."""
        if draw_id in self._fresh_tickets:
            self._fresh_tickets.discard(draw_id)
            return True
        return False

    def finish_draw(self, draw_id: int, winners: Sequence[WinnerInput], *, deadline: dt.date,
                    method: str, signed_random: str = "", serial_number: int | None = None,
                    completion_time: str = "", hashed_api_key: str = "", license_text: str = "",
                    development_licence: bool = False, signature_verified: bool = False,
                    public_key_pem: str = "", entropy: str = "",
                    replaces_winner_id: int | None = None, replaced_status: str = "") -> DrawRecord:
        """Store the result and the winners in one transaction, with its audit entry."""
        now = utcnow()
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.method = method
            row.status = "done"
            row.finished_at = now
            row.drawn = len(winners)
            row.carry_out = row.to_draw - len(winners)
            row.signed_random, row.serial_number = signed_random, serial_number
            row.completion_time, row.hashed_api_key = completion_time, hashed_api_key
            row.license_text, row.development_licence = license_text, development_licence
            row.signature_verified, row.public_key_pem, row.entropy = signature_verified, public_key_pem, entropy
            row.lease_owner = row.lease_at = None
            for w in winners:
                s.add(WinnerRow(
                    draw_id=row.id, month=row.month, denomination=row.denomination, rehearsal=row.rehearsal,
                    certificate=w.certificate, ordinal=w.ordinal, account=w.account, client_id=w.client_id,
                    client_name=w.client_name, phone=w.phone, region=w.region, status="drawn",
                    status_changed_at=now, deadline=deadline, current=True))
            if replaces_winner_id is not None:
                old = s.get(WinnerRow, replaces_winner_id)
                if old.status != replaced_status:
                    old.status, old.status_changed_at = replaced_status, now
                if winners:
                    old.current = False
            pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
            if pool is not None and row.kind == "draw" and not row.rehearsal:
                self._record_participations(s, row)
            self._frozen_members.pop(row.pool_id, None)
            self._append_audit(
                s, "draw_done",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination, "kind": row.kind,
                 "rehearsal": row.rehearsal, "method": method, "pool_sha256": pool.sha256 if pool else "",
                 "ticket_id": row.ticket_id, "serial_number": serial_number, "entropy": entropy,
                 "certificate": row.redraw_certificate or None, "replaces_winner_id": replaces_winner_id,
                 "replaced_status": replaced_status or None,
                 "winners": [[w.certificate, w.ordinal, w.account, w.client_id] for w in winners],
                 "details_sha256": fields_sha256(winner_details(winners)),
                 "carry_out": row.carry_out},
            )
            self._leases.pop(draw_id, None)
            return self._draw_record(s, row)

    def _record_participations(self, s: Session, row: DrawRow) -> None:
        """Every client of an official original draw's pool took part in its month (RULES.md reason 9):
        rows of participations, in the transaction that completes the draw. A client already stored
        keeps the earlier month. The ids are those of the members this Store froze into the pool (the
        very table its chunks were written from, committed) or else decoded from the chunks; sorted
        by Arrow (inserts in key order keep the B-tree writes sequential). SQLite takes them as one JSON
        array read by json_each in one INSERT (a third of the time of executemany of a million
        tuples); PostgreSQL by COPY into a temporary table."""
        members = self._frozen_members.pop(row.pool_id, None)
        if members is None:
            members = self._member_table(s, row.pool_id)
        ids = members.column("client_id").combine_chunks()
        if len(ids) == 0:
            return
        if self.dialect != "sqlite":  # one INSERT must not meet a key twice on PostgreSQL; SQLite's
            ids = ids.unique()        # upsert takes the rows one by one (a pool names a client once)
        ids = ids.take(string_order(ids))
        upsert = ("ON CONFLICT (client_id) DO UPDATE SET month = excluded.month, draw_id = excluded.draw_id "
                  "WHERE excluded.month < participations.month")
        cursor = s.connection().connection.cursor()
        try:
            if self.dialect == "sqlite" and _sqlite_has_json_each():
                # WHERE true: SQLite's upsert after a SELECT needs it (else ON reads as a join's)
                cursor.execute(f"INSERT INTO participations (client_id, month, draw_id) SELECT value, ?, ? "
                               f"FROM json_each(?) WHERE true {upsert}",
                               (row.month, row.id, json_string_array(ids)))
            elif self.dialect == "postgresql" and hasattr(cursor, "copy"):
                cursor.execute("CREATE TEMPORARY TABLE participations_new (client_id TEXT) ON COMMIT DROP")
                with cursor.copy("COPY participations_new (client_id) FROM STDIN") as copy:
                    for client_id in ids.to_pylist():
                        copy.write_row((client_id,))
                cursor.execute("INSERT INTO participations (client_id, month, draw_id) SELECT client_id, %s, %s "
                               f"FROM participations_new ORDER BY client_id {upsert}", (row.month, row.id))
            else:
                mark = "?" if self.dialect == "sqlite" else "%s"
                cursor.executemany(f"INSERT INTO participations (client_id, month, draw_id) VALUES ({mark}, {mark}, "
                                   f"{mark}) {upsert}", zip(ids.to_pylist(), repeat(row.month), repeat(row.id)))
        finally:
            cursor.close()

    def fail_draw(self, draw_id: int, kind: str, message: str, *, keep_pending: bool, force: bool = False) -> None:
        """Record a failed attempt. keep_pending: the ticket may hold a result, so
        the next attempt resumes this draw; otherwise the slot is freed. force: the
        caller does not hold the lease (abandoning a crashed draw whose ticket is unused)."""
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None or row.status != "pending":
                return
            if not force:
                self._check_lease(row)
            row.failure = f"{kind}: {message}"
            row.lease_owner = row.lease_at = None
            if not keep_pending:
                row.status = "failed"
                row.slot = f"failed-{row.id}"
                row.finished_at = utcnow()
            self._append_audit(
                s, "draw_failed",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination,
                 "rehearsal": row.rehearsal, "kind": kind, "message": message,
                 "ticket_id": row.ticket_id, "kept_pending": keep_pending})
            self._leases.pop(draw_id, None)

    def block_draw(self, draw_id: int, kind: str, message: str, response_text: str) -> None:
        """A used ticket whose result cannot be verified (rule 5): keep the response as evidence and
        hold the slot until the commission abandons the ticket."""
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.status = BLOCKED
            row.failure = f"{kind}: {message}"
            row.signed_random = response_text
            row.lease_owner = row.lease_at = None
            self._append_audit(
                s, "draw_blocked",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination,
                 "rehearsal": row.rehearsal, "kind": kind, "message": message, "ticket_id": row.ticket_id,
                 "response_sha256": hashlib.sha256(response_text.encode("utf-8")).hexdigest()})
            self._leases.pop(draw_id, None)

    def blocked_draws(self, month: str | None = None, *, rehearsal: bool | None = None) -> list[DrawRecord]:
        """Draws held by a used, unverifiable ticket (status blocked), with the response as received."""
        with self._tx() as s:
            q = select(DrawRow).where(DrawRow.status == BLOCKED).order_by(DrawRow.id)
            if month:
                q = q.where(DrawRow.month == month)
            if rehearsal is not None:
                q = q.where(DrawRow.rehearsal.is_(rehearsal))
            return [self._draw_record(s, r) for r in s.scalars(q)]

    def abandon_draw(self, draw_id: int, reason: str) -> DrawRecord:
        """The commission abandons a blocked ticket: the slot is freed, the response stays as evidence."""
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None or row.status != BLOCKED:
                raise DrawRefused(f"draw #{draw_id} holds no blocked ticket", "no_blocked_ticket")
            row.status = ABANDONED
            row.slot = f"{ABANDONED}-{row.id}"
            row.finished_at = utcnow()
            self._append_audit(
                s, "ticket_abandoned",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination, "kind": row.kind,
                 "certificate": row.redraw_certificate or None, "rehearsal": row.rehearsal,
                 "ticket_id": row.ticket_id, "failure": row.failure, "reason": reason,
                 "response_sha256": hashlib.sha256(row.signed_random.encode("utf-8")).hexdigest()})
            return self._draw_record(s, row)

    def record_entropy(self, draw_id: int, entropy: str) -> DrawRecord:
        """The commission's entropy for an offline draw, entered after its pool was frozen (rule 4):
        stored with who entered it and when, before any winner is computed."""
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            entry = self._append_audit(s, "entropy_entered",
                                       {"draw_id": row.id, "month": row.month, "denomination": row.denomination,
                                        "rehearsal": row.rehearsal, "entropy": entropy})
            row.entropy, row.entropy_by, row.entropy_at = entropy, entry.actor, entry.at
            return self._draw_record(s, row)

    def release_lease(self, draw_id: int) -> None:
        """Give up executing a pending draw without failing it (e.g. entropy missing)."""
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is not None and row.status == "pending" and row.lease_owner == self._leases.get(draw_id):
                row.lease_owner = row.lease_at = None
            self._leases.pop(draw_id, None)

    def pending_draw(self, month: str, denomination: int, *, rehearsal: bool = False,
                     run: int | None = None, certificate: int = 0) -> DrawRecord | None:
        """The unfinished original draw of a tier (or re-draw of `certificate`), if any."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            row = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.denomination == denomination, DrawRow.slot == slot,
                DrawRow.kind == ("redraw" if certificate else "draw"), DrawRow.redraw_certificate == certificate,
                DrawRow.status == "pending").order_by(DrawRow.id.desc())).first()
            return None if row is None else self._draw_record(s, row)

    def pending_redraws(self, month: str, *, rehearsal: bool = False, run: int | None = None) -> list[DrawRecord]:
        """Re-draws of the month frozen and waiting for their random numbers, oldest first."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            rows = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.slot == slot, DrawRow.kind == "redraw",
                DrawRow.status == "pending").order_by(DrawRow.id)).all()
            return [self._draw_record(s, r) for r in rows]

    def draw_run(self, draw_id: int) -> int:
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None:
                raise NotDrawn(f"no draw #{draw_id}")
            return row.run

    # ---- winners and claims
    def set_winner_status(self, winner_id: int, status: str, *, note: str = "", certificate_serial: str = "",
                          at_date: dt.date | None = None) -> WinnerRecord:
        with self._tx() as s:
            w = s.get(WinnerRow, winner_id)
            if w is None:
                raise NotDrawn(f"no winner #{winner_id}")
            old = w.status
            w.status, w.status_changed_at = status, utcnow()
            if note:
                w.note = note
            if certificate_serial:
                w.certificate_serial = certificate_serial
            self._append_audit(
                s, "claim",
                {"winner_id": w.id, "month": w.month, "denomination": w.denomination,
                 "certificate": w.certificate, "rehearsal": w.rehearsal, "account": w.account,
                 "from": old, "to": status, "note": note, "certificate_serial": certificate_serial,
                 "date": at_date.isoformat() if at_date else None})
            return _winner_record(w)

    def current_winner(self, month: str, denomination: int, certificate: int, *, rehearsal: bool = False,
                       run: int | None = None) -> WinnerRecord:
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            w = s.scalars(select(WinnerRow).join(DrawRow, WinnerRow.draw_id == DrawRow.id).where(
                DrawRow.slot == slot, WinnerRow.month == month, WinnerRow.denomination == denomination,
                WinnerRow.certificate == certificate, WinnerRow.current.is_(True)
            ).order_by(WinnerRow.id.desc())).first()
            if w is None:
                raise NotDrawn(f"{month} {denomination}: no certificate {certificate} has been drawn")
            return _winner_record(w)

    def _slot_name(self, s: Session, month: str, rehearsal: bool, run: int | None) -> str:
        if not rehearsal:
            return OFFICIAL
        if run is None:
            run = s.scalar(select(func.max(DrawRow.run)).where(
                DrawRow.month == month, DrawRow.rehearsal.is_(True), DrawRow.status != "failed")) or 0
        return f"rehearsal-{run}"

    def tier_draws(self, month: str, denomination: int, *, rehearsal: bool = False,
                   run: int | None = None) -> list[DrawRecord]:
        """Every done draw and re-draw of a month and tier, in order."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            rows = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.denomination == denomination, DrawRow.slot == slot,
                DrawRow.status == "done").order_by(DrawRow.id)).all()
            return [self._draw_record(s, r) for r in rows]

    def pool_details(self, pool_id: int) -> list[list[str]]:
        """[name, phone, region] of every member of a pool, by ordinal."""
        table = self.pool_member_table(pool_id)
        return [list(r) for r in zip(*(table.column(c).to_pylist() for c in DETAIL_COLUMNS))]

    def pool_members(self, pool_id: int, ordinals: Sequence[int]) -> list[PoolMember]:
        """The members of a pool at `ordinals` (in that order), read from their chunks only: a draw
        names its winners without reading the whole pool. An ordinal the pool does not have (or
        whose chunk cannot be read) is left out."""
        wanted = sorted({int(o) for o in ordinals})
        found: dict[int, PoolMember] = {}
        with self._tx() as s:
            den = s.scalar(select(PoolRow.denomination).where(PoolRow.id == pool_id)) or 0
            index = s.execute(select(PoolMemberChunkRow.chunk, PoolMemberChunkRow.first_ordinal,
                                     PoolMemberChunkRow.count).where(PoolMemberChunkRow.pool_id == pool_id)).all()
            chunks = sorted({k for k, first, count in index for o in wanted if first <= o < first + count})
            for i in range(0, len(chunks), _CHUNK):
                for first, data in s.execute(select(PoolMemberChunkRow.first_ordinal, PoolMemberChunkRow.data).where(
                        PoolMemberChunkRow.pool_id == pool_id, PoolMemberChunkRow.chunk.in_(chunks[i:i + _CHUNK]))):
                    table = decode_member_chunk(data, first)
                    if table is None:
                        continue
                    for o in wanted:
                        if first <= o < first + table.num_rows and o not in found:
                            r = {c: table.column(c)[o - first].as_py() for c in MEMBER_COLUMNS}
                            found[o] = PoolMember(denomination=den, **r)
        return [found[int(o)] for o in ordinals if int(o) in found]

    def pool_member_table(self, pool_id: int) -> Any:
        """Every member of a pool as columns (MEMBER_COLUMNS), decoded from its chunks in chunk order;
        a chunk that cannot be read counts as no members (the text rebuilt from them then differs)."""
        with self._tx() as s:
            return self._member_table(s, pool_id)

    def _member_table(self, s: Session, pool_id: int) -> Any:
        import pyarrow as pa

        rows = self._raw(s, "SELECT first_ordinal, data FROM pool_member_chunks WHERE pool_id = ? ORDER BY chunk",
                         (pool_id,))
        tables = [t for t in (decode_member_chunk(data, first) for first, data in rows) if t is not None]
        return pa.concat_tables(tables) if tables else empty_members()

    def participations(self) -> list[tuple[str, str, int]]:
        """(client_id, month, draw_id) of every stored participation, by client (for `verify`)."""
        with self._tx() as s:
            return [tuple(r) for r in self._raw(s, "SELECT client_id, month, draw_id FROM participations "
                                                   "ORDER BY client_id")]

    # ---- reads
    def draw(self, draw_id: int) -> DrawRecord:
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None:
                raise NotDrawn(f"no draw #{draw_id}")
            return self._draw_record(s, row)

    def all_draws(self, *, include_failed: bool = False) -> list[DrawRecord]:
        with self._tx() as s:
            q = select(DrawRow).order_by(DrawRow.id)
            if not include_failed:
                q = q.where(DrawRow.status == "done")
            return [self._draw_record(s, r) for r in s.scalars(q)]

    def months(self, rehearsal: bool = False) -> list[str]:
        with self._tx() as s:
            q = select(DrawRow.month).where(DrawRow.status == "done", DrawRow.rehearsal.is_(rehearsal)).distinct()
            return sorted(s.scalars(q))

    def month_record(self, month: str, rehearsal: bool = False) -> MonthRecord:
        """What a protocol shows. Rehearsal: the latest rehearsal run of the month."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, None)
            rows = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.slot == slot, DrawRow.status == "done")).all()
            if not rows:
                kind = "rehearsed" if rehearsal else "drawn"
                raise NotDrawn(f"{month} has not been {kind}")
            originals = sorted((r for r in rows if r.kind == "draw"), key=lambda r: r.denomination)
            redraws = sorted((r for r in rows if r.kind == "redraw"), key=lambda r: r.id)
            session = s.scalars(select(MonthSessionRow).where(
                MonthSessionRow.month == month, MonthSessionRow.slot == slot)).first()
            members: tuple[CommissionMember, ...] = ()
            if session is not None:
                members = tuple(
                    CommissionMember(role=c.role, name=c.name, position=c.position)
                    for c in s.scalars(select(CommissionRow).where(
                        CommissionRow.session_id == session.id).order_by(CommissionRow.position_index)))
            imports = tuple(_import_record(r) for r in s.scalars(select(ImportRow).where(
                ImportRow.month == month, ImportRow.rehearsal.is_(rehearsal)).order_by(ImportRow.id)))
            first = originals[0] if originals else rows[0]
            head = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
            return MonthRecord(
                month=month,
                rehearsal=rehearsal,
                protocol_number=(session.protocol_number if session else "") or month,
                draw_date=(session.draw_date if session and session.draw_date else first.draw_date),
                place=(session.place if session and session.place else first.place),
                commission=members,
                imports=imports,
                draws=tuple(self._draw_record(s, r) for r in [*originals, *redraws]),
                abandoned=self._abandoned(s, month, rehearsal),
                audit_head_seq=head.seq if head else 0,
                audit_head_sha256=head.sha256 if head else GENESIS_SHA256,
            )

    def _abandoned(self, s: Session, month: str, rehearsal: bool) -> tuple[AbandonedTicket, ...]:
        """Abandoned tickets of the month (official, or the latest rehearsal run), from the audit record."""
        slot_draws = {r.id: r for r in s.scalars(select(DrawRow).where(
            DrawRow.month == month, DrawRow.status == ABANDONED, DrawRow.rehearsal.is_(rehearsal)))}
        if not slot_draws:
            return ()
        out = []
        for e in s.scalars(select(AuditRow).where(AuditRow.action == "ticket_abandoned").order_by(AuditRow.seq)):
            p = json.loads(e.payload)
            row = slot_draws.get(p.get("draw_id"))
            if row is None:
                continue
            out.append(AbandonedTicket(
                draw_id=row.id, month=row.month, denomination=row.denomination, kind=row.kind,
                certificate=row.redraw_certificate or None, ticket_id=row.ticket_id, failure=row.failure,
                reason=str(p.get("reason", "")), abandoned_by=e.actor, abandoned_at=e.at))
        return tuple(out)

    def winners(self, month: str | None = None, rehearsal: bool = False) -> list[WinnerRecord]:
        """Winners of done draws (official, or every rehearsal run), by month, tier, certificate."""
        with self._tx() as s:
            q = select(WinnerRow).join(DrawRow, WinnerRow.draw_id == DrawRow.id).where(
                DrawRow.status == "done", DrawRow.rehearsal.is_(rehearsal))
            if not rehearsal:
                q = q.where(DrawRow.slot == OFFICIAL)
            if month:
                q = q.where(WinnerRow.month == month)
            rows = s.scalars(q.order_by(WinnerRow.month, WinnerRow.denomination.desc(),
                                        WinnerRow.certificate, WinnerRow.id)).all()
            return [_winner_record(w) for w in rows]

    def history(self, *, participation: bool = True) -> History:
        """Official draws only: how many certificates each tier used, and who took part where.

        Nothing about participants is read here: `first_months(ids)` asks the participations
        table for just those ids (by key, in chunks), and `participated` reads them all only
        when someone asks for the whole mapping. participation=False: counts only."""
        drawn: dict[tuple[str, int], int] = {}
        with self._tx() as s:
            rows = s.execute(select(DrawRow.month, DrawRow.denomination, DrawRow.kind, DrawRow.drawn,
                                    DrawRow.carry_out).where(
                DrawRow.slot == OFFICIAL, DrawRow.status == "done").order_by(DrawRow.month, DrawRow.id)).all()
        for month, den, kind, n, _carry in rows:
            if kind == "draw":
                drawn[(month, den)] = drawn.get((month, den), 0) + n
        for month, den, kind, n, carry in rows:
            if kind == "redraw" and n == 0:
                drawn[(month, den)] = drawn.get((month, den), 0) - carry
        if not participation or not drawn:  # nothing drawn officially: nobody took part
            return History(drawn=drawn)
        return History(drawn=drawn, lookup=self.first_months, load=self._all_participations)

    def first_months(self, client_ids: Iterable[str]) -> dict[str, str]:
        """client_id -> earliest official month it took part in, for the given ids only.

        By key in chunks when the ids are few against what is stored; one ordered scan of the
        participations when they are many (a million-row file asks about a million ids: a scan
        of the stored rows beats a million index probes)."""
        ids = list(dict.fromkeys(client_ids))
        if not ids:
            return {}
        with self._tx() as s:
            stored = s.scalar(select(func.count()).select_from(ParticipationRow)) or 0
            if not stored:
                return {}
            if len(ids) * 8 >= stored:
                wanted = set(ids)
                return {c: m for c, m in self._raw(s, "SELECT client_id, month FROM participations") if c in wanted}
            out: dict[str, str] = {}
            for i in range(0, len(ids), _CHUNK):
                out.update((c, m) for c, m in s.execute(select(ParticipationRow.client_id, ParticipationRow.month)
                                                        .where(ParticipationRow.client_id.in_(ids[i:i + _CHUNK]))))
            return out

    def _all_participations(self) -> dict[str, str]:
        with self._tx() as s:
            return dict(self._raw(s, "SELECT client_id, month FROM participations"))

    def _raw(self, s: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows straight from the driver's cursor (`?` marks the parameters): for reads of a million
        rows, where building SQLAlchemy rows would cost more than the query."""
        cursor = s.connection().connection.cursor()
        try:
            cursor.execute(sql if self.dialect == "sqlite" else sql.replace("?", "%s"), tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    # ---- raw access for verification (read-only)
    def raw_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of the verified tables as plain dicts (for `verify`)."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self._tx() as s:
            for model in (PoolRow, DrawRow, WinnerRow, ImportRow, MonthSessionRow, CommissionRow):
                out[model.__tablename__] = [
                    {c.key: getattr(r, c.key) for c in model.__mapper__.column_attrs}
                    for r in s.scalars(select(model).order_by(model.id))
                ]
        return out

    def raw_audit(self) -> list[dict[str, Any]]:
        with self._tx() as s:
            return [{"seq": r.seq, "at": r.at, "action": r.action, "actor": r.actor, "payload": r.payload,
                     "prev_sha256": r.prev_sha256, "sha256": r.sha256}
                    for r in s.scalars(select(AuditRow).order_by(AuditRow.seq))]

    # ---- record building
    def _draw_record(self, s: Session, row: DrawRow) -> DrawRecord:
        pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
        winners = tuple(_winner_record(w) for w in s.scalars(
            select(WinnerRow).where(WinnerRow.draw_id == row.id).order_by(WinnerRow.certificate)))
        return DrawRecord(
            id=row.id, month=row.month, denomination=row.denomination, kind=row.kind,
            rehearsal=row.rehearsal, method=row.method, status=row.status, quota=row.quota,
            carried_in=row.carried_in, to_draw=row.to_draw, drawn=row.drawn, carry_out=row.carry_out,
            draw_date=row.draw_date, started_at=row.started_at, finished_at=row.finished_at,
            place=row.place,
            pool=None if pool is None else PoolRecord(
                id=pool.id, month=pool.month, denomination=pool.denomination, size=pool.size,
                sha256=pool.sha256, text=pool.text, purpose=pool.purpose),
            ticket_id=row.ticket_id, signed_random=row.signed_random, serial_number=row.serial_number,
            completion_time=row.completion_time, hashed_api_key=row.hashed_api_key,
            license_text=row.license_text, development_licence=row.development_licence,
            signature_verified=row.signature_verified, entropy=row.entropy,
            entropy_by=row.entropy_by or "", entropy_at=row.entropy_at,
            redraw_of_certificate=row.redraw_certificate or None, redraw_reason=row.redraw_reason,
            winners=winners, failure=row.failure or "",
        )

    def _set_lease_for_tests(self, draw_id: int, owner: str | None, at: dt.datetime | None) -> None:
        with self._tx() as s:
            s.execute(update(DrawRow).where(DrawRow.id == draw_id).values(lease_owner=owner, lease_at=at))

    def latest_audit(self, actions: Sequence[str], *, field: str | None = None, value: Any = None,
                     limit: int = 100) -> list[AuditEntry]:
        """The latest `limit` audit entries of `actions`, oldest first; with `field`, only those whose
        payload has `field` == `value` (the sign-in entries of one user name, without reading everyone's)."""
        with self._tx() as s:
            query = select(AuditRow).where(AuditRow.action.in_(list(actions)))
            if field is not None:
                # Payloads are canonical JSON, so `"field":value` appears verbatim; LIKE narrows, Python decides.
                fragment = canonical_json({field: value})[1:-1]
                pattern = fragment.replace("/", "//").replace("%", "/%").replace("_", "/_")
                query = query.where(AuditRow.payload.like(f"%{pattern}%", escape="/"))
            rows = s.scalars(query.order_by(AuditRow.seq.desc()).limit(limit)).all()
            entries = [_audit_record(r) for r in reversed(rows)]
        if field is not None:
            entries = [e for e in entries if e.payload.get(field) == value]
        return entries


def _audit_record(r: AuditRow) -> AuditEntry:
    return AuditEntry(id=r.seq, at=r.at, action=r.action, actor=r.actor, payload=json.loads(r.payload),
                      prev_sha256=r.prev_sha256, sha256=r.sha256)


def _import_record(r: ImportRow) -> ImportRecord:
    return ImportRecord(
        id=r.id, file_name=r.file_name, file_sha256=r.file_sha256, sheet=r.sheet, month=r.month,
        rows_data=r.rows_data, rows_blank=r.rows_blank, eligible=r.eligible, excluded=r.excluded,
        errors=r.errors, excluded_by_reason=tuple(json.loads(r.excluded_by_reason).items()),
        imported_at=r.imported_at)


def _winner_record(w: WinnerRow) -> WinnerRecord:
    return WinnerRecord(
        id=w.id, draw_id=w.draw_id, month=w.month, denomination=w.denomination, certificate=w.certificate,
        ordinal=w.ordinal, account=w.account, client_id=w.client_id, client_name=w.client_name,
        status=w.status, status_changed_at=w.status_changed_at, deadline=w.deadline, note=w.note,
        certificate_serial=w.certificate_serial, current=w.current, phone=w.phone, region=w.region)
