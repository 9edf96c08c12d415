"""RULES.md "Integrity": each attack an adversarial insider tried, performed for real against a
SQLite file (and the loopback RANDOM.ORG stand-in), and shown to be refused or caught by name.

The database is edited with plain SQL, as someone with access to the file would; where the
attacker also rewrites the audit record, the chain is recomputed so that it is itself consistent
(the attacker knows the hashing), and the other checks must still see the change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy

from engine.claims import awaiting_redraw, set_claim
from engine.draw import (
    DrawFailed,
    DrawOccasion,
    abandon_ticket,
    blocked_draw,
    draw_month,
    execute_tier,
    prepare_redraw,
    prepare_tier,
    redraw,
)
from engine.offline import offline_select
from engine.preview import preview
from engine.records import CommissionMember
from engine.rules import load_rules
from engine.standin import PRODUCTION_LICENSE
from engine.store import (
    GENESIS_SHA256,
    DrawRefused,
    Store,
    WinnerInput,
    audit_sha256,
    canonical_json,
)
from engine.verify import verify
from tests.engine.helpers import edit_chunk, release1_copy, set_member
from tests.engine.test_draw import DRAW_DATE, client, standin, write_csv  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "promotion.sqlite"


@pytest.fixture
def store(db_path):
    s = Store(f"sqlite:///{db_path}")
    yield s
    s.close()


def month_preview(tmp_path, store, month="2021-03", counts=None, draw_date=DRAW_DATE, seed=1):
    path = write_csv(tmp_path / f"{month}.csv", counts or {50000: 20, 70000: 10, 100000: 3}, month=month, seed=seed)
    return preview(path, month=month, draw_date=draw_date, history=store.history())


def offline_march(tmp_path, store, **kw):
    return draw_month(
        store,
        month_preview(tmp_path, store),
        DrawOccasion("2021-03", DRAW_DATE, "offline", place="Astana"),
        entropy="3 1 4 1 5",
        **kw,
    )


def sql(db_path, *statements: str, params: tuple = ()) -> None:
    con = sqlite3.connect(db_path)
    try:
        for st in statements:
            con.execute(st, params) if params else con.execute(st)
        con.commit()
    finally:
        con.close()


def apply_edit(db_path, edit) -> None:
    """An edit is SQL or a function of the database path (a chunk rewritten)."""
    edit(db_path) if callable(edit) else sql(db_path, edit)


def rewrite_audit(db_path, change) -> None:
    """Edit audit payloads with `change(action, payload) -> payload | None` and recompute the whole
    chain, as an insider who knows the hashing would: the chain check alone then sees nothing."""
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute("SELECT seq, at, action, actor, payload FROM audit ORDER BY seq").fetchall()
        prev = GENESIS_SHA256
        con.execute("UPDATE audit SET prev_sha256 = 'x' || seq, sha256 = 'y' || seq")  # free the UNIQUE values
        for seq, at, action, actor, payload in rows:
            p = json.loads(payload)
            p = change(action, p) or p
            when = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
            digest = audit_sha256(prev, seq, when, action, actor, p)
            con.execute(
                "UPDATE audit SET payload = ?, prev_sha256 = ?, sha256 = ? WHERE seq = ?",
                (canonical_json(p), prev, digest, seq),
            )
            prev = digest
        con.commit()
    finally:
        con.close()


def failed(findings, code: str) -> list:
    return [f for f in findings if f.code == code and not f.ok]


def all_ok(findings) -> bool:
    return all(f.ok for f in findings)


def cli(*args: str, env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        env=full,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


# --------------------------------------------------------------------------- rule 7: verify looks both ways


def test_an_honest_month_verifies(tmp_path, store):
    offline_march(tmp_path, store)
    findings = verify(store)
    assert all_ok(findings), [f for f in findings if not f.ok]
    codes = {f.code for f in findings}
    assert {"relabelled", "field_hash", "entropy", "months_order", "audit_chain"} <= codes
    assert not [f for f in findings if f.code == "not_covered"]  # everything written today is covered


def test_deleting_a_whole_draw_is_caught_and_the_tier_is_not_drawn_again(tmp_path, store, db_path):
    offline_march(tmp_path, store)
    sql(
        db_path,
        "DELETE FROM winners WHERE draw_id = 1",
        "DELETE FROM draws WHERE id = 1",
        "DELETE FROM pools WHERE id = 1",
    )
    bad = failed(verify(store), "draw_missing")
    assert bad and "#1 2021-03 50000" in bad[0].name and "deleted" in bad[0].detail
    with pytest.raises(DrawRefused) as err:
        prepare_tier(store, month_preview(tmp_path, store), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    assert err.value.code == "draw_missing"


def test_a_second_completed_draw_of_a_tier_is_caught(tmp_path, store, db_path):
    """An insider with the code deletes the draw and stores another one through the store itself."""
    offline_march(tmp_path, store)
    sql(db_path, "DELETE FROM winners WHERE draw_id = 3", "DELETE FROM draws WHERE id = 3")
    pool_text = "1,1,950101300012,100000\n"
    d, _ = store.claim_draw(
        month="2021-03",
        denomination=100000,
        kind="draw",
        method="offline",
        rehearsal=False,
        run=0,
        quota=2,
        carried_in=0,
        to_draw=2,
        draw_date=DRAW_DATE,
        place="",
        pool_text=pool_text,
        pool_sha256=__import__("hashlib").sha256(pool_text.encode()).hexdigest(),
        pool_size=1,
        pool_details="[]",
    )
    store.record_entropy(d.id, "chosen")
    store.finish_draw(
        d.id, [WinnerInput(1, 1, "1", "950101300012")], deadline=DRAW_DATE, method="offline", entropy="chosen"
    )
    twice = failed(verify(store), "drawn_twice")
    assert twice and "2021-03 100000" in twice[0].name and "#3" in twice[0].detail


@pytest.mark.parametrize("change", ["official_to_rehearsal", "done_to_failed"])
def test_relabelling_an_official_draw_is_caught(tmp_path, store, db_path, change):
    offline_march(tmp_path, store)
    if change == "official_to_rehearsal":
        sql(
            db_path,
            "UPDATE draws SET rehearsal = 1, slot = 'rehearsal-1' WHERE id = 2",
            "UPDATE winners SET rehearsal = 1 WHERE draw_id = 2",
            "UPDATE pools SET rehearsal = 1 WHERE id = 2",
        )
        expected = "official → rehearsal"
    else:
        sql(db_path, "UPDATE draws SET status = 'failed', slot = 'failed-2' WHERE id = 2")
        expected = "done → failed"
    bad = failed(verify(store), "relabelled")
    assert bad and "#2 2021-03 70000" in bad[0].name and expected in bad[0].detail
    with pytest.raises(DrawRefused):  # and the tier is not drawn again
        prepare_tier(store, month_preview(tmp_path, store), DrawOccasion("2021-03", DRAW_DATE, "offline"), 70000)


def test_relabelling_a_rehearsal_as_official_is_caught(tmp_path, store, db_path):
    draw_month(
        store,
        month_preview(tmp_path, store),
        DrawOccasion("2021-03", DRAW_DATE, "offline", rehearsal=True),
        entropy="1",
    )
    sql(
        db_path,
        "UPDATE draws SET rehearsal = 0, slot = 'official' WHERE id = 1",
        "UPDATE winners SET rehearsal = 0 WHERE draw_id = 1",
    )
    bad = failed(verify(store), "relabelled")
    assert bad and "rehearsal → official" in bad[0].detail


def test_relabelling_a_failed_draw_as_done_is_caught(tmp_path, store, db_path, standin, client):
    pv = month_preview(tmp_path, store)
    d = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    standin.mode = "allowance"
    with pytest.raises(DrawFailed):
        execute_tier(store, d.id, client=client)
    sql(db_path, f"UPDATE draws SET status = 'done', slot = 'official' WHERE id = {d.id}")
    findings = verify(store)
    assert any("failed → done" in f.detail for f in failed(findings, "relabelled"))


def test_a_second_signed_result_substituted_is_caught_by_its_ticket(tmp_path, store, db_path, standin, client):
    record = draw_month(
        store, month_preview(tmp_path, store), DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client
    )
    assert all_ok(verify(store, public_key_pem=standin.public_key_pem))
    d = record.tier_draw(100000)
    # Another genuine signed result with the very same userData, drawn later without the ticket.
    other = client.generate_signed_integers(
        2, 1, d.pool.size, user_data={"month": "2021-03", "denomination": 100000, "pool_sha256": d.pool.sha256}
    )
    lines = d.pool.text.splitlines()
    new_winners = [[i + 1, o, lines[o - 1].split(",")[1], lines[o - 1].split(",")[2]] for i, o in enumerate(other.data)]
    con = sqlite3.connect(db_path)
    con.execute(
        "UPDATE draws SET signed_random = ?, serial_number = ? WHERE id = ?",
        (other.response_text, other.serial_number, d.id),
    )
    for cert, ordinal, account, client_id in new_winners:
        con.execute(
            "UPDATE winners SET ordinal = ?, account = ?, client_id = ? WHERE draw_id = ? AND certificate = ?",
            (ordinal, account, client_id, d.id, cert),
        )
    con.commit()
    con.close()
    rewrite_audit(
        db_path,
        lambda action, p: (
            {**p, "winners": new_winners, "serial_number": other.serial_number}
            if action == "draw_done" and p.get("draw_id") == d.id
            else None
        ),
    )
    findings = verify(store, public_key_pem=standin.public_key_pem)
    assert [f for f in findings if f.code == "audit_chain"][0].ok  # the chain itself was made consistent
    ticket = failed(findings, "ticket")
    assert ticket and f"#{d.id} 2021-03 100000" in ticket[0].name and d.ticket_id in ticket[0].detail
    assert failed(findings, "binding")  # the ticket inside the result is not the draw's


PRINTED_FIELD_EDITS = {
    "winner name": "UPDATE winners SET client_name = 'Someone Else' WHERE id = 1",
    "winner phone": "UPDATE winners SET phone = '+7 777 000 0000' WHERE id = 1",
    "winner region": "UPDATE winners SET region = 'Elsewhere' WHERE id = 1",
    "pool member name": set_member(1, 4, client_name="Cl1ent"),
    "pool member phone": set_member(2, 1, phone="+7 777 000 0000"),
    "pool member region": set_member(3, 1, every=True, region="Elsewhere"),
    "commission member": "UPDATE commission_members SET name = 'Not There' WHERE position_index = 0",
    "place of the sitting": "UPDATE month_sessions SET place = 'Elsewhere' WHERE slot = 'official'",
    "draw date of the sitting": "UPDATE month_sessions SET draw_date = '2021-04-06' WHERE slot = 'official'",
    "protocol number": "UPDATE month_sessions SET protocol_number = '99' WHERE slot = 'official'",
    "place of a draw": "UPDATE draws SET place = 'Elsewhere' WHERE id = 1",
    "import file name": "UPDATE imports SET file_name = 'other.csv' WHERE id = 1",
    "import row count": "UPDATE imports SET rows_data = rows_data + 1 WHERE id = 1",
    "claim note": "UPDATE winners SET note = 'changed' WHERE id = 2",
    "handed-over certificate number": "UPDATE winners SET certificate_serial = 'CM-0' WHERE id = 2",
}


@pytest.mark.parametrize("field", sorted(PRINTED_FIELD_EDITS))
def test_editing_a_printed_field_is_caught(tmp_path, store, db_path, field):
    offline_march(tmp_path, store, commission=[CommissionMember("chair", "A. Chair", "Director")], protocol_number="3")
    set_claim(store, "2021-03", 50000, 2, "contacted", note="called", today=DRAW_DATE)
    set_claim(store, "2021-03", 50000, 2, "claimed", certificate_serial="CM-123", today=DRAW_DATE)
    assert all_ok(verify(store))
    apply_edit(db_path, PRINTED_FIELD_EDITS[field])
    assert failed(verify(store), "field_hash"), field


def test_changing_who_entered_the_entropy_is_caught(tmp_path, store, db_path):
    offline_march(tmp_path, store)
    sql(db_path, "UPDATE draws SET entropy_by = 'someone else' WHERE id = 1")
    bad = failed(verify(store), "entropy")
    assert bad and "#1 2021-03 50000" in bad[0].name


def test_editing_a_pool_member_chunk_cannot_change_a_winner(tmp_path, store, db_path):
    """The draw names its winners from the stored members, read from their chunks only: an insider
    who rewrites a chunk to put their own account on a winning ordinal between the freeze and the
    draw gains nothing. The member is checked against the hashed pool text, the winner comes from
    the text, and verify names the edit."""
    d = prepare_tier(store, month_preview(tmp_path, store), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    entropy = "3 1 4 1 5"
    first = offline_select(d.pool.sha256, entropy, d.pool.size, min(d.to_draw, d.pool.size))[0]
    set_member(d.pool.id, first, account="INSIDER", client_id="999999999999")(db_path)
    done = execute_tier(store, d.id, entropy=entropy)
    line = d.pool.text.splitlines()[first - 1].split(",")
    assert (done.winners[0].ordinal, done.winners[0].account, done.winners[0].client_id) == (first, line[1], line[2])
    assert "INSIDER" not in {w.account for w in done.winners}
    bad = failed(verify(store), "pool")
    assert bad and bad[0].name.startswith(f"pool #{d.pool.id} ") and "stored members" in bad[0].detail


MEMBER_CHUNK_EDITS = {
    "account of a member": set_member(1, 5, account=lambda a: a + "1"),
    "client id of a member": set_member(2, 1, client_id="870412450038"),
    "two members swapped": lambda db: edit_chunk(db, 1, 2, lambda rows, i: rows.insert(i + 1, rows.pop(i))),
    "a member deleted": lambda db: edit_chunk(db, 1, 20, lambda rows, i: rows.pop(i)),
    "a member added": lambda db: edit_chunk(
        db,
        3,
        1,
        lambda rows, i: rows.append(
            dict(account="999", client_id="870412450038", client_name="X", phone="", region="")
        ),
    ),
    "a chunk renumbered": "UPDATE pool_member_chunks SET first_ordinal = 2 WHERE pool_id = 3",
    "a chunk deleted": "DELETE FROM pool_member_chunks WHERE pool_id = 2",
    "a chunk's bytes cut short": "UPDATE pool_member_chunks SET data = substr(data, 1, 200) WHERE pool_id = 1",
    "a chunk's bytes replaced by text": "UPDATE pool_member_chunks SET data = 'not arrow' WHERE pool_id = 2",
    "a chunk of another pool": "UPDATE pool_member_chunks SET data = (SELECT data FROM pool_member_chunks "
    "WHERE pool_id = 2) WHERE pool_id = 3",
}


@pytest.mark.parametrize("edit", sorted(MEMBER_CHUNK_EDITS))
def test_editing_the_member_chunks_of_a_drawn_pool_is_caught(tmp_path, store, db_path, edit):
    offline_march(tmp_path, store)
    assert all_ok(verify(store))
    apply_edit(db_path, MEMBER_CHUNK_EDITS[edit])
    bad = failed(verify(store), "pool")
    assert bad and "stored members" in bad[0].detail, edit


PARTICIPATION_EDITS = {
    # a client of March would take part again in April (RULES.md reason 9)
    "deleted": ("DELETE FROM participations WHERE client_id = (SELECT min(client_id) FROM participations)", "missing"),
    # a client kept out of every later month though never in a pool
    "added": ("INSERT INTO participations VALUES ('870412450038', '2021-03', 1)", "in no official pool"),
    "moved": (
        "UPDATE participations SET month = '2021-04' WHERE client_id = (SELECT max(client_id) FROM participations)",
        "another month",
    ),
}


@pytest.mark.parametrize("edit", sorted(PARTICIPATION_EDITS))
def test_editing_the_participations_is_caught(tmp_path, store, db_path, edit):
    offline_march(tmp_path, store)
    statement, words = PARTICIPATION_EDITS[edit]
    sql(db_path, statement)
    bad = [f for f in failed(verify(store), "pool") if f.name.startswith("participations")]
    assert bad and words in bad[0].detail


def test_a_redraw_from_changed_member_chunks_is_refused(tmp_path, store, db_path):
    offline_march(tmp_path, store)
    set_claim(store, "2021-03", 50000, 1, "forfeited", note="no ID", today=DRAW_DATE)
    set_member(1, 7, client_id="870412450038")(db_path)
    with pytest.raises(DrawRefused) as err:
        prepare_redraw(store, DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000, 1, reason="forfeited")
    assert err.value.code == "pool_members_changed"
    assert [d for d in store.all_draws(include_failed=True) if d.kind == "redraw"] == []


# --------------------------------------------------------------------------- rules 1 and 2: order and date


def test_months_out_of_order_are_refused_and_nothing_is_stored(tmp_path, store):
    april = month_preview(tmp_path, store, month="2021-04", draw_date=dt.date(2021, 5, 5))
    with pytest.raises(DrawRefused) as err:
        draw_month(store, april, DrawOccasion("2021-04", dt.date(2021, 5, 5), "offline", place="Astana"), entropy="1")
    assert err.value.code == "months_out_of_order" and err.value.params["first_undrawn"] == "2021-03"
    assert "2021-03 comes first" in str(err.value)
    assert store.audit() == [] and store.all_draws(include_failed=True) == [] and store.imports() == []
    # rehearsals may run any month
    draw_month(store, april, DrawOccasion("2021-04", dt.date(2021, 5, 5), "offline", rehearsal=True), entropy="1")
    # in order, the quotas come out as Table 2 says
    offline_march(tmp_path, store)
    record = draw_month(
        store,
        month_preview(tmp_path, store, month="2021-04", draw_date=dt.date(2021, 5, 5)),
        DrawOccasion("2021-04", dt.date(2021, 5, 5), "offline"),
        entropy="1",
    )
    assert [(d.denomination, d.to_draw) for d in record.draws] == [(50000, 15), (70000, 8), (100000, 2)]


def test_cli_draw_refuses_months_out_of_order_naming_the_first(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    april = write_csv(tmp_path / "april.csv", {50000: 3, 70000: 1, 100000: 1}, month="2021-04")
    p = cli(
        "draw",
        str(april),
        "--month",
        "2021-04",
        "--method",
        "offline",
        "--draw-date",
        "2021-05-05",
        "--db",
        db,
        stdin="1 2 3\n",
    )
    assert p.returncode == 1 and "2021-03" in p.stderr and p.stdout == ""
    s = Store(db)
    try:
        assert s.audit() == [] and s.imports() == []
    finally:
        s.close()


def test_a_draw_date_before_the_month_is_over_is_refused(tmp_path, store):
    pv = month_preview(tmp_path, store, draw_date=dt.date(2021, 3, 31))
    with pytest.raises(DrawRefused) as err:
        draw_month(store, pv, DrawOccasion("2021-03", dt.date(2021, 3, 31), "offline"), entropy="1")
    assert err.value.code == "draw_date_early" and err.value.params["first_day"] == "2021-04-01"
    assert store.audit() == []
    late = month_preview(tmp_path, store, draw_date=dt.date(2021, 5, 3))
    record = draw_month(store, late, DrawOccasion("2021-03", dt.date(2021, 5, 3), "offline"), entropy="1")
    assert load_rules().draw_date_late("2021-03", record.draw_date)  # allowed; the protocol says so


# --------------------------------------------------------------------------- rule 4: entropy


def test_entropy_is_recorded_after_the_pool_with_its_author(tmp_path, db_path):
    store = Store(f"sqlite:///{db_path}", actor="Chair A.")
    try:
        record = offline_march(tmp_path, store)
        audit = store.audit()
        for d in record.draws:
            frozen = next(e for e in audit if e.action == "pool_frozen" and e.payload["draw_id"] == d.id)
            entered = next(e for e in audit if e.action == "entropy_entered" and e.payload["draw_id"] == d.id)
            assert frozen.id < entered.id and entered.actor == "Chair A." == d.entropy_by
            assert d.entropy_at == entered.at
    finally:
        store.close()


def test_one_entropy_text_serves_one_draw_of_a_tier(tmp_path, store):
    offline_march(tmp_path, store)
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="no ID", today=DRAW_DATE)
    with pytest.raises(DrawRefused) as err:
        redraw(
            store,
            DrawOccasion("2021-03", dt.date(2021, 4, 10), "offline"),
            100000,
            1,
            reason="forfeited",
            entropy="3 1 4 1 5",
        )
    assert err.value.code == "entropy_reused"
    d = redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 10), "offline"), 100000, 1, reason="forfeited", entropy="6 6 1"
    )
    assert d.drawn == 1 and all_ok(verify(store))


# --------------------------------------------------------------------------- rules 5 and 6: tickets


def test_bad_signature_blocks_until_abandoned_then_a_fresh_draw(tmp_path, store, standin, client):
    pv = month_preview(tmp_path, store)
    d = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    standin.mode = "bad_signature"
    with pytest.raises(DrawFailed) as err:
        execute_tier(store, d.id, client=client)
    assert err.value.kind == "bad_signature"
    standin.mode = "ok"
    blocked = blocked_draw(store, "2021-03", 50000)
    assert blocked is not None and blocked.ticket_id == d.ticket_id and "bad_signature" in blocked.failure
    for method in ("random-org", "offline"):  # neither a retry nor the offline method may go round it
        with pytest.raises(DrawRefused) as refused:
            prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, method), 50000, client=client)
        assert refused.value.code == "ticket_blocked"
    findings = verify(store, public_key_pem=standin.public_key_pem)
    assert all_ok(findings) and any(f.code == "blocked" for f in findings)
    abandoned = abandon_ticket(
        store,
        "2021-03",
        50000,
        reason="signature did not verify; network checked",
        public_key_pem=standin.public_key_pem,
    )
    assert abandoned.status == "abandoned" and abandoned.signed_random  # the response is kept as evidence
    entry = [e for e in store.audit() if e.action == "ticket_abandoned"][-1]
    assert entry.payload["ticket_id"] == d.ticket_id and entry.payload["reason"].startswith("signature")
    fresh = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 50000, client=client)
    assert fresh.id != d.id and fresh.ticket_id != d.ticket_id
    assert execute_tier(store, fresh.id, client=client).drawn == 15
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    assert [a.ticket_id for a in record.abandoned] == [d.ticket_id]  # the protocol prints it
    findings = verify(store, public_key_pem=standin.public_key_pem)
    assert all_ok(findings), [f for f in findings if not f.ok]
    assert any(f.code == "abandoned" and d.ticket_id in f.name for f in findings)


def test_abandon_is_refused_for_a_result_that_verifies(tmp_path, store, db_path, standin, client):
    """An insider marks a genuine result as unverifiable to get a second chance."""
    pv = month_preview(tmp_path, store)
    d = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), 100000, client=client)
    good = client.generate_signed_integers(
        2,
        1,
        d.pool.size,
        ticket_id=d.ticket_id,
        user_data={"month": "2021-03", "denomination": 100000, "pool_sha256": d.pool.sha256},
    )
    store.acquire_lease(d.id)
    store.block_draw(d.id, "bad_signature", "claimed not to verify", good.response_text)
    with pytest.raises(DrawRefused) as err:
        abandon_ticket(store, "2021-03", 100000, reason="wanted another", public_key_pem=standin.public_key_pem)
    assert err.value.code == "abandon_valid_result"
    assert blocked_draw(store, "2021-03", 100000) is not None  # nothing changed
    assert failed(verify(store, public_key_pem=standin.public_key_pem), "abandoned_valid")
    # through the command line: exit 1 and nothing changes
    env = {"RANDOM_ORG_PUBLIC_KEY": str(tmp_path / "standin.pem")}
    (tmp_path / "standin.pem").write_bytes(standin.public_key_pem)
    p = cli(
        "abandon",
        "--month",
        "2021-03",
        "--denomination",
        "100000",
        "--reason",
        "x",
        "--db",
        f"sqlite:///{db_path}",
        env=env,
    )
    assert p.returncode == 1 and "never abandoned" in p.stderr
    assert [e.action for e in store.audit()].count("ticket_abandoned") == 0
    # and an abandonment forced in the database is caught
    sql(db_path, f"UPDATE draws SET status = 'abandoned', slot = 'abandoned-{d.id}' WHERE id = {d.id}")
    assert failed(verify(store, public_key_pem=standin.public_key_pem), "abandoned_valid")


def test_cli_abandon_without_a_blocked_ticket_exits_1(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    p = cli("abandon", "--month", "2021-03", "--denomination", "50000", "--reason", "x", "--db", db, "--json")
    assert p.returncode == 1 and "no used RANDOM.ORG ticket" in p.stderr and p.stdout == ""


def test_cli_abandon_then_draw_afresh(tmp_path, standin):
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    (tmp_path / "standin.pem").write_bytes(standin.public_key_pem)
    env = {
        "RANDOM_ORG_URL": standin.url,
        "RANDOM_ORG_API_KEY": standin.api_key,
        "RANDOM_ORG_PUBLIC_KEY": str(tmp_path / "standin.pem"),
    }
    path = write_csv(tmp_path / "m.csv", {50000: 20, 70000: 10, 100000: 3})
    standin.mode = "bad_signature"
    first = cli(
        "draw",
        str(path),
        "--month",
        "2021-03",
        "--method",
        "random-org",
        "--draw-date",
        "2021-04-05",
        "--db",
        db,
        env=env,
    )
    assert first.returncode == 1 and "abandon" in first.stderr
    standin.mode = "ok"
    again = cli(
        "draw",
        str(path),
        "--month",
        "2021-03",
        "--method",
        "random-org",
        "--draw-date",
        "2021-04-05",
        "--db",
        db,
        env=env,
    )
    assert again.returncode == 1 and "must abandon" in again.stderr
    p = cli(
        "abandon",
        "--month",
        "2021-03",
        "--denomination",
        "50000",
        "--reason",
        "bad signature",
        "--db",
        db,
        "--json",
        env=env,
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["status"] == "abandoned" and out["reason"] == "bad signature" and out["ticket_id"]
    done = cli(
        "draw",
        str(path),
        "--month",
        "2021-03",
        "--method",
        "random-org",
        "--draw-date",
        "2021-04-05",
        "--db",
        db,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    v = cli("verify", "--db", db, env=env)
    assert v.returncode == 0, v.stdout + v.stderr
    assert f"ticket {out['ticket_id']}" in v.stdout


def test_a_developer_licence_result_is_refused_for_an_official_draw(tmp_path, store, standin, client):
    standin.licence = dict(
        standin.licence, type="developer", text="Random values licensed strictly for development and testing only"
    )
    pv = month_preview(tmp_path, store)
    with pytest.raises(DrawFailed) as err:
        draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    assert err.value.kind == "development_licence" and store.winners() == []
    abandon_ticket(
        store, "2021-03", 50000, reason="a developer key was configured", public_key_pem=standin.public_key_pem
    )
    standin.licence = PRODUCTION_LICENSE
    draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    assert all_ok(verify(store, public_key_pem=standin.public_key_pem))
    # rehearsals accept a developer licence
    standin.licence = dict(PRODUCTION_LICENSE, type="developer", text="development and testing only")
    rehearsal = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "random-org", rehearsal=True), client=client)
    assert all(d.development_licence for d in rehearsal.draws if d.method == "random-org")


def test_a_developer_licence_result_stored_as_official_is_caught(tmp_path, store, db_path, standin, client):
    standin.licence = dict(PRODUCTION_LICENSE, type="developer", text="development and testing only")
    draw_month(
        store,
        month_preview(tmp_path, store),
        DrawOccasion("2021-03", DRAW_DATE, "random-org", rehearsal=True),
        client=client,
    )
    sql(db_path, "UPDATE draws SET rehearsal = 0, slot = 'official' WHERE id = 1")
    findings = verify(store, public_key_pem=standin.public_key_pem)
    assert failed(findings, "development_licence") and failed(findings, "relabelled")


# --------------------------------------------------------------------------- rule 3: re-draws


def test_awaiting_redraw_lists_lapsed_and_forfeited_certificates(tmp_path, store):
    offline_march(tmp_path, store)
    set_claim(store, "2021-03", 100000, 2, "forfeited", note="refused to sign the act", today=DRAW_DATE)
    waiting = awaiting_redraw(store, "2021-03", today=dt.date(2021, 4, 20))  # the deadline passed for the rest
    assert {(c.winner.denomination, c.winner.certificate) for c in waiting} >= {(100000, 2), (50000, 1)}
    assert (
        next(c for c in waiting if c.winner.certificate == 2 and c.winner.denomination == 100000).reason == "forfeited"
    )
    d = prepare_redraw(store, DrawOccasion("2021-03", dt.date(2021, 4, 20), "offline"), 100000, 2, reason="forfeited")
    execute_tier(store, d.id, entropy="5 5 5")
    waiting = awaiting_redraw(store, "2021-03", today=dt.date(2021, 4, 20))
    assert (100000, 2) not in {(c.winner.denomination, c.winner.certificate) for c in waiting}


# --------------------------------------------------------------------------- older databases, PostgreSQL


def test_fields_stored_before_the_hashes_existed_are_reported_not_covered(tmp_path):
    """A database written by the previous release: what it stored without a hash is named as not
    covered, never as tampered and never silently."""
    store = Store(release1_copy(tmp_path))
    try:
        findings = verify(store)
        assert [f for f in findings if not f.ok] == []
        uncovered = [f for f in findings if f.code == "not_covered"]
        assert uncovered and all("recorded before this check existed" in f.detail for f in uncovered)
        text = " ".join(f.detail for f in uncovered)
        assert "winners' names and phones" in text and "who entered the entropy" in text
    finally:
        store.close()


def test_deleting_and_relabelling_are_caught_on_postgresql(tmp_path, pg_url):
    store = Store(pg_url)
    try:
        offline_march(tmp_path, store)
        assert all_ok(verify(store))
        engine = sqlalchemy.create_engine(pg_url)
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("DELETE FROM winners WHERE draw_id = 3"))
            conn.execute(sqlalchemy.text("DELETE FROM participations WHERE draw_id = 3"))  # the foreign key insists
            conn.execute(sqlalchemy.text("DELETE FROM draws WHERE id = 3"))
            conn.execute(sqlalchemy.text("UPDATE draws SET rehearsal = true, slot = 'rehearsal-1' WHERE id = 2"))
        engine.dispose()
        findings = verify(store)
        assert failed(findings, "draw_missing") and failed(findings, "relabelled")
        with pytest.raises(DrawRefused) as err:
            prepare_tier(store, month_preview(tmp_path, store), DrawOccasion("2021-03", DRAW_DATE, "offline"), 100000)
        assert err.value.code == "draw_missing"
    finally:
        store.close()


def test_a_redraw_switches_to_offline_only_when_its_ticket_is_unused(tmp_path, store, standin, client):
    draw_month(store, month_preview(tmp_path, store), DrawOccasion("2021-03", DRAW_DATE, "random-org"), client=client)
    set_claim(store, "2021-03", 100000, 1, "forfeited", note="no ID", today=DRAW_DATE)
    first = prepare_redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 10), "random-org"), 100000, 1, reason="forfeited", client=client
    )
    assert first.ticket_id and [d.id for d in store.pending_redraws("2021-03")] == [first.id]
    offline = prepare_redraw(
        store, DrawOccasion("2021-03", dt.date(2021, 4, 10), "offline"), 100000, 1, reason="forfeited", client=client
    )
    assert offline.method == "offline" and offline.id != first.id  # RANDOM.ORG confirmed the ticket unused
    assert store.draw(first.id).status == "failed"
    assert execute_tier(store, offline.id, entropy="2 2 4").drawn == 1
    assert all_ok(verify(store, public_key_pem=standin.public_key_pem))
