"""Pools at scale (issue 10): frozen from columns with the very text and hash of RULES.md step 1,
stored in chunks of members read by key, and participation history answered by an indexed query.

The oracle for the freeze is the algorithm it replaces (sorted Participants, an f-string per
line), kept here word for word.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
import sqlalchemy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event

from engine.draw import DrawOccasion, draw_month, execute_tier, prepare_tier
from engine.offline import offline_select
from engine.pool import freeze_pool
from engine.preview import preview
from engine.quotas import TierLedger
from engine.records import History, Participant
from engine.store import Store, members_sha256
from engine.store.members import CHUNK_COLUMNS, MEMBER_CHUNK, json_string_array
from engine.verify import verify
from tests.engine.helpers import set_member
from tests.engine.test_draw import DRAW_DATE, write_csv
from tests.engine.test_migrations import statements  # the SQL every engine sends while a block runs

# --------------------------------------------------------------------------- the oracle


def old_freeze(participants: list[Participant], denomination: int) -> tuple[str, str]:
    """engine/draw.py's freeze before issue 10: sort by account, f-string per line, SHA-256."""
    ordered = sorted(participants, key=lambda p: p.account)
    text = "".join([f"{i},{p.account},{p.client_id},{denomination}\n" for i, p in enumerate(ordered, 1)])
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def person(account: str, client_id: str, name: str = "", phone: str = "", region: str = "") -> Participant:
    return Participant(
        row=2,
        account=account,
        client_id=client_id,
        client_name=name,
        client_type="IE",
        month="2021-03",
        denomination=50000,
        monthly_fee=7000.0,
        phone=phone,
        region=region,
    )


def as_table(people: list[Participant], **types: pa.DataType) -> pa.Table:
    """What Preview.pool_table returns: row, account, client_id, client_name, phone, region."""
    cols = ("account", "client_id", "client_name", "phone", "region")
    return pa.table(
        {
            "row": pa.array([p.row for p in people], pa.int64()),
            **{c: pa.array([getattr(p, c) for p in people], types.get(c, pa.string())) for c in cols},
        }
    )


# Any text a spreadsheet cell can hold but a line break; no lone surrogates (not UTF-8 at all).
cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12)


# --------------------------------------------------------------------------- freezing from columns


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(cell, st.tuples(cell, cell), max_size=40), st.sampled_from([50000, 70000, 100000]))
def test_freezing_columns_gives_the_old_text_and_hash(accounts, denomination):
    people = [person(a, c, name=n) for a, (c, n) in accounts.items()]
    text, digest = old_freeze(people, denomination)
    for source in (people, list(reversed(people)), as_table(people), as_table(people, account=pa.large_string())):
        pool = freeze_pool(source, "2021-03", denomination)
        assert (pool.text, pool.sha256) == (text, digest)
        assert [m.account for m in pool.members] == sorted(accounts)
        assert [m.ordinal for m in pool.members] == list(range(1, len(accounts) + 1))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 20).flatmap(lambda k: st.lists(st.text("0123456789", min_size=k, max_size=k), max_size=60)),
    st.sampled_from(["", "x", "1", "٣", "12345678901234567890"]),
)
def test_accounts_of_digits_sorted_as_numbers_keep_the_string_order(accounts, stranger):
    """Accounts all ASCII digits of one length are sorted as 64-bit numbers (faster): the same text
    as the string order, leading zeros and 19-20 digits included; one account of another length or
    with a non-ASCII digit (Arabic-Indic three) falls back to the string sort."""
    for given_accounts in (accounts, [*accounts, stranger]):
        people = [person(a, f"c{i}") for i, a in enumerate(dict.fromkeys(given_accounts))]
        pool = freeze_pool(as_table(people), "2021-03", 50000)
        assert (pool.text, pool.sha256) == old_freeze(people, 50000)


def test_the_order_is_python_string_order_by_code_point():
    """RULES.md step 1: plain string order. Arrow sorts UTF-8 bytes; for UTF-8 that is code point order,
    also past the Basic Multilingual Plane (where UTF-16 order would differ)."""
    accounts = ["b", "B", "10", "9", "1 0", "Ä", "Ö1", "é", "e\u0301", "\uffff", "\U0001f600", "\ufb01", "", "z"]
    pool = freeze_pool(as_table([person(a, "1") for a in accounts]), "2021-03", 70000)
    assert [m.account for m in pool.members] == sorted(accounts)
    assert [m.account for m in pool.members][:6] == ["", "1 0", "10", "9", "B", "b"]
    assert pool.text == old_freeze([person(a, "1") for a in accounts], 70000)[0]


