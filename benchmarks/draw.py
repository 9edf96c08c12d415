"""A big tier drawn end to end against its floor, and the participation history at scale (issue 10).

    python benchmarks/draw.py [--members 900000] [--stored 1300000] [--repeat 3] [--quick]

Prints the machine, then medians of `--repeat` runs (time.perf_counter around whole commands):

1. `python -m engine draw FILE --month 2021-03 --method offline --rehearsal --entropy ...` on a CSV
   whose 2021-03 50 000 tier has `--members` eligible members, a fresh SQLite file each run; and
   the same as an official draw (entropy typed on standard input after the pool hashes), which
   also writes the participations;
2. the floor, a whole command too: `pyarrow.csv` read of the same file + sort by account +
   canonical text + SHA-256 (what no draw of these members can avoid);
   with the ratio of each to the floor (goal: <= 3x);
3. where the draw command's time goes, in process, one run: the preview (ingest + rules: the
   columnar ingest of issue 10 is another helper's work), freezing the pool, and the draw
   (store the pool text and its member chunks, select, store winners), as a rehearsal and as an
   official draw (which also writes the participations);
4. `Store.history()` and `history.first_months()` for 100 000 ids (half of them stored) with
   `--stored` members in official pools, beside what history() did before (parse every pool),
   and one `verify` of that database (member chunks and participations checked against the texts).
Figures only, no pass/fail.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MONTH = "2021-03"
DRAW_DATE = "2021-04-05"
HEADER = [
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

FLOOR = """
import hashlib, sys
import numpy as np
import pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pv
t = pv.read_csv(sys.argv[1], convert_options=pv.ConvertOptions(column_types={"Account": pa.string(),
                                                                             "BIN/IIN": pa.string()}))
t = t.take(pc.sort_indices(t["Account"]))
n = t.num_rows
lines = pc.binary_join_element_wise(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), t["Account"], t["BIN/IIN"],
                                    pa.scalar("50000\\n"), ",").combine_chunks()
off = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset:lines.offset + n + 1]
data = memoryview(lines.buffers()[2])[int(off[0]):int(off[-1])]
print(n, hashlib.sha256(data).hexdigest())
"""


# --------------------------------------------------------------------------- the machine


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    ram = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line.split()[1] for line in fh if line.startswith("MemTotal")))
        ram = f"{kb / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    load = ", load average %.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram}{load}; Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


# --------------------------------------------------------------------------- the file


def write_tier(path: Path, n: int) -> Path:
    """n members of 2021-03's 50 000 tier (fee 7000), every one eligible: unique accounts in random
    order, valid IINs, names, phones and regions."""
    import random

    from engine.ids import check_digit

    rng = random.Random(10)
    accounts = rng.sample(range(100_000_000, 999_999_999), n)
    regions = ("Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        body = 80_000_000_000
        for i, account in enumerate(accounts):
            while True:
                body += 7
                check = check_digit(f"{body:011d}")
                if check is not None:
                    break
            w.writerow(
                [
                    account,
                    f"{body:011d}{check}",
                    f"Client {i}",
                    "IE",
                    f"{MONTH}-{i % 28 + 1:02d}",
                    7000,
                    "yes",
                    f"+7 700 {i % 1000:03d} {i % 10000:04d}",
                    regions[i % len(regions)],
                ]
            )
    return path


# --------------------------------------------------------------------------- timing


def median_of(repeat: int, fn) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def run(cmd: list[str], stdin: str = "", **env: str) -> str:
    p = subprocess.run(
        cmd, cwd=REPO, capture_output=True, text=True, input=stdin, env=dict(os.environ, PYTHONPATH=str(REPO), **env)
    )
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    return p.stdout


def fmt(seconds: float, times: list[float]) -> str:
    return f"{seconds:7.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})"


# --------------------------------------------------------------------------- 1-3: the draw


def draw_commands(tmp: Path, csv_path: Path, repeat: int) -> None:
    counter = iter(range(10**6))

    def draw(rehearsal: bool) -> None:
        db = f"sqlite:///{tmp / f'draw-{next(counter)}.sqlite'}"
        cmd = [
            sys.executable,
            "-m",
            "engine",
            "draw",
            str(csv_path),
            "--month",
            MONTH,
            "--method",
            "offline",
            "--draw-date",
            DRAW_DATE,
            "--db",
            db,
            "--json",
        ]
        if rehearsal:
            run(cmd + ["--rehearsal", "--entropy", "bench 1 2 3"])
        else:
            run(cmd, stdin="bench 1 2 3\n")

    floor_script = tmp / "floor.py"
    floor_script.write_text(FLOOR, encoding="utf-8")
    run([sys.executable, str(floor_script), str(csv_path)])  # warm-up: the file and the imports in the page cache
    # Rounds side by side (floor, floor with jemalloc, rehearsal, official, floor): on a shared machine
    # the load changes from minute to minute, so each round's draws are divided by the (default)
    # floor measured around them.
    floors: list[float] = []
    reh_runs: list[float] = []
    off_runs: list[float] = []
    reh_ratios: list[float] = []
    off_ratios: list[float] = []

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    jemalloc: list[float] = []  # the floor with the allocator the draw command chooses (engine/cli_draw.py)
    for _ in range(repeat):
        before = timed(lambda: run([sys.executable, str(floor_script), str(csv_path)]))
        jemalloc.append(
            timed(lambda: run([sys.executable, str(floor_script), str(csv_path)], ARROW_DEFAULT_MEMORY_POOL="jemalloc"))
        )
        reh_runs.append(timed(lambda: draw(True)))
        off_runs.append(timed(lambda: draw(False)))
        after = timed(lambda: run([sys.executable, str(floor_script), str(csv_path)]))
        floors += [before, after]
        here = statistics.median([before, after])
        reh_ratios.append(reh_runs[-1] / here)
        off_ratios.append(off_runs[-1] / here)
    floor = statistics.median(floors)
    t_reh, t_off = statistics.median(reh_runs), statistics.median(off_runs)

    def ratios(values: list[float]) -> str:
        return f"{statistics.median(values):5.1f}x  (rounds: {', '.join(f'{r:.1f}' for r in values)})"

    print("whole commands, medians (each round: floor, floor with jemalloc, rehearsal, official, floor):")
    print(f"  floor: pyarrow read + sort + text + sha256  {fmt(floor, floors)}")
    print(f"  python -m engine draw --rehearsal           {fmt(t_reh, reh_runs)}")
    print(f"  python -m engine draw (official)            {fmt(t_off, off_runs)}")
    print(f"  ratio to the floor of its round, rehearsal  {ratios(reh_ratios)}   goal <= 3x")
    print(f"  ratio to the floor of its round, official   {ratios(off_ratios)}   goal <= 3x")
    print(f"  ratio of the medians: rehearsal {t_reh / floor:.1f}x, official {t_off / floor:.1f}x")
    floor_j = statistics.median(jemalloc)
    print(f"  the floor with Arrow's jemalloc (as the draw command runs) {fmt(floor_j, jemalloc)}:")
    print(f"    ratio of the medians to it: rehearsal {t_reh / floor_j:.1f}x, official {t_off / floor_j:.1f}x")


def draw_in_process(tmp: Path, csv_path: Path) -> None:
    """One run in this process, step by step: what part is the preview (ingest), what the draw;
    then the same month drawn officially, which also writes the participations."""
    from engine.draw import DrawOccasion, _preview_pool, draw_month
    from engine.pool import freeze_pool
    from engine.preview import preview
    from engine.store import Store, member_chunks, members_sha256

    t0 = time.perf_counter()
    store = Store(f"sqlite:///{tmp / 'steps.sqlite'}")
    t1 = time.perf_counter()
    history = store.history()
    pv = preview(str(csv_path), month=MONTH, draw_date=dt.date.fromisoformat(DRAW_DATE), history=history)
    t2 = time.perf_counter()
    source = _preview_pool(pv, MONTH, 50000)
    t3 = time.perf_counter()
    pool = freeze_pool(source, MONTH, 50000)
    t4 = time.perf_counter()
    members_sha256(pool.table)
    t5 = time.perf_counter()
    member_chunks(pool.table)
    t6 = time.perf_counter()

    def timed(rehearsal: bool, db: Store) -> tuple[dict, float, Any, float]:
        marks: dict[str, float] = {}
        start = time.perf_counter()
        record = draw_month(
            db,
            pv,
            DrawOccasion(MONTH, dt.date.fromisoformat(DRAW_DATE), "offline", rehearsal=rehearsal),
            entropy="bench 1 2 3",
            on_step=lambda event, info: marks.__setitem__(event, time.perf_counter()),
        )
        return marks, start, record, time.perf_counter()

    marks, start, record, end = timed(True, store)
    store.close()
    size = record.tier_draw(50000).pool.size
    assert size == pool.size, (size, pool.size)
    official = Store(f"sqlite:///{tmp / 'steps-official.sqlite'}")
    o_marks, o_start, _o_record, o_end = timed(False, official)
    official.close()

    def row(label: str, seconds: float, note: str = "") -> None:
        print(f"  {label:<52} {seconds:6.2f} s{note}")

    print(f"in process, one run ({size:,} members in the tier):")
    row("open the store (migrate a new file)", t1 - t0)
    row("preview: ingest + rules + ledger", t2 - t1, "   (the ingest issue's part)")
    row(
        "the tier's members as columns",
        t3 - t2,
        f"   ({'Preview.pool_table' if hasattr(pv, 'pool_table') else 'from Participant objects'})",
    )
    row("freeze: sort + text + sha256", t4 - t3)
    row("  members_sha256 of the details (in the store step)", t5 - t4)
    row("  member chunks, Arrow IPC + LZ4 (in the store step)", t6 - t5)
    for label, m, s0, e in (("rehearsal", marks, start, end), ("official", o_marks, o_start, o_end)):
        row(f"draw_month, all three tiers, {label}", e - s0)
        row("  freeze again + store text and chunks", m["pool_frozen"] - s0)
        row(
            "  select, read the winners' chunks, store winners" + (" +" if label == "official" else ""),
            m["tier_done"] - m["pool_frozen"],
            "  (+ participations)" if label == "official" else "",
        )
        row("  the other tiers and the month's record", e - m["tier_done"])


# --------------------------------------------------------------------------- 4: history


class _Preview:
    """What prepare_tier reads from a preview, with the tiers' members as columns."""

    def __init__(self, tables: dict, ledger: dict) -> None:
        self._tables, self._ledger = tables, ledger
        self.draw_date = dt.date.fromisoformat(DRAW_DATE)

    def pool_table(self, month: str, den: int):
        return self._tables[den]

    def tier(self, month: str, den: int):
        from engine.quotas import TierLedger

        quota = self._ledger[den]
        n = self._tables[den].num_rows
        return TierLedger(den, n, quota, 0, quota, quota - min(quota, n))


