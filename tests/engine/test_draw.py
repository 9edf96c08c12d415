"""The draw with real parts: a SQLite file, the loopback RANDOM.ORG stand-in, real spreadsheets.

Also holds the small helpers (participant CSVs with valid IINs) the other draw tests import.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.draw import (
    ClaimRefused,
    DrawFailed,
    DrawRefused,
    claims,
    draw_month,
    execute_tier,
    freeze_pool,
    prepare_tier,
    redraw,
    set_claim,
    verify,
)
from engine.ids import is_valid
from engine.preview import preview
from engine.randomness import RandomOrgClient
from engine.records import Participant
from engine.standin import StandIn
from engine.store import NotDrawn, Store
from tests.reference import reference_select as rfc3797

ROOT = Path(__file__).resolve().parents[2]
DRAW_DATE = dt.date(2021, 4, 5)
FEES = {50000: 7000, 70000: 20000, 100000: 35000}


# --------------------------------------------------------------------------- helpers


def valid_iin(rng: random.Random) -> str:
    while True:
        body = "".join(str(rng.randrange(10)) for _ in range(11))
        for digit in "0123456789":
            if is_valid(body + digit):
                return body + digit


def write_csv(path: Path, counts: dict[int, int], month: str = "2021-03", seed: int = 1,
              shuffle_seed: int | None = None) -> Path:
    """A participant file: counts[denomination] eligible IEs connected in `month`."""
    rng = random.Random(seed)
    rows = []
    i = 0
    for den, n in counts.items():
        for _ in range(n):
            i += 1
            rows.append([f"{rng.randrange(10**8, 10**9)}", valid_iin(rng), f"Client {i}", "IE",
                         f"{month}-{i % 28 + 1:02d}", FEES[den], "yes", f"+7 700 000 {i:04d}", "Almaty"])
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Account", "BIN/IIN", "Client name", "Client type", "Connection date", "Monthly fee",
                    "New client", "Phone", "Region"])
        w.writerows(rows)
    return path


def participant(account: str, client_id: str, den: int = 50000, month: str = "2021-03") -> Participant:
    return Participant(row=2, account=account, client_id=client_id, client_name=f"N {account}", client_type="IE",
                       month=month, denomination=den, monthly_fee=7000.0)


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'promotion.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def standin():
    with StandIn(hang_seconds=3.0, licence="production") as server:
        yield server


@pytest.fixture
def client(standin):
    with RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem, timeout=1.0) as c:
        yield c


def march(tmp_path, store, counts=None, **kw):
    path = write_csv(tmp_path / "march.csv", counts or {50000: 20, 70000: 10, 100000: 3}, **kw)
    return preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history())


def done_draws(store):
    return [d for d in store.all_draws() if d.status == "done"]


# --------------------------------------------------------------------------- pools


def test_pool_canonical_text_and_hash():
    members = [participant("200", "950101300012"), participant("1000", "870412450038"),
               participant("30", "010203500047")]
    pool = freeze_pool(members, "2021-03", 50000)
    expected = "1,1000,870412450038,50000\n2,200,950101300012,50000\n3,30,010203500047,50000\n"
    assert pool.text == expected
    assert pool.sha256 == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert [(m.ordinal, m.account) for m in pool.members] == [(1, "1000"), (2, "200"), (3, "30")]
    assert freeze_pool(list(reversed(members)), "2021-03", 50000).sha256 == pool.sha256


def test_pool_uses_plain_string_order():
    pool = freeze_pool([participant(a, "1") for a in ("b", "B", "10", "9", "1 0", "Ä")], "2021-03", 70000)
    assert [m.account for m in pool.members] == ["1 0", "10", "9", "B", "b", "Ä"]
    assert freeze_pool([], "2021-03", 70000).text == ""


# --------------------------------------------------------------------------- draws


def test_random_org_draw_winners_are_the_signed_numbers_in_order(tmp_path, store, standin, client):
    pv = march(tmp_path, store)
    events = []
    record = draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE,
                        on_step=lambda e, info: events.append(e))
    assert [d.denomination for d in record.draws] == [50000, 70000, 100000]
    for d in record.draws:
        from engine.randomness import SignedResult

        signed = SignedResult.from_response_text(d.signed_random)
        assert signed.verify(standin.public_key_pem)
        assert signed.user_data == {"month": "2021-03", "denomination": d.denomination, "pool_sha256": d.pool.sha256}
        assert [w.ordinal for w in d.winners] == list(signed.data)
        lines = d.pool.text.splitlines()
        for w in d.winners:
            assert lines[w.ordinal - 1] == f"{w.ordinal},{w.account},{w.client_id},{d.denomination}"
        assert not d.development_licence and d.signature_verified  # a production key (integrity rule 6)
    assert record.tier_draw(50000).drawn == 15 and record.tier_draw(100000).drawn == 2
    # the pool hash and the ticket come before any random number is asked for
    assert events.index("pool_frozen") < events.index("ticket") < events.index("requesting")
    assert events.index("requesting") < events.index("signature_verified") < events.index("winner")
    assert all(f.ok for f in verify(store, public_key_pem=standin.public_key_pem))


def test_offline_draw_reproducible_and_independent_of_row_order(tmp_path):
    results = []
    for shuffle in (None, 7):
        s = Store(f"sqlite:///{tmp_path / f'db{shuffle}.sqlite'}")
        path = write_csv(tmp_path / f"m{shuffle}.csv", {50000: 30, 70000: 5, 100000: 0}, shuffle_seed=shuffle)
        pv = preview(path, month="2021-03", draw_date=DRAW_DATE, history=s.history())
        record = draw_month(s, pv, "2021-03", method="offline", entropy=" 3 1 4 1 5 9 2 6 ", draw_date=DRAW_DATE)
        results.append([(d.pool.sha256, [(w.certificate, w.account) for w in d.winners]) for d in record.draws])
        d = record.tier_draw(50000)
        assert d.entropy == "3 1 4 1 5 9 2 6" and d.method == "offline" and not d.signed_random
        assert [w.ordinal for w in d.winners] == rfc3797(d.pool.sha256, "3 1 4 1 5 9 2 6", 30, 15)
        assert record.tier_draw(100000).method == "none" and record.tier_draw(100000).carry_out == 2
        assert all(f.ok for f in verify(s))
        s.close()
    assert results[0] == results[1]


def test_second_draw_of_a_month_is_refused_and_changes_nothing(tmp_path, store, client):
    pv = march(tmp_path, store)
    draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE)
    before = (store.audit(), store.winners())
    with pytest.raises(DrawRefused, match="already drawn"):
        draw_month(store, pv, "2021-03", method="offline", entropy="x", draw_date=DRAW_DATE)
    with pytest.raises(DrawRefused, match="already drawn"):
        prepare_tier(store, pv, "2021-03", 50000, method="random-org", draw_date=DRAW_DATE, client=client)
    assert (store.audit(), store.winners()) == before


# A bad signature blocks the tier instead (integrity rule 5): tests/engine/test_integrity.py.
@pytest.mark.parametrize("mode", ["allowance", "timeout", "drop_before", "server_error"])
def test_failures_store_nothing_and_leave_the_month_drawable(tmp_path, store, standin, client, mode):
    pv = march(tmp_path, store)
    d = prepare_tier(store, pv, "2021-03", 50000, method="random-org", draw_date=DRAW_DATE, client=client)
    standin.mode = mode
    with pytest.raises(DrawFailed) as err:
        execute_tier(store, d.id, client=client)
    assert err.value.kind in {"allowance", "timeout", "unreachable", "server_error"}
    assert done_draws(store) == [] and store.winners() == []
    failures = [e for e in store.audit() if e.action == "draw_failed"]
    assert failures and failures[-1].payload["kind"] == err.value.kind
    standin.mode = "ok"
    record = draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE)
    assert record.tier_draw(50000).drawn == 15
    # never a second set of numbers for one ticket: at most one generate per tier
    assert standin.requests.count("generateSignedIntegers") <= 4
    assert all(f.ok for f in verify(store, public_key_pem=standin.public_key_pem))


def test_answer_lost_in_transit_is_recovered_through_the_ticket(tmp_path, store, standin, client):
    pv = march(tmp_path, store, counts={50000: 20, 70000: 0, 100000: 0})
    d = prepare_tier(store, pv, "2021-03", 50000, method="random-org", draw_date=DRAW_DATE, client=client)
    standin.mode = "drop"  # RANDOM.ORG drew and stored the result; we never heard it
    with pytest.raises(DrawFailed):
        execute_tier(store, d.id, client=client)
    assert store.winners() == []
    (serial, signed_text), = standin.results.items()
    standin.mode = "ok"
    record = draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE)
    d = record.tier_draw(50000)
    assert d.serial_number == serial and d.signed_random == signed_text
    assert standin.requests.count("generateSignedIntegers") == 1


CRASH_SCRIPT = textwrap.dedent("""
    import datetime as dt, sys
    from engine.draw import draw_month
    from engine.preview import preview
    from engine.randomness import RandomOrgClient
    from engine.store import Store
    url, key, pem_path, db, csv_path = sys.argv[1:]
    store = Store(db)
    pv = preview(csv_path, month="2021-03", draw_date=dt.date(2021, 4, 5), history=store.history())
    with RandomOrgClient(key, url, public_key_pem=open(pem_path, "rb").read()) as client:
        draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=dt.date(2021, 4, 5))
