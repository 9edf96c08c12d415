"""RULES.md clauses that a mutation of the engine could break without any other test noticing.

Each test here was written because a deliberate mutation of the engine (named in
the test's docstring) survived the rest of tests/engine and tests/reports. The
quotes are from shared/RULES.md; the tests pin the behaviour it describes. The run also
found one bug (fees compared as floats, not exactly); its test below now passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pyarrow as pa
import pytest

from engine.draw import DrawFailed, DrawOccasion, draw_month, execute_tier, prepare_tier
from engine.preview import preview
from engine.quotas import ledger, unplayed
from engine.randomorg import RandomOrgClient, RandomOrgError
from engine.rules import load_rules
from engine.standin import StandIn
from engine.store import Store, audit_sha256, member_chunks
from engine.verify import verify
from tests.sheets import FIELD_ORDER, Row, rows_for, valid_id, write_csv, write_xlsx

DRAW = dt.date(2021, 4, 10)
ROOT = Path(__file__).resolve().parents[2]


def placed(result) -> dict[int, str]:
    """row -> "eligible" / exclusion reason / "error"."""
    out = {p.row: "eligible" for p in result.eligible}
    out.update({e.row: e.reason for e in result.excluded})
    out.update({e.row: "error" for e in result.errors})
    return out


def run(tmp_path, rows, name="m.xlsx", **kw):
    kw.setdefault("draw_date", DRAW)
    return preview(write_xlsx(tmp_path / name, rows), **kw)


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'promotion.sqlite'}")
    yield s
    s.close()


def _sql(store: Store, *statements: tuple[str, tuple]) -> Store:
    """Change the database behind the store's back (what a tamperer would do); a new Store reads it."""
    store.close()
    con = sqlite3.connect(store.url.removeprefix("sqlite:///"))
    for sql, args in statements:
        con.execute(sql, args)
    con.commit()
    con.close()
    return Store(store.url)


# --------------------------------------------------------------------------- values


def test_empty_new_client_cell_is_false_so_not_new(tmp_path):
    """RULES: booleans "no · нет · жоқ · false · 0 · - · empty are false"; reason 4 "`not_new_client`
    — new_client is false". Mutation killed: an empty new_client cell read as true (or as unknown)."""
    rows = [
        Row(account="100000001", new_client=None),
        Row(account="100000002", new_client="иә"),
        Row(account="100000003", new_client="-"),
    ]
    assert placed(run(tmp_path, rows)) == {2: "not_new_client", 3: "eligible", 4: "not_new_client"}


def test_fees_are_compared_exactly_even_with_many_decimals(tmp_path):
    """RULES: "Fees are compared exactly: 5 998.50 is below the minimum" and Table 1's half-open
    intervals "5 999 <= fee < 15 000"."""
    rows = [
        Row(account="100000001", monthly_fee="5998.9999999999999999"),
        Row(account="100000002", monthly_fee="14999.9999999999999999"),
    ]
    result = run(tmp_path, rows)
    assert placed(result) == {2: "fee_below_minimum", 3: "eligible"}
    assert [p.denomination for p in result.eligible] == [50000]


@pytest.mark.parametrize("columns", ["with an empty plan cell", "without a plan column"])
def test_no_plan_means_a_basic_plan(tmp_path, columns):
    """RULES: "plan: a value containing ЖК, ИП or IE means the "ЖК" bundle; any other value, or no
    column, means a basic plan" -> an IE without a plan looks back 1 month, not 3. Mutation killed:
    an empty plan read as the bundle."""
    rows = [
        Row(
            account="100000001",
            plan=None,
            connected_on=dt.date(2021, 4, 15),
            previous_service_until=dt.date(2021, 2, 15),
        ),  # 2 months before: new on a basic plan
        Row(
            account="100000002",
            plan=None,
            connected_on=dt.date(2021, 4, 15),
            previous_service_until=dt.date(2021, 3, 15),
        ),
    ]  # exactly 1 month before: not new
    cols = FIELD_ORDER if columns.startswith("with ") else [c for c in FIELD_ORDER if c != "plan"]
    result = preview(write_xlsx(tmp_path / "m.xlsx", rows, columns=cols), draw_date=dt.date(2021, 5, 10))
    assert placed(result) == {2: "eligible", 3: "not_new_client"}


# --------------------------------------------------------------------------- "the first that applies wins"

