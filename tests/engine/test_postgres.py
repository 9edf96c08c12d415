"""The store and the draw on a real PostgreSQL server (issue 3: "any SQLAlchemy URL, so
PostgreSQL works for a shared installation").

A throwaway cluster is started once per test session (initdb into a temporary folder,
loopback only, trust authentication) and removed afterwards; each test gets a fresh
database in it (the `pg_server` and `pg_url` fixtures of tests/engine/conftest.py). Skipped
only when no PostgreSQL server binaries are installed (Debian: `apt-get install postgresql`).
Migrations on PostgreSQL are tested in test_migrations.py.

The same draws run on PostgreSQL and on SQLite and must read back identical: the
RANDOM.ORG answers of the PostgreSQL run (from the loopback stand-in) are replayed
to the SQLite run, so both hold the same signed numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.claims import set_claim
from engine.draw import DrawOccasion, draw_month, redraw
from engine.preview import preview
from engine.randomorg import RandomOrgClient
from engine.records import CommissionMember
from engine.standin import StandIn
from engine.store import DrawRefused, Store, StoreError
from engine.verify import verify
from tests.engine.test_concurrency import RACER
from tests.engine.test_draw import DRAW_DATE, write_csv

ROOT = Path(__file__).resolve().parents[2]
# Wall-clock times, and the audit head (a hash over entries that carry their times).
TIMESTAMPS = frozenset(
    {"started_at", "finished_at", "status_changed_at", "imported_at", "entropy_at", "abandoned_at", "audit_head_sha256"}
)


# --------------------------------------------------------------------------- helpers


class Recording:
    """A RANDOM.ORG client that remembers its tickets and signed answers..."""

    def __init__(self, client: RandomOrgClient) -> None:
        self._client = client
        self.public_key_pem = client.public_key_pem
        self.tickets: list[str] = []
        self.answers: list = []

    def create_ticket(self) -> str:
        self.tickets.append(self._client.create_ticket())
        return self.tickets[-1]

    def generate_signed_integers(self, *args, **kwargs):
        self.answers.append(self._client.generate_signed_integers(*args, **kwargs))
        return self.answers[-1]

    def recover(self, ticket_id: str):
        return self._client.recover(ticket_id)


class Replaying:
    """...and one that gives them again, in order, so a second database gets the same draw."""

    def __init__(self, recording: Recording) -> None:
        self.public_key_pem = recording.public_key_pem
        self._tickets = list(recording.tickets)
        self._answers = list(recording.answers)

    def create_ticket(self) -> str:
        return self._tickets.pop(0)

    def generate_signed_integers(self, n, minimum, maximum, *, user_data=None, ticket_id=None):
        answer = self._answers.pop(0)
        assert (answer.ticket_id, answer.random["n"], answer.random["max"], answer.random["userData"]) == (
            ticket_id,
            n,
            maximum,
            user_data,
        ), "the SQLite run asked for a different draw"
        return answer

    def recover(self, ticket_id: str):
        raise AssertionError("nothing to recover in a replay")


def content(value):
    """A record as plain data without the wall-clock times (they differ between two runs)."""
    if dataclasses.is_dataclass(value):
        return {f.name: content(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in TIMESTAMPS}
    if isinstance(value, (list, tuple)):
        return [content(v) for v in value]
    return value


def scenario(store: Store, tmp: Path, client) -> dict:
    """March by RANDOM.ORG, a forfeit and its re-draw, claims, April offline; what a protocol reads."""
    members = (
        CommissionMember("chair", "Әлия Нұрланқызы", "Директор департамента"),
        CommissionMember("secretary", "Иван Петров"),
    )
    march = write_csv(tmp / "march.csv", {50000: 20, 70000: 10, 100000: 3})
    pv = preview(march, month="2021-03", draw_date=DRAW_DATE, history=store.history())
    out = {
        "march": draw_month(
            store,
            pv,
            DrawOccasion("2021-03", DRAW_DATE, "random-org", place="Астана, ул. Сығанақ 70"),
            client=client,
            commission=members,
        )
    }
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="бас тартты / refused", today=dt.date(2021, 4, 7))
    out["redraw"] = redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 8), "random-org"), 100000, 1, reason="forfeited", client=client
    )
    set_claim(store, "2021-03", 50000, 2, "contacted", today=dt.date(2021, 4, 9))
    set_claim(store, "2021-03", 50000, 2, "claimed", certificate_serial="KT-0002", today=dt.date(2021, 4, 12))
    april = write_csv(tmp / "april.csv", {50000: 18, 70000: 12, 100000: 6}, month="2021-04", seed=2)
    pv4 = preview(april, month="2021-04", draw_date=dt.date(2021, 5, 5), history=store.history())
    out["april"] = draw_month(
        store, pv4, DrawOccasion("2021-04", dt.date(2021, 5, 5), "offline"), entropy="4 2 6 1 3 5"
    )
    return out


def read_back(store: Store) -> dict:
    return {
        "months": store.months(),
        "march": content(store.month_record("2021-03")),
        "april": content(store.month_record("2021-04")),
        "winners": content(store.winners()),
        "history": content(store.history()),
        "audit": [(e.id, e.action, e.actor, e.payload) for e in store.audit()],
    }


# --------------------------------------------------------------------------- starting on a server


def test_a_database_that_cannot_hold_kazakh_text_is_refused_at_start(pg_server):
    name = pg_server.create_database("ENCODING 'SQL_ASCII' TEMPLATE template0")
    with pytest.raises(StoreError, match="SQL_ASCII encoding.*needs UTF8"):
        Store(pg_server.url(name))


def test_a_bare_postgresql_url_and_a_dropped_connection(pg_server, pg_url):
    store = Store(pg_url.replace("postgresql+psycopg://", "postgresql://"))
    store.append_audit("one", {})
    # a shared server restarts, or a proxy drops idle connections, while the app runs on
    pg_server.admin(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{pg_url.rsplit('/', 1)[1]}' AND pid <> pg_backend_pid()"
    )
    store.append_audit("two", {})
    assert [e.action for e in store.audit()] == ["one", "two"]
    store.close()


def test_audit_chain_stays_linear_under_a_strict_default_isolation(pg_server, pg_url):
    """Writers queue on the advisory lock and must then see what the previous one committed,
    even where the DBA made REPEATABLE READ or SERIALIZABLE the default."""
    pg_server.admin(f"ALTER DATABASE {pg_url.rsplit('/', 1)[1]} SET default_transaction_isolation = 'serializable'")
    Store(pg_url).close()
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        store = Store(pg_url, actor=f"writer-{i}")
        try:
            for k in range(15):
                store.append_audit("tick", {"writer": i, "k": k})
        except BaseException as exc:  # collected, asserted below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    store = Store(pg_url)
    entries = store.audit()
    assert [e.id for e in entries] == list(range(1, 61))
    assert all(b.prev_sha256 == a.sha256 for a, b in zip(entries, entries[1:]))
    (chain,) = [f for f in verify(store) if f.name == "audit chain"]
    assert chain.ok, chain
    store.close()


# --------------------------------------------------------------------------- draws


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory):
    """The scenario on PostgreSQL (answers recorded) and on SQLite (answers replayed)."""
    tmp = tmp_path_factory.mktemp("pg-draws")
    url = pg_server.url(pg_server.create_database())
    with (
        StandIn(advisory_delay_ms=0, licence="production") as standin,
        RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem, timeout=10) as real,
    ):
        recording = Recording(real)
        pg = Store(url, actor="commission@test")
        drawn_pg = scenario(pg, tmp, recording)
        sqlite = Store(f"sqlite:///{tmp / 'same.sqlite'}", actor="commission@test")
        drawn_sqlite = scenario(sqlite, tmp, Replaying(recording))
        yield {
            "pg": pg,
            "sqlite": sqlite,
            "drawn_pg": drawn_pg,
            "drawn_sqlite": drawn_sqlite,
            "url": url,
            "standin": standin,
            "recording": recording,
        }
        pg.close()
        sqlite.close()


def test_draws_read_back_from_postgresql_identical_to_sqlite(both):
    pg_again = Store(both["url"])  # a fresh store: everything comes from the server
    stored_pg, stored_sqlite = read_back(pg_again), read_back(both["sqlite"])
    pg_again.close()
    march = both["drawn_pg"]["march"]
    assert [d.denomination for d in march.draws] == [50000, 70000, 100000]
    assert [d.method for d in march.draws] == ["random-org"] * 3
    assert len(both["recording"].answers) == 4  # three tiers and one re-draw, all signed by the stand-in
    assert stored_pg["march"]["commission"][0]["name"] == "Әлия Нұрланқызы"
    assert stored_pg["march"]["place"] == "Астана, ул. Сығанақ 70"
    assert stored_pg["months"] == ["2021-03", "2021-04"]
    # what the draw returned is what a later reader gets (claims and the re-draw came after March)...
    assert stored_pg["april"] == content(both["drawn_pg"]["april"])
    assert stored_pg["march"] == content(both["pg"].month_record("2021-03"))

    def drawn(draws):
        return [
            (
                {k: v for k, v in d.items() if k != "winners"},
                [(w["certificate"], w["ordinal"], w["account"], w["client_id"]) for w in d["winners"]],
            )
            for d in draws
        ]

    assert drawn(stored_pg["march"]["draws"][:3]) == drawn(content(march)["draws"])
    # ...and both databases hold the same, down to the audit record's payloads
    for key in stored_pg:
        assert stored_pg[key] == stored_sqlite[key], key


def test_timestamps_read_back_as_the_same_utc_instants(both):
    store = Store(both["url"])
    record = store.month_record("2021-03")
    store.close()
    d = record.draws[0]
    assert d.started_at.tzinfo is not None and d.finished_at >= d.started_at
    assert d.finished_at == both["drawn_pg"]["march"].draws[0].finished_at  # microseconds kept


def test_second_draw_of_a_month_is_refused_on_postgresql(both, tmp_path):
    store = both["pg"]
    before = (store.audit(), store.winners())
    path = write_csv(tmp_path / "m.csv", {50000: 20, 70000: 10, 100000: 3})
    pv = preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history())
    with pytest.raises(DrawRefused, match="already drawn"):
        draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="1")
    assert (store.audit(), store.winners()) == before


def test_redraw_and_claims_on_postgresql(both):
    store = both["pg"]
    red = both["drawn_pg"]["redraw"]
    assert red.kind == "redraw" and red.redraw_of_certificate == 1 and red.pool.size == 1 and len(red.winners) == 1
    record = store.month_record("2021-03")
    assert len(record.redraws) == 1 and len(record.current_winners) == 25
    by_cert = {(w.denomination, w.certificate, w.current): w for w in store.winners("2021-03")}
    assert by_cert[(100000, 1, False)].status == "forfeited" and by_cert[(100000, 1, True)].status == "drawn"
    claimed = by_cert[(50000, 2, True)]
    assert (claimed.status, claimed.certificate_serial) == ("claimed", "KT-0002")
    assert [e.payload["to"] for e in store.audit() if e.action == "claim"] == ["forfeited", "contacted", "claimed"]


def test_verify_passes_on_postgresql(both):
    findings = verify(both["pg"], public_key_pem=both["standin"].public_key_pem)
    assert findings and all(f.ok for f in findings), [f for f in findings if not f.ok]
    assert any(f.name == "audit chain" for f in findings)


# --------------------------------------------------------------------------- two processes


def test_two_processes_draw_the_same_month_on_postgresql_exactly_once(pg_server, pg_url, tmp_path):
    """Each racer starts its own Store on the fresh database (both migrate it, too)."""
    path = write_csv(tmp_path / "m.csv", {50000: 30, 70000: 10, 100000: 4})
    go = tmp_path / "go"
    with StandIn(key_dir=tmp_path / "keys", advisory_delay_ms=0, licence="production") as standin:
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            RANDOM_ORG_URL=standin.url,
            RANDOM_ORG_API_KEY=standin.api_key,
            RANDOM_ORG_PUBLIC_KEY=str(standin.public_key_path),
        )
        args = [
            "draw",
            str(path),
            "--month",
            "2021-03",
            "--method",
            "random-org",
            "--draw-date",
            "2021-04-05",
            "--db",
            pg_url,
        ]
        prelude = "import engine.draw, engine.preview, engine.randomorg, engine.offline, engine.cli_draw, psycopg\n"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", prelude + RACER, str(go), str(tmp_path / f"ready{i}"), *args],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        deadline = time.time() + 60
        while not all((tmp_path / f"ready{i}").exists() for i in range(2)) and time.time() < deadline:
            time.sleep(0.01)
        go.touch()
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        assert sorted(code for code, _, _ in results) == [0, 1], results
        refused = next(err for code, _, err in results if code == 1)
        assert "refused" in refused and ("being drawn" in refused or "already drawn" in refused), refused
        assert "Traceback" not in refused
        store = Store(pg_url)
        assert sorted(d.denomination for d in store.all_draws()) == [50000, 70000, 100000]
        assert len(store.winners()) == 25
        assert standin.requests.count("generateSignedIntegers") == 3
        assert all(f.ok for f in verify(store, public_key_pem=standin.public_key_pem))
        store.close()
