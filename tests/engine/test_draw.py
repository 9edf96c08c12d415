"""The draw with real parts: a SQLite file, the loopback RANDOM.ORG stand-in, real spreadsheets.

Also holds the small helpers (participant CSVs with valid IINs) the other draw tests import.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.claims import ClaimRefused, set_claim
from engine.draw import (
    DrawFailed,
    DrawOccasion,
    draw_month,
    execute_tier,
    prepare_tier,
    redraw,
)
from engine.ids import is_valid
from engine.preview import preview
from engine.randomorg import RandomOrgClient, SignedRequest, SignedResult, answer_mismatches
from engine.records import Participant
from engine.standin import StandIn
from engine.store import DrawRefused, NotDrawn, Store
from engine.verify import verify
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


def write_csv(
    path: Path, counts: dict[int, int], month: str = "2021-03", seed: int = 1, shuffle_seed: int | None = None
) -> Path:
    """A participant file: counts[denomination] eligible IEs connected in `month`."""
    rng = random.Random(seed)
    rows = []
    i = 0
    for den, n in counts.items():
        for _ in range(n):
            i += 1
            rows.append(
                [
                    f"{rng.randrange(10**8, 10**9)}",
                    valid_iin(rng),
                    f"Client {i}",
                    "IE",
                    f"{month}-{i % 28 + 1:02d}",
                    FEES[den],
                    "yes",
                    f"+7 700 000 {i:04d}",
                    "Almaty",
                ]
            )
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Account",
                "BIN/IIN",
                "Client name",
                "Client type",
                "Connection date",
                "Monthly fee",
                "New client",
                "Phone",
                "Region",
            ]
        )
        w.writerows(rows)
    return path


def participant(account: str, client_id: str, den: int = 50000, month: str = "2021-03") -> Participant:
    return Participant(
        row=2,
        account=account,
        client_id=client_id,
        client_name=f"N {account}",
        client_type="IE",
        month=month,
        denomination=den,
        monthly_fee=7000.0,
    )


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


# --------------------------------------------------------------------------- draws


def test_random_org_draw_winners_are_the_signed_numbers_in_order(tmp_path, store, standin, client):
    pv = march(tmp_path, store)
    events = []
    record = draw_month(
        store,
        pv,
        DrawOccasion("2021-03", DRAW_DATE, "random-org"),
        client=client,
        on_step=lambda e, info: events.append(e),
    )
    assert [d.denomination for d in record.draws] == [50000, 70000, 100000]
    for d in record.draws:
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
        record = draw_month(s, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy=" 3 1 4 1 5 9 2 6 ")
        results.append([(d.pool.sha256, [(w.certificate, w.account) for w in d.winners]) for d in record.draws])
        d = record.tier_draw(50000)
        assert d.entropy == "3 1 4 1 5 9 2 6" and d.method == "offline" and not d.signed_random
        assert [w.ordinal for w in d.winners] == rfc3797(d.pool.sha256, "3 1 4 1 5 9 2 6", 30, 15)
        assert record.tier_draw(100000).method == "none" and record.tier_draw(100000).carry_out == 2
        assert all(f.ok for f in verify(s))
        s.close()
    assert results[0] == results[1]


def test_an_occasion_names_a_known_method():
    """A draw is by RANDOM.ORG or by the offline method; anything else is refused before a store is touched."""
    assert DrawOccasion("2021-03", DRAW_DATE, "offline").rehearsal is False
    for method in ("random-org", "offline"):
        assert DrawOccasion("2021-03", DRAW_DATE, method, place="Astana").method == method
    with pytest.raises(ValueError, match="unknown method 'dice'"):
        DrawOccasion("2021-03", DRAW_DATE, "dice")
    with pytest.raises(ValueError, match="unknown method 'none'"):
        DrawOccasion("2021-03", DRAW_DATE, "none")  # an empty tier's method, never asked for


def test_second_draw_of_a_month_is_refused_and_changes_nothing(tmp_path, store, client):
    pv = march(tmp_path, store)
    draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    before = (store.audit(), store.winners())
    with pytest.raises(DrawRefused, match="already drawn"):
        draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="x")
    with pytest.raises(DrawRefused, match="already drawn"):
        prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    assert (store.audit(), store.winners()) == before


# A bad signature blocks the tier instead (integrity rule 5): tests/engine/test_integrity.py.
# generates: how many generateSignedIntegers requests the failed attempt and the month's three
# tiers make in all. Only after a timeout did RANDOM.ORG draw numbers for the failed attempt: the
# next attempt recovers them through the ticket and asks for none; the others drew nothing.
@pytest.mark.parametrize("mode, generates", [("allowance", 4), ("timeout", 3), ("drop_before", 4), ("server_error", 4)])
def test_failures_store_nothing_and_leave_the_month_drawable(tmp_path, store, standin, client, mode, generates):
    pv = march(tmp_path, store)
    d = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    standin.mode = mode
    with pytest.raises(DrawFailed) as err:
        execute_tier(store, d.id, client=client)
    assert err.value.kind in {"allowance", "timeout", "unreachable", "server_error"}
    assert done_draws(store) == [] and store.winners() == []
    failures = [e for e in store.audit() if e.action == "draw_failed"]
    assert failures and failures[-1].payload["kind"] == err.value.kind
    standin.mode = "ok"
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    assert record.tier_draw(50000).drawn == 15
    # one set of numbers per tier, never a second one: RANDOM.ORG drew exactly three results, and
    # they are the three the tiers used
    assert sorted(standin.results) == sorted(d.serial_number for d in record.draws) and len(standin.results) == 3
    assert standin.requests.count("generateSignedIntegers") == generates
    assert all(f.ok for f in verify(store, public_key_pem=standin.public_key_pem))


def test_answer_lost_in_transit_is_recovered_through_the_ticket(tmp_path, store, standin, client):
    pv = march(tmp_path, store, counts={50000: 20, 70000: 0, 100000: 0})
    d = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    standin.mode = "drop"  # RANDOM.ORG drew and stored the result; we never heard it
    with pytest.raises(DrawFailed):
        execute_tier(store, d.id, client=client)
    assert store.winners() == []
    ((serial, signed_text),) = standin.results.items()
    standin.mode = "ok"
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    d = record.tier_draw(50000)
    assert d.serial_number == serial and d.signed_random == signed_text
    assert standin.requests.count("generateSignedIntegers") == 1


# The process dies (os._exit: no cleanup, no exception handler runs) the moment the engine reports
# the signed answer received and checked, before any winner is stored. The hook is the test's own
# on_step callback: production code has none.
CRASH_SCRIPT = textwrap.dedent("""
    import datetime as dt, os, sys
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.randomorg import RandomOrgClient
    from engine.store import Store

    def die_after_the_answer(event, info):
        if event == "signature_verified":
            os._exit(86)

    url, key, pem_path, db, csv_path = sys.argv[1:]
    store = Store(db)
    pv = preview(csv_path, month="2021-03", draw_date=dt.date(2021, 4, 5), history=store.history())
    with RandomOrgClient(key, url, public_key_pem=open(pem_path, "rb").read()) as client:
        draw_month(store, pv, DrawOccasion("2021-03", dt.date(2021, 4, 5), "random-org"), client=client,
                   on_step=die_after_the_answer)
