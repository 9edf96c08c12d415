"""Schema migrations (Alembic, engine/migrations): a new database, a database of the
first release, and the models never drifting from the revisions.

data/release1.sqlite was written by the first release's own code (see
data/make_release1_db.py): an official offline draw of 2021-03 with its commission,
a claim, a rehearsal of 2021-04. It must open, upgrade, read and verify. On
PostgreSQL the same rows are copied into a database built to revision 0002.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.ipc as ipc
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, create_engine, event, inspect, select, text

from engine.claims import set_claim
from engine.demo import write_month
from engine.draw import DrawOccasion, draw_month
from engine.preview import preview
from engine.records import CommissionMember
from engine.store import Store, StoreError
from engine.store.connection import setup_sqlite
from engine.store.migrations import SCHEMA_REVISION, SCHEMA_VERSION, alembic_config
from engine.store.schema import Base
from engine.verify import verify
from tests.engine.helpers import RELEASE1, release1_copy, set_member

TABLES = {
    "imports",
    "month_sessions",
    "commission_members",
    "pools",
    "draws",
    "winners",
    "audit",
    "schema_version",
    "pool_member_chunks",
    "participations",
}


# --------------------------------------------------------------------------- helpers


def plain_engine(url: str) -> Engine:
    """An engine without a Store (no migration on open), set up as the store sets up SQLite."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        setup_sqlite(engine)
    return engine


def upgrade_to(url: str, revision: str) -> None:
    """Run the revisions up to `revision` only, the way the store runs them (one transaction)."""
    engine = plain_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    finally:
        engine.dispose()


def scalars(url: str, sql: str) -> list:
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).scalars())
    finally:
        engine.dispose()


def schema(url: str) -> dict:
    """Every table's columns, keys, indexes and unique constraints as the database reports them."""
    engine = plain_engine(url)
    try:
        insp = inspect(engine)
        out = {}
        for table in sorted(set(insp.get_table_names()) - {"alembic_version"}):
            out[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in insp.get_columns(table)],
                "primary_key": insp.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (
                        tuple(f["constrained_columns"]),
                        f["referred_table"],
                        tuple(f["referred_columns"]),
                        str(f.get("options")),
                    )
                    for f in insp.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)
                ),
                "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            }
        return out
    finally:
        engine.dispose()


