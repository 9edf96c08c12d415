"""Benchmark of the commands' own overhead: what a command costs beyond its work (issue 10).

    python benchmarks/commands.py [--runs 5] [--db URL]

Side by side in one run, medians of --runs fresh processes, interleaved:
1. `python -m engine --help`, whole command, next to `python -c pass` (the interpreter's floor).
   Goal: --help <= 0.1 s.
2. `python -m reports protocol` of a drawn 25-winner month (the demo month, drawn offline into a
   temporary SQLite file), whole command, next to the render-and-sign floor as a whole command: start
   Python, import what rendering and signing need, render the same month (read from a pickle, no
   database) and sign it. Goal: whole command <= 1.2x render-and-sign. The call alone, in one process
   after all imports (`reports.protocol_pdf.protocol_pdf`), is printed too.
   The imports the command needs are timed one group after another in that process, to show where
   the rest of the whole command goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2021-03"


# --------------------------------------------------------------------------- the machine


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram_text = f"{ram:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        ram_text = "RAM unknown"
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average %.2f %.2f %.2f" % os.getloadavg()
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_text}, Python {platform.python_version()} "
        f"({platform.system()} {platform.release()}){load}"
    )


# --------------------------------------------------------------------------- the drawn month


def drawn_month(folder: Path) -> tuple[str, int]:
    """The demo month drawn offline into folder/promotion.sqlite (as tests/reports/conftest.py does)."""
    from engine.demo import write_demo
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.records import CommissionMember
    from engine.store import Store

    (path,) = write_demo(folder, months=[MONTH])
    url = f"sqlite:///{folder / 'promotion.sqlite'}"
    store = Store(url)
    draw_date = dt.date(2021, 4, 5)
    result = preview(path, month=MONTH, draw_date=draw_date, history=store.history())
    commission = (
        CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Директор"),
        CommissionMember("secretary", "Ілиясов Дәурен Ғалымұлы", "Хатшы"),
    )
    draw_month(
        store,
        result,
        DrawOccasion(MONTH, draw_date, "offline", place="Алматы қ."),
        entropy="3 1 4 1 5 9 2 6",
        commission=commission,
        protocol_number=f"bench-{MONTH}",
    )
    winners = len(store.month_record(MONTH).current_winners)
    store.close()
    return url, winners


# --------------------------------------------------------------------------- one process's own figures


def worker(url: str) -> None:
    """Run in a fresh interpreter: time the import groups, then the render-and-sign call alone.
    With the cyclic garbage collector off, as `python -m reports` runs (reports.__main__.run_once):
    the same work, measured the same way."""
    import gc

    gc.disable()
    sys.path.insert(0, str(ROOT))
    laps: dict[str, float] = {}

    def lap(name: str, fn) -> object:
        t = time.perf_counter()
        value = fn()
        laps[name] = time.perf_counter() - t
        return value

    import importlib

    imp = importlib.import_module
    lap("sqlalchemy", lambda: imp("sqlalchemy.orm"))
    lap("alembic (the store's migrations)", lambda: imp("alembic.runtime.migration"))
    lap("engine.store, engine.rules (own code)", lambda: (imp("engine.store"), imp("engine.rules")))
    lap("reportlab (+ PIL)", lambda: imp("reportlab.platypus"))
    lap("DejaVu fonts registered (5 TTF files)", lambda: imp("reports.fonts").register_fonts())
    lap("reports.protocol (own code)", lambda: imp("reports.protocol"))
    lap("aiohttp (pulled in by pyhanko.sign.timestamps)", lambda: imp("aiohttp"))
    lap("pyhanko.sign (+ certvalidator)", lambda: imp("pyhanko.sign"))
    from engine.rules import load_rules
    from engine.store import Store
    from reports.protocol_pdf import protocol_pdf

    store = lap("open the store, load the rules", lambda: (Store(url), load_rules()))
    store, rules = store
    pdf = lap("render-and-sign", lambda: protocol_pdf(store, MONTH, rules))
    lap("render-and-sign again (warm)", lambda: protocol_pdf(store, MONTH, rules))
    store.close()
    assert pdf[:4] == b"%PDF"
    heavy = sorted(m for m in ("streamlit", "matplotlib", "pandas") if m in sys.modules)
    print(json.dumps({"laps": laps, "heavy": heavy}))


# --------------------------------------------------------------------------- the floor as a command

# The protocol's true floor as a whole command: start Python, import what rendering and signing need
# (reportlab, the fonts, pyHanko), render the same month's protocol (read from a pickle, no database)
# and sign it with the same identity; the collector off and frozen at the end, as `python -m reports` runs.
_RENDER_AND_SIGN = """
import gc, pickle, sys
gc.disable()
from engine.rules import load_rules
from reports.protocol import SIGNING_SELF_SIGNED, render_protocol
from reports.certificates import signing_identity
from reports.signing import sign_pdf
record = pickle.loads(open(sys.argv[1], "rb").read())
pdf = render_protocol(record, load_rules(), signing=SIGNING_SELF_SIGNED)
signed = sign_pdf(pdf, identity=signing_identity(data_dir=sys.argv[2]), reason="Protocol", location="Kazakhstan")
open(sys.argv[3], "wb").write(signed)
gc.freeze()  # as reports.__main__.run_once: the exit does not walk the libraries' objects
"""


# --------------------------------------------------------------------------- the whole run


def whole(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"a database with {MONTH} drawn (default: draw the demo month into a temporary SQLite file)",
    )
    parser.add_argument("--worker", metavar="DB_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0

    py = sys.executable
    print("machine:", machine(), flush=True)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "PROMOTION_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
        for name in ("PROTOCOL_SIGNING_P12", "PROTOCOL_SIGNING_PASSWORD", "PROTOCOL_SIGNER_CERT"):
            env.pop(name, None)  # the local self-signed certificate: the same work as the organisation's
        os.environ.update(PROMOTION_DATA_DIR=env["PROMOTION_DATA_DIR"])
        if args.db:
            from engine.store import Store

            url, store = args.db, Store(args.db)
            winners = len(store.month_record(MONTH).current_winners)
            store.close()
        else:
            url, winners = drawn_month(tmp)
        protocol = [py, "-m", "reports", "protocol", "--month", MONTH, "--db", url, "-o", str(tmp / "p.pdf")]
        from engine.store import Store

        store = Store(url)
        (tmp / "record.pickle").write_bytes(pickle.dumps(store.month_record(MONTH)))
        store.close()
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "python -m engine --help": [py, "-m", "engine", "--help"],
            "python -m reports protocol": protocol,
            "render-and-sign command": [
                py,
                "-c",
                _RENDER_AND_SIGN,
                str(tmp / "record.pickle"),
                str(tmp / "data"),
                str(tmp / "floor.pdf"),
            ],
        }
        whole(protocol, env)  # warm-up: creates the local certificate once, fills the OS file cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        laps: dict[str, list[float]] = {}
        for _ in range(args.runs):  # interleaved, so a busy moment hits every column alike
            for name, cmd in commands.items():
                times[name].append(whole(cmd, env))
            out = subprocess.run(
                [py, str(Path(__file__).resolve()), "--worker", url],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            report = json.loads(out.strip().splitlines()[-1])
            assert report["heavy"] == [], report["heavy"]
            for name, seconds in report["laps"].items():
                laps.setdefault(name, []).append(seconds)

    med = {name: statistics.median(values) for name, values in times.items()}
    lap_med = {name: statistics.median(values) for name, values in laps.items()}
    floor, help_, whole_protocol = (
        med["python -c pass"],
        med["python -m engine --help"],
        med["python -m reports protocol"],
    )
    work = lap_med["render-and-sign"]
    floor_command = med["render-and-sign command"]
    print(f"medians of {args.runs} fresh processes each\n")
    print(f"{'--help':<40} {'whole command':>14} {'python -c pass':>15} {'goal':>8}")
    print(
        f"{'python -m engine --help':<40} {help_:>12.3f} s {floor:>13.3f} s {'<= 0.1 s':>8}"
        f"   {'OK' if help_ <= 0.1 else 'OVER'}"
    )
    print()
    print(
        f"{'protocol of ' + str(winners) + ' winners':<40} {'whole command':>14} {'render-and-sign':>15} "
        f"{'ratio':>7} {'goal':>8}"
    )
    ratio = whole_protocol / floor_command
    print(
        f"{'python -m reports protocol':<40} {whole_protocol:>12.3f} s {floor_command:>13.3f} s {ratio:>6.2f}x "
        f"{'<= 1.2x':>8}   {'OK' if ratio <= 1.2 else 'OVER'}"
    )
    print(
        "  (render-and-sign: a whole command that renders the same month from a pickle and signs it, with the\n"
        "   imports that needs; in one process after all imports the call alone takes "
        f"{work:.3f} s, the command {whole_protocol / work:.2f}x that)"
    )
    print()
    print("where the whole command's time goes (one process, in order; medians):")
    print(f"  {'interpreter start (python -c pass)':<52} {floor:>7.3f} s")
    imports = 0.0
    for name, seconds in lap_med.items():
        if name.startswith(("render-and-sign", "open the store")):
            continue
        imports += seconds
        print(f"  import {name:<45} {seconds:>7.3f} s")
    print(f"  {'imports, total':<52} {imports:>7.3f} s")
    print(f"  {'open the store, load the rules':<52} {lap_med['open the store, load the rules']:>7.3f} s")
    print(f"  {'render-and-sign (first call)':<52} {work:>7.3f} s")
    print(f"  {'render-and-sign again, same process (warm)':<52} {lap_med['render-and-sign again (warm)']:>7.3f} s")
    accounted = floor + imports + lap_med["open the store, load the rules"] + work
    print(f"  {'sum':<52} {accounted:>7.3f} s")
    print(
        f"  {'the rest (arguments, check_drawn, writing, exit)':<52} "
        f"{whole_protocol - accounted:>7.3f} s   (whole command {whole_protocol:.3f} s)"
    )
    best = (floor + work) / work
    print(
        f"\nwith no import at all the ratio would be {best:.2f}x: interpreter start alone is "
        f"{floor / work:.0%} of the work; the imports are {imports / work:.0%} of it."
    )
    own = [
        name for name in lap_med if name.startswith(("reportlab", "DejaVu", "reports.protocol", "aiohttp", "pyhanko"))
    ]
    with_libraries = work + sum(lap_med[name] for name in own)
    print(
        f"render-and-sign counting the imports of its own libraries (reportlab, fonts, pyhanko with aiohttp): "
        f"{with_libraries:.3f} s; the whole command is {whole_protocol / with_libraries:.2f}x that "
        f"(the rest: interpreter, sqlalchemy, alembic, the store)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
