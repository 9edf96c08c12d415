"""Two processes drawing the same month at the same moment: exactly one draw, one clean refusal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from engine.standin import StandIn
from engine.store import Store
from tests.engine.test_draw import write_csv

ROOT = Path(__file__).resolve().parents[2]

RACER = """
import os, sys, time
go = sys.argv[1]
open(sys.argv[2], "w").close()          # ready
while not os.path.exists(go):
    time.sleep(0.005)
from engine.__main__ import main
sys.exit(main(sys.argv[3:]))
"""


def test_two_processes_draw_the_same_month_exactly_once(tmp_path):
    db = f"sqlite:///{tmp_path / 'race.sqlite'}"
    path = write_csv(tmp_path / "m.csv", {50000: 30, 70000: 10, 100000: 4})
    Store(db).close()  # migrate first so both racers start from the same schema
    go = tmp_path / "go"
    with StandIn(key_dir=tmp_path / "keys", advisory_delay_ms=0, licence="production") as standin:
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            RANDOM_ORG_URL=standin.url,
            RANDOM_ORG_API_KEY=standin.api_key,
            RANDOM_ORG_PUBLIC_KEY=str(standin.public_key_path),
        )
        # warm imports happen before the barrier: the racers meet at the draw itself
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
            db,
        ]
        prelude = "import engine.draw, engine.preview, engine.randomorg, engine.offline, engine.cli_draw\n"
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
        codes = sorted(code for code, _, _ in results)
        assert codes == [0, 1], results
        refused = next(err for code, _, err in results if code == 1)
        assert "refused" in refused and ("being drawn" in refused or "already drawn" in refused)
        store = Store(db)
        draws = store.all_draws()
        assert sorted(d.denomination for d in draws) == [50000, 70000, 100000]
        assert len(store.winners()) == 25
        assert standin.requests.count("generateSignedIntegers") == 3
        store.close()
