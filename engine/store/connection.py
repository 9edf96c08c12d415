"""Opening the database: the SQLAlchemy engine for a URL, set up for the promotion.

SQLite (the default: one file in the data folder, see engine.config.database_url) runs in
WAL mode with BEGIN IMMEDIATE, so the Streamlit app and a command line can share it;
PostgreSQL (a shared installation) runs READ COMMITTED with psycopg 3 and must be UTF8.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session

from engine.store.errors import StoreError

SQLITE_BUSY_MS = 30_000


def connect(url: str) -> Engine:
    """An engine for `url`, with the settings of its dialect; a PostgreSQL database that cannot
    hold Kazakh and Russian text is refused here (StoreError)."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    kwargs: dict[str, Any] = {}
    target: Any = url
    if dialect == "postgresql":
        target = postgresql_url(parsed)
        # READ COMMITTED whatever the server's default: every transaction first waits
        # for the advisory lock and must then see what the previous holder committed
        # (under REPEATABLE READ or SERIALIZABLE its snapshot predates the wait, and two
        # writers computed the same audit seq). pool_pre_ping: a shared server restarts
        # or drops idle connections while the app keeps running.
        kwargs.update(isolation_level="READ COMMITTED", pool_pre_ping=True)
        if target.get_driver_name() in ("psycopg", "psycopg2"):
            kwargs["connect_args"] = {"client_encoding": "utf8"}
    elif dialect == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False}
    engine = create_engine(target, **kwargs)
    if dialect == "sqlite":
        setup_sqlite(engine)
    elif dialect == "postgresql":
        try:
            check_postgresql(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def location(url: str) -> str:
    """Where the data lives, for the settings page (no password shown)."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"{dialect} database {parsed.render_as_string(hide_password=True)}"


def setup_sqlite(engine: Engine) -> None:
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


def sqlite_has_json_each() -> bool:
    """SQLite has its JSON functions built in from 3.38 (earlier builds usually compiled them in)."""
    if sqlite3.sqlite_version_info >= (3, 38, 0):
        return True
    try:
        sqlite3.connect(":memory:").execute("SELECT value FROM json_each('[1]')").close()
    except sqlite3.Error:
        return False
    return True


def postgresql_url(url: Any) -> Any:
    """A bare postgresql:// URL means psycopg2 to SQLAlchemy 2.0 (psycopg 3 from 2.1 on):
    use psycopg 3, the driver this project installs, unless psycopg2 is there."""
    if url.drivername == "postgresql":
        try:
            import psycopg2  # noqa: F401, PLC0415 (a probe: is the optional driver installed?)
        except ImportError:
            return url.set(drivername="postgresql+psycopg")
    return url


def check_postgresql(engine: Engine) -> None:
    """Refuse a database that cannot hold Kazakh and Russian text, before anything is stored."""
    with engine.connect() as conn:
        encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
        name = conn.exec_driver_sql("SELECT current_database()").scalar()
    if str(encoding).upper().replace("-", "") != "UTF8":
        raise StoreError(
            f"The PostgreSQL database {name!r} uses the {encoding} encoding; the promotion stores Kazakh and "
            f"Russian names and needs UTF8. Create it with: CREATE DATABASE {name} ENCODING 'UTF8' "
            "TEMPLATE template0"
        )


def cursor_rows(s: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Rows straight from the driver's cursor (`?` marks the parameters): for reads of a million
    rows, where building SQLAlchemy rows would cost more than the query."""
    cursor = s.connection().connection.cursor()
    try:
        cursor.execute(sql if s.get_bind().dialect.name == "sqlite" else sql.replace("?", "%s"), tuple(params))
        return cursor.fetchall()
    finally:
        cursor.close()