""")


def test_process_killed_after_the_answer_recovers_the_same_result(tmp_path, standin, client):
    db = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    path = write_csv(tmp_path / "m.csv", {50000: 20, 70000: 0, 100000: 0})
    pem = tmp_path / "standin.pem"
    pem.write_bytes(standin.public_key_pem)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, standin.url, standin.api_key, str(pem), db, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 86, proc.stderr
    assert standin.requests.count("generateSignedIntegers") == 1
    store = Store(db)
    assert store.winners() == [] and done_draws(store) == []  # died before anything was stored
    pending = store.pending_draw("2021-03", 50000)  # what is kept: the ticket the answer was drawn with
    assert pending is not None and standin.tickets[pending.ticket_id]["serialNumber"] is not None
    ((serial, _),) = standin.results.items()
    pv = preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history())
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    assert record.tier_draw(50000).serial_number == serial
    assert standin.requests.count("generateSignedIntegers") == 1  # recovered, never asked again
    assert any(e.action == "draw_resumed" for e in store.audit())
    store.close()


def test_live_pending_draw_is_refused_not_resumed(tmp_path, store, client):
    pv = march(tmp_path, store)
    prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    other = Store(store.url)  # another browser session: same process, another store
    with pytest.raises(DrawRefused, match="being drawn"):
        prepare_tier(other, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    other.close()


def test_carry_over_through_months_with_an_empty_tier(tmp_path, store):
    pv = march(tmp_path, store, counts={50000: 20, 70000: 3, 100000: 0})
    draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="12")
    assert store.history().drawn == {("2021-03", 50000): 15, ("2021-03", 70000): 3, ("2021-03", 100000): 0}
    april = write_csv(tmp_path / "april.csv", {50000: 20, 70000: 20, 100000: 10}, month="2021-04", seed=2)
    pv4 = preview(april, month="2021-04", draw_date=dt.date(2021, 5, 5), history=store.history())
    record = draw_month(store, pv4, DrawOccasion("2021-04", dt.date(2021, 5, 5), "offline"), entropy="34")
    assert (record.tier_draw(70000).carried_in, record.tier_draw(70000).to_draw) == (5, 13)
    assert (record.tier_draw(100000).carried_in, record.tier_draw(100000).drawn) == (2, 4)
    # a preview built without the database's history is refused
    stale = write_csv(tmp_path / "may.csv", {50000: 1, 70000: 1, 100000: 1}, month="2021-05", seed=3)
    pv5 = preview(stale, month="2021-05", draw_date=dt.date(2021, 6, 5))
    with pytest.raises(DrawRefused, match="carries in"):
        draw_month(store, pv5, DrawOccasion("2021-05", dt.date(2021, 6, 5), "offline"), entropy="x")


def test_redraw_excludes_earlier_winners_and_carries_over_on_an_empty_pool(tmp_path, store, client):
    pv = march(tmp_path, store, counts={50000: 15, 70000: 8, 100000: 3})
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    first = record.tier_draw(100000).winners
    with pytest.raises(DrawRefused, match="not forfeited"):
        redraw(
            store,
            DrawOccasion("2021-03", dt.date(2021, 4, 8), "random-org"),
            100000,
            1,
            reason="forfeited",
            client=client,
        )
    with pytest.raises(ClaimRefused, match="note"):
        set_claim(store, "2021-03", 100000, 1, "forfeited", today=dt.date(2021, 4, 7))
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="no ID document", today=dt.date(2021, 4, 7))
    d = redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 8), "random-org"), 100000, 1, reason="forfeited", client=client
    )
    assert d.pool.size == 1 and d.pool.text.startswith("1,")
    (w,) = d.winners
    assert w.certificate == 1 and w.account not in {x.account for x in first}
    # the remaining pool is empty now: the next re-draw carries the certificate over
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="refused to sign the act", today=dt.date(2021, 4, 9))
    empty = redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 10), "random-org"), 100000, 1, reason="forfeited", client=client
    )
    assert (empty.method, empty.drawn, empty.carry_out, empty.pool.size) == ("none", 0, 1, 0)
    assert store.history().drawn[("2021-03", 100000)] == 1
    with pytest.raises(DrawRefused, match="carried over"):
        redraw(
            store, DrawOccasion("2021-03", dt.date(2021, 4, 11), "offline"), 100000, 1, reason="forfeited", entropy="1"
        )
    month = store.month_record("2021-03")
    assert len(month.redraws) == 2 and len(month.current_winners) == 25
    assert all(f.ok for f in verify(store, public_key_pem=client.public_key_pem))


def test_rehearsals_are_marked_repeatable_and_never_count(tmp_path, store, client):
    pv = march(tmp_path, store)
    for _ in range(2):
        r = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org", rehearsal=True), client=client)
        assert r.rehearsal and all(d.rehearsal for d in r.draws)
    assert store.months() == [] and store.history().participated == {} and store.winners() == []
    with pytest.raises(NotDrawn):
        store.month_record("2021-03")
    assert store.month_record("2021-03", rehearsal=True).protocol_number.startswith("R-")
    official = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="5")
    assert not official.rehearsal and store.months() == ["2021-03"]
    # rehearsal signatures are checked with the stand-in key stored alongside
    assert all(f.ok for f in verify(store))


# --------------------------------------------------------------------------- stale previews


def test_a_preview_built_for_another_draw_date_is_refused(tmp_path, store):
    stale = preview(
        write_csv(tmp_path / "march.csv", {50000: 5}),
        month="2021-03",
        draw_date=DRAW_DATE - dt.timedelta(days=3),
        history=store.history(),
    )
    with pytest.raises(DrawRefused, match="built for the draw date"):
        prepare_tier(store, stale, DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    assert store.all_draws() == []


def test_a_preview_without_stored_history_is_refused(tmp_path, store):
    # March is drawn; April's file repeats March's clients. Without the database's
    # history they look eligible again, which RULES.md reason 9 forbids.
    path = write_csv(tmp_path / "march.csv", {50000: 5})
    draw_month(
        store,
        preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history()),
        DrawOccasion("2021-03", DRAW_DATE, "offline"),
        entropy="1 2 3",
    )
    april = write_csv(tmp_path / "april.csv", {50000: 5}, month="2021-04")  # same seed: same clients
    april_date = DRAW_DATE + dt.timedelta(days=30)
    blind = preview(april, month="2021-04", draw_date=april_date)
    assert len(blind.pool("2021-04", 50000)) == 5
    with pytest.raises(DrawRefused, match="already took part"):
        prepare_tier(store, blind, DrawOccasion("2021-04", april_date, "offline"), 50000)
    aware = preview(april, month="2021-04", draw_date=april_date, history=store.history())
    assert aware.pool("2021-04", 50000) == []


# --------------------------------------------------------------------------- binding (RULES.md step 2)


def test_a_signed_result_answers_its_request_in_every_part():
    """`answer_mismatches` names each part of a signed result that differs from what the draw asked:
    the one check the draw, `abandon` and `verify` all use."""
    request = SignedRequest.of("2021-03", 50000, "a" * 64, 20, 3, "ticket-1", certificate=None)
    answer = {
        "method": "generateSignedIntegers",
        "n": 3,
        "min": 1,
        "max": 20,
        "replacement": False,
        "base": 10,
        "data": [20, 1, 7],
        "userData": {"month": "2021-03", "denomination": 50000, "pool_sha256": "a" * 64},
        "ticketData": {"ticketId": "ticket-1"},
        "serialNumber": 5,
    }

    def mismatches(**changes):
        return answer_mismatches(SignedResult.from_parts(json.dumps({**answer, **changes}), "sig"), request)

    assert mismatches() == []
    assert mismatches(userData={**answer["userData"], "pool_sha256": "b" * 64}) == ["userData"]
    assert mismatches(userData={**answer["userData"], "certificate": 1}) == ["userData"]  # a re-draw's answer
    assert mismatches(n=2, data=[1, 2]) == ["n", "data"]
    assert mismatches(min=0) == ["min"] and mismatches(max=21) == ["max"]
    assert mismatches(replacement=True) == ["replacement"]
    assert mismatches(data=[1, 1, 2]) == ["data"] and mismatches(data=[1, 2, 21]) == ["data"]
    assert mismatches(data=[1, 2]) == ["data"]
    assert mismatches(ticketData={"ticketId": "ticket-2"}) == ["ticket"] and mismatches(ticketData=None) == ["ticket"]
    redraw_request = SignedRequest.of("2021-03", 50000, "a" * 64, 20, 3, "ticket-1", certificate=4)
    assert redraw_request.user_data["certificate"] == 4
    no_ticket = SignedRequest.of("2021-03", 50000, "a" * 64, 20, 3, None)
    assert answer_mismatches(SignedResult.from_parts(json.dumps({**answer, "ticketData": None}), "sig"), no_ticket) == [
        "ticket"
    ]  # a draw always asks on its ticket
