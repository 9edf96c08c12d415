"""How near the preview comes to the true floor of reading the same file.

    python benchmarks/ingest.py [--rows 100000] [--csv-rows 1000000] [--repeat 3] [--quick]

Writes two demo months (engine.demo.write_month: the messy billing export of the
demo, ~87 % eligible): an XLSX of `--rows` data rows and a CSV of `--csv-rows`,
then prints, side by side in one run, medians of `--repeat` runs:

  (a) whole commands, each in a fresh interpreter:
      `python -m engine preview FILE.xlsx --json` against a bare fastexcel read
      `python -c "import fastexcel; fastexcel.read_excel(p).load_sheet(0).to_arrow()"`
      (issue 10's goal: at most 2x);
  (b) in process, after one warm-up call: engine.preview.preview(FILE.xlsx) against
      fastexcel -> Arrow and python-calamine `to_python` of the same file;
  (c) the CSV: `python -m engine preview FILE.csv` in a fresh child, its peak memory
      (VmHWM, read by the child itself: ru_maxrss would carry the parent's peak across
      fork + exec) (goal: at most 600 MB) and its time against bare whole-command reads
      of the same file with pyarrow.csv and polars.

Limits are raised through the environment for the CSV (a 1 000 000-row demo CSV is
~180 MB, over the default PROMOTION_MAX_FILE_MB). `--quick`: 10 000 and 100 000 rows,
one run each, for a smoke run. Prints figures only: no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MONTH = "2021-03"
DRAW_DATE = "2021-12-20"
ENV = {**os.environ, "PROMOTION_MAX_FILE_MB": "1024", "PROMOTION_MAX_ROWS": "2000000"}

# Runs `python -m engine ARGS...` in this interpreter, then prints its own VmHWM (bytes) on stderr.
_PEAK = """
import runpy, sys
sys.argv = ["engine", *sys.argv[1:]]
try:
    runpy.run_module("engine", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
with open("/proc/self/status") as fh:
    hwm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
print("VMHWM", hwm, file=sys.stderr)
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:"))
        ram = f", {kb / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{ram}; Python {platform.python_version()} ({sys.executable})"


def median_time(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command(args: list[str], env=None) -> None:
    done = subprocess.run(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr[-2000:]}")


def peak_of_preview(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, "preview", str(path), "--draw-date", DRAW_DATE],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    line = [x for x in done.stderr.splitlines() if x.startswith("VMHWM ")]
    if not line:
        raise SystemExit(f"preview of {path} failed:\n{done.stderr[-2000:]}")
    return int(line[-1].split()[1]), seconds


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def row(name: str, seconds: float, floor: float | None = None, note: str = "") -> None:
    ratio = f"{seconds / floor:6.2f}x" if floor else " " * 7
    print(f"  {name:<52}{seconds:8.2f} s  {ratio}  {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows of the XLSX month")
    parser.add_argument("--csv-rows", type=int, default=1_000_000, help="data rows of the CSV month")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10 000 / 100 000 rows, one run each")
    args = parser.parse_args(argv)
    rows, csv_rows, repeat = (10_000, 100_000, 1) if args.quick else (args.rows, args.csv_rows, args.repeat)
    py = sys.executable

    from engine.demo import write_month

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        tmp = Path(tmp)
        xlsx = tmp / f"participants-{MONTH}-{rows}.xlsx"
        big = tmp / f"participants-{MONTH}-{csv_rows}.csv"
        start = time.perf_counter()
        write_month(xlsx, MONTH, rows=rows)
        write_month(big, MONTH, rows=csv_rows)
        print(
            f"wrote {rows:,} XLSX rows ({xlsx.stat().st_size / 2**20:.1f} MiB) and {csv_rows:,} CSV rows "
            f"({big.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - start:.0f} s; medians of {repeat}\n"
        )

        print(f"(a) whole commands, {rows:,}-row XLSX (goal: preview --json <= 2x the bare read)")
        bare = median_time(
            repeat,
            lambda: command(
                [py, "-c", f"import fastexcel; fastexcel.read_excel({str(xlsx)!r}).load_sheet(0).to_arrow()"]
            ),
        )
        whole = median_time(
            repeat, lambda: command([py, "-m", "engine", "preview", str(xlsx), "--json", "--draw-date", DRAW_DATE])
        )
        row("python -c 'fastexcel ... to_arrow()'", bare, bare, "(floor)")
        row("python -m engine preview FILE.xlsx --json", whole, bare)

        print(f"\n(b) in process, {rows:,}-row XLSX, after one warm-up call")
        import datetime as dt

        import fastexcel
        from python_calamine import CalamineWorkbook

        from engine.preview import preview

        draw = dt.date.fromisoformat(DRAW_DATE)
        result = preview(xlsx, draw_date=draw)
        fast = median_time(repeat, lambda: fastexcel.read_excel(str(xlsx)).load_sheet(0).to_arrow())
        cal = median_time(repeat, lambda: CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python())
        inproc = median_time(repeat, lambda: preview(xlsx, draw_date=draw))
        row("fastexcel.read_excel(p).load_sheet(0).to_arrow()", fast, fast, "(floor)")
        row("python-calamine to_python()", cal, fast)
        row(
            "engine.preview.preview(p)",
            inproc,
            fast,
            f"{result.rows.data:,} rows: {result.rows.eligible:,} eligible, {result.rows.excluded:,} excluded, "
            f"{result.rows.errors:,} errors",
        )

        print(f"\n(c) {csv_rows:,}-row CSV, whole commands (goal: preview peak <= 600 MB)")
        p = str(big)
        arrow = median_time(repeat, lambda: command([py, "-c", f"import pyarrow.csv as pv; pv.read_csv({p!r})"]))
        polars = median_time(
            repeat, lambda: command([py, "-c", f"import polars as pl; pl.read_csv({p!r}, infer_schema=False)"])
        )
        peaks, times = [], []
        for _ in range(repeat):
            peak, seconds = peak_of_preview(big)
            peaks.append(peak)
            times.append(seconds)
        row("python -c 'pyarrow.csv.read_csv(p)'", arrow, arrow, "(floor)")
        row("python -c 'polars.read_csv(p)'", polars, arrow)
        row(
            "python -m engine preview FILE.csv",
            statistics.median(times),
            arrow,
            f"peak {mb(statistics.median(peaks))} = {mib(statistics.median(peaks))} "
            f"(VmHWM; runs: {', '.join(mb(x) for x in peaks)})",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
