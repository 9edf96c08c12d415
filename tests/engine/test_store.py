"""The store on a real SQLite file: location, pragmas, migrations, constraints, audit chain, records."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError

from engine.records import CommissionMember
from engine.store import GENESIS_SHA256, SCHEMA_VERSION, DrawRow, NotDrawn, Store, audit_sha256, utcnow


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'p.sqlite'}")
    yield s
    s.close()


def test_default_location_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMOTION_DB_URL", raising=False)
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(tmp_path / "data"))
    s = Store()
    assert s.url.endswith("/data/promotion.sqlite") and (tmp_path / "data" / "promotion.sqlite").exists()
    assert s.location.startswith("SQLite file")
    s.close()
    monkeypatch.setenv("PROMOTION_DB_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert Store().url.endswith("other.sqlite")


def test_sqlite_runs_in_wal_mode_with_a_schema_version(store):
    path = store.url.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    con.close()
    assert Store(store.url).schema_version() == SCHEMA_VERSION  # a second start migrates nothing


def test_the_database_refuses_a_second_official_draw_of_a_tier(store):
    def row():
        return DrawRow(month="2021-03", denomination=50000, kind="draw", slot="official", method="offline",
                       status="done", draw_date=dt.date(2021, 4, 5), started_at=utcnow())

    with store._tx() as s:
        s.add(row())
    with pytest.raises(IntegrityError):
        with store._tx() as s:
            s.add(row())


def test_audit_entries_are_chained(store):
    store.append_audit("one", {"b": 2, "a": "ә"})
    store.append_audit("two", {})
    first, second = store.audit()
    assert first.prev_sha256 == GENESIS_SHA256 and second.prev_sha256 == first.sha256
    assert first.sha256 == audit_sha256(GENESIS_SHA256, 1, first.at, "one", first.actor, {"a": "ә", "b": 2})
    assert first.payload == {"a": "ә", "b": 2} and first.at.tzinfo is not None


def test_commission_and_not_drawn(store):
    members = (CommissionMember("chair", "A. Chair", "Director"), CommissionMember("secretary", "B. Sec"))
    store.set_commission("2021-03", members, "Astana", dt.date(2021, 4, 5))
    with pytest.raises(NotDrawn, match="2021-03"):
        store.month_record("2021-03")
    assert store.months() == [] and store.winners() == [] and store.history().drawn == {}
    assert [e.action for e in store.audit()] == ["commission"]
