"""Command line of the checks anyone can run: `python -m engine verify`.

    python -m engine verify [--db URL] [--bundle FILE.zip] [--protocol FILE.pdf] [--json]

One line per finding; exit 1 when any check fails (naming the draw, the tier
and what differs), 2 when the input cannot be used.
"""
from __future__ import annotations

import argparse
import sys

from engine.cli_draw import InputError, _print_json, _run_guarded, _store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="recompute every pool hash, signature, winner and the audit chain")
    p.add_argument("--db")
    p.add_argument("--bundle", help="check a verification bundle (ZIP) instead of the database")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    def body() -> int:
        if args.bundle:
            try:
                from engine.bundle import verify_bundle
            except ModuleNotFoundError:
                raise InputError("bundle checking is not available in this installation") from None
            findings = verify_bundle(args.bundle)
        else:
            from engine.draw import verify

            findings = verify(_store(args.db))
        if args.json:
            _print_json([{"name": f.name, "ok": f.ok, "detail": f.detail} for f in findings])
        else:
            for f in findings:
                print(f"{'ok  ' if f.ok else 'FAIL'} {f.name}: {f.detail}")
        failed = [f for f in findings if not f.ok]
        if failed:
            print(f"{len(failed)} of {len(findings)} checks failed", file=sys.stderr)
            return 1
        return 0

    return _run_guarded(body)
