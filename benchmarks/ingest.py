"""How fast the full preview reads a big month, against a bare spreadsheet read.

    python benchmarks/ingest.py [--rows 100000] [--quick] [--repeat 3]

Writes a demo month of `--rows` data rows (engine.demo.write_month), then times,
best of `--repeat` (time.perf_counter):
  (a) engine.preview.preview(path): read + every rule applied,
  (b) pandas.read_excel(path, engine="calamine"),
  (c) pandas.read_excel(path, engine="openpyxl"),
and prints the ratios preview/calamine and openpyxl/calamine. Then it measures
the peak RSS of a preview in a fresh child process at a quarter of the rows and
at all of them, with bytes per row for each, so one sees memory stay flat.
Prints figures only: no pass/fail.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from engine.demo import write_month  # noqa: E402

MONTH = "2021-03"

# Run in a fresh interpreter. Imports alone leave a high-water mark above what
# a small preview needs, so the peak is also measured from a reset one
# (Linux: "5" > /proc/self/clear_refs resets VmHWM; ru_maxrss cannot be reset).
# Prints: resident after imports, ru_maxrss, VmHWM since the reset, data rows (bytes).
_CHILD = """
import gc, resource, sys
sys.path.insert(0, sys.argv[2])
import pandas, python_calamine
from engine.preview import preview

def status(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith(key + ":"))

gc.collect()
base = status("VmRSS")
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    reset = True
except OSError:
    reset = False
result = preview(sys.argv[1])
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
hwm = status("VmHWM") if reset else maxrss
print(base, maxrss, hwm, result.rows.data)
"""


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def child_peak(path: Path) -> tuple[int, int, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(REPO)],
        check=True, capture_output=True, text=True, cwd=REPO,
    ).stdout.split()
    return int(out[0]), int(out[1]), int(out[2]), int(out[3])


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10 000 rows, for a smoke run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = 10_000 if args.quick else args.rows

    import pandas as pd

    try:
        from engine.preview import preview
    except ImportError as exc:
        print(f"engine.preview is not importable yet ({exc}); timing the bare reads only")
        preview = None

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        tmp = Path(tmp)
        path = tmp / f"participants-{MONTH}-{rows}.xlsx"
        start = time.perf_counter()
        write_month(path, MONTH, rows=rows)
        written = time.perf_counter() - start
        print(f"wrote {rows:,} data rows in {written:.2f} s: {path.stat().st_size / 2**20:.1f} MiB")

        times: dict[str, float] = {}
        if preview is not None:
            result = preview(path)  # and check it read what was written
            print(f"preview: {result.rows.data:,} data rows, {result.rows.eligible:,} eligible, "
                  f"{result.rows.excluded:,} excluded, {result.rows.errors:,} errors")
            times["preview"] = best_of(args.repeat, lambda: preview(path))
        times["calamine"] = best_of(args.repeat, lambda: pd.read_excel(path, engine="calamine"))
        times["openpyxl"] = best_of(args.repeat, lambda: pd.read_excel(path, engine="openpyxl"))

        print(f"\ntimes, best of {args.repeat} ({rows:,} rows):")
        for name, seconds in times.items():
            print(f"  {name:<26}{seconds:8.2f} s  {seconds / rows * 1e6:8.1f} µs/row")
        if "preview" in times:
            print(f"  preview / calamine        {times['preview'] / times['calamine']:8.2f}x")
        print(f"  openpyxl / calamine       {times['openpyxl'] / times['calamine']:8.2f}x")

        if preview is None:
            return 0
        small_rows = max(rows // 4, 1)
        small = tmp / f"participants-{MONTH}-{small_rows}.xlsx"
        write_month(small, MONTH, rows=small_rows)
        print("\npeak RSS of one preview in a fresh process:")
        figures = []
        for n, p in ((small_rows, small), (rows, path)):
            base, maxrss, hwm, data = child_peak(p)
            figures.append((n, hwm))
            print(f"  {n:>9,} rows: after imports {mib(base)}, peak during preview {mib(hwm)} "
                  f"(ru_maxrss {mib(maxrss)}, kept across exec from the parent); (peak - after imports) / row = {(hwm - base) / data:,.0f} bytes")
        (n1, p1), (n2, p2) = figures
        if n2 > n1:
            print(f"  marginal: {(p2 - p1) / (n2 - n1):,.0f} bytes per extra row")
    return 0


if __name__ == "__main__":
    sys.exit(main())