def test_details_travel_with_their_member_and_nulls_become_empty():
    table = pa.table(
        {
            "row": [5, 6, 7],
            "account": ["30", "1000", "200"],
            "client_id": ["c30", "c1000", "c200"],
            "client_name": ["Thirty", None, "Two hundred"],
            "phone": ["+7 30", "+7 1000", None],
            "region": pa.chunked_array([["Almaty", "Astana"], ["Shymkent"]]),
        }
    )
    pool = freeze_pool(table, "2021-03", 50000)
    assert pool.text == "1,1000,c1000,50000\n2,200,c200,50000\n3,30,c30,50000\n"
    assert [(m.account, m.client_name, m.phone, m.region) for m in pool.members] == [
        ("1000", "", "+7 1000", "Astana"),
        ("200", "Two hundred", "", "Shymkent"),
        ("30", "Thirty", "+7 30", "Almaty"),
    ]
    assert pool.member(3).client_name == "Thirty" and pool.size == 3
    assert (
        freeze_pool(
            pa.table({"account": pa.array([], pa.string()), "client_id": pa.array([], pa.string())}), "2021-03", 50000
        ).text
        == ""
    )


@pytest.mark.parametrize("bad", [person("12\n3", "1"), person("123", "4\n56")])
def test_a_line_break_in_an_account_or_client_id_is_refused(bad):
    people = [person("1", "1"), bad]
    for source in (people, as_table(people)):
        with pytest.raises(ValueError, match="line break"):
            freeze_pool(source, "2021-03", 50000)


def test_a_member_without_an_account_is_refused():
    with pytest.raises(ValueError, match="no account"):
        freeze_pool(pa.table({"account": ["1", None], "client_id": ["1", "2"]}), "2021-03", 50000)


def test_the_details_hash_is_unambiguous():
    """members_sha256: the lengths go with the values, so moving a character between two fields, or
    between two members, changes the hash."""

    def h(names, phones):
        return members_sha256(pa.table({"client_name": names, "phone": phones, "region": [""] * len(names)}))

    assert h(["ab", "c"], ["", ""]) != h(["a", "bc"], ["", ""]) != h(["a", "b"], ["c", ""])
    assert h(["ab"], [""]) != h(["a"], ["b"]) and h([], []) != h([""], [""])
    assert h(["Әлия"], ["+7"]) == h(["Әлия"], ["+7"])


# --------------------------------------------------------------------------- the draw reads by key


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'promotion.sqlite'}")
    yield s
    s.close()


