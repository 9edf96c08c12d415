"""Command line of the draw: draw, redraw, abandon, claims, claim, check-signature.

    python -m engine draw FILE --month YYYY-MM --method random-org|offline [--entropy TEXT]
                          [--draw-date YYYY-MM-DD] [--commission FILE.toml] [--place TEXT]
                          [--rehearsal] [--db URL] [--json]
    python -m engine redraw --month YYYY-MM --denomination N --certificate K --reason unclaimed|forfeited
                          [--method ...] [--entropy TEXT] [--draw-date ...] [--rehearsal] [--db URL] [--json]
    python -m engine abandon --month YYYY-MM --denomination N --reason TEXT [--db URL] [--json]
    python -m engine claims [--db URL] [--month YYYY-MM] [--today YYYY-MM-DD] [--json]
    python -m engine claim --month YYYY-MM --denomination N --certificate K
                          --status contacted|claimed|forfeited|unclaimed [--note TEXT] [--serial TEXT] [--db URL]
    python -m engine check-signature FILE.json [--public-key PEM]

Offline, an official draw's entropy is typed (or piped on standard input) after the
pool hashes are printed, never given beforehand (integrity rule 4); --entropy is for
rehearsals.

RANDOM.ORG settings come from the environment (RANDOM_ORG_API_KEY, RANDOM_ORG_URL,
RANDOM_ORG_PUBLIC_KEY); a rehearsal uses them too, pointed at a stand-in.

The commission file (--commission) is TOML:

    place = "Astana, Kazakhtelecom JSC head office"     # optional; --place wins
    protocol_number = "3"                               # optional
    [[members]]
    role = "chair"          # chair | secretary | member
    name = "A. Chairperson"
    position = "Director of the business segment"

Exit codes: 0 done, 1 refused or a check failed, 2 the input could not be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from engine.cli_args import date_arg, month_arg
from engine.cli_preview import _pyarrow_without_pandas
from engine.records import METHOD_OFFLINE, METHOD_RANDOM_ORG, CommissionMember, DrawRecord, MonthRecord
from engine.rules import COMMISSION_ROLES, RulesError


class InputError(Exception):
    """Unusable input (exit 2)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("draw", help="draw every tier of a month (RANDOM.ORG or the offline method)")
    p.add_argument("file", help="the month's participant spreadsheet (XLSX or CSV)")
    p.add_argument("--month", type=month_arg, required=True)
    p.add_argument("--method", choices=(METHOD_RANDOM_ORG, METHOD_OFFLINE), required=True)
    p.add_argument("--entropy", help="the commission's public entropy string (offline method)")
    p.add_argument("--draw-date", type=date_arg, help="date of the draw (default: today)")
    p.add_argument("--sheet", help="sheet name (default: the first sheet)")
    p.add_argument("--commission", help="TOML file: place, protocol_number, [[members]] role/name/position")
    p.add_argument("--place", help="where the draw takes place")
    p.add_argument("--rehearsal", action="store_true", help="a rehearsal: marked, repeatable, never counts")
    p.add_argument("--db", help="database URL (default: $PROMOTION_DB_URL or data/promotion.sqlite)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_draw)

    p = sub.add_parser("redraw", help="re-draw one certificate (unclaimed after 14 days, or forfeited)")
    p.add_argument("--month", type=month_arg, required=True)
    p.add_argument("--denomination", type=int, required=True)
    p.add_argument("--certificate", type=int, required=True)
    p.add_argument("--reason", choices=("unclaimed", "forfeited"), required=True)
    p.add_argument("--method", choices=(METHOD_RANDOM_ORG, METHOD_OFFLINE), default=METHOD_RANDOM_ORG)
    p.add_argument("--entropy")
    p.add_argument("--draw-date", type=date_arg)
    p.add_argument("--rehearsal", action="store_true")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_redraw)

    p = sub.add_parser("abandon", help="abandon a used RANDOM.ORG ticket whose result could not be verified")
    p.add_argument("--month", type=month_arg, required=True)
    p.add_argument("--denomination", type=int, required=True)
    p.add_argument("--reason", required=True, help="the commission's reason, kept in the audit record")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_abandon)

    p = sub.add_parser("claims", help="winners with claim statuses and deadlines")
    p.add_argument("--db")
    p.add_argument("--month", type=month_arg)
    p.add_argument("--today", type=date_arg, help="count days left from this date (default: today)")
    p.add_argument("--rehearsal", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_claims)

    p = sub.add_parser("claim", help="record a winner's claim status")
    p.add_argument("--month", type=month_arg, required=True)
    p.add_argument("--denomination", type=int, required=True)
    p.add_argument("--certificate", type=int, required=True)
    p.add_argument("--status", choices=("contacted", "claimed", "forfeited", "unclaimed"), required=True)
    p.add_argument("--note", default="")
    p.add_argument("--serial", default="", help="the handed-over certificate's own number")
    p.add_argument("--today", type=date_arg, help="date of the change (default: today)")
    p.add_argument("--rehearsal", action="store_true")
    p.add_argument("--db")
    p.set_defaults(func=run_claim)

    p = sub.add_parser("check-signature", help="check a stored or published signed RANDOM.ORG result")
    p.add_argument("file")
    p.add_argument("--public-key", help="PEM file (default: the pinned RANDOM.ORG key)")
    p.set_defaults(func=run_check_signature)


