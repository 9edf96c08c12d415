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
    leases       who executes a pending draw, and when someone else may take over
    members      a frozen pool's members as Arrow columns, stored in chunks
    store        the Store: every read and write, each one transaction

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
from engine.store.store import ABANDONED, BLOCKED, OFFICIAL, Store, WinnerInput

__all__ = [
    "ABANDONED", "BLOCKED", "CHUNK_COLUMNS", "GENESIS_SHA256", "MEMBER_COLUMNS", "OFFICIAL",
    "DrawRefused", "NotDrawn", "Store", "StoreError", "WinnerInput",
    "audit_sha256", "canonical_json", "decode_member_chunk", "encode_member_chunk", "fields_sha256",
    "import_fields", "member_chunks", "members_sha256", "string_bytes", "string_order", "winner_details",
]
