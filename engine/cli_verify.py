"""Command line of the checks anyone can run: `python -m engine verify`.

    python -m engine verify [--db URL] [--bundle FILE.zip] [--protocol FILE.pdf] [--json]

Which checks run:
- neither --bundle nor --protocol: the database (every pool hash, signature,
  winner and the audit chain), `engine.verify.verify`;
- --bundle: the verification bundle from its files alone, no database;
- --protocol: a signed protocol against the database (--db, or the default
  one): its PAdES signature intact and covering the whole file, the signer
  named by certificate fingerprint (and equal to the pinned certificate when
  one is configured: PROTOCOL_SIGNER_CERT, else PROTOCOL_SIGNING_P12's), its
  embedded draws, pool hashes and winners equal to the stored ones of its
  month, and the audit head it printed still in the stored chain. Only these
  protocol checks run; the database's own checks are `verify --db URL`.
--bundle and --protocol may be given together; their findings are listed in
that order.

One line per finding; exit 1 when any check fails (naming the draw, the tier
and what differs), 2 when the input cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli_draw import InputError, _print_json, _run_guarded, _store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="recompute every pool hash, signature, winner and the audit chain")
    p.add_argument("--db")
    p.add_argument("--bundle", help="check a verification bundle (ZIP) instead of the database")
    p.add_argument("--protocol", help="check a signed protocol (PDF) against the database")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    def body() -> int:
        findings = []
        if args.bundle or args.protocol:
            try:  # the PDF checks are reports' (signature, signer pin): this command wires them in
                from engine.bundle import verify_bundle, verify_protocol  # noqa: PLC0415 (--help stays light)
                from reports.pdf_check import protocol_pdf_verdict  # noqa: PLC0415 (--help stays light)
            except ModuleNotFoundError:
                raise InputError("bundle checking is not available in this installation") from None
        if args.bundle:
            findings += verify_bundle(args.bundle, check_pdf=protocol_pdf_verdict)
        if args.protocol:
            path = Path(args.protocol)
            try:
                pdf = path.read_bytes()
            except OSError as exc:
                raise InputError(f"cannot read the protocol {path}: {exc.strerror or exc}") from None
            store = _store(args.db)
            try:
                findings += verify_protocol(pdf, store, check_pdf=protocol_pdf_verdict, name=path.name)
            finally:
                store.close()
        if not args.bundle and not args.protocol:
            from engine.verify import verify  # noqa: PLC0415 (--help stays light)

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