# --------------------------------------------------------------------------- helpers


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _store(url: str | None) -> Any:
    from engine.store import Store  # noqa: PLC0415 (--help stays light: SQLAlchemy)

    return Store(url)


def load_commission(path: str) -> tuple[str, str, tuple[CommissionMember, ...]]:
    """(place, protocol_number, members) from the commission TOML file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"commission file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    members = []
    for i, m in enumerate(data.get("members", []), 1):
        if not isinstance(m, dict) or not str(m.get("name", "")).strip():
            raise InputError(f"{path}: member {i} has no name")
        role = str(m.get("role", "member")).strip().lower()
        if role not in COMMISSION_ROLES:
            raise InputError(f"{path}: member {i} has role {role!r}; use {', '.join(COMMISSION_ROLES)}")
        members.append(
            CommissionMember(role=role, name=str(m["name"]).strip(), position=str(m.get("position", "")).strip())
        )
    return str(data.get("place", "")), str(data.get("protocol_number", "")), tuple(members)


def tier_json(d: DrawRecord) -> dict[str, Any]:
    """One tier of `draw --json` (and one re-draw of `redraw --json`)."""
    out: dict[str, Any] = {
        "denomination": d.denomination,
        "pool_size": d.pool.size if d.pool else 0,
        "pool_sha256": d.pool.sha256 if d.pool else "",
        "to_draw": d.to_draw,
        "carry_out": d.carry_out,
    }
    if d.signed_random:
        out["signed_random"] = json.loads(d.signed_random)  # key order as received is kept
    if d.entropy:
        out["entropy"] = d.entropy
    out["winners"] = [
        {"certificate": w.certificate, "ordinal": w.ordinal, "account": w.account, "client_id": w.client_id}
        for w in d.winners
    ]
    return out


def month_json(record: MonthRecord, method: str) -> dict[str, Any]:
    return {"month": record.month, "method": method, "tiers": [tier_json(d) for d in record.draws if d.kind == "draw"]}


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def _print_month(record: MonthRecord) -> None:
    label = " (REHEARSAL: does not count)" if record.rehearsal else ""
    print(f"{record.month} drawn on {record.draw_date.isoformat()}{label}")
    for d in record.draws:
        if d.kind != "draw":
            continue
        size = d.pool.size if d.pool else 0
        print(
            f"  {d.denomination}: pool {size}, sha256 {d.pool.sha256 if d.pool else '-'}, "
            f"to draw {d.to_draw}, drawn {d.drawn}, carried over {d.carry_out}, method {d.method}"
            + (f", serial {d.serial_number}" if d.serial_number is not None else "")
        )
        if d.development_licence:
            print("    warning: RANDOM.ORG development licence: not valid for an official draw")
        for w in d.winners:
            print(f"    certificate {w.certificate}: #{w.ordinal} {w.account} {w.client_id} {w.client_name}")


def _progress(event: str, info: dict) -> None:
    """Plain-English progress on stderr, so stdout stays clean for --json."""
    if event == "pool_frozen":
        print(
            f"{info['month']} {info['denomination']}: pool of {info['pool_size']} frozen, "
            f"sha256 {info['pool_sha256']}" + (" (resumed)" if info.get("resumed") else ""),
            file=sys.stderr,
        )
    elif event == "ticket":
        print(f"  RANDOM.ORG ticket {info['ticket_id']}", file=sys.stderr)
    elif event == "signature_verified":
        print(
            f"  signed result {info['serial_number']} verified"
            + (" (recovered through the ticket)" if info.get("recovered") else ""),
            file=sys.stderr,
        )
        if info.get("development_licence"):
            print("  warning: RANDOM.ORG development licence: not valid for an official draw", file=sys.stderr)


def _prepare_command_process() -> None:
    """In a one-shot `python -m engine` command, before pyarrow is loaded:

    - Arrow's jemalloc instead of mimalloc. A draw's columns (a million members: sort, take, join,
      chunks) allocate and free some 100 MB at a time; jemalloc keeps freed pages for the next
      allocation, mimalloc (pyarrow's default) hands them back and faults them in again: 0.6-0.9 s
      of a 4.7 s draw of 900 000 members on the benchmark machine (benchmarks/draw.py). Never over
      the user's own ARROW_DEFAULT_MEMORY_POOL, not on Windows (its wheels have no jemalloc).
    - pyarrow's first look for pandas finds none (as `engine preview` does): 0.3-0.4 s.

    Not in the app or any other process that calls these commands' functions: there pyarrow keeps its
    defaults."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", None) != "engine.__main__" or "pyarrow" in sys.modules:
        return
    if sys.platform != "win32":
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    _pyarrow_without_pandas()