""")


def test_process_killed_after_the_answer_recovers_the_same_result(tmp_path, standin, client):
    db = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    path = write_csv(tmp_path / "m.csv", {50000: 20, 70000: 0, 100000: 0})
    pem = tmp_path / "standin.pem"
    pem.write_bytes(standin.public_key_pem)
    env = dict(os.environ, PROMOTION_CRASH_AFTER_RANDOM="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, standin.url, standin.api_key, str(pem), db, str(path)],
                          env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 86, proc.stderr
    assert standin.requests.count("generateSignedIntegers") == 1
    store = Store(db)
    assert store.winners() == []
    (serial, _), = standin.results.items()
    pv = preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history())
    record = draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE)
    assert record.tier_draw(50000).serial_number == serial
    assert standin.requests.count("generateSignedIntegers") == 1  # recovered, never asked again
    assert any(e.action == "draw_resumed" for e in store.audit())
    store.close()


def test_live_pending_draw_is_refused_not_resumed(tmp_path, store, client):
    pv = march(tmp_path, store)
    prepare_tier(store, pv, "2021-03", 50000, method="random-org", draw_date=DRAW_DATE, client=client)
    other = Store(store.url)  # another browser session: same process, another store
    with pytest.raises(DrawRefused, match="being drawn"):
        prepare_tier(other, pv, "2021-03", 50000, method="random-org", draw_date=DRAW_DATE, client=client)
    other.close()


def test_carry_over_through_months_with_an_empty_tier(tmp_path, store):
    pv = march(tmp_path, store, counts={50000: 20, 70000: 3, 100000: 0})
    draw_month(store, pv, "2021-03", method="offline", entropy="12", draw_date=DRAW_DATE)
    assert store.history().drawn == {("2021-03", 50000): 15, ("2021-03", 70000): 3, ("2021-03", 100000): 0}
    april = write_csv(tmp_path / "april.csv", {50000: 20, 70000: 20, 100000: 10}, month="2021-04", seed=2)
    pv4 = preview(april, month="2021-04", draw_date=dt.date(2021, 5, 5), history=store.history())
    record = draw_month(store, pv4, "2021-04", method="offline", entropy="34", draw_date=dt.date(2021, 5, 5))
    assert (record.tier_draw(70000).carried_in, record.tier_draw(70000).to_draw) == (5, 13)
    assert (record.tier_draw(100000).carried_in, record.tier_draw(100000).drawn) == (2, 4)
    # a preview built without the database's history is refused
    stale = write_csv(tmp_path / "may.csv", {50000: 1, 70000: 1, 100000: 1}, month="2021-05", seed=3)
    pv5 = preview(stale, month="2021-05", draw_date=dt.date(2021, 6, 5))
    with pytest.raises(DrawRefused, match="carries in"):
        draw_month(store, pv5, "2021-05", method="offline", entropy="x", draw_date=dt.date(2021, 6, 5))


def test_redraw_excludes_earlier_winners_and_carries_over_on_an_empty_pool(tmp_path, store, client):
    pv = march(tmp_path, store, counts={50000: 15, 70000: 8, 100000: 3})
    record = draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE)
    first = record.tier_draw(100000).winners
    with pytest.raises(DrawRefused, match="not forfeited"):
        redraw(store, "2021-03", 100000, 1, reason="forfeited", method="random-org", client=client,
               draw_date=dt.date(2021, 4, 8))
    with pytest.raises(ClaimRefused, match="note"):
        set_claim(store, "2021-03", 100000, 1, "forfeited", today=dt.date(2021, 4, 7))
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="no ID document", today=dt.date(2021, 4, 7))
    d = redraw(store, "2021-03", 100000, 1, reason="forfeited", method="random-org", client=client,
               draw_date=dt.date(2021, 4, 8))
    assert d.pool.size == 1 and d.pool.text.startswith("1,")
    (w,) = d.winners
    assert w.certificate == 1 and w.account not in {x.account for x in first}
    # the remaining pool is empty now: the next re-draw carries the certificate over
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="refused to sign the act", today=dt.date(2021, 4, 9))
    empty = redraw(store, "2021-03", 100000, 1, reason="forfeited", method="random-org", client=client,
                   draw_date=dt.date(2021, 4, 10))
    assert (empty.method, empty.drawn, empty.carry_out, empty.pool.size) == ("none", 0, 1, 0)
    assert store.history().drawn[("2021-03", 100000)] == 1
    with pytest.raises(DrawRefused, match="carried over"):
        redraw(store, "2021-03", 100000, 1, reason="forfeited", method="offline", entropy="1",
               draw_date=dt.date(2021, 4, 11))
    month = store.month_record("2021-03")
    assert len(month.redraws) == 2 and len(month.current_winners) == 25
    assert all(f.ok for f in verify(store, public_key_pem=client.public_key_pem))


def test_claim_deadlines_follow_the_rules_file(tmp_path, store):
    pv = march(tmp_path, store, counts={50000: 16, 70000: 0, 100000: 0})
    draw_month(store, pv, "2021-03", method="offline", entropy="dice 6 6 1", draw_date=DRAW_DATE)
    views = claims(store, "2021-03", today=dt.date(2021, 4, 10))
    assert {v.deadline for v in views} == {dt.date(2021, 4, 19)} and {v.days_left for v in views} == {9}
    set_claim(store, "2021-03", 50000, 2, "contacted", today=dt.date(2021, 4, 19))
    set_claim(store, "2021-03", 50000, 2, "claimed", certificate_serial="CH-0001", today=dt.date(2021, 4, 25))
    with pytest.raises(ClaimRefused, match="passed without contact"):
        set_claim(store, "2021-03", 50000, 3, "contacted", today=dt.date(2021, 4, 20))
    with pytest.raises(DrawRefused, match="deadline"):
        redraw(store, "2021-03", 50000, 1, reason="unclaimed", method="offline", entropy="x",
               draw_date=dt.date(2021, 4, 19))
    late = {v.winner.certificate: v for v in claims(store, "2021-03", today=dt.date(2021, 4, 20))}
    assert late[1].status == "unclaimed" and late[1].days_left == -1 and late[2].status == "claimed"
    d = redraw(store, "2021-03", 50000, 1, reason="unclaimed", method="offline", entropy="x",
               draw_date=dt.date(2021, 4, 20))
    assert d.winners[0].deadline == dt.date(2021, 5, 4)
    old = [w for w in store.winners("2021-03") if w.certificate == 1 and w.denomination == 50000 and not w.current]
    assert old and old[0].status == "unclaimed"
    assert [e.payload["to"] for e in store.audit() if e.action == "claim"] == ["contacted", "claimed"]
    assert all(f.ok for f in verify(store))


def _tampered(tmp_path, store, sql):
    store.close()
    con = sqlite3.connect(store.url.removeprefix("sqlite:///"))
    con.execute(sql)
    con.commit()
    con.close()
    return {f.name: f for f in verify(Store(store.url)) if not f.ok}


@pytest.mark.parametrize("sql, caught", [
    ("UPDATE winners SET account = '123456789' WHERE id = 3", "winners"),
    ("UPDATE pools SET text = substr(text, instr(text, char(10)) + 1) WHERE id = 1", "hash"),
    ("DELETE FROM audit WHERE seq = 2", "audit chain"),
    ("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)", "audit matches"),
    ("UPDATE audit SET actor = 'someone else' WHERE seq = 1", "audit chain"),
    ("UPDATE winners SET status = 'claimed' WHERE id = 1", "audit matches"),
])
def test_verify_catches_tampering(tmp_path, store, sql, caught):
    pv = march(tmp_path, store, counts={50000: 20, 70000: 0, 100000: 0})
    draw_month(store, pv, "2021-03", method="offline", entropy="777", draw_date=DRAW_DATE)
    assert all(f.ok for f in verify(store))
    failed = _tampered(tmp_path, store, sql)
    assert any(caught in name for name in failed), failed


def test_rehearsals_are_marked_repeatable_and_never_count(tmp_path, store, client):
    pv = march(tmp_path, store)
    for _ in range(2):
        r = draw_month(store, pv, "2021-03", method="random-org", client=client, draw_date=DRAW_DATE, rehearsal=True)
        assert r.rehearsal and all(d.rehearsal for d in r.draws)
    assert store.months() == [] and store.history().participated == {} and store.winners() == []
    with pytest.raises(NotDrawn):
        store.month_record("2021-03")
    assert store.month_record("2021-03", rehearsal=True).protocol_number.startswith("R-")
    official = draw_month(store, pv, "2021-03", method="offline", entropy="5", draw_date=DRAW_DATE)
    assert not official.rehearsal and store.months() == ["2021-03"]
    # rehearsal signatures are checked with the stand-in key stored alongside
    assert all(f.ok for f in verify(store))


# --------------------------------------------------------------------------- stale previews


def test_a_preview_built_for_another_draw_date_is_refused(tmp_path, store):
    stale = preview(write_csv(tmp_path / "march.csv", {50000: 5}), month="2021-03",
                    draw_date=DRAW_DATE - dt.timedelta(days=3), history=store.history())
    with pytest.raises(DrawRefused, match="built for the draw date"):
        prepare_tier(store, stale, "2021-03", 50000, method="offline", draw_date=DRAW_DATE)
    assert store.all_draws() == []


def test_a_preview_without_stored_history_is_refused(tmp_path, store):
    # March is drawn; April's file repeats March's clients. Without the database's
    # history they look eligible again, which RULES.md reason 9 forbids.
    path = write_csv(tmp_path / "march.csv", {50000: 5})
    draw_month(store, preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history()), "2021-03",
               method="offline", entropy="1 2 3", draw_date=DRAW_DATE)
    april = write_csv(tmp_path / "april.csv", {50000: 5}, month="2021-04")  # same seed: same clients
    april_date = DRAW_DATE + dt.timedelta(days=30)
    blind = preview(april, month="2021-04", draw_date=april_date)
    assert len(blind.pool("2021-04", 50000)) == 5
    with pytest.raises(DrawRefused, match="already took part"):
        prepare_tier(store, blind, "2021-04", 50000, method="offline", draw_date=april_date)
    aware = preview(april, month="2021-04", draw_date=april_date, history=store.history())
    assert aware.pool("2021-04", 50000) == []


def test_claim_window_boundaries_live_in_one_place():
    """Clause 12: the deadline day itself is still in the window; the day after, an uncontacted
    winner is unclaimed and late; a contacted one past the deadline is late; a closed claim never is."""
    from engine.draw import claim_view
    from engine.records import WinnerRecord

    deadline = dt.date(2021, 4, 19)

    def view(status, today):
        w = WinnerRecord(id=1, draw_id=1, month="2021-03", denomination=50000, certificate=1, ordinal=1,
                         account="1", client_id="1", client_name="", status=status,
                         status_changed_at=dt.datetime(2021, 4, 5, tzinfo=dt.UTC), deadline=deadline)
        return claim_view(w, today)

    on_the_day = view("drawn", deadline)
    assert (on_the_day.status, on_the_day.days_left, on_the_day.late, on_the_day.is_open) == ("drawn", 0, False, True)
    after = view("drawn", deadline + dt.timedelta(days=1))
    assert (after.status, after.days_left, after.late, after.reason) == ("unclaimed", -1, True, "unclaimed")
    assert view("contacted", deadline + dt.timedelta(days=1)).late
    assert not view("claimed", deadline + dt.timedelta(days=30)).late
    assert view("forfeited", deadline).reason == "forfeited"
