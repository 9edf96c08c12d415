"""The entrant's self-check file (RULES.md, "Public checks"): field by field against RULES.md, for an
offline month and a month drawn officially through the loopback RANDOM.ORG stand-in (real SQLite
files), the commitments recomputed here independently; the command line; and a property test that
no field of the file carries any participant's account, IIN/BIN, name or phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.records import DrawRecord, MonthRecord, PoolRecord, WinnerRecord
from reports.selfcheck import SelfCheckRefused, selfcheck_files, selfcheck_json
from tests.reports.conftest import COMMISSION
from tests.reports.sample_records import month_record, offline_ordinals, signed_response

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC
TIER_KEYS = ["denomination", "pool_size", "pool_sha256", "method", "{numbers}", "drawn", "commitments"]


# --------------------------------------------------------------------------- the independent reading


def _pool_lines(text: str) -> list[tuple[int, str, str]]:
    """(ordinal, account, client_id) per line; the account may hold commas, the id and tier never do."""
    out = []
    for line in text.splitlines():
        ordinal, rest = line.split(",", 1)
        account, client_id, _den = rest.rsplit(",", 2)
        out.append((int(ordinal), account, client_id))
    return out


def _commitment(pool_sha256: str, ordinal: int, account: str, client_id: str) -> str:
    return hashlib.sha256(bytes.fromhex(pool_sha256) + f"{ordinal},{account},{client_id}".encode()).hexdigest()


def _pairs(text: str):
    """JSON read keeping every object's key order (lists of pairs): "as received" compares order too."""
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def assert_matches_rules(data: bytes, record: MonthRecord) -> dict:
    """RULES.md field by field: {"month", "tiers"}; per tier denomination, pool_size, pool_sha256,
    method, signed_random as received or entropy, drawn (certificate order, re-draws after), commitments."""
    text = data.decode("utf-8")
    doc = json.loads(text)
    assert list(doc) == ["month", "tiers"] and doc["month"] == record.month
    originals = [d for d in record.draws if d.kind == "draw"]
    assert [t["denomination"] for t in doc["tiers"]] == [d.denomination for d in originals]
    for tier, d in zip(doc["tiers"], originals):
        numbers = "signed_random" if d.method == "random-org" else "entropy"
        assert list(tier) == [numbers if k == "{numbers}" else k for k in TIER_KEYS], list(tier)
        assert tier["pool_size"] == d.pool.size == len(d.pool.text.splitlines())
        assert tier["pool_sha256"] == hashlib.sha256(d.pool.text.encode("utf-8")).hexdigest() == d.pool.sha256
        assert tier["method"] == d.method
        if numbers == "signed_random":
            assert set(tier["signed_random"]) == {"random", "signature"}
            assert d.signed_random in text  # the very bytes the store keeps: the signature covers them
            got = next(v for k, v in _pairs(text)[1][1][originals.index(d)] if k == "signed_random")
            assert got == _pairs(d.signed_random)
        else:
            assert tier["entropy"] == d.entropy and tier["entropy"]
        lines = _pool_lines(d.pool.text)
        assert tier["commitments"] == [_commitment(d.pool.sha256, o, a, c) for o, a, c in lines]
        assert all(re.fullmatch(r"[0-9a-f]{64}", c) for c in tier["commitments"])
        ordinal_of = {(a, c): o for o, a, c in lines}
        expected = [w.ordinal for w in sorted(d.winners, key=lambda w: w.certificate)]
        for r in record.draws:
            if r.kind == "redraw" and r.denomination == d.denomination:
                expected += [ordinal_of[(w.account, w.client_id)] for w in r.winners]
        assert tier["drawn"] == expected
    return doc


# --------------------------------------------------------------------------- real stores


def _official_standin(folder: Path):
    """March 2021 drawn officially (production licence) through the loopback stand-in."""
    from engine.demo import write_demo
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.randomorg import RandomOrgClient
    from engine.standin import StandIn
    from engine.store import Store

    (path,) = write_demo(folder, months=["2021-03"])
    url = f"sqlite:///{folder / 'promotion.sqlite'}"
    store = Store(url)
    draw_date = dt.date(2021, 4, 5)
    result = preview(path, month="2021-03", draw_date=draw_date, history=store.history())
    with (
        StandIn(licence="production") as standin,
        RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
    ):
        draw_month(
            store,
            result,
            DrawOccasion("2021-03", draw_date, "random-org", place="Алматы қ."),
            client=client,
            commission=COMMISSION,
            protocol_number="SC-2021-03",
        )
    return store, url


@pytest.fixture(scope="module")
def standin_official(tmp_path_factory):
    store, url = _official_standin(tmp_path_factory.mktemp("selfcheck-standin"))
    yield store, url
    store.close()