def _run_guarded(body: Any) -> int:
    """Map the engine's errors to exit codes and plain messages."""
    _prepare_command_process()  # before the engine's modules load pyarrow
    # The engine is imported when a command runs, so that `python -m engine --help` stays instant.
    from engine.claims import ClaimRefused  # noqa: PLC0415 (--help stays light)
    from engine.draw import DrawFailed  # noqa: PLC0415 (--help stays light)
    from engine.preview import IngestError  # noqa: PLC0415 (--help stays light)
    from engine.store import DrawRefused, NotDrawn  # noqa: PLC0415 (--help stays light)

    try:
        return body()
    except InputError as exc:
        return _fail(str(exc), 2)
    except (IngestError, RulesError) as exc:
        return _fail(str(exc), 2)
    except (DrawRefused, ClaimRefused) as exc:
        return _fail(f"refused: {exc}", 1)
    except NotDrawn as exc:
        return _fail(str(exc), 1)
    except DrawFailed as exc:
        return _fail(f"the draw failed ({exc.kind}); nothing was stored as a result: {exc.message}", 1)
    except ValueError as exc:
        return _fail(str(exc), 2)


# --------------------------------------------------------------------------- commands


def run_draw(args: argparse.Namespace) -> int:
    def body() -> int:
        from engine.draw import DrawOccasion, draw_month  # noqa: PLC0415 (--help stays light)
        from engine.preview import preview  # noqa: PLC0415 (--help stays light)

        entropy = _entropy_source(args)
        place, number, members = ("", "", ())
        if args.commission:
            place, number, members = load_commission(args.commission)
        draw_date = args.draw_date or dt.date.today()
        store = _store(args.db)
        result = preview(args.file, month=args.month, draw_date=draw_date, sheet=args.sheet, history=store.history())
        if result.rows.errors:
            print(
                f"note: {result.rows.errors} rows of {result.file_name} could not be read; "
                "see `python -m engine preview`",
                file=sys.stderr,
            )
        occasion = DrawOccasion(args.month, draw_date, args.method, rehearsal=args.rehearsal, place=args.place or place)
        record = draw_month(
            store,
            result,
            occasion,
            entropy=entropy,
            commission=members,
            protocol_number=number or None,
            on_step=_progress,
        )
        if args.json:
            _print_json(month_json(record, args.method))
        else:
            _print_month(record)
        return 0

    return _run_guarded(body)


def run_redraw(args: argparse.Namespace) -> int:
    def body() -> int:
        from engine.draw import DrawOccasion, execute_tier, prepare_redraw  # noqa: PLC0415 (--help stays light)

        entropy = _entropy_source(args)
        store = _store(args.db)
        occasion = DrawOccasion(args.month, args.draw_date or dt.date.today(), args.method, rehearsal=args.rehearsal)
        prepared = prepare_redraw(
            store, occasion, args.denomination, args.certificate, reason=args.reason, on_step=_progress
        )
        text = entropy([prepared]) if callable(entropy) and prepared.method == METHOD_OFFLINE else None
        d = execute_tier(store, prepared.id, entropy=text if callable(entropy) else entropy, on_step=_progress)
        if args.json:
            _print_json(
                {
                    "month": d.month,
                    "method": d.method,
                    "certificate": args.certificate,
                    "reason": args.reason,
                    **tier_json(d),
                }
            )
        elif d.winners:
            w = d.winners[0]
            print(
                f"{d.month} {d.denomination} certificate {w.certificate}: re-drawn to #{w.ordinal} "
                f"{w.account} {w.client_id} {w.client_name} (pool of {d.pool.size}, sha256 {d.pool.sha256})"
            )
        else:
            print(
                f"{d.month} {d.denomination} certificate {args.certificate}: nobody left in the pool; "
                "the certificate carries over to the next month"
            )
        return 0

    return _run_guarded(body)


