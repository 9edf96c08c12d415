"""`python -m engine preview FILE [--month YYYY-MM] [--draw-date YYYY-MM-DD] [--sheet NAME] [--db URL] [--json]`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from engine.cli_args import date_arg, month_arg
from engine.rules import RulesError, load_rules

if TYPE_CHECKING:  # the preview (pandas) is imported when the command runs, so `--help` stays instant
    from engine.preview import Preview


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preview", help="place every row of a participant spreadsheet and show tiers vs quotas")
    p.add_argument("file")
    p.add_argument("--month", type=month_arg, help="only this reporting month (other rows: other_month)")
    p.add_argument("--draw-date", type=date_arg, help="date of the draw (default: today)")
    p.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
    p.add_argument("--db", help="database URL: respect months already drawn and stored")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


class _NoPandas:
    """A meta-path finder that refuses pandas while pyarrow first looks for it (see `run`)."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used by `engine preview`")
        return None


def _pyarrow_without_pandas() -> None:
    """pyarrow imports pandas on its first conversion only to recognise pandas objects
    (0.3 s and 40 MB here). This command hands it none: let that first look find no pandas.
    Only in this one-shot command process: a later explicit `import pandas` still works, and
    pyarrow's own pandas conversions try the import again."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa  # noqa: PLC0415 (--help stays light: pyarrow, 0.17 s)

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(finder)


def run(args: argparse.Namespace) -> int:
    _pyarrow_without_pandas()
    from engine.preview import IngestError, preview  # noqa: PLC0415 (--help stays light: pyarrow; after the pandas guard)

    try:
        rules = load_rules()
        history = None
        if args.db:
            from engine.store import Store  # noqa: PLC0415 (--help stays light: SQLAlchemy)

            history = Store(args.db).history()
        result = preview(
            args.file, month=args.month, draw_date=args.draw_date, sheet=args.sheet, rules=rules, history=history
        )
    except (IngestError, RulesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        # one write of the text json.dumps(result.to_json()) would give, built from the columns
        sys.stdout.write(result.to_json_text() + "\n")
    else:
        sys.stdout.write(render_text(result))
    return 0


def render_text(result: Preview) -> str:
    r = result.rows
    lines = [
        f"{result.file_name}" + (f" [{result.sheet}]" if result.sheet else "") + f"  sha256 {result.file_sha256}",
        f"rows: {r.data} data ({r.blank} blank skipped): {r.eligible} eligible, {r.excluded} excluded, {r.errors} errors",
        f"draw date: {result.draw_date.isoformat()}",
        "",
        f"{'month':<8} {'tier':>7} {'eligible':>9} {'quota':>6} {'carried':>8} {'to draw':>8} {'carry out':>10}",
    ]
    for m in result.months:
        for t in m.tiers:
            lines.append(
                f"{m.month:<8} {t.denomination:>7} {t.eligible:>9} {t.quota:>6} {t.carried_in:>8} {t.to_draw:>8} {t.carry_out:>10}"
            )
    by_reason = result.excluded_by_reason()
    if by_reason:
        lines += ["", "excluded by reason:"] + [f"  {reason:<22} {count}" for reason, count in by_reason.items()]
    if result.errors:
        lines += ["", f"errors ({len(result.errors)}):"]
        lines += [f"  row {e.row}: {e.field} ({e.column}): {e.message}" for e in result.errors[:50]]
        if len(result.errors) > 50:
            lines.append(f"  … {len(result.errors) - 50} more (use --json for all)")
    if result.notices:
        lines += ["", "notices:"] + [f"  - {n.text}" for n in result.notices]
    return "\n".join(lines) + "\n"
