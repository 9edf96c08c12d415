"""The schema's migrations: Alembic revisions 0001, 0002, ... in engine/migrations/versions,
each written out (never create_all on the rows of engine/store/schema.py, which move on).

`migrate(engine)` brings a database to head when a Store opens it, in one transaction:
a database either reaches head or stays as it was, and two processes starting at once
migrate it once. A database of the first release (schema_version 1 or 2, no alembic_version
table) is stamped with the matching revision first.

Alembic is imported only when a schema has to change: a command on a database at head does
not pay for it (0.25 s).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from engine.store.errors import StoreError
from engine.store.schema import Base, SchemaVersionRow

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"  # engine/migrations
SCHEMA_REVISION = "0004"  # the head revision
SCHEMA_VERSION = int(SCHEMA_REVISION)
# The first release counted its own migrations in schema_version (1, 2) and has no
# alembic_version table: such a database is stamped with the matching revision.
LEGACY_REVISIONS = {1: "0001", 2: "0002"}
# Writers on PostgreSQL serialise on this advisory lock (SQLite's BEGIN IMMEDIATE does the same).
ADVISORY_LOCK = 2021030108


def alembic_config(conn: Connection | None) -> Any:
    """Alembic configured in code (no alembic.ini), running on the store's own connection
    (None for what needs no database, such as writing a new revision). The rows' metadata is
    handed to engine/migrations/env.py here, so that the migration scripts import no
    application code."""
    from alembic.config import Config as AlembicConfig  # noqa: PLC0415 (0.25 s, only when a schema changes)

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = conn
    config.attributes["target_metadata"] = Base.metadata
    return config


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision a database is at (its alembic_version row), None before any."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head in one transaction (BEGIN IMMEDIATE on SQLite, the
    advisory lock on PostgreSQL): two processes starting at once migrate it once, and
    a failing revision leaves the database as it was. Alembic joins this transaction
    and does not commit by itself (engine/migrations/env.py)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
        current = current_revision(conn)
        if current == SCHEMA_REVISION:
            return  # the usual case: no need to load Alembic or the revision scripts
        from alembic import command  # noqa: PLC0415 (0.25 s, only when a schema changes)
        from alembic.script import ScriptDirectory  # noqa: PLC0415 (0.25 s, only when a schema changes)

        config = alembic_config(conn)
        if current is None and inspect(conn).has_table(SchemaVersionRow.__tablename__):
            legacy = conn.execute(select(func.max(SchemaVersionRow.version))).scalar()
            if legacy not in LEGACY_REVISIONS:
                raise StoreError(
                    f"The database's schema_version is {legacy}, which no revision matches; "
                    "it was not made by this program"
                )
            command.stamp(config, LEGACY_REVISIONS[legacy])
        elif current is not None:
            known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
            if current not in known:
                raise StoreError(
                    f"The database's schema is at revision {current}, newer than this program "
                    f"knows (up to {SCHEMA_REVISION}); update the program before using it"
                )
        command.upgrade(config, "head")
