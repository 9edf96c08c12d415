"""Command line for the documents: `python -m reports COMMAND --month YYYY-MM [--db URL] -o FILE`.

Commands: protocol (signed PDF), act (acceptance acts + handover protocols),
publish (.xlsx or .html for ismet.kz), accounting (.xlsx), bundle (.zip),
selfcheck (-o DIR: selfcheck-YYYY-MM.json and .html, official draws only).
Exit codes: 0 written, 2 the month (or a tier) is not drawn, or the input
cannot be used (message on stderr).
"""
from __future__ import annotations

import argparse
import gc
import re
import sys
from pathlib import Path

COMMANDS = ("protocol", "act", "publish", "accounting", "bundle", "selfcheck")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        p = sub.add_parser(name)
        p.add_argument("--month", required=name != "accounting", help="YYYY-MM (accounting: all months if omitted)")
        p.add_argument("--db", default=None, help="SQLAlchemy URL (default: the project's SQLite file)")
        p.add_argument("--rehearsal", action="store_true", help="the latest rehearsal instead of the official draw")
        p.add_argument("-o", "--output", required=True,
                       help="folder to write both files into" if name == "selfcheck" else "file to write")
        if name == "act":
            p.add_argument("--certificate", type=int, default=None)
            p.add_argument("--denomination", type=int, default=None)
    return parser


class UsageError(Exception):
    pass


def _month(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise UsageError(f"--month must be YYYY-MM, not {value!r}")
    return value


def run(args: argparse.Namespace) -> bytes | dict[str, bytes]:
    # Each command imports what it uses, when it runs: the accounting workbook needs no PDF
    # library, and no document needs Streamlit, matplotlib or pandas (tests/reports/test_light_imports.py).
    from engine.rules import load_rules
    from engine.store import NotDrawn, Store

    month = _month(args.month)
    rules = load_rules()
    store = Store(args.db)
    try:
        if args.command == "accounting":
            from reports.accounting import accounting_xlsx

            months = [month] if month else store.months()
            return accounting_xlsx([store.month_record(m) for m in months])
        from reports.protocol import check_drawn

        if args.command == "selfcheck" and args.rehearsal:
            raise UsageError("the self-check is published for official draws only: "
                             "a rehearsal's pools are never published to entrants")
        record = store.month_record(month, rehearsal=args.rehearsal)
        check_drawn(record, rules)
        if args.command == "protocol":
            from reports.signing import protocol_pdf

            return protocol_pdf(store, month, rules, rehearsal=args.rehearsal, record=record)  # read once
        if args.command == "act":
            from reports.acts import act_winners, render_acts

            winners = act_winners(record, certificate=args.certificate, denomination=args.denomination)
            if not winners:
                raise UsageError(f"{month}: no winner matches (certificate {args.certificate}, "
                                 f"denomination {args.denomination}) who can still receive a certificate")
            return render_acts(record, winners=winners, rules=rules)
        if args.command == "publish":
            from reports.publish import publication_html, publication_xlsx

            suffix = Path(args.output).suffix.lower()
            if suffix in (".html", ".htm"):
                return publication_html([record], rules).encode("utf-8")
            if suffix == ".xlsx":
                return publication_xlsx([record], rules)
            raise UsageError("publish writes .xlsx or .html: name the output file accordingly")
        if args.command == "bundle":
            from reports.bundle import build_bundle

            return build_bundle(store, month, rules, rehearsal=args.rehearsal)
        if args.command == "selfcheck":
            from reports.selfcheck import selfcheck_files

            return selfcheck_files(record)  # file name -> bytes, written into the -o folder
    except NotDrawn as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # reports.protocol.ProtocolError, from a command that imported it
        protocol, selfcheck = sys.modules.get("reports.protocol"), sys.modules.get("reports.selfcheck")
        if not ((protocol and isinstance(exc, protocol.ProtocolError))
                or (selfcheck and isinstance(exc, selfcheck.SelfCheckRefused))):
            raise
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    raise UsageError(f"unknown command {args.command}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data = run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if isinstance(data, dict):
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in data.items():
            (folder / name).write_bytes(content)
            print(f"wrote {folder / name} ({len(content)} bytes)")
        return 0
    Path(args.output).write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


def run_once(argv: list[str] | None = None) -> int:
    """`main` as the one thing this process does. The cyclic garbage collector stays off: its
    collections walk the ~150 000 objects the PDF, signing and database libraries leave after their
    imports, and the interpreter's last collections at exit walk them again (0.3 s of a 1.4 s
    protocol, benchmarks/commands.py). Reference counting still frees everything not in a cycle:
    the peak grows by about 2 MB (a bundle of a 200 000-row month: 156 MB against 154 MB), and the
    memory goes back when the process ends."""
    gc.disable()
    code = main(argv)
    gc.freeze()  # nothing left to collect: the interpreter's exit skips them
    return code


if __name__ == "__main__":
    sys.exit(run_once())
