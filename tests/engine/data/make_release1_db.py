"""How release1.sqlite was made: a database written by the previous release's own code.

tests/engine/test_migrations.py opens a copy of it with today's Store and checks that it
upgrades and still verifies. To make it again (it was made from commit d14c9e3):

    git worktree add /tmp/prev d14c9e3
    .venv/bin/python tests/engine/data/make_release1_db.py /tmp/prev tests/engine/data/release1.sqlite
    git worktree remove /tmp/prev

Everything runs as `python -m engine ...` subprocesses with PYTHONPATH set to that old tree:
demo spreadsheets for 2021-03 and 2021-04, an official offline draw of 2021-03 with a
commission, one claim status change, a rehearsal draw of 2021-04, and the old `verify`.
The WAL is then folded into the file, so it is one self-contained file.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

COMMISSION = """\
place = "Астана, ул. Сығанақ 70"
protocol_number = "1"
[[members]]
role = "chair"
name = "Әлия Нұрланқызы"
position = "Директор департамента"
[[members]]
role = "secretary"
name = "Иван Петров"
"""


def main(prev_tree: str, out: str) -> int:
    tree, target = Path(prev_tree).resolve(), Path(out).resolve()
    if target.exists():
        target.unlink()
    env = dict(os.environ, PYTHONPATH=str(tree), PROMOTION_ACTOR="release1-maker")
    env.pop("PROMOTION_DB_URL", None)
    db = f"sqlite:///{target}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def run(*args: str) -> str:
            p = subprocess.run([sys.executable, *args], env=env, cwd=tree, capture_output=True, text=True, timeout=300)
            if p.returncode != 0:
                raise SystemExit(f"{' '.join(args)} failed:\n{p.stdout}\n{p.stderr}")
            return p.stdout

        files = run("-m", "engine.demo", "--out", str(work), "--month", "2021-03", "--month", "2021-04").split()
        march, april = files
        (work / "commission.toml").write_text(COMMISSION, encoding="utf-8")
        run(
            "-m",
            "engine",
            "draw",
            march,
            "--month",
            "2021-03",
            "--method",
            "offline",
            "--entropy",
            "DJIA 2021-04-02 close 33153.21; lottery 04 17 23 31 42",
            "--draw-date",
            "2021-04-05",
            "--commission",
            str(work / "commission.toml"),
            "--db",
            db,
        )
        run(
            "-m",
            "engine",
            "claim",
            "--month",
            "2021-03",
            "--denomination",
            "50000",
            "--certificate",
            "1",
            "--status",
            "contacted",
            "--note",
            "телефон арқылы / by phone",
            "--today",
            "2021-04-07",
            "--db",
            db,
        )
        run(
            "-m",
            "engine",
            "draw",
            april,
            "--month",
            "2021-04",
            "--method",
            "offline",
            "--rehearsal",
            "--entropy",
            "rehearsal 1 2 3",
            "--draw-date",
            "2021-05-05",
            "--db",
            db,
        )
        print(run("-m", "engine", "verify", "--db", db), end="")
    con = sqlite3.connect(target)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")  # no -wal/-shm files next to the checked-in copy
    con.execute("VACUUM")
    con.close()
    print(f"{target}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
