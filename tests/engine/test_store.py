"""The store on a real SQLite file: location, pragmas, migrations, constraints, audit chain, records."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError

from engine.records import CommissionMember
from engine.rehearsals import current_run
from engine.store import GENESIS_SHA256, DrawRefused, NotDrawn, Store, WinnerInput, audit_sha256
from engine.store.audit import utcnow
from engine.store.migrations import SCHEMA_VERSION
from engine.store.schema import DrawRow


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


def test_the_audit_names_the_configured_actor_else_user_at_host(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOTION_ACTOR", "Commission secretary")
    s = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert s.append_audit("note", {}).actor == "Commission secretary"
    s.close()
    monkeypatch.delenv("PROMOTION_ACTOR")
    s = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert "@" in s.append_audit("note", {}).actor
    s.close()


def test_sqlite_runs_in_wal_mode_with_a_schema_version(store):
    path = store.url.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    con.close()
    assert Store(store.url).schema_version() == SCHEMA_VERSION  # a second start migrates nothing


def test_the_database_refuses_a_second_official_draw_of_a_tier(store):
    def row():
        return DrawRow(
            month="2021-03",
            denomination=50000,
            kind="draw",
            slot="official",
            method="offline",
            status="done",
            draw_date=dt.date(2021, 4, 5),
            started_at=utcnow(),
        )

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


def claim(store, kind, pool_text, **extra):
    """A claim of the 2021-03 50 000 tier's slot (an original draw, or a re-draw of certificate 1)."""
    return store.claim_draw(
        month="2021-03",
        denomination=50000,
        kind=kind,
        method="offline",
        rehearsal=False,
        run=0,
        quota=1,
        carried_in=0,
        to_draw=1,
        draw_date=dt.date(2021, 4, 5),
        place="Astana",
        pool_text=pool_text,
        pool_sha256=hashlib.sha256(pool_text.encode()).hexdigest(),
        pool_size=pool_text.count("\n"),
        **extra,
    )


def drawn_winner(store):
    """Certificate 1 of an official draw stored through the store's own calls, then left unclaimed."""
    draw, resumed = claim(store, "draw", "1,KZ001,950101300012,50000\n2,KZ002,870202400013,50000\n")
    assert not resumed
    store.record_entropy(draw.id, "3 1 4")
    store.finish_draw(
        draw.id,
        [WinnerInput(1, 2, "KZ002", "870202400013", "Ә. Ахметова")],
        deadline=dt.date(2021, 5, 5),
        method="offline",
        entropy="3 1 4",
    )
    winner = store.current_winner("2021-03", 50000, 1)
    return store.set_winner_status(winner.id, "unclaimed")


def test_a_redraw_claim_is_refused_when_the_replaced_winner_changed_after_it_was_read(store):
    read = drawn_winner(store)  # what the commission saw: certificate 1 unclaimed
    store.set_winner_status(read.id, "claimed")  # meanwhile, another screen records the claim
    before = store.audit_head()
    with pytest.raises(DrawRefused, match="certificate 1 changed meanwhile"):
        claim(
            store,
            "redraw",
            "1,KZ001,950101300012,50000\n",
            redraw_certificate=1,
            redraw_reason="unclaimed",
            replacing=read,
        )
    # nothing was frozen or claimed: no pending re-draw, no new audit entry
    assert store.pending_redraws("2021-03") == [] and store.audit_head() == before
    assert [d.kind for d in store.all_draws(include_failed=True)] == ["draw"]


def test_a_redraw_claim_of_the_winner_as_read_freezes_its_pool(store):
    read = drawn_winner(store)
    redraw, resumed = claim(
        store, "redraw", "1,KZ001,950101300012,50000\n", redraw_certificate=1, redraw_reason="unclaimed", replacing=read
    )
    assert not resumed and redraw.kind == "redraw" and redraw.status == "pending"
    assert [d.id for d in store.pending_redraws("2021-03")] == [redraw.id]


def test_the_latest_rehearsal_run_is_the_newest_one_started(store):
    """One rule (engine.store.slots.latest_rehearsal_run): a run exists from `start_rehearsal` on,
    drawn in or not; none started is 0; the official session does not count; other months neither.
    `current_run` (engine.rehearsals) follows it."""
    assert store.latest_rehearsal_run("2021-03") == 0 and current_run(store, "2021-03", rehearsal=True) is None
    store.set_commission("2021-03", [CommissionMember("chair", "A")], "Almaty", dt.date(2021, 4, 5))
    assert store.latest_rehearsal_run("2021-03") == 0
    assert [store.start_rehearsal("2021-03"), store.start_rehearsal("2021-03")] == [1, 2]
    store.start_rehearsal("2021-04")
    assert store.latest_rehearsal_run("2021-03") == 2 and current_run(store, "2021-03", rehearsal=True) == 2
    assert current_run(store, "2021-03", rehearsal=False) is None