# A row that breaks rules 1-6 at once; the violations are removed one at a time, in
# RULES.md order, and the reason must follow that order exactly.
VIOLATIONS = [
    ("client_type", {"client_type": "АО"}),
    ("outside_period", {"connected_on": dt.date(2021, 2, 20)}),
    ("fee_below_minimum", {"monthly_fee": 5998.5}),
    ("not_new_client", {"new_client": "жоқ"}),
    ("disconnected", {"disconnected_on": dt.date(2021, 4, 1)}),
    ("merged_accounts", {"merged_accounts": "иә"}),
]


@pytest.mark.parametrize("first", range(len(VIOLATIONS) + 1))
def test_reason_order_every_adjacent_pair(tmp_path, first):
    """RULES: "Exclusion reasons, the first that applies wins: 1. client_type 2. outside_period
    3. fee_below_minimum 4. not_new_client 5. disconnected 6. merged_accounts". Mutations killed:
    outside_period/fee_below_minimum swapped, not_new_client/disconnected swapped,
    disconnected/merged_accounts swapped (each survived the other tests)."""
    change: dict = {}
    for _, values in VIOLATIONS[first:]:
        change.update(values)
    expected = VIOLATIONS[first][0] if first < len(VIOLATIONS) else "eligible"
    assert placed(run(tmp_path, [Row(**change)])) == {2: expected}


def test_every_pair_of_reasons_keeps_the_rules_order(tmp_path):
    """Same clause as above, for every pair (i < j) of reasons 1-6 in one file: reason i wins."""
    rows, expected = [], {}
    for i in range(len(VIOLATIONS)):
        for j in range(i + 1, len(VIOLATIONS)):
            account = str(100000001 + len(rows))
            rows.append(Row(account=account, **VIOLATIONS[i][1], **VIOLATIONS[j][1]))
            expected[len(rows) + 1] = VIOLATIONS[i][0]
    assert placed(run(tmp_path, rows)) == expected


def test_duplicate_client_only_among_rows_that_pass_duplicate_account(tmp_path):
    """RULES 8: "among the rows of one month that pass 1–7 and share a client_id, the highest fee
    stays". A row already excluded as duplicate_account (7) must not compete, even with a higher fee.
    Mutation killed: duplicate_client computed over rows passing 1–6."""
    c, d = valid_id(11), valid_id(12)
    rows = [
        Row(account="500", client_id=c, monthly_fee=7000),
        Row(account="500", client_id=d, monthly_fee=20000),  # duplicate_account of row 2
        Row(account="501", client_id=d, monthly_fee=7000),
    ]  # client d's only row passing 1-7
    result = run(tmp_path, rows)
    assert placed(result) == {2: "eligible", 3: "duplicate_account", 4: "eligible"}


# --------------------------------------------------------------------------- draw date, preview


def test_preview_draw_date_defaults_to_today(tmp_path):
    """RULES: "The draw date is the day the draw is run; for a preview it is a date the user may set,
    today by default." and reason 5 "disconnected_on is on or before the draw date".
    Mutation killed: another default draw date in engine.preview."""
    today = dt.date.today()
    rows = [
        Row(account="100000001", disconnected_on=today),
        Row(account="100000002", disconnected_on=today + dt.timedelta(days=1)),
    ]
    result = preview(write_xlsx(tmp_path / "m.xlsx", rows))
    assert result.draw_date == today
    assert placed(result) == {2: "disconnected", 3: "eligible"}


# --------------------------------------------------------------------------- ledger


def test_unplayed_is_what_stays_undrawn_after_november():
    """RULES: "carry_out = to_draw − drawn ... What is still undrawn after 2021-11 is reported as
    unplayed." Mutation killed: unplayed reported as November's to_draw (equal only when nothing
    was drawn, the one case tested before)."""
    rules = load_rules()
    months = ledger(rules, {("2021-11", 50000): 20, ("2021-03", 100000): 2}, "2021-11")
    nov = months[-1]
    assert nov.tier(50000).to_draw == 135 and nov.tier(50000).drawn == 20
    assert unplayed(rules, months) == {50000: 115, 70000: 72, 100000: 16}


# --------------------------------------------------------------------------- ingest: blank rows


def test_blank_rows_between_data_are_counted_trailing_ones_are_not(tmp_path):
    """RULES: "Entirely blank rows are skipped and counted." The engine counts blank rows between
    data rows; empty lines after the last data row (a CSV export's padding) are formatting.
    Mutation killed: trailing blank rows counted too (xlsx written by openpyxl has none, so only a
    CSV shows it)."""
    path = write_csv(tmp_path / "m.csv", [Row(account="100000001"), None, Row(account="100000003"), None, None])
    result = preview(path, draw_date=DRAW)
    assert (result.rows.data, result.rows.blank) == (2, 1)
    assert placed(result) == {2: "eligible", 4: "eligible"}