def member_table(start: int, n: int):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = np.arange(start, start + n, dtype=np.int64)
    rng = np.random.default_rng(start)
    rng.shuffle(ids)
    strings = pc.cast(pa.array(ids), pa.string())
    return pa.table(
        {
            "account": pc.binary_join_element_wise("A", strings, ""),
            "client_id": pc.binary_join_element_wise("8", strings, ""),
            "client_name": pc.binary_join_element_wise("Client ", strings, ""),
            "phone": pa.array(["+7 700 000 0000"] * n),
            "region": pa.array(["Almaty"] * n),
        }
    )


def history_at_scale(tmp: Path, stored: int, repeat: int) -> None:
    import random

    from engine.draw import DrawOccasion, draw_month
    from engine.pool import parse_pool_text
    from engine.rules import load_rules
    from engine.store import Store

    rules = load_rules()
    sizes = {50000: stored * 9 // 13, 70000: stored * 3 // 13}
    sizes[100000] = stored - sizes[50000] - sizes[70000]
    tables, start = {}, 10**10
    for den, n in sizes.items():
        tables[den] = member_table(start, n)
        start += n
    store = Store(f"sqlite:///{tmp / 'history.sqlite'}")
    t0 = time.perf_counter()
    draw_month(
        store,
        _Preview(tables, {d: rules.quota(MONTH, d) for d in sizes}),
        DrawOccasion(MONTH, dt.date.fromisoformat(DRAW_DATE), "offline"),
        entropy="history 1",
        rules=rules,
    )
    t_store = time.perf_counter() - t0
    stored_ids = [c for t in tables.values() for c in t.column("client_id").to_pylist()]
    rng = random.Random(3)
    asked = rng.sample(stored_ids, 50_000) + [f"9{i:011d}" for i in range(50_000)]
    t_hist, hist_runs = median_of(repeat, store.history)
    history = store.history()
    t_first, first_runs = median_of(repeat, lambda: history.first_months(asked))
    found = history.first_months(asked)
    assert len(found) == 50_000 and set(found.values()) == {MONTH}
    few = asked[:1000]
    t_few, few_runs = median_of(repeat, lambda: history.first_months(few))
    t_all, all_runs = median_of(1, lambda: store.history().participated)

    def before() -> dict:  # what history() did before issue 10: parse every official pool text
        out: dict[str, str] = {}
        for d in store.all_draws():
            if d.kind == "draw" and not d.rehearsal and d.pool is not None:
                for _, _, client_id, _ in parse_pool_text(d.pool.text):
                    out.setdefault(client_id, d.month)
        return out

    t_before, before_runs = median_of(repeat, before)
    from engine.verify import verify

    t_verify, verify_runs = median_of(1, lambda: verify(store))
    assert all(f.ok for f in verify(store))
    print(
        f"participation history, {sum(sizes.values()):,} members stored in official pools "
        f"(stored in {t_store:.1f} s, members and participations included):"
    )
    print(f"  Store.history()                           {fmt(t_hist, hist_runs)}")
    print(f"  first_months(100 000 ids, half stored)    {fmt(t_first, first_runs)}")
    print(f"  first_months(1 000 ids)                   {fmt(t_few, few_runs)}")
    print(f"  history().participated (all, on demand)   {fmt(t_all, all_runs)}")
    print(f"  before: parse every pool text             {fmt(t_before, before_runs)}")
    print(f"  verify, every check (chunks against texts) {fmt(t_verify, verify_runs)}")
    store.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=900_000)
    ap.add_argument("--stored", type=int, default=1_300_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="50 000 members, 100 000 stored: a smoke run")
    ap.add_argument("--skip-commands", action="store_true", help="only the in-process steps and the history")
    args = ap.parse_args()
    if args.quick:
        args.members, args.stored = 50_000, 130_000
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        csv_path = write_tier(tmp / "tier.csv", args.members)
        print(
            f"{args.members:,}-member tier written to CSV ({csv_path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        if not args.skip_commands:
            draw_commands(tmp, csv_path, args.repeat)
        draw_in_process(tmp, csv_path)
        history_at_scale(tmp, args.stored, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