def _entropy_source(args: argparse.Namespace) -> Any:
    """Offline: the rehearsal's --entropy, or (official) a prompt answered after the pool hashes are
    printed (integrity rule 4: the entropy must not be chosen before the pools are known)."""
    if args.method != METHOD_OFFLINE:
        return None
    if args.entropy is not None and not args.rehearsal:
        raise InputError(
            "an official draw's entropy is entered after the pool hashes are printed: leave out "
            "--entropy and type it at the prompt (or send it on standard input)"
        )
    if args.rehearsal:
        if not (args.entropy or "").strip():
            raise InputError("the offline method needs --entropy (the commission's public entropy string)")
        return args.entropy

    def ask(prepared: list) -> str:
        print(
            "The pool hashes above are now public. Roll the dice in front of everyone and type the entropy "
            "string (one line):",
            file=sys.stderr,
            flush=True,
        )
        line = sys.stdin.readline()
        if not line.strip():
            raise InputError(
                "no entropy was entered; nothing was drawn (the frozen pools are kept and the same "
                "command resumes them)"
            )
        return line.strip()

    return ask


def run_abandon(args: argparse.Namespace) -> int:
    def body() -> int:
        from engine.draw import abandon_ticket  # noqa: PLC0415 (--help stays light)

        d = abandon_ticket(_store(args.db), args.month, args.denomination, reason=args.reason)
        if args.json:
            _print_json(
                {
                    "month": d.month,
                    "denomination": d.denomination,
                    "draw_id": d.id,
                    "ticket_id": d.ticket_id,
                    "certificate": d.redraw_of_certificate,
                    "reason": args.reason.strip(),
                    "failure": d.failure,
                    "status": d.status,
                }
            )
        else:
            print(
                f"{d.month} {d.denomination}: ticket {d.ticket_id} abandoned ({args.reason.strip()}); the tier can "
                "be drawn afresh"
            )
        return 0

    return _run_guarded(body)


def run_claims(args: argparse.Namespace) -> int:
    def body() -> int:
        from engine.claims import claims  # noqa: PLC0415 (--help stays light)

        rows = claims(_store(args.db), args.month, today=args.today, rehearsal=args.rehearsal)
        if args.json:
            _print_json(
                [
                    {
                        "month": c.winner.month,
                        "denomination": c.winner.denomination,
                        "certificate": c.winner.certificate,
                        "account": c.winner.account,
                        "client_id": c.winner.client_id,
                        "client_name": c.winner.client_name,
                        "status": c.status,
                        "deadline": c.deadline.isoformat(),
                        "days_left": c.days_left,
                        "note": c.winner.note,
                        "certificate_serial": c.winner.certificate_serial,
                    }
                    for c in rows
                ]
            )
            return 0
        for c in rows:
            w = c.winner
            print(
                f"{w.month} {w.denomination:>6} #{w.certificate:<3} {c.status:<10} deadline "
                f"{c.deadline.isoformat()} ({c.days_left:+d} days)  {w.account} {w.client_name}"
            )
        return 0

    return _run_guarded(body)


def run_claim(args: argparse.Namespace) -> int:
    def body() -> int:
        from engine.claims import set_claim  # noqa: PLC0415 (--help stays light)

        w = set_claim(
            _store(args.db),
            args.month,
            args.denomination,
            args.certificate,
            args.status,
            note=args.note,
            certificate_serial=args.serial,
            today=args.today,
            rehearsal=args.rehearsal,
        )
        print(f"{w.month} {w.denomination} certificate {w.certificate}: {w.status}")
        return 0

    return _run_guarded(body)


def run_check_signature(args: argparse.Namespace) -> int:
    from engine.randomorg import RandomOrgError, check_signed_file, load_public_key  # noqa: PLC0415 (--help stays light)

    try:
        key = load_public_key(args.public_key) if args.public_key else None
    except OSError as exc:
        return _fail(f"cannot read the public key: {exc}", 2)
    if not Path(args.file).is_file():
        return _fail(f"file not found: {args.file}", 2)
    try:
        signed = check_signed_file(args.file, key)
    except RandomOrgError as exc:
        return _fail(str(exc), 1)
    print(
        f"signature verifies: serial {signed.serial_number}, completed {signed.completion_time}, "
        f"data {list(signed.data)}"
    )
    if signed.user_data is not None:
        print(f"userData: {json.dumps(signed.user_data, ensure_ascii=False)}")
    if signed.development_licence:
        print("warning: development licence: these numbers are not valid for an official draw")
    return 0