# --------------------------------------------------------------------------- already_participated vs the store


def test_every_member_of_a_drawn_pool_has_participated_not_only_winners(tmp_path, store):
    """RULES 9: "`already_participated` — the client_id stays eligible in an earlier month (in the same
    file, or in a month already drawn and stored)"; ARCHITECTURE: `participated` = client_id -> month
    in which the client is a stored winner-pool participant. A March participant who did not win is
    still out of April. Mutation killed: History.participated built from winners only."""
    march_rows = rows_for(20, connected_on=dt.date(2021, 3, 5))
    pv = preview(
        write_xlsx(tmp_path / "march.xlsx", march_rows), month="2021-03", draw_date=DRAW, history=store.history()
    )
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW, "offline"), entropy="4 2 6 1")
    winners = {w.client_id for w in record.current_winners}
    pool_ids = {r.client_id for r in march_rows}
    assert len(winners) == 15
    history = store.history()
    assert set(history.participated) == pool_ids
    assert set(history.participated.values()) == {"2021-03"}
    loser = sorted(pool_ids - winners)[0]
    april = [
        Row(account="200000001", client_id=loser, connected_on=dt.date(2021, 4, 2)),
        Row(account="200000002", client_id=valid_id(9001), connected_on=dt.date(2021, 4, 2)),
    ]
    result = preview(
        write_xlsx(tmp_path / "april.xlsx", april), month="2021-04", draw_date=dt.date(2021, 5, 5), history=history
    )
    assert placed(result) == {2: "already_participated", 3: "eligible"}


# --------------------------------------------------------------------------- RANDOM.ORG binding


