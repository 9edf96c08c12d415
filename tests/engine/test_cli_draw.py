"""`python -m engine draw|redraw|claims|claim|verify|check-signature` as real subprocesses."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from engine.standin import StandIn
from tests.engine.test_draw import write_csv

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "engine" / "data" / "signed-example-2014.json"


@pytest.fixture
def standin(tmp_path):
    with StandIn(key_dir=tmp_path / "keys", licence="production") as server:
        yield server


@pytest.fixture
def cli(tmp_path, standin):
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        RANDOM_ORG_URL=standin.url,
        RANDOM_ORG_API_KEY=standin.api_key,
        RANDOM_ORG_PUBLIC_KEY=str(standin.public_key_path),
    )
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def run(*args: str, db_arg: bool = True, stdin: str = "") -> subprocess.CompletedProcess:
        extra = ["--db", db] if db_arg else []
        return subprocess.run(
            [sys.executable, "-m", "engine", *args, *extra],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            input=stdin,
        )

    run.db = db  # type: ignore[attr-defined]
    return run


def test_draw_json_then_refusal_then_claims_redraw_verify(tmp_path, cli, standin):
    path = write_csv(tmp_path / "m.csv", {50000: 20, 70000: 10, 100000: 3})
    commission = tmp_path / "commission.toml"
    commission.write_text(
        'place = "Astana"\nprotocol_number = "1"\n[[members]]\nrole = "chair"\n'
        'name = "A. Chair"\nposition = "Director"\n[[members]]\nrole = "secretary"\nname = "B. Sec"\n',
        encoding="utf-8",
    )
    p = cli(
        "draw",
        str(path),
        "--month",
        "2021-03",
        "--method",
        "random-org",
        "--draw-date",
        "2021-04-05",
        "--commission",
        str(commission),
        "--json",
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["month"] == "2021-03" and out["method"] == "random-org"
    assert [t["denomination"] for t in out["tiers"]] == [50000, 70000, 100000]
    t = out["tiers"][0]
    assert set(t) == {"denomination", "pool_size", "pool_sha256", "to_draw", "carry_out", "signed_random", "winners"}
    assert (t["pool_size"], t["to_draw"], t["carry_out"]) == (20, 15, 0)
    assert [w["ordinal"] for w in t["winners"]] == t["signed_random"]["random"]["data"]
    assert list(t["signed_random"]["random"])[:3] == ["method", "hashedApiKey", "n"]  # as received
    assert set(t["winners"][0]) == {"certificate", "ordinal", "account", "client_id"}

    again = cli(
        "draw", str(path), "--month", "2021-03", "--method", "offline", "--draw-date", "2021-04-05", stdin="1\n"
    )
    assert again.returncode == 1 and "already drawn" in again.stderr and again.stdout == ""

    claims = json.loads(cli("claims", "--month", "2021-03", "--today", "2021-04-10", "--json").stdout)
    assert len(claims) == 25 and {c["deadline"] for c in claims} == {"2021-04-19"}
    assert (
        cli(
            "claim",
            "--month",
            "2021-03",
            "--denomination",
            "100000",
            "--certificate",
            "2",
            "--status",
            "forfeited",
            "--today",
            "2021-04-10",
        ).returncode
        == 1
    )  # a forfeit needs a note
    assert (
        cli(
            "claim",
            "--month",
            "2021-03",
            "--denomination",
            "100000",
            "--certificate",
            "2",
            "--status",
            "forfeited",
            "--note",
            "no ID",
            "--today",
            "2021-04-10",
        ).returncode
        == 0
    )
    r = cli(
        "redraw",
        "--month",
        "2021-03",
        "--denomination",
        "100000",
        "--certificate",
        "2",
        "--reason",
        "forfeited",
        "--draw-date",
        "2021-04-12",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    red = json.loads(r.stdout)
    assert red["pool_size"] == 1 and red["winners"][0]["certificate"] == 2

    v = cli("verify")
    assert v.returncode == 0, v.stdout + v.stderr
    con = sqlite3.connect(cli.db.removeprefix("sqlite:///"))
    con.execute("UPDATE winners SET client_id = '000000000000' WHERE id = 5")
    con.commit()
    con.close()
    v = cli("verify")
    assert v.returncode == 1 and "FAIL draw #1 2021-03 50000: winners" in v.stdout


def test_offline_rehearsal_and_input_errors(tmp_path, cli):
    path = write_csv(tmp_path / "m.csv", {50000: 5, 70000: 0, 100000: 1})
    p = cli(
        "draw",
        str(path),
        "--month",
        "2021-03",
        "--method",
        "offline",
        "--entropy",
        "4 2 6",
        "--draw-date",
        "2021-04-05",
        "--rehearsal",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    tiers = {t["denomination"]: t for t in json.loads(p.stdout)["tiers"]}
    assert tiers[50000]["entropy"] == "4 2 6" and "signed_random" not in tiers[50000]
    assert tiers[70000]["winners"] == [] and tiers[70000]["carry_out"] == 8
    assert (
        cli(
            "draw",
            str(path),
            "--month",
            "2021-03",
            "--method",
            "offline",
            "--entropy",
            "4 2 6",
            "--draw-date",
            "2021-04-05",
            "--rehearsal",
        ).returncode
        == 0
    )  # rehearsals repeat
    assert json.loads(cli("claims", "--json").stdout) == []  # and never count
    assert cli("draw", str(path), "--month", "2021-03", "--method", "offline", "--rehearsal").returncode == 2
    assert (
        cli("draw", str(tmp_path / "missing.csv"), "--month", "2021-03", "--method", "offline", stdin="1\n").returncode
        == 2
    )
    assert (
        cli(
            "draw",
            str(path),
            "--month",
            "2021-03",
            "--method",
            "offline",
            "--commission",
            str(tmp_path / "none.toml"),
            stdin="1\n",
        ).returncode
        == 2
    )
    # an official draw's entropy is typed after the pool hashes are printed, never given beforehand
    early = cli(
        "draw", str(path), "--month", "2021-03", "--method", "offline", "--entropy", "1", "--draw-date", "2021-04-05"
    )
    assert early.returncode == 2 and "after the pool hashes are printed" in early.stderr


def test_check_signature(tmp_path, cli):
    ok = cli("check-signature", str(EXAMPLE), db_arg=False)
    assert ok.returncode == 0 and "serial 79924" in ok.stdout
    changed = tmp_path / "changed.json"
    changed.write_text(EXAMPLE.read_text().replace('"serialNumber": 79924', '"serialNumber": 79925'))
    bad = cli("check-signature", str(changed), db_arg=False)
    assert bad.returncode == 1 and "does not verify" in bad.stderr
    assert cli("check-signature", str(tmp_path / "nope.json"), db_arg=False).returncode == 2