def test_the_draw_reads_its_winners_chunk_by_key_only(tmp_path, store):
    path = write_csv(tmp_path / "march.csv", {50000: 40, 70000: 0, 100000: 0})
    pv = preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history())
    d = prepare_tier(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    with statements() as sql:
        done = execute_tier(store, d.id, entropy="6 6 6")
    reads = [s for s in sql if "FROM pool_member_chunks" in s and s.startswith("SELECT")]
    data = [s for s in reads if "pool_member_chunks.data" in s]
    assert data and all(re.search(r"pool_member_chunks\.chunk IN \(", s) for s in data), reads
    lines = d.pool.text.splitlines()
    assert [f"{w.ordinal},{w.account},{w.client_id},50000" for w in done.winners] == [
        lines[w.ordinal - 1] for w in done.winners
    ]
    by_account = {p.account: p for p in pv.pool("2021-03", 50000)}
    assert all(
        (w.client_name, w.phone, w.region)
        == (by_account[w.account].client_name, by_account[w.account].phone, by_account[w.account].region)
        for w in done.winners
    )
    assert all(f.ok for f in verify(store))
    last, first = store.pool_members(d.pool.id, [40])[0], store.pool_members(d.pool.id, [1])[0]
    assert store.pool_members(d.pool.id, [40, 1, 99, 1]) == [last, first, first]  # as asked; 99 is not there
    assert store.pool_details(d.pool.id) == [
        [m.client_name, m.phone, m.region] for m in store.pool_members(d.pool.id, range(1, 41))
    ]


def test_a_big_pool_is_stored_in_chunks_and_a_winner_reads_one(store, tmp_path):
    """10 000 members: three chunks of MEMBER_CHUNK (4 096, 4 096, 1 808), each an Arrow IPC stream
    any pyarrow reads; members across a chunk boundary read by key, each drawn member's chunk read
    alone; a chunk in the middle rewritten by hand is caught by verify (the text rebuilt from the
    chunks differs) and cannot name a winner."""
    n = 10_000
    table = pa.table(
        {
            "account": [f"{i:05d}" for i in range(n)][::-1],
            "client_id": [f"c{i}" for i in range(n)],
            "client_name": [f"Name {i}" for i in range(n)],
            "phone": ["+7"] * n,
            "region": ["R"] * n,
        }
    )
    d = prepare_tier(store, _TwoColumnPreview(table), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    db_path = tmp_path / "promotion.sqlite"
    con = sqlite3.connect(db_path)
    chunks = con.execute(
        "SELECT chunk, first_ordinal, count, data FROM pool_member_chunks WHERE pool_id = ? ORDER BY chunk",
        (d.pool.id,),
    ).fetchall()
    con.close()
    assert [(k, first, count) for k, first, count, _ in chunks] == [
        (0, 1, MEMBER_CHUNK),
        (1, MEMBER_CHUNK + 1, MEMBER_CHUNK),
        (2, 2 * MEMBER_CHUNK + 1, n - 2 * MEMBER_CHUNK),
    ]
    middle = ipc.open_stream(chunks[1][3]).read_all()
    assert middle.column_names == list(CHUNK_COLUMNS) and middle.num_rows == MEMBER_CHUNK
    lines = d.pool.text.splitlines()
    assert f"{MEMBER_CHUNK + 1},{middle['account'][0]},{middle['client_id'][0]},50000" == lines[MEMBER_CHUNK]
    edge = store.pool_members(d.pool.id, [MEMBER_CHUNK + 1, MEMBER_CHUNK, n])
    assert [f"{m.ordinal},{m.account},{m.client_id},50000" for m in edge] == [
        lines[MEMBER_CHUNK],
        lines[MEMBER_CHUNK - 1],
        lines[n - 1],
    ]
    assert edge[2].client_name == "Name 0"  # the highest account, 09999, was the first given
    with statements() as sql:
        assert store.pool_members(d.pool.id, [MEMBER_CHUNK + 5])[0].ordinal == MEMBER_CHUNK + 5
    data = [s for s in sql if "pool_member_chunks.data" in s]
    assert len(data) == 1 and re.search(r"chunk IN \(\S+\)", data[0]), data  # one chunk asked for
    assert all(f.ok for f in verify(store))

    first = offline_select(d.pool.sha256, "1 2 3", n, 15)[0]
    set_member(d.pool.id, first, account="INSIDER")(db_path)
    bad = [f for f in verify(store) if not f.ok and f.code == "pool"]
    assert bad and "stored members" in bad[0].detail
    assert store.pool_members(d.pool.id, [first])[0].account == "INSIDER"  # what is stored ...
    done = execute_tier(store, d.id, entropy="1 2 3")
    assert done.winners[0].ordinal == first and done.winners[0].account == lines[first - 1].split(",")[1]
    assert "INSIDER" not in {w.account for w in done.winners}  # ... never names a winner


# --------------------------------------------------------------------------- history as rows


def drawn_march(tmp_path, store):
    path = write_csv(tmp_path / "march.csv", {50000: 30, 70000: 12, 100000: 4})
    pv = preview(path, month="2021-03", draw_date=DRAW_DATE, history=store.history())
    record = draw_month(store, pv, DrawOccasion("2021-03", DRAW_DATE, "offline"), entropy="1 2 3")
    return {line.split(",")[-2] for d in record.draws for line in d.pool.text.splitlines()}


def test_history_reads_no_pool_and_answers_for_the_ids_asked(tmp_path, store):
    ids = drawn_march(tmp_path, store)
    assert len(ids) == 46
    with statements() as sql:
        history = store.history()
        few = history.first_months([*sorted(ids)[:3], "000000000000"])  # by key, in chunks
        many = history.first_months([*ids, "000000000000"])  # many against what is stored: one scan
    assert not [s for s in sql if "pools" in s.split(" FROM ")[-1] or "pool_member" in s]
    assert few == {c: "2021-03" for c in sorted(ids)[:3]}
    assert many == {c: "2021-03" for c in ids}
    assert any("participations.client_id IN" in s for s in sql)
    assert history.participated == {c: "2021-03" for c in ids}  # loaded on first use
    assert history == store.history() and "not loaded" in repr(store.history())
    assert store.history(participation=False).participated == {}
    rehearsal_only = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        assert rehearsal_only.history().first_months(ids) == {}
    finally:
        rehearsal_only.close()


def test_history_given_as_a_mapping_still_answers():
    history = History(participated={"1": "2021-03"}, drawn={("2021-03", 50000): 15})
    assert history.first_months(["1", "2"]) == {"1": "2021-03"}
    assert history == History(participated={"1": "2021-03"}, drawn={("2021-03", 50000): 15})
    assert History().participated == {} and History().first_months(["1"]) == {}


def test_participation_keeps_the_earliest_month_and_counts_official_originals_only(tmp_path, store):
    ids = drawn_march(tmp_path, store)
    april = write_csv(tmp_path / "april.csv", {50000: 5, 70000: 0, 100000: 0}, month="2021-04", seed=7)
    day = dt.date(2021, 5, 5)
    pv = preview(april, month="2021-04", draw_date=day, history=store.history())
    draw_month(store, pv, DrawOccasion("2021-04", day, "offline", rehearsal=True), entropy="9")
    assert set(store.history().participated) == ids  # a rehearsal never counts
    draw_month(store, pv, DrawOccasion("2021-04", day, "offline"), entropy="9")
    april_ids = {p.client_id for p in pv.pool("2021-04", 50000)}
    assert store.history().participated == {**{c: "2021-03" for c in ids}, **{c: "2021-04" for c in april_ids}}
    assert all(f.ok for f in verify(store))


class _TwoColumnPreview:
    """A preview that hands its tier over as columns (Preview.pool_table), as benchmarks and fakes do."""

    draw_date = DRAW_DATE

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def pool_table(self, month: str, denomination: int) -> pa.Table:
        return self.table

    def tier(self, month: str, denomination: int):
        return TierLedger(denomination, self.table.num_rows, 15, 0, 15, max(0, 15 - self.table.num_rows))


def test_a_pool_naming_an_account_twice_is_refused_before_anything_is_stored(store):
    twice = pa.table({"account": ["3", "1", "2", "1"], "client_id": ["a", "b", "c", "d"]})
    with pytest.raises(ValueError, match="names an account twice"):
        prepare_tier(store, _TwoColumnPreview(twice), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    assert store.all_draws(include_failed=True) == [] and store.audit() == []
    once = pa.table({"account": ["3", "1", "2"], "client_id": ["a", "b", "c"]})
    d = prepare_tier(store, _TwoColumnPreview(once), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    assert d.pool.text == "1,1,b,50000\n2,2,c,50000\n3,3,a,50000\n"
    assert store.pool_details(d.pool.id) == [["", "", ""]] * 3


def test_members_and_participations_on_postgresql(tmp_path, pg_url):
    """The same on PostgreSQL: members stored with COPY, participations by INSERT ... SELECT, the
    history answered by key, verify catching an edited participation."""
    store = Store(pg_url)
    try:
        ids = drawn_march(tmp_path, store)
        history = store.history()
        assert history.first_months(sorted(ids)[:2]) == {c: "2021-03" for c in sorted(ids)[:2]}
        assert history.first_months([*ids, "x"]) == {c: "2021-03" for c in ids}
        d = store.month_record("2021-03").tier_draw(50000)
        lines = d.pool.text.splitlines()
        assert [f"{m.ordinal},{m.account},{m.client_id},50000" for m in store.pool_members(d.pool.id, [3, 1])] == [
            lines[2],
            lines[0],
        ]
        assert all(f.ok for f in verify(store))
        engine = sqlalchemy.create_engine(pg_url)
        with engine.begin() as conn:
            conn.execute(
                sqlalchemy.text("UPDATE participations SET month = '2021-02' WHERE client_id = :c"),
                {"c": sorted(ids)[0]},
            )
        engine.dispose()
        assert [f for f in verify(store) if not f.ok and f.name.startswith("participations")]
    finally:
        store.close()


def test_a_client_named_twice_in_a_pool_takes_part_once(store):
    """Two accounts of one client in a pool (a file read without the duplicate_client rule, say):
    one participation row, the draw completes, verify agrees."""
    twice = pa.table({"account": ["1", "2", "3"], "client_id": ["c", "c", "d"]})
    d = prepare_tier(store, _TwoColumnPreview(twice), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    execute_tier(store, d.id, entropy="1")
    assert store.participations() == [("c", "2021-03", d.id), ("d", "2021-03", d.id)]
    assert store.history().first_months(["c", "d", "e"]) == {"c": "2021-03", "d": "2021-03"}


def test_a_client_named_twice_in_a_pool_takes_part_once_on_postgresql(pg_url):
    store = Store(pg_url)
    try:
        twice = pa.table({"account": ["1", "2", "3"], "client_id": ["c", "c", "d"]})
        d = prepare_tier(store, _TwoColumnPreview(twice), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
        execute_tier(store, d.id, entropy="1")
        assert store.participations() == [("c", "2021-03", d.id), ("d", "2021-03", d.id)]
    finally:
        store.close()


def test_participations_keep_client_ids_of_any_text(store):
    """The ids reach SQLite as one JSON array: quotes, backslashes, control characters and
    non-ASCII text come back exactly as the pool text names them, and verify agrees (the pool
    text is split at line feeds only, not at U+2028 or a carriage return)."""
    odd = ['q"uote', "back\\slash", "tab\there", "ünï", "８７", "line\u2028separator", "\x1c\x85\r"]
    table = pa.table({"account": [str(100 + i) for i in range(len(odd))], "client_id": odd})
    d = prepare_tier(store, _TwoColumnPreview(table), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    execute_tier(store, d.id, entropy="1")
    assert store.participations() == sorted((c, "2021-03", d.id) for c in odd)
    assert store.history().first_months([*odd, "other"]) == {c: "2021-03" for c in odd}
    assert all(f.ok for f in verify(store))


@pytest.mark.parametrize("pool_env, expected", [({}, "jemalloc"), ({"ARROW_DEFAULT_MEMORY_POOL": "system"}, "system")])
def test_the_draw_command_loads_no_pandas_and_lets_arrow_keep_its_pages(tmp_path, pool_env, expected):
    """`python -m engine draw` (a one-shot process) chooses Arrow's jemalloc before pyarrow loads,
    unless the user chose an allocator, and keeps pyarrow from importing pandas; the draw is done."""
    path = write_csv(tmp_path / "march.csv", {50000: 30, 70000: 3, 100000: 1})
    argv = [
        "engine",
        "draw",
        str(path),
        "--month",
        "2021-03",
        "--method",
        "offline",
        "--draw-date",
        "2021-04-05",
        "--db",
        f"sqlite:///{tmp_path / 'p.sqlite'}",
        "--rehearsal",
        "--entropy",
        "1 2",
        "--json",
    ]
    code = (
        "import contextlib, io, json, runpy, sys\n"
        f"sys.argv = {argv!r}\n"
        "out = io.StringIO()\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(out):\n"
        "    runpy.run_module('engine', run_name='__main__', alter_sys=True)\n"
        "import pyarrow as pa\n"
        "print(json.dumps([out.getvalue(), 'pandas' in sys.modules, pa.default_memory_pool().backend_name]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"} | pool_env
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    drawn, pandas, backend = json.loads(done.stdout.strip().splitlines()[-1])
    assert json.loads(drawn)["month"] == "2021-03" and not pandas and backend == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text("abcXYZ0189", max_size=14), cell), max_size=30))
def test_the_ids_array_handed_to_sqlite_is_their_json(ids):
    """Client ids reach SQLite's json_each as one JSON array, built from Arrow's buffer when they are
    ASCII letters and digits and by json.dumps otherwise: either way it reads back as the ids."""
    assert json.loads(json_string_array(pa.array(ids, pa.string()))) == ids


def test_a_draw_completed_by_another_store_takes_the_participations_from_the_chunks(tmp_path):
    """The Store that froze a pool keeps its members at hand for the participations; another one
    (a second process, a resumed draw) reads them from the stored chunks: the same rows."""
    url = f"sqlite:///{tmp_path / 'promotion.sqlite'}"
    n = 5000  # two chunks
    table = pa.table({"account": [f"{i:05d}" for i in range(n)], "client_id": [f"{n - i:012d}" for i in range(n)]})
    first = Store(url)
    d = prepare_tier(first, _TwoColumnPreview(table), DrawOccasion("2021-03", DRAW_DATE, "offline"), 50000)
    first.close()
    second = Store(url)
    try:
        second._set_lease_for_tests(d.id, None, None)  # the first one is gone
        execute_tier(second, d.id, entropy="4 4")
        ids = sorted(line.split(",")[2] for line in d.pool.text.splitlines())
        assert second.participations() == [(c, "2021-03", d.id) for c in ids]
        assert all(f.ok for f in verify(second))
    finally:
        second.close()