class UserDataRewriter(httpx.HTTPTransport):
    """A meddler between us and RANDOM.ORG that changes only the userData of the question."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.read())
        if payload.get("method") == "generateSignedIntegers":
            payload["params"]["userData"] = {"month": "2021-03", "denomination": 50000, "pool_sha256": "0" * 64}
        return super().handle_request(httpx.Request(request.method, request.url, json=payload))


def test_client_refuses_a_result_signed_for_other_user_data():
    """RULES step 2: "with the month, tier and pool_sha256 in `userData`, so the signed result is bound
    to this very pool". The client checks the echo of its own question. Mutation killed: the client's
    userData echo check dropped (the draw's own binding check would still catch it, so only this
    direct test shows the client's check is gone)."""
    with (
        StandIn(licence="production") as standin,
        RandomOrgClient(
            standin.api_key, standin.url, public_key_pem=standin.public_key_pem, transport=UserDataRewriter()
        ) as client,
    ):
        with pytest.raises(RandomOrgError) as err:
            client.generate_signed_integers(
                3, 1, 10, user_data={"month": "2021-03", "denomination": 50000, "pool_sha256": "ab" * 32}
            )
    assert err.value.kind == "protocol" and "userData" in str(err.value)


def _march(tmp_path, store, n=20):
    rows = rows_for(n, connected_on=dt.date(2021, 3, 5))
    return preview(write_xlsx(tmp_path / "march.xlsx", rows), month="2021-03", draw_date=DRAW, history=store.history())


def test_verify_finds_a_signed_result_that_names_another_pool(tmp_path, store):
    """RULES step 2: the signed result carries pool_sha256 in userData "so the signed result is bound
    to this very pool". A pool replaced after the draw by another one of the same size (its own hash
    consistent) must fail the binding check of `verify`. Mutation killed: verify()/bundle no longer
    compare userData with the stored pool."""
    with (
        StandIn(licence="production") as standin,
        RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
    ):
        draw_month(store, _march(tmp_path, store), DrawOccasion("2021-03", DRAW, "random-org"), client=client)
        key = standin.public_key_pem
    assert all(f.ok for f in verify(store, public_key_pem=key))
    d = store.month_record("2021-03").tier_draw(50000)
    other = "".join(
        f"{i},{9000000 + i},{cid},50000\n"
        for i, (_, _, cid, _) in enumerate((line.split(",") for line in d.pool.text.splitlines()), 1)
    )
    other_sha = hashlib.sha256(other.encode("utf-8")).hexdigest()
    members = store.pool_member_table(d.pool.id)
    members = members.set_column(1, "account", pa.array([str(9000000 + i) for i in range(1, members.num_rows + 1)]))
    chunks = [
        ("UPDATE pool_member_chunks SET data = ? WHERE pool_id = ? AND chunk = ?", (data, d.pool.id, k))
        for k, _first, _count, data in member_chunks(members)
    ]  # rewritten to match, as a careful tamperer would
    tampered = _sql(
        store, ("UPDATE pools SET text = ?, sha256 = ? WHERE id = ?", (other, other_sha, d.pool.id)), *chunks
    )
    try:
        findings = {f.name: f for f in verify(tampered, public_key_pem=key)}
    finally:
        tampered.close()
    pool_check = next(f for n, f in findings.items() if n.startswith(f"pool #{d.pool.id} "))
    assert pool_check.ok  # the replacement pool is consistent in itself ...
    binding = next(f for n, f in findings.items() if n.endswith(f"#{d.id} 2021-03 50000: userData binds pool"))
    assert not binding.ok  # ... but RANDOM.ORG signed numbers for another pool


def test_no_winner_is_announced_when_the_signature_fails(tmp_path, store):
    """RULES step 2: "The signature is verified before any winner is shown". With a bad signature the
    draw fails and not one `winner` step reaches the screen. Mutation killed: the client skips
    verification and the draw verifies only after announcing the winners."""
    events: list[str] = []
    with (
        StandIn(licence="production") as standin,
        RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
    ):
        d = prepare_tier(
            store, _march(tmp_path, store), DrawOccasion("2021-03", DRAW, "random-org"), 50000, client=client
        )
        standin.mode = "bad_signature"
        with pytest.raises(DrawFailed) as err:
            execute_tier(store, d.id, client=client, on_step=lambda e, info: events.append(e))
    assert err.value.kind == "bad_signature"
    assert "winner" not in events and "signature_verified" not in events
    assert store.winners() == []


# --------------------------------------------------------------------------- append-only record


def _offline_month(tmp_path, store):
    draw_month(store, _march(tmp_path, store), DrawOccasion("2021-03", DRAW, "offline"), entropy="777")
    assert all(f.ok for f in verify(store))


def test_audit_hash_chains_the_previous_entry(tmp_path, store):
    """RULES step 5: "every step is kept in an append-only record" (chained by SHA-256, store.py).
    Editing one entry and re-hashing that entry alone must still break the chain at the next entry.
    Mutation killed: audit_sha256 no longer includes prev_sha256."""
    _offline_month(tmp_path, store)
    first, second = store.audit()[:2]
    payload = dict(first.payload, forged=True)
    forged = audit_sha256(first.prev_sha256, first.id, first.at, first.action, first.actor, payload)
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    tampered = _sql(
        store,
        ("UPDATE audit SET payload = ?, sha256 = ? WHERE seq = 1", (canonical, forged)),
        ("UPDATE audit SET prev_sha256 = ? WHERE seq = 2", (forged,)),
    )
    try:
        failed = {f.name for f in verify(tampered) if not f.ok}
    finally:
        tampered.close()
    assert "audit chain" in failed


def test_audit_hash_covers_the_time_of_each_entry(tmp_path, store):
    """RULES step 5 (append-only record): the time of an entry is part of what is chained, so
    back-dating a step is found. Mutation killed: audit_sha256 without seq and time."""
    _offline_month(tmp_path, store)
    tampered = _sql(store, ("UPDATE audit SET at = datetime(at, '-1 day') WHERE seq = 2", ()))
    try:
        failed = {f.name for f in verify(tampered) if not f.ok}
    finally:
        tampered.close()
    assert "audit chain" in failed


def test_audit_hash_is_sha256_of_prev_and_canonical_entry(tmp_path, store):
    """The documented formula (store.audit_sha256: SHA-256 of prev_sha256 + the canonical JSON of the
    entry), recomputed independently so an outsider's check and the engine agree."""
    _offline_month(tmp_path, store)
    prev = "0" * 64
    for e in store.audit():
        body = json.dumps(
            {"seq": e.id, "at": e.at.isoformat(), "action": e.action, "actor": e.actor, "payload": e.payload},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        assert e.prev_sha256 == prev
        assert e.sha256 == hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        prev = e.sha256


def test_verify_finds_a_pool_stored_out_of_account_order(tmp_path, store):
    """RULES step 1: "eligible participants sorted by account (plain string order), numbered 1..N".
    A stored pool re-ordered and re-hashed consistently must fail the pool check of `verify`.
    Mutation killed: verify's order check dropped (only the hash was checked before)."""
    _offline_month(tmp_path, store)
    d = store.month_record("2021-03").tier_draw(50000)
    lines = [line.split(",", 1)[1] for line in d.pool.text.splitlines()]
    lines[0], lines[1] = lines[1], lines[0]
    text = "".join(f"{i},{rest}\n" for i, rest in enumerate(lines, 1))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    tampered = _sql(store, ("UPDATE pools SET text = ?, sha256 = ? WHERE id = ?", (text, sha, d.pool.id)))
    try:
        findings = verify(tampered)
    finally:
        tampered.close()
    pool_check = next(f for f in findings if f.name.startswith(f"pool #{d.pool.id} "))
    assert not pool_check.ok and "order" in pool_check.detail


def test_a_recovered_result_drawn_for_another_pool_is_refused(tmp_path, store):
    """RULES step 2: "with the month, tier and pool_sha256 in `userData`, so the signed result is bound
    to this very pool". A result recovered through the draw's ticket (after a crash) is checked by the
    draw itself, since getResult does not know what was asked: one signed for other userData must be
    refused and nothing stored. Mutations killed: the draw's userData binding check dropped, and the
    whole binding check (`answer_mismatches`) dropped."""
    with (
        StandIn(licence="production") as standin,
        RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
    ):
        d = prepare_tier(
            store, _march(tmp_path, store), DrawOccasion("2021-03", DRAW, "random-org"), 50000, client=client
        )
        # Someone else used the ticket for a question about another pool of the same size.
        foreign = {"month": "2021-03", "denomination": 50000, "pool_sha256": "0" * 64}
        client.generate_signed_integers(15, 1, d.pool.size, user_data=foreign, ticket_id=d.ticket_id)
        assert store.take_fresh_ticket(d.id)  # as after a restart: the ticket may hold a result
        with pytest.raises(DrawFailed) as err:
            execute_tier(store, d.id, client=client)
    assert err.value.kind == "not_bound" and "userData" in err.value.message
    assert store.winners() == []
    assert not store.tier_draws("2021-03", 50000)


# --------------------------------------------------------------------------- the draw command


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def test_cli_draw_applies_stored_history_and_the_draw_date(tmp_path):
    """RULES 9 "`already_participated` — ... or in a month already drawn and stored", and "The draw
    date is the day the draw is run" with reason 5 "disconnected_on is on or before the draw date".
    `python -m engine draw` must build its pool with the database's history and the --draw-date.
    Mutations killed: the command's preview built without history, or evaluated at today's date."""
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    fees = [6500] * 15 + [20000] * 8 + [35000] * 2  # every March tier exactly full: nothing carries over
    march = [
        Row(account=str(100000001 + i), monthly_fee=fee, connected_on=dt.date(2021, 3, 5)) for i, fee in enumerate(fees)
    ]
    p = _cli(
        "draw",
        str(write_xlsx(tmp_path / "march.xlsx", march)),
        "--month",
        "2021-03",
        "--method",
        "offline",
        "--draw-date",
        "2021-04-05",
        "--db",
        db,
        stdin="1 2 3\n",
    )
    assert p.returncode == 0, p.stderr
    returning = march[0].client_id
    april = [
        Row(account="200000001", client_id=returning, connected_on=dt.date(2021, 4, 2)),
        Row(
            account="200000002",
            client_id=valid_id(9002),
            connected_on=dt.date(2021, 4, 2),
            disconnected_on=dt.date(2021, 5, 20),
        ),  # after the draw date, long before today
        Row(
            account="200000003",
            client_id=valid_id(9003),
            connected_on=dt.date(2021, 4, 2),
            disconnected_on=dt.date(2021, 5, 5),
        ),
    ]  # on the draw date
    p = _cli(
        "draw",
        str(write_xlsx(tmp_path / "april.xlsx", april)),
        "--month",
        "2021-04",
        "--method",
        "offline",
        "--draw-date",
        "2021-05-05",
        "--db",
        db,
        stdin="4 5 6\n",
    )
    assert p.returncode == 0, p.stderr
    s = Store(db)
    try:
        pool = s.month_record("2021-04").tier_draw(50000).pool
    finally:
        s.close()
    assert pool.text == f"1,200000002,{valid_id(9002)},50000\n"