def test_offline_month_matches_rules_field_by_field(offline_store):
    store, _ = offline_store
    record = store.month_record("2021-03")
    doc = assert_matches_rules(selfcheck_json(record), record)
    assert {t["method"] for t in doc["tiers"]} == {"offline"}


def test_random_org_month_matches_rules_field_by_field(standin_official):
    store, _ = standin_official
    record = store.month_record("2021-03")
    doc = assert_matches_rules(selfcheck_json(record), record)
    assert {t["method"] for t in doc["tiers"]} == {"random-org"}
    for tier in doc["tiers"]:  # the numbers drawn are the signed numbers, in certificate order
        assert tier["drawn"] == tier["signed_random"]["random"]["data"]


def test_redraws_come_after_the_certificates_in_the_tier_pools_numbering():
    record = month_record("offline")  # certificate 3 of 50 000 re-drawn from the smaller pool
    doc = assert_matches_rules(selfcheck_json(record), record)
    tier = next(t for t in doc["tiers"] if t["denomination"] == 50000)
    redraw = next(d for d in record.draws if d.kind == "redraw")
    original = record.tier_draw(50000)
    assert len(tier["drawn"]) == original.drawn + 1 and len(set(tier["drawn"])) == len(tier["drawn"])
    (winner,) = redraw.winners
    line = original.pool.text.splitlines()[tier["drawn"][-1] - 1]
    assert line.startswith(f"{tier['drawn'][-1]},{winner.account},{winner.client_id},")


