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

from reports import documents

COMMANDS = ("protocol", "act", "publish", "accounting", "bundle", "selfcheck")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        p = sub.add_parser(name)
        p.add_argument("--month", required=name != "accounting", help="YYYY-MM (accounting: all months if omitted)")
        p.add_argument("--db", default=None, help="SQLAlchemy URL (default: the project's SQLite file)")
        p.add_argument("--rehearsal", action="store_true", help="the latest rehearsal instead of the official draw")
        p.add_argument(
            "-o",
            "--output",
            required=True,
            help="folder to write both files into" if name == "selfcheck" else "file to write",
        )
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


def _kinds(args: argparse.Namespace) -> tuple[str, ...]:
    """The registry's document kinds a command writes (reports.documents)."""
    if args.command == "publish":
        suffix = Path(args.output).suffix.lower()
        if suffix in (".html", ".htm"):
            return ("publish_html",)
        if suffix == ".xlsx":
            return ("publish_xlsx",)
        raise UsageError("publish writes .xlsx or .html: name the output file accordingly")
    if args.command == "selfcheck":
        if args.rehearsal:
            raise UsageError(
                "the self-check is published for official draws only: "
                "a rehearsal's pools are never published to entrants"
            )
        return ("selfcheck_json", "selfcheck_html")
    return ({"act": "acts"}.get(args.command, args.command),)


def run(args: argparse.Namespace) -> bytes | dict[str, bytes]:
    # Each command imports what it uses, when it runs: the accounting workbook needs no PDF
    # library, and no document needs Streamlit, matplotlib or pandas (tests/reports/test_light_imports.py).
    from engine.rules import load_rules  # noqa: PLC0415 (start-up time)
    from engine.store import NotDrawn, Store  # noqa: PLC0415 (start-up time)

    month = _month(args.month)
    kinds = _kinds(args)
    rules = load_rules()
    store = Store(args.db)
    try:
        if args.command == "accounting":  # official draws (--rehearsal is not read), every month unless one is named
            return documents.render("accounting", documents.Request(store, month, rules))
        from reports.protocol import check_drawn  # noqa: PLC0415 (start-up time)

        request = documents.Request(store, month, rules, rehearsal=args.rehearsal)
        check_drawn(request.month_record(), rules)
        if args.command == "act":
            from reports.acts import act_winners  # noqa: PLC0415 (start-up time)

            request.winners = act_winners(
                request.month_record(), certificate=args.certificate, denomination=args.denomination
            )
            if not request.winners:
                raise UsageError(
                    f"{month}: no winner matches (certificate {args.certificate}, "
                    f"denomination {args.denomination}) who can still receive a certificate"
                )
        if args.command == "selfcheck":  # file name -> bytes, written into the -o folder
            return {
                documents.file_name(kind, month, rehearsal=False): documents.render(kind, request) for kind in kinds
            }
        return documents.render(kinds[0], request)
    except NotDrawn as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # reports.protocol.ProtocolError, from a command that imported it
        protocol, selfcheck = sys.modules.get("reports.protocol"), sys.modules.get("reports.selfcheck")
        if not (
            (protocol and isinstance(exc, protocol.ProtocolError))
            or (selfcheck and isinstance(exc, selfcheck.SelfCheckRefused))
        ):
            raise
        raise UsageError(str(exc)) from None
    finally:
        store.close()


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