def assert_models_match_database(store: Store) -> None:
    """The models and the migrated database have the same tables and columns, and Alembic's
    own comparison finds nothing to change (types, nullability, indexes, constraints)."""
    insp = inspect(store.engine)
    assert set(insp.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    for name, table in Base.metadata.tables.items():
        assert {c["name"] for c in insp.get_columns(name)} == set(table.columns.keys()), name
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def alembic_head(url: str) -> list[str]:
    return scalars(url, "SELECT version_num FROM alembic_version")


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL every engine sends while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def assert_release1_content(store: Store) -> None:
    march = store.month_record("2021-03")
    assert [d.denomination for d in march.draws] == [50000, 70000, 100000]
    assert {d.method for d in march.draws} == {"offline"} and march.draw_date == dt.date(2021, 4, 5)
    assert [m.name for m in march.commission] == ["Әлия Нұрланқызы", "Иван Петров"]
    assert march.place == "Астана, ул. Сығанақ 70" and len(march.imports) == 1
    assert {(d.entropy_by, d.entropy_at) for d in march.draws} == {("", None)}  # not asked before 0003
    winners = store.winners("2021-03")
    assert len(winners) == 25
    first = next(w for w in winners if w.denomination == 50000 and w.certificate == 1)
    assert first.status == "contacted" and first.note == "телефон арқылы / by phone"
    assert len(store.month_record("2021-04", rehearsal=True).draws) == 3
    assert store.months() == ["2021-03"]
    findings = verify(store)
    assert findings and [f for f in findings if not f.ok] == []


# --------------------------------------------------------------------------- the revisions


def test_the_revisions_are_one_line_ending_at_the_stores_head():
    config = alembic_config(None)
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [SCHEMA_REVISION] and SCHEMA_VERSION == int(SCHEMA_REVISION) == 4
    assert [r.revision for r in script.walk_revisions("base", "heads")][::-1] == ["0001", "0002", "0003", "0004"]


def test_revision_0001_is_the_schema_the_first_release_made(tmp_path):
    """Written out by hand, 0001 and 0002 give exactly the tables the first release created."""
    url = f"sqlite:///{tmp_path / 'at-0002.sqlite'}"
    upgrade_to(url, "0002")
    assert schema(url) == schema(f"sqlite:///{RELEASE1}")
    assert alembic_head(url) == ["0002"]


# --------------------------------------------------------------------------- SQLite


def test_a_fresh_sqlite_database_gets_head_with_every_table_and_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    assert set(inspect(store.engine).get_table_names()) == TABLES | {"alembic_version"}
    draws = {c["name"]: c for c in inspect(store.engine).get_columns("draws")}
    assert not draws["entropy_by"]["nullable"] and draws["entropy_at"]["nullable"]
    assert_models_match_database(store)
    store.close()
    assert alembic_head(url) == [SCHEMA_REVISION]
    assert scalars(url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]


def test_a_release1_sqlite_database_upgrades_reads_and_verifies(tmp_path):
    url = release1_copy(tmp_path)
    assert scalars(url, "SELECT version FROM schema_version ORDER BY version") == [1, 2]
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    assert_models_match_database(store)
    assert_release1_content(store)
    audit = store.audit()
    store.close()
    assert alembic_head(url) == [SCHEMA_REVISION]
    assert scalars(url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]

    with statements() as sql:  # a second start changes nothing
        again = Store(url)
    assert not [s for s in sql if s.startswith(("ALTER", "CREATE", "INSERT", "UPDATE", "DELETE", "DROP"))]
    assert again.audit() == audit and again.schema_version() == SCHEMA_VERSION
    assert_release1_content(again)
    again.close()
    assert alembic_head(url) == [SCHEMA_REVISION]


def test_the_upgraded_database_takes_the_next_month(tmp_path):
    """New rows next to old ones: April drawn on the upgraded file, and everything still verifies."""
    store = Store(release1_copy(tmp_path))
    set_claim(store, "2021-03", 70000, 2, "contacted", today=dt.date(2021, 4, 10))
    april = write_month(tmp_path / "april.csv", "2021-04")
    pv = preview(april, month="2021-04", draw_date=dt.date(2021, 5, 5), history=store.history())
    record = draw_month(
        store,
        pv,
        DrawOccasion("2021-04", dt.date(2021, 5, 5), "offline"),
        entropy="7 7 7",
        commission=[CommissionMember("chair", "Әлия Нұрланқызы")],
    )
    assert record.draws and store.months() == ["2021-03", "2021-04"]
    assert [f for f in verify(store) if not f.ok] == []
    store.close()


def test_revision_0003_alters_a_database_at_0002(tmp_path):
    """The release1 file is at 0002: opening it runs ALTER TABLE in place, old rows get ''."""
    url = release1_copy(tmp_path)
    with statements() as sql:
        store = Store(url)
    alters = [s for s in sql if s.startswith("ALTER TABLE draws ADD COLUMN")]
    assert [a.split()[5] for a in alters] == ["entropy_by", "entropy_at"]
    assert not [s for s in sql if "_alembic_tmp" in s or s.startswith("DROP TABLE")]  # no table copy
    store.close()
    assert set(scalars(url, "SELECT entropy_by FROM draws")) == {""}
    assert set(scalars(url, "SELECT entropy_at FROM draws")) == {None}
    assert len(scalars(url, "SELECT id FROM draws")) == 6


def test_revision_0003_downgrades_and_upgrades_again(tmp_path):
    url = release1_copy(tmp_path)
    Store(url).close()
    engine = plain_engine(url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    engine.dispose()
    assert schema(url) == schema(f"sqlite:///{RELEASE1}")  # the columns are gone again
    assert alembic_head(url) == ["0002"]
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    assert_release1_content(store)
    store.close()


def test_a_failing_upgrade_leaves_the_sqlite_database_as_it_was(tmp_path):
    """Stamp and upgrade run in the store's BEGIN IMMEDIATE transaction: all or nothing."""
    url = release1_copy(tmp_path)
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.execute("ALTER TABLE draws ADD COLUMN entropy_at TIMESTAMP")  # 0003 will collide with it
    con.commit()
    con.close()
    before = schema(url)
    with pytest.raises(Exception, match="duplicate column"):
        Store(url)
    assert schema(url) == before  # entropy_by not added...
    assert scalars(url, "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'") == [0]  # nor stamped
    assert scalars(url, "SELECT version FROM schema_version ORDER BY version") == [1, 2]


def test_a_database_newer_than_the_program_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.sqlite'}"
    Store(url).close()
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="revision 0099, newer than this program"):
        Store(url)


def test_stores_opening_a_new_sqlite_file_at_once_migrate_it_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    opened, errors = [], []

    def open_store() -> None:
        try:
            opened.append(Store(url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 4
    assert {s.schema_version() for s in opened} == {SCHEMA_VERSION}
    for s in opened:
        s.close()
    assert scalars(url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]


# --------------------------------------------------------------------------- PostgreSQL


def copy_rows(source_url: str, target_url: str) -> None:
    """Every row of every table, in foreign-key order, with SQLAlchemy core; then the id
    sequences follow the copied ids (as a dump and restore would leave them)."""
    source, target = plain_engine(source_url), create_engine(target_url)
    try:
        src_meta, dst_meta = MetaData(), MetaData()
        src_meta.reflect(source)
        dst_meta.reflect(target)
        with source.connect() as src, target.begin() as dst:
            dst.execute(dst_meta.tables["schema_version"].delete())  # the first release's own rows follow
            for table in src_meta.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(select(table))]
                if rows:
                    dst.execute(dst_meta.tables[table.name].insert(), rows)
            for table in dst_meta.sorted_tables:
                if "id" in table.c:
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    finally:
        source.dispose()
        target.dispose()


def test_a_fresh_postgresql_database_gets_head_and_a_second_start_changes_nothing(pg_server, pg_url):
    engine = create_engine(pg_url)
    assert inspect(engine).get_table_names() == []
    store = Store(pg_url)
    assert store.schema_version() == SCHEMA_VERSION and store.dialect == "postgresql"
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    assert_models_match_database(store)
    store.append_audit("hello", {"who": "Әлия"})
    store.close()
    again = Store(pg_url)
    assert again.schema_version() == SCHEMA_VERSION and [e.action for e in again.audit()] == ["hello"]
    assert again.location.startswith("postgresql database")
    again.close()
    engine.dispose()
    assert alembic_head(pg_url) == [SCHEMA_REVISION]
    assert scalars(pg_url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]


def test_a_release1_postgresql_database_upgrades_reads_and_verifies(pg_server, pg_url):
    """The first release's schema on PostgreSQL (revisions up to 0002, no alembic_version, as
    that release left it) holding the release1 rows: it upgrades with an ALTER and verifies."""
    upgrade_to(pg_url, "0002")
    copy_rows(f"sqlite:///{RELEASE1}", pg_url)
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    assert scalars(pg_url, "SELECT version FROM schema_version ORDER BY version") == [1, 2]

    with statements() as sql:
        store = Store(pg_url)
    assert [s for s in sql if s.startswith("ALTER TABLE draws ADD COLUMN")]
    assert store.schema_version() == SCHEMA_VERSION
    assert_models_match_database(store)
    assert_release1_content(store)
    assert set(scalars(pg_url, "SELECT entropy_by FROM draws")) == {""}
    set_claim(store, "2021-03", 70000, 2, "contacted", today=dt.date(2021, 4, 10))  # old rows take writes
    assert [f for f in verify(store) if not f.ok] == []
    store.close()
    assert alembic_head(pg_url) == [SCHEMA_REVISION]
    assert scalars(pg_url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]
    again = Store(pg_url)  # idempotent
    assert again.schema_version() == SCHEMA_VERSION
    assert_release1_content(again)
    again.close()


def test_a_postgresql_database_of_revision_0001_gets_unbounded_text_columns(pg_server, pg_url):
    """The first schema made free text VARCHAR(n): PostgreSQL enforced it, SQLite never did.
    Such a database (schema_version 1 only) is stamped 0001 and 0002 makes the columns TEXT."""
    free_text = ScriptDirectory.from_config(alembic_config(None)).get_revision("0002").module._FREE_TEXT_COLUMNS
    upgrade_to(pg_url, "0001")
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        for table, columns in free_text.items():
            conn.execute(
                text(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} TYPE VARCHAR(200)" for c in columns))
            )

    def column_type(table: str, column: str) -> str:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT data_type FROM information_schema.columns WHERE table_name = :t AND column_name = :c"),
                {"t": table, "c": column},
            ).scalar_one()

    assert column_type("winners", "client_name") == column_type("audit", "actor") == "character varying"
    store = Store(pg_url)
    assert store.schema_version() == SCHEMA_VERSION
    for table, columns in free_text.items():
        for column in columns:
            assert column_type(table, column) == "text", (table, column)
    long_place = "Астана, " + "ы" * 700
    store.set_commission("2021-03", [CommissionMember("chair", "Ә" * 400, "п" * 400)], long_place, dt.date(2021, 4, 5))
    assert store.audit()[-1].payload["place"] == long_place
    store.close()
    engine.dispose()
    assert scalars(pg_url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]


def test_stores_opening_a_new_postgresql_database_at_once_migrate_it_once(pg_server, pg_url):
    opened, errors = [], []

    def open_store() -> None:
        try:
            opened.append(Store(pg_url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 4
    for s in opened:
        s.close()
    assert alembic_head(pg_url) == [SCHEMA_REVISION]
    assert scalars(pg_url, "SELECT version FROM schema_version ORDER BY version") == [1, 2, 3, 4]


# --------------------------------------------------------------------------- revision 0004: members and participations


def old_participation(url: str) -> dict[str, str]:
    """What the store's history said before revision 0004: every official done original draw's pool
    text read line by line, each client with its earliest month."""
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT d.month, p.text FROM draws d JOIN pools p ON p.id = d.pool_id WHERE d.slot = 'official' "
                    "AND d.status = 'done' AND d.kind = 'draw' ORDER BY d.month, d.id"
                )
            ).all()
    finally:
        engine.dispose()
    out: dict[str, str] = {}
    for month, pool_text in rows:
        for line in pool_text.splitlines():
            out.setdefault(line.split(",")[-2], month)
    return out


def test_revision_0004_fills_members_and_participations_from_the_old_pools(tmp_path):
    url = release1_copy(tmp_path)
    before = old_participation(url)
    pools = {
        pid: (pool_text, json.loads(details))
        for pid, pool_text, details in sqlite3.connect(url.removeprefix("sqlite:///")).execute(
            "SELECT id, text, details FROM pools"
        )
    }
    assert len(before) > 100 and all(details for _, details in pools.values())
    store = Store(url)
    try:
        for pid, (pool_text, details) in pools.items():
            assert store.pool_details(pid) == details  # the same shape as the JSON list it replaces
            lines = pool_text.splitlines()
            picked = [len(lines), 1, (len(lines) + 1) // 2]
            members = store.pool_members(pid, picked)
            assert [f"{m.ordinal},{m.account},{m.client_id},{m.denomination}" for m in members] == [
                lines[o - 1] for o in picked
            ]
            assert [[m.client_name, m.phone, m.region] for m in members] == [details[o - 1] for o in picked]
        history = store.history()
        ids = sorted(before)[::7] + ["not-a-client"]
        assert history.first_months(ids) == {c: before[c] for c in ids if c in before}
        assert history.participated == before
        assert all(f.ok for f in verify(store))
        frozen = [e.payload for e in store.audit() if e.action == "pool_frozen"]
        assert frozen and all("members_sha256" not in p for p in frozen)  # as the first release recorded them
    finally:
        store.close()
    assert sorted(scalars(url, "SELECT sum(count) FROM pool_member_chunks")) == [
        sum(len(t.splitlines()) for t, _ in pools.values())
    ]
    # the format the revision documents: any pyarrow reads a chunk, without this program
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    pid, first, count, data = con.execute(
        "SELECT pool_id, first_ordinal, count, data FROM pool_member_chunks ORDER BY pool_id, chunk LIMIT 1"
    ).fetchone()
    con.close()
    chunk = ipc.open_stream(data).read_all()
    assert chunk.column_names == ["account", "client_id", "client_name", "phone", "region"]
    assert first == 1 and chunk.num_rows == count
    assert [
        f"{i},{a},{c},{pools[pid][0].splitlines()[0].split(',')[-1]}"
        for i, (a, c) in enumerate(zip(chunk["account"].to_pylist(), chunk["client_id"].to_pylist()), 1)
    ] == pools[pid][0].splitlines()[:count]
    assert [list(r) for r in zip(*(chunk[c].to_pylist() for c in ("client_name", "phone", "region")))] == pools[pid][1][
        :count
    ]


def test_revision_0004_downgrades_and_upgrades_again(tmp_path):
    url = release1_copy(tmp_path)
    Store(url).close()
    engine = plain_engine(url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    engine.dispose()
    assert not {"pool_member_chunks", "participations"} & set(scalars(url, "SELECT name FROM sqlite_master"))
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    assert_release1_content(store)
    store.close()


@pytest.mark.parametrize(
    "edit, code",
    [
        ("name", "field_hash"),
        ("account", "pool"),
        ("UPDATE pools SET details = replace(details, '\"', '\"x') WHERE id = 1", "field_hash"),
        ("DELETE FROM participations WHERE client_id = (SELECT min(client_id) FROM participations)", "pool"),
    ],
)
def test_an_upgraded_release1_database_still_catches_edits(tmp_path, edit, code):
    """Old pools keep their details JSON (hashed in the audit record from the release that added
    details_sha256 on; release1's are older): the member chunks made from them must say the same,
    and the participations what the pool texts say."""
    url = release1_copy(tmp_path)
    Store(url).close()
    path = url.removeprefix("sqlite:///")
    if edit == "name":
        set_member(1, 2, client_name="Someone Else")(path)
    elif edit == "account":
        set_member(1, 3, account=lambda a: a + "0")(path)
    else:
        con = sqlite3.connect(path)
        con.execute(edit)
        con.commit()
        con.close()
    store = Store(url)
    try:
        assert [f for f in verify(store) if not f.ok and f.code == code], edit
    finally:
        store.close()