def test_the_page_embeds_the_json(offline_store):
    store, _ = offline_store
    files = selfcheck_files(store.month_record("2021-03"))
    data, html = files["selfcheck-2021-03.json"], files["selfcheck-2021-03.html"].decode("utf-8")
    embedded = re.search(r'<script type="application/json" id="selfcheck-json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded) == json.loads(data)
    assert "http://" not in html and "https://" not in html and "default-src 'none'" in html


def test_a_rehearsal_has_no_self_check():
    with pytest.raises(SelfCheckRefused, match="official draws only"):
        selfcheck_files(month_record("offline", rehearsal=True))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reports", "selfcheck", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_command_writes_both_files(offline_store, tmp_path):
    store, url = offline_store
    out = tmp_path / "published"
    result = _cli("--month", "2021-03", "--db", url, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["selfcheck-2021-03.html", "selfcheck-2021-03.json"]
    assert (out / "selfcheck-2021-03.json").read_bytes() == selfcheck_json(store.month_record("2021-03"))
    result = _cli("--month", "2021-03", "--db", url, "--rehearsal", "-o", str(tmp_path / "r"))
    assert result.returncode == 2 and "official draws only" in result.stderr and not (tmp_path / "r").exists()
    result = _cli("--month", "2021-05", "--db", url, "-o", str(tmp_path / "u"))
    assert result.returncode == 2 and "2021-05" in result.stderr and not (tmp_path / "u").exists()


# --------------------------------------------------------------------------- nothing about anyone


ACCOUNT_CHARS = "0123456789KZTAL-/,"
LETTERS = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯабвгғдежзийкқлмнңоөпрстуұүфхһцчшщыіьэюя "


@st.composite
def people(draw):
    n = draw(st.integers(1, 25))
    accounts = draw(
        st.lists(
            st.text(ACCOUNT_CHARS, min_size=9, max_size=16).map(str.strip).filter(lambda a: len(a) >= 9),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    ids = draw(st.lists(st.text("0123456789", min_size=12, max_size=12), min_size=n, max_size=n, unique=True))
    names = draw(
        st.lists(
            st.text(LETTERS, min_size=4, max_size=30).map(str.strip).filter(lambda s: len(s) >= 4),
            min_size=n,
            max_size=n,
        )
    )
    phones = [
        f"+7 7{draw(st.integers(0, 99)):02d} {draw(st.integers(0, 999)):03d} {draw(st.integers(0, 9999)):04d}"
        for _ in range(n)
    ]
    return list(zip(accounts, ids, names, phones))


def _record(members, method: str, quota: int, redraw: bool) -> MonthRecord:
    """One tier drawn from these people as the engine stores it (real freeze_pool), winners with names and phones."""
    import random

    from engine.pool import freeze_pool
    from engine.records import Participant

    month, den, when = "2021-03", 50000, dt.datetime(2021, 4, 5, 5, tzinfo=UTC)
    by_account = {a: (c, name, phone) for a, c, name, phone in members}
    pool = freeze_pool(
        [
            Participant(
                row=i,
                account=a,
                client_id=c,
                client_name=name,
                client_type="IE",
                month=month,
                denomination=den,
                monthly_fee=6500.0,
                phone=phone,
            )
            for i, (a, c, name, phone) in enumerate(members, 2)
        ],
        month,
        den,
    )
    lines = _pool_lines(pool.text)
    n = min(quota, pool.size)
    extra = {}
    if method == "offline":
        ordinals = offline_ordinals(pool.sha256, "5 2 6 1", pool.size, n)
        extra = {"entropy": "5 2 6 1"}
    else:
        signed, obj = signed_response(
            month,
            den,
            pool.sha256,
            pool.size,
            n,
            7,
            "2021-04-05 05:00:00Z",
            random.Random(pool.sha256),
            ticket_id="a1b2c3d4e5f60718",
        )
        ordinals, extra = obj["data"], {"signed_random": signed, "ticket_id": "a1b2c3d4e5f60718", "serial_number": 7}

    def winner(wid, draw_id, cert, ordinal, account, client_id):
        _, name, phone = by_account[account]
        return WinnerRecord(
            id=wid,
            draw_id=draw_id,
            month=month,
            denomination=den,
            certificate=cert,
            ordinal=ordinal,
            account=account,
            client_id=client_id,
            client_name=name,
            status="drawn",
            status_changed_at=when,
            deadline=dt.date(2021, 4, 19),
            phone=phone,
            region="Алматы",
        )

    winners = tuple(winner(c, 1, c, o, lines[o - 1][1], lines[o - 1][2]) for c, o in enumerate(ordinals, 1))
    draws = [
        DrawRecord(
            id=1,
            month=month,
            denomination=den,
            kind="draw",
            rehearsal=False,
            method=method,
            status="done",
            quota=quota,
            carried_in=0,
            to_draw=quota,
            drawn=n,
            carry_out=quota - n,
            draw_date=dt.date(2021, 4, 5),
            started_at=when,
            finished_at=when,
            pool=PoolRecord(1, month, den, pool.size, pool.sha256, pool.text, "draw"),
            winners=winners,
            **extra,
        )
    ]
    taken = {w.account for w in winners}
    rest = [m for m in members if m[0] not in taken]
    if redraw and winners and rest:
        again = freeze_pool(
            [
                Participant(
                    row=0,
                    account=a,
                    client_id=c,
                    client_name=name,
                    client_type="IE",
                    month=month,
                    denomination=den,
                    monthly_fee=6500.0,
                    phone=phone,
                )
                for a, c, name, phone in rest
            ],
            month,
            den,
        )
        (o,) = offline_ordinals(again.sha256, "6 6", again.size, 1)
        _, account, client_id = _pool_lines(again.text)[o - 1]
        draws.append(
            DrawRecord(
                id=2,
                month=month,
                denomination=den,
                kind="redraw",
                rehearsal=False,
                method="offline",
                status="done",
                quota=0,
                carried_in=0,
                to_draw=1,
                drawn=1,
                carry_out=0,
                draw_date=dt.date(2021, 4, 25),
                started_at=when,
                finished_at=when,
                pool=PoolRecord(2, month, den, again.size, again.sha256, again.text, "redraw"),
                entropy="6 6",
                redraw_of_certificate=1,
                redraw_reason="unclaimed",
                winners=(winner(99, 2, 1, o, account, client_id),),
            )
        )
    return MonthRecord(
        month=month,
        rehearsal=False,
        protocol_number="П-1",
        draw_date=dt.date(2021, 4, 5),
        place="Алматы қ.",
        commission=COMMISSION,
        imports=(),
        draws=tuple(draws),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    members=people(), method=st.sampled_from(["offline", "random-org"]), quota=st.integers(1, 6), redraw=st.booleans()
)
def test_no_field_carries_an_account_iin_name_or_phone(members, method, quota, redraw):
    record = _record(members, method, quota, redraw)
    files = selfcheck_files(record)
    text = files["selfcheck-2021-03.json"].decode("utf-8")
    assert_matches_rules(files["selfcheck-2021-03.json"], record)
    html = files["selfcheck-2021-03.html"].decode("utf-8")
    embedded = "".join(re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S))
    for account, client_id, name, phone in members:
        for value in (account, client_id, name, phone):
            assert value not in text, value
            assert value not in embedded, value
    for value in _strings(json.loads(text)):  # and field by field, each string value of the file
        assert not any(m in value for person in members for m in person)


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    else:
        yield str(value)


def test_text_that_would_end_a_script_stays_inside_the_embedded_json():
    from dataclasses import replace

    record = month_record("offline")
    hostile = "1 2 3 </script><script>alert(1)</script> <!-- 4"
    draws = tuple(replace(d, entropy=hostile) if d.kind == "draw" else d for d in record.draws)
    files = selfcheck_files(replace(record, draws=draws))
    html = files["selfcheck-2021-03.html"].decode("utf-8")
    assert html.count("</script>") == 3 and "<!--" not in html.split("<script", 1)[1]  # two data blocks and the code
    embedded = re.search(r'<script type="application/json" id="selfcheck-json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded) == json.loads(files["selfcheck-2021-03.json"])
    assert json.loads(embedded)["tiers"][0]["entropy"] == hostile
