"""The database of the promotion: imports, frozen pools, draws, winners, claims and an
append-only audit record whose entries are chained by SHA-256.

SQLAlchemy 2 over SQLite by default (one file in the data folder, WAL mode, so the Streamlit
app and a command line can share it), any SQLAlchemy URL for a shared installation
(PostgreSQL). The schema migrates itself when a Store opens it.

Import from here (`from engine.store import Store, NotDrawn`); the modules, each one job:

    errors       StoreError, NotDrawn, DrawRefused
    schema       the tables as SQLAlchemy rows (only this package touches them)
    migrations   Alembic: the head revision, upgrading a database when it opens
    connection   the SQLAlchemy engine for a URL: SQLite setup, PostgreSQL checks
    audit        the hash-chained audit record and what it hashes
    slots        which slot a draw claims: "a month and tier is drawn once", decided by the database
    leases       who executes a pending draw, and when someone else may take over
    members      a frozen pool's members as Arrow columns, stored in chunks
    imports      what was read from a file for a month; the commission's sittings
    draws        claiming a slot with a frozen pool, executing, finishing, failing, abandoning
    winners      winners and their claim status
    reads        draws, a month's record, participation history, pool members, rows for verify
    as_records   rows as the frozen records of engine.records
    store        the Store, composed of the above: one transaction per call

Outside this package nobody touches rows: readers get the frozen records of `engine.records`.
"""

from engine.store.audit import (
    GENESIS_SHA256,
    audit_sha256,
    canonical_json,
    fields_sha256,
    import_fields,
    winner_details,
)
from engine.store.draws import WinnerInput
from engine.store.errors import DrawRefused, NotDrawn, StoreError
from engine.store.members import (
    CHUNK_COLUMNS,
    MEMBER_COLUMNS,
    decode_member_chunk,
    encode_member_chunk,
    member_chunks,
    members_sha256,
    string_bytes,
    string_order,
)
from engine.store.slots import ABANDONED, BLOCKED, OFFICIAL
from engine.store.store import Store

__all__ = [
    "ABANDONED",
    "BLOCKED",
    "CHUNK_COLUMNS",
    "GENESIS_SHA256",
    "MEMBER_COLUMNS",
    "OFFICIAL",
    "DrawRefused",
    "NotDrawn",
    "Store",
    "StoreError",
    "WinnerInput",
    "audit_sha256",
    "canonical_json",
    "decode_member_chunk",
    "encode_member_chunk",
    "fields_sha256",
    "import_fields",
    "member_chunks",
    "members_sha256",
    "string_bytes",
    "string_order",
    "winner_details",
]
