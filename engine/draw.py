"""The draw of clause 8: freeze a pool, pick winners, re-draw, follow claims, verify.

Every step follows RULES.md "The draw" so that an outsider with the pool text,
the signed RANDOM.ORG response (or the commission's entropy) and RULES.md can
recompute every winner. The draw runs in two phases so the live screen can show
the pool hash and the RANDOM.ORG ticket *before* any random number is asked for:

    d = prepare_tier(store, preview, month, 50000, method="random-org", draw_date=...)
    d = execute_tier(store, d.id, client=client)

`draw_month` does both for every tier. Failures never store a result: the month
stays drawable, and when a RANDOM.ORG answer may exist (timeout, broken
connection, bad signature) the pending draw keeps its ticket so the next
attempt recovers that very result instead of asking for new numbers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.records import (
    METHOD_NONE,
    METHOD_OFFLINE,
    METHOD_RANDOM_ORG,
    OPEN_STATUSES,
    CommissionMember,
    DrawRecord,
    MonthRecord,
    Participant,
    PoolMember,
    WinnerRecord,
)
from engine.rules import Rules, load_rules
from engine.store import (
    ABANDONED,
    BLOCKED,
    GENESIS_SHA256,
    MEMBER_COLUMNS,
    OFFICIAL,
    DrawRefused,
    NotDrawn,
    Store,
    StoreError,
    WinnerInput,
    audit_sha256,
    canonical_json,
    fields_sha256,
    import_fields,
    members_sha256,
    string_bytes,
    string_order,
    winner_details,
)

__all__ = [
    "ClaimRefused", "ClaimView", "DrawFailed", "DrawRefused", "Finding", "FrozenPool", "NotDrawn",
    "abandon_ticket", "awaiting_redraw", "blocked_draw", "check_draw_allowed", "claims", "draw_month",
    "execute_tier", "freeze_pool", "prepare_redraw", "prepare_tier", "redraw", "set_claim", "verify",
    "CRASH_HOOK_ENV",
]

METHODS = (METHOD_RANDOM_ORG, METHOD_OFFLINE)
REDRAW_REASONS = ("unclaimed", "forfeited")
CLAIM_STATUSES = ("contacted", "claimed", "forfeited", "unclaimed")
# RANDOM.ORG refused before drawing anything: the ticket is surely unused, free the slot.
_FREE_SLOT_KINDS = frozenset({"no_key", "key_not_running", "allowance"})
# A used ticket whose result cannot be used: it blocks the tier until the commission abandons it (rule 5).
_BLOCKING_KINDS = frozenset({"bad_signature", "not_bound", "development_licence"})
# Test hook: exit the process right after RANDOM.ORG answered, before storing
# (simulates a crash; the next attempt must recover the result through the ticket).
CRASH_HOOK_ENV = "PROMOTION_CRASH_AFTER_RANDOM"


def _prepare_command_process() -> None:
    """In a one-shot `python -m engine` command that draws, before pyarrow is loaded:

    - Arrow's jemalloc instead of mimalloc. A draw's columns (a million members: sort, take, join,
      chunks) allocate and free some 100 MB at a time; jemalloc keeps freed pages for the next
      allocation, mimalloc (pyarrow's default) hands them back and faults them in again: 0.6-0.9 s
      of a 4.7 s draw of 900 000 members on the benchmark machine (benchmarks/draw.py). Never over
      the user's own ARROW_DEFAULT_MEMORY_POOL, not on Windows (its wheels have no jemalloc).
    - pyarrow's first look for pandas finds none (as `engine preview` does): 0.3-0.4 s.

    Not in the app or any other process that imports this module: there pyarrow keeps its defaults."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", None) != "engine.__main__" or "pyarrow" in sys.modules:
        return
    if sys.platform != "win32":
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    from engine.cli_preview import _pyarrow_without_pandas

    _pyarrow_without_pandas()


_prepare_command_process()

OnStep = Callable[[str, dict], None]


class DrawFailed(Exception):
    """The draw could not complete; nothing was stored as a result. `kind` names why
    (the RandomOrgError kinds, or "not_bound", "no_entropy")."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class ClaimRefused(StoreError):
    """The claim status change is not allowed (wrong order, deadline, missing note)."""


@dataclass(frozen=True)
class Finding:
    """One check of `verify`: its name, whether it passed, and what was seen.

    `code` names the kind of check for a translated text on screen (ui/catalog.py "verify.*"):
    pool, signature, binding, ticket, development_licence, winners, audit_chain, audit_results,
    serials, draw_missing, relabelled, drawn_twice, field_hash, not_covered, abandoned,
    abandoned_valid, blocked, entropy, months_order."""

    name: str
    ok: bool
    detail: str = ""
    code: str = ""


# --------------------------------------------------------------------------- pools


@dataclass(frozen=True)
class FrozenPool:
    """A month and tier's participants sorted by account and numbered 1..N.

    `text` is the canonical form (one `ordinal,account,client_id,denomination` line
    each) and `sha256` its hash. `table` holds the members as columns (MEMBER_COLUMNS:
    ordinal, account, client_id, client_name, phone, region), what the store keeps one row
    each; `members` (PoolMember objects) is built on first use only: the hash of a
    million-member pool must not wait for a million small objects.
    """

    month: str
    denomination: int
    text: str
    sha256: str
    table: Any = field(repr=False, compare=False)  # pyarrow.Table, ordinal order

    @property
    def size(self) -> int:
        return self.table.num_rows

    @cached_property
    def members(self) -> tuple[PoolMember, ...]:
        den = self.denomination
        cols = [self.table.column(c).to_pylist() for c in MEMBER_COLUMNS]
        return tuple(PoolMember(ordinal=o, account=a, client_id=c, denomination=den, client_name=n, phone=p,
                                region=r) for o, a, c, n, p, r in zip(*cols))

    def member(self, ordinal: int) -> PoolMember:
        return self.members[ordinal - 1]


_POOL_SOURCE_COLUMNS = ("account", "client_id", "client_name", "phone", "region")


def _participants_table(participants: Iterable[Participant]) -> Any:
    """Participant objects as the columns a pool is frozen from."""
    import pyarrow as pa

    people = list(participants)
    return pa.table({c: pa.array([getattr(p, c) for p in people], pa.string()) for c in _POOL_SOURCE_COLUMNS})


def _pool_columns(source: Any) -> Any:
    """A pyarrow Table with the pool's source columns as plain strings (details: "" for missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = source if isinstance(source, pa.Table) else _participants_table(source)
    columns = {}
    for c in _POOL_SOURCE_COLUMNS:
        if c not in table.column_names:
            if c in ("account", "client_id"):
                raise ValueError(f"the pool has no {c} column")
            columns[c] = pa.array([""] * table.num_rows, pa.string())
            continue
        col = table.column(c)
        col = pc.cast(col, pa.string()) if col.type != pa.string() else col
        if c in ("account", "client_id"):
            if col.null_count:
                raise ValueError(f"a member of the pool has no {c}; the pool cannot be frozen")
        else:
            col = pc.fill_null(col, "")
        columns[c] = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return pa.table(columns)


def canonical_pool_bytes(ordinals: Any, accounts: Any, client_ids: Any, denomination: int) -> bytes:
    """RULES.md step 1's text from columns: `ordinal,account,client_id,denomination` and a line
    break per member, joined by Arrow and taken whole from its value buffer (UTF-8)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(ordinals) == 0:
        return b""
    lines = pc.binary_join_element_wise(pc.cast(ordinals, pa.string()), accounts, client_ids,
                                        pa.scalar(f"{denomination}\n"), ",")
    return string_bytes(lines)[0]


def freeze_pool(participants: Any, month: str, denomination: int) -> FrozenPool:
    """RULES.md step 1: sort by account (plain string order), number 1..N, hash the text.

    `participants`: a pyarrow Table (account, client_id, client_name, phone, region; other
    columns such as row are ignored) or Participant objects. Arrow compares strings by their
    UTF-8 bytes, which is the order of their code points: Python's plain string order."""
    import numpy as np
    import pyarrow as pa

    table = _pool_columns(participants)
    n = table.num_rows
    if n:
        table = table.take(string_order(table.column("account")))
    ordinals = pa.array(np.arange(1, n + 1, dtype=np.int64))
    members = pa.table({"ordinal": ordinals, **{c: table.column(c).combine_chunks() for c in _POOL_SOURCE_COLUMNS}})
    data = canonical_pool_bytes(ordinals, members.column("account"), members.column("client_id"), denomination)
    if data.count(b"\n") != n:
        raise ValueError("an account or client id contains a line break; the pool cannot be frozen")
    digest = hashlib.sha256(data).hexdigest()
    return FrozenPool(month, denomination, data.decode("utf-8"), digest, members)


def _pool_lines(text: str) -> list[str]:
    """The lines of a pool text, split at line feeds only: an account or client id may hold any
    other character, U+2028 or a form feed included (str.splitlines would split there too)."""
    if not text:
        return []
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def parse_pool_text(text: str) -> list[tuple[int, str, str, int]]:
    """(ordinal, account, client_id, denomination) per line; an account may contain commas."""
    out = []
    for line in _pool_lines(text):
        first, _, rest = line.partition(",")
        account_and_id, _, den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        out.append((int(first), account, client_id, int(den)))
    return out


def _members_match_text(members: Any, text: str, denomination: int) -> bool:
    """The stored members say exactly what the pool text says: ordinals 1..N, and each member's
    account and client id on its own line (the text rebuilt from the members is the stored text)."""
    import numpy as np

    n = members.num_rows
    ordinals = members.column("ordinal").to_numpy()
    if not np.array_equal(ordinals, np.arange(1, n + 1)):
        return False
    data = canonical_pool_bytes(members.column("ordinal"), members.column("account").combine_chunks(),
                                members.column("client_id").combine_chunks(), denomination)
    return data == text.encode("utf-8")


# --------------------------------------------------------------------------- preparing


def _emit(on_step: OnStep | None, event: str, **info: Any) -> None:
    if on_step is not None:
        on_step(event, info)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use random-org or offline")


def check_draw_allowed(store: Store, rules: Rules, month: str, draw_date: dt.date, *, rehearsal: bool) -> None:
    """Integrity rules 1 and 2, before anything is stored: the draw date is not before the month
    after the reporting month, and an official month's earlier months are all drawn (their
    carry-over decides this month's certificates). Rehearsals may run any month."""
    first_day = rules.draw_window(month)[0]
    if rules.draw_date_early(month, draw_date):
        raise DrawRefused(f"{month}: the draw date {draw_date.isoformat()} is before {first_day.isoformat()}; "
                          "a month is drawn once it is over, in the month after it (clause 8)",
                          "draw_date_early", month=month, first_day=first_day.isoformat())
    if rehearsal:
        return
    drawn = store.history(participation=False).drawn
    for m in rules.months:
        if m >= month:
            return
        if any((m, den) not in drawn for den in rules.denominations):
            raise DrawRefused(f"{month}: {m} is not drawn yet; months are drawn in order, {m} comes first "
                              "(its carry-over decides this month's certificates)",
                              "months_out_of_order", month=month, first_undrawn=m)


def _check_not_drawn_before(store: Store, month: str, denomination: int) -> None:
    """A tier whose completed draw the audit record holds is never drawn again, even when its rows
    were deleted or relabelled (rule 7): the draw refuses and `verify` names what was done."""
    recorded = store.audit_drawn(month, denomination)
    if recorded and not store.tier_draws(month, denomination):
        raise DrawRefused(f"{month} {denomination}: the audit record says draw #{recorded[0]} completed this tier, "
                          "but its stored draw is gone or relabelled; the database was changed by hand. Nothing "
                          "is drawn again: run `python -m engine verify`", "draw_missing", month=month,
                          denomination=denomination)


def _expected_carried_in(store: Store, rules: Rules, month: str, denomination: int) -> int | None:
    """carried_in by the stored draws, if every earlier month of this tier is drawn; else None."""
    drawn = store.history(participation=False).drawn
    carry = 0
    for m in rules.months:
        if m >= month:
            return carry
        if (m, denomination) not in drawn:
            return None
        carry = rules.quota(m, denomination) + carry - drawn[(m, denomination)]
    return None


def _rehearsal_run(store: Store, month: str, denomination: int, run: int | None) -> int:
    """The rehearsal run to use: the given one, else the latest unless its tier is already done."""
    if run is not None:
        return run
    latest = store.latest_rehearsal_run(month)
    if latest and not store.tier_draws(month, denomination, rehearsal=True, run=latest):
        return latest
    return store.start_rehearsal(month)


def _check_preview_is_current(store: Store, preview: Any, pool: Any, month: str,
                              draw_date: dt.date, rehearsal: bool) -> None:
    """Refuse a pool built from a stale preview: one made for another draw date
    (reason 5, disconnections, depends on it) or without the stored history
    (reason 9: a client takes part once, in the earliest month)."""
    built_for = getattr(preview, "draw_date", None)
    if built_for is not None and built_for != draw_date:
        raise DrawRefused(f"{month}: the preview was built for the draw date {built_for}, the draw is on "
                          f"{draw_date}; build the preview again for the draw date")
    if rehearsal:
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    history = store.history()
    if not history.drawn:  # no official month drawn yet: nobody took part before
        return
    ids = pool.column("client_id")
    earlier = history.first_months(ids.to_pylist())
    repeat = sorted(c for c, m in earlier.items() if m < month)
    if repeat:
        count = int(pc.sum(pc.is_in(ids, value_set=pa.array(repeat, ids.type))).as_py() or 0)
        account = pool.column("account")[pc.index(ids, repeat[0]).as_py()].as_py()
        raise DrawRefused(f"{month}: {count} participants (e.g. account {account}) already took part in an "
                          "earlier drawn month; build the preview with the database (history)")


def prepare_tier(
    store: Store,
    preview: Any,
    month: str,
    denomination: int,
    *,
    method: str,
    rehearsal: bool = False,
    draw_date: dt.date,
    place: str = "",
    client: Any = None,
    run: int | None = None,
    rules: Rules | None = None,
    on_step: OnStep | None = None,
) -> DrawRecord:
    """Freeze and store the tier's pool, claim the draw slot, create the ticket.

    Refuses (DrawRefused) a tier already drawn or being drawn by someone else;
    resumes a pending draw left by a crash or a failure (same pool required).
    """
    _check_method(method)
    rules = rules or load_rules()
    tier = preview.tier(month, denomination)
    pool = freeze_pool(_preview_pool(preview, month, denomination), month, denomination)
    if _repeats(pool.table.column("account")):
        raise ValueError(f"the pool of {month} {denomination} names an account twice")
    check_draw_allowed(store, rules, month, draw_date, rehearsal=rehearsal)
    if not rehearsal:
        _check_not_drawn_before(store, month, denomination)
    _check_preview_is_current(store, preview, pool.table, month, draw_date, rehearsal)
    if not rehearsal:
        expected = _expected_carried_in(store, rules, month, denomination)
        if expected is not None and expected != tier.carried_in:
            raise DrawRefused(
                f"{month} {denomination}: the preview carries in {tier.carried_in} certificates but the stored "
                f"draws carry in {expected}; build the preview with the database (history)")
    n = min(tier.to_draw, pool.size)
    tier_method = method if n > 0 else METHOD_NONE
    if rehearsal:
        run = _rehearsal_run(store, month, denomination, run)
    _release_stale_ticket_for_offline(store, month, denomination, tier_method, rehearsal, run, client)
    draw, resumed = store.claim_draw(
        month=month, denomination=denomination, kind="draw", method=tier_method, rehearsal=rehearsal,
        run=run or 0, quota=tier.quota, carried_in=tier.carried_in, to_draw=tier.to_draw,
        draw_date=draw_date, place=place, pool_text=pool.text, pool_sha256=pool.sha256,
        pool_size=pool.size, pool_members=pool.table,
    )
    _emit(on_step, "pool_frozen", draw_id=draw.id, month=month, denomination=denomination,
          pool_size=pool.size, pool_sha256=pool.sha256, to_draw=tier.to_draw, resumed=resumed)
    return _ensure_ticket(store, draw, client, on_step)


def _preview_pool(preview: Any, month: str, denomination: int) -> Any:
    """The tier's participants as columns: `preview.pool_table(month, denomination)` (row, account,
    client_id, client_name, phone, region) when the preview has it, else its Participant objects."""
    if hasattr(preview, "pool_table"):
        return preview.pool_table(month, denomination)
    participants = preview.pool(month, denomination)
    if any(p.month != month or p.denomination != denomination for p in participants):
        raise ValueError(f"the pool of {month} {denomination} holds participants of another month or tier")
    return _participants_table(participants)


def _repeats(ordered: Any) -> bool:
    """Whether a sorted column holds a value twice (two neighbours are equal)."""
    import pyarrow.compute as pc

    n = len(ordered)
    return n > 1 and bool(pc.any(pc.equal(ordered.slice(1), ordered.slice(0, n - 1))).as_py())


def _release_stale_ticket_for_offline(store: Store, month: str, den: int, method: str, rehearsal: bool,
                                      run: int | None, client: Any, certificate: int = 0) -> None:
    """Switching a pending RANDOM.ORG draw (or re-draw) to the offline method is allowed only when
    RANDOM.ORG confirms its ticket was never used (otherwise a result exists)."""
    if method == METHOD_RANDOM_ORG or client is None:
        return
    pending = store.pending_draw(month, den, rehearsal=rehearsal, run=run, certificate=certificate)
    if pending is None or not pending.ticket_id or pending.method != METHOD_RANDOM_ORG:
        return
    try:
        used = client.recover(pending.ticket_id)
    except Exception:  # RANDOM.ORG cannot tell: the refusal in claim_draw explains what to do
        return
    if used is None:
        store.fail_draw(pending.id, "abandoned", "the commission switched to the offline method; the ticket "
                        "was confirmed unused", keep_pending=False, force=True)


def _ensure_ticket(store: Store, draw: DrawRecord, client: Any, on_step: OnStep | None) -> DrawRecord:
    if draw.method != METHOD_RANDOM_ORG:
        return draw
    if draw.ticket_id:
        _emit(on_step, "ticket", draw_id=draw.id, ticket_id=draw.ticket_id, resumed=True)
        return draw
    with _client_for(client) as c:
        try:
            ticket = c.create_ticket()
        except Exception as exc:
            kind = getattr(exc, "kind", None)
            if kind is None:
                raise
            store.fail_draw(draw.id, kind, str(exc), keep_pending=False)
            raise DrawFailed(kind, str(exc)) from exc
    draw = store.set_ticket(draw.id, ticket)
    _emit(on_step, "ticket", draw_id=draw.id, ticket_id=ticket, resumed=False)
    return draw


class _client_for:
    """Use the given client, or one from the environment that is closed afterwards."""

    def __init__(self, client: Any) -> None:
        self._given = client
        self._own: Any = None

    def __enter__(self) -> Any:
        if self._given is not None:
            return self._given
        from engine.randomness import RandomOrgClient, RandomOrgConfig

        self._own = RandomOrgClient.from_config(RandomOrgConfig.from_env())
        return self._own

    def __exit__(self, *exc: object) -> None:
        if self._own is not None:
            self._own.close()


# --------------------------------------------------------------------------- executing


def _expected_user_data(month: str, denomination: int, pool_sha256: str, certificate: int | None) -> dict[str, Any]:
    """RULES.md step 2: the month, tier and pool hash (and a re-draw's certificate) bind a result to its pool."""
    data: dict[str, Any] = {"month": month, "denomination": denomination, "pool_sha256": pool_sha256}
    if certificate:
        data["certificate"] = certificate
    return data


def _user_data(draw: DrawRecord) -> dict[str, Any]:
    return _expected_user_data(draw.month, draw.denomination, draw.pool.sha256 if draw.pool else "",
                               draw.redraw_of_certificate if draw.kind == "redraw" else None)


def _binding_problems(d: dict, pool: dict, signed: Any, n: int) -> list[str]:
    """What in a signed result does not belong to the draw `d` (stored fields: month, denomination,
    kind, redraw_certificate, ticket_id) over `pool` (sha256, size); empty = bound. The one home
    of "the signed result answers this draw's request", for the draw, `abandon` and `verify`."""
    r = signed.random
    size = pool["size"]
    certificate = d["redraw_certificate"] if d["kind"] == "redraw" else None
    expected = _expected_user_data(d["month"], d["denomination"], pool["sha256"], certificate)
    return [name for name, ok in (
        ("userData", r.get("userData") == expected),
        ("n", r.get("n") == n),
        ("min", r.get("min") == 1),
        ("max", r.get("max") == size),
        ("replacement", r.get("replacement") is False),
        ("data", len(signed.data) == n and len(set(signed.data)) == n and all(1 <= x <= size for x in signed.data)),
        ("ticket", bool(d["ticket_id"]) and signed.ticket_id == d["ticket_id"]),
    ) if not ok]


def _bound(draw: DrawRecord, signed: Any, n: int) -> list[str]:
    """What in a signed result does not belong to this draw (empty = bound to this pool)."""
    d = {"month": draw.month, "denomination": draw.denomination, "kind": draw.kind,
         "redraw_certificate": draw.redraw_of_certificate or 0, "ticket_id": draw.ticket_id}
    pool = {"sha256": draw.pool.sha256 if draw.pool else "", "size": draw.pool.size if draw.pool else 0}
    return _binding_problems(d, pool, signed, n)


def execute_tier(
    store: Store,
    draw_id: int,
    *,
    client: Any = None,
    entropy: str | None = None,
    on_step: OnStep | None = None,
    rules: Rules | None = None,
) -> DrawRecord:
    """Pick the winners of a prepared draw and store them (RULES.md steps 2-3)."""
    rules = rules or load_rules()
    store.acquire_lease(draw_id)
    try:
        return _execute(store, draw_id, client, entropy, on_step, rules)
    except DrawFailed:
        raise
    except BaseException:
        store.release_lease(draw_id)  # an unexpected error must not block the next attempt
        raise


def _execute(store: Store, draw_id: int, client: Any, entropy: str | None, on_step: OnStep | None,
             rules: Rules) -> DrawRecord:
    draw = store.draw(draw_id)
    size = draw.pool.size if draw.pool else 0
    n = min(draw.to_draw, size)
    deadline = rules.claim_deadline(draw.draw_date)
    replaces = _replaced(store, draw)
    if draw.method == METHOD_NONE or n == 0:
        done = store.finish_draw(draw_id, [], deadline=deadline, method=METHOD_NONE, **replaces)
        _emit(on_step, "tier_done", draw_id=draw_id, denomination=draw.denomination, drawn=0,
              carry_out=done.carry_out)
        return done
    if draw.method == METHOD_OFFLINE:
        result = _run_offline(store, draw, n, entropy, on_step)
    else:
        result = _run_random_org(store, draw, n, client, on_step)
    ordinals = result.pop("ordinals")
    first_certificate = draw.redraw_of_certificate or 1
    winners = [WinnerInput(certificate=first_certificate + i, ordinal=m.ordinal, account=m.account,
                           client_id=m.client_id, client_name=m.client_name, phone=m.phone, region=m.region)
               for i, m in enumerate(_winning_members(store, draw, ordinals))]
    done = store.finish_draw(draw_id, winners, deadline=deadline, method=draw.method, **result, **replaces)
    for w in done.winners:
        _emit(on_step, "winner", draw_id=draw_id, denomination=w.denomination, certificate=w.certificate,
              ordinal=w.ordinal, account=w.account, client_id=w.client_id, client_name=w.client_name)
    _emit(on_step, "tier_done", draw_id=draw_id, denomination=draw.denomination, drawn=done.drawn,
          carry_out=done.carry_out)
    return done


def _winning_members(store: Store, draw: DrawRecord, ordinals: Sequence[int]) -> list[PoolMember]:
    """The members at the drawn ordinals, read from their chunks. Each is checked against the pool
    text (its line is in the hashed text): a member changed by hand cannot name a winner; the
    winner then comes from the text itself (details left empty) and `verify` names the change."""
    assert draw.pool is not None
    text, den = draw.pool.text, draw.denomination
    rows = {m.ordinal: m for m in store.pool_members(draw.pool.id, ordinals)}
    in_text: set[int] = set()
    start = 0  # lines are in ordinal order: each winner's line is looked for after the one before
    for o in sorted(rows):
        m = rows[o]
        line = f"{o},{m.account},{m.client_id},{den}\n"
        found = 0 if text.startswith(line) else text.find(f"\n{line}", start)
        if found >= 0:
            in_text.add(o)
            start = max(start, found)
    out: list[PoolMember] = []
    lines: list[tuple[int, str, str, int]] | None = None
    for o in ordinals:
        m = rows.get(o)
        if o not in in_text:
            lines = lines or parse_pool_text(text)
            _, account, client_id, _ = lines[o - 1]
            m = PoolMember(ordinal=o, account=account, client_id=client_id, denomination=den)
        out.append(m)
    return out


def _replaced(store: Store, draw: DrawRecord) -> dict[str, Any]:
    if draw.kind != "redraw":
        return {}
    current = store.current_winner(draw.month, draw.denomination, draw.redraw_of_certificate or 0,
                                   rehearsal=draw.rehearsal, run=store.draw_run(draw.id))
    return {"replaces_winner_id": current.id, "replaced_status": draw.redraw_reason}


def _run_offline(store: Store, draw: DrawRecord, n: int, entropy: str | None, on_step: OnStep | None) -> dict:
    from engine.randomness import offline_select

    text = (entropy or "").strip()
    if not text:
        store.release_lease(draw.id)
        raise DrawFailed("no_entropy", "The offline method needs the commission's entropy string "
                                       "(for example dice rolled in front of everyone).")
    if not draw.rehearsal:
        earlier = [d for d in store.tier_draws(draw.month, draw.denomination)
                   if d.method == METHOD_OFFLINE and d.entropy == text]
        if earlier:
            store.release_lease(draw.id)
            raise DrawRefused(f"{draw.month} {draw.denomination}: this entropy text was already used for draw "
                              f"#{earlier[0].id} of this tier; one entropy text serves one draw or re-draw "
                              "(roll new dice)", "entropy_reused", month=draw.month,
                              denomination=draw.denomination)
    store.record_entropy(draw.id, text)
    _emit(on_step, "requesting", draw_id=draw.id, method=METHOD_OFFLINE, n=n, entropy=text)
    ordinals = offline_select(draw.pool.sha256, text, draw.pool.size, n)
    return {"ordinals": ordinals, "entropy": text}


def _block(store: Store, draw: DrawRecord, kind: str, message: str, response_text: str) -> None:
    """The ticket was used but its result cannot be used: keep the answer as evidence and hold the
    tier until the commission abandons the ticket (rule 5); never ask again with a new ticket."""
    store.block_draw(draw.id, kind, message, response_text)
    raise DrawFailed(kind, f"{message}. The tier is blocked until the commission abandons ticket "
                           f"{draw.ticket_id} with a reason (python -m engine abandon).")


def _run_random_org(store: Store, draw: DrawRecord, n: int, client: Any, on_step: OnStep | None) -> dict:
    from engine.randomness import RandomOrgError

    with _client_for(client) as c:
        try:
            fresh = store.take_fresh_ticket(draw.id)
            signed = c.recover(draw.ticket_id) if draw.ticket_id and not fresh else None
            recovered = signed is not None
            if signed is None:
                _emit(on_step, "requesting", draw_id=draw.id, method=METHOD_RANDOM_ORG, n=n, minimum=1,
                      maximum=draw.pool.size, ticket_id=draw.ticket_id, user_data=_user_data(draw))
                signed = c.generate_signed_integers(n, 1, draw.pool.size, user_data=_user_data(draw),
                                                    ticket_id=draw.ticket_id or None)
        except RandomOrgError as exc:
            if exc.kind in _BLOCKING_KINDS and exc.response_text and draw.ticket_id:
                _block(store, draw, exc.kind, str(exc), exc.response_text)
            keep = exc.kind not in _FREE_SLOT_KINDS and bool(draw.ticket_id)
            store.fail_draw(draw.id, exc.kind, str(exc), keep_pending=keep)
            raise DrawFailed(exc.kind, str(exc)) from exc
        if os.environ.get(CRASH_HOOK_ENV):
            os._exit(86)
        problems = _bound(draw, signed, n)
        if problems:
            _block(store, draw, "not_bound",
                   f"the RANDOM.ORG result of ticket {draw.ticket_id} (serial {signed.serial_number}) does not "
                   f"belong to this pool: {', '.join(problems)}", signed.response_text)
        if signed.development_licence and not draw.rehearsal:
            _block(store, draw, "development_licence",
                   f"the RANDOM.ORG result of ticket {draw.ticket_id} (serial {signed.serial_number}) was made with "
                   "a developer licence (\"development and testing only\"); an official draw needs a production "
                   "key", signed.response_text)
        pem = getattr(c, "public_key_pem", b"") or b""
    _emit(on_step, "signature_verified", draw_id=draw.id, serial_number=signed.serial_number,
          completion_time=signed.completion_time, development_licence=signed.development_licence,
          recovered=recovered, data=list(signed.data))
    licence = signed.license or {}
    return {
        "ordinals": list(signed.data),
        "signed_random": signed.response_text,
        "serial_number": signed.serial_number,
        "completion_time": signed.completion_time,
        "hashed_api_key": signed.hashed_api_key,
        "license_text": str(licence.get("text") or "") if isinstance(licence, dict) else "",
        "development_licence": signed.development_licence,
        "signature_verified": True,
        "public_key_pem": pem.decode("ascii") if isinstance(pem, bytes) else str(pem),
    }


# --------------------------------------------------------------------------- the month


def draw_month(
    store: Store,
    preview: Any,
    month: str,
    *,
    method: str,
    client: Any = None,
    entropy: str | Callable[[Sequence[DrawRecord]], str] | None = None,
    rehearsal: bool = False,
    draw_date: dt.date,
    place: str = "",
    commission: Sequence[CommissionMember] = (),
    on_step: OnStep | None = None,
    rules: Rules | None = None,
    protocol_number: str | None = None,
) -> MonthRecord:
    """Draw every tier of a month (ascending denomination); tiers already done by an
    interrupted run are kept, a month fully drawn is refused.

    Offline, every tier's pool is frozen (its hash emitted) before the entropy is asked for:
    `entropy` may be a callable that receives the prepared draws and returns the text the
    commission entered after seeing their hashes (integrity rule 4)."""
    _check_method(method)
    rules = rules or load_rules()
    check_draw_allowed(store, rules, month, draw_date, rehearsal=rehearsal)
    run: int | None = None
    if not rehearsal:
        done = [d for d in rules.denominations if store.tier_draws(month, d)]
        if len(done) == len(rules.denominations):
            raise DrawRefused(f"{month} was already drawn; only re-draws of named certificates are allowed",
                              "already_drawn", month=month)
    else:
        run = store.start_rehearsal(month)
    if commission or place or protocol_number:
        store.set_commission(month, commission, place, draw_date, rehearsal, protocol_number=protocol_number,
                             run=run)
    if getattr(preview, "file_sha256", ""):
        store.record_import(preview.import_summary(month), rehearsal=rehearsal)
    todo = [den for den in rules.denominations if rehearsal or not store.tier_draws(month, den)]

    def prepare(den: int) -> DrawRecord:
        return prepare_tier(store, preview, month, den, method=method, rehearsal=rehearsal, draw_date=draw_date,
                            place=place, client=client, run=run, rules=rules, on_step=on_step)

    if method == METHOD_OFFLINE:
        prepared = [prepare(den) for den in todo]
        text = entropy(prepared) if callable(entropy) else entropy
        for draw in prepared:
            execute_tier(store, draw.id, client=client, entropy=text, on_step=on_step, rules=rules)
    else:
        for den in todo:
            execute_tier(store, prepare(den).id, client=client, on_step=on_step, rules=rules)
    return store.month_record(month, rehearsal=rehearsal)


# --------------------------------------------------------------------------- re-draws


def prepare_redraw(
    store: Store,
    month: str,
    denomination: int,
    certificate: int,
    *,
    reason: str,
    method: str,
    draw_date: dt.date,
    rehearsal: bool = False,
    client: Any = None,
    place: str = "",
    on_step: OnStep | None = None,
) -> DrawRecord:
    """RULES.md step 4: the pool less everyone drawn in this month and tier, frozen again."""
    _check_method(method)
    if reason not in REDRAW_REASONS:
        raise ValueError(f"unknown re-draw reason {reason!r}; use unclaimed or forfeited")
    run = store.latest_rehearsal_run(month) if rehearsal else None
    current = store.current_winner(month, denomination, certificate, rehearsal=rehearsal, run=run)
    _check_redraw_allowed(current, reason, draw_date)
    draws = store.tier_draws(month, denomination, rehearsal=rehearsal, run=run)
    original = next((d for d in draws if d.kind == "draw"), None)
    if original is None or original.pool is None:
        raise NotDrawn(f"{month} {denomination} has no original draw to re-draw from")
    if any(d.kind == "redraw" and d.redraw_of_certificate == certificate and d.drawn == 0 for d in draws):
        raise DrawRefused(f"{month} {denomination} certificate {certificate} was already carried over")
    taken = {w.account for d in draws for w in d.winners}
    pool = freeze_pool(_remaining_members(store, original, taken), month, denomination)
    tier_method = method if pool.size else METHOD_NONE
    _release_stale_ticket_for_offline(store, month, denomination, tier_method, rehearsal, run, client, certificate)

    draw, resumed = store.claim_draw(
        month=month, denomination=denomination, kind="redraw", method=tier_method, rehearsal=rehearsal,
        run=run or 0, quota=0, carried_in=0, to_draw=1, draw_date=draw_date, place=place,
        pool_text=pool.text, pool_sha256=pool.sha256, pool_size=pool.size, pool_members=pool.table,
        redraw_certificate=certificate, redraw_reason=reason, replacing=current,
    )
    _emit(on_step, "pool_frozen", draw_id=draw.id, month=month, denomination=denomination, pool_size=pool.size,
          pool_sha256=pool.sha256, to_draw=1, certificate=certificate, resumed=resumed)
    return _ensure_ticket(store, draw, client, on_step)


def _remaining_members(store: Store, original: DrawRecord, taken: set[str]) -> Any:
    """The original pool's members (as columns) less the accounts in `taken`. The stored member
    rows are used only when they rebuild the original's hashed text exactly; otherwise the
    re-draw is refused (someone changed them: `verify` says where)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    assert original.pool is not None
    members = store.pool_member_table(original.pool.id)
    if not _members_match_text(members, original.pool.text, original.denomination):
        raise DrawRefused(f"{original.month} {original.denomination}: the stored members of pool "
                          f"{original.pool.sha256} differ from its frozen text; the database was changed by hand. "
                          "Nothing is drawn: run `python -m engine verify`", "pool_members_changed",
                          month=original.month, denomination=original.denomination)
    if taken:
        members = members.filter(pc.invert(pc.is_in(members.column("account"),
                                                    value_set=pa.array(sorted(taken), pa.string()))))
    return members


def _check_redraw_allowed(current: WinnerRecord, reason: str, draw_date: dt.date) -> None:
    what = f"{current.month} {current.denomination} certificate {current.certificate}"
    if reason == "forfeited" and current.status != "forfeited":
        raise DrawRefused(f"{what} is {current.status}, not forfeited; record the forfeit first (clause 15)")
    if reason == "unclaimed":
        lapsed = current.status == "unclaimed" or (current.status == "drawn" and draw_date > current.deadline)
        if not lapsed:
            raise DrawRefused(
                f"{what} is {current.status}; a re-draw for no contact is allowed only after the deadline "
                f"{current.deadline.isoformat()} passed without contact (clause 12)")


def redraw(
    store: Store,
    month: str,
    denomination: int,
    certificate: int,
    *,
    reason: str,
    method: str,
    client: Any = None,
    entropy: str | None = None,
    draw_date: dt.date,
    rehearsal: bool = False,
    place: str = "",
    on_step: OnStep | None = None,
    rules: Rules | None = None,
) -> DrawRecord:
    """Re-draw one certificate; an empty remaining pool carries it over (drawn 0, carry_out 1)."""
    draw = prepare_redraw(store, month, denomination, certificate, reason=reason, method=method,
                          draw_date=draw_date, rehearsal=rehearsal, client=client, place=place, on_step=on_step)
    return execute_tier(store, draw.id, client=client, entropy=entropy, on_step=on_step, rules=rules)


# --------------------------------------------------------------------------- blocked tickets (rule 5)


def _official_key(public_key_pem: bytes | None) -> bytes:
    from engine.randomness import RandomOrgConfig, load_public_key

    return public_key_pem or load_public_key(RandomOrgConfig.from_env().public_key_path)


def usable_result(d: dict, pool: dict | None, key: bytes) -> tuple[bool, str]:
    """Would this stored response have been a valid result of the draw? Its signature verifies under
    `key`, it is bound to the draw's pool, ticket and n, and (official) it has a production licence.
    A blocked or abandoned ticket must never hold a usable result (rule 5)."""
    from engine.randomness import RandomOrgError, check_signed_text

    try:
        signed = check_signed_text(d["signed_random"] or "", key, source=f"draw #{d['id']}")
    except RandomOrgError as exc:
        return False, exc.message
    if pool is None:
        return False, "no stored pool"
    problems = _binding_problems(d, pool, signed, min(d["to_draw"], pool["size"]))
    if problems:
        return False, "does not belong to the draw: " + ", ".join(problems)
    if signed.development_licence and not d["rehearsal"]:
        return False, "made with a developer licence"
    return True, f"serial {signed.serial_number} verifies and is bound to the pool"


def blocked_draw(store: Store, month: str, denomination: int, *, certificate: int | None = None,
                 rehearsal: bool = False) -> DrawRecord | None:
    """The tier's draw held by a used, unverifiable ticket, if any: the re-draw of `certificate`
    when one is named, else any draw of the tier (the original first)."""
    for d in store.blocked_draws(month, rehearsal=rehearsal):
        if d.denomination == denomination and (certificate is None or d.redraw_of_certificate == certificate):
            return d
    return None


def abandon_ticket(store: Store, month: str, denomination: int, *, reason: str, certificate: int | None = None,
                   rehearsal: bool = False, public_key_pem: bytes | None = None) -> DrawRecord:
    """The commission abandons a used ticket whose result could not be verified, with a reason.
    Refused when there is no such ticket, or when its stored response does verify (a valid result
    is never thrown away). Afterwards the tier is drawn afresh."""
    what = f"{month} {denomination}" + (f" certificate {certificate}" if certificate else "")
    if not reason.strip():
        raise DrawRefused(f"{what}: abandoning a ticket needs the commission's reason", "abandon_needs_reason")
    draw = blocked_draw(store, month, denomination, certificate=certificate, rehearsal=rehearsal)
    if draw is None:
        raise DrawRefused(f"{what}: there is no used RANDOM.ORG ticket whose result could not be verified",
                          "no_blocked_ticket", month=month, denomination=denomination)
    raw = next(r for r in store.raw_rows()["draws"] if r["id"] == draw.id)
    pool = None if draw.pool is None else {"sha256": draw.pool.sha256, "size": draw.pool.size}
    key = raw["public_key_pem"].encode("ascii") if rehearsal and raw["public_key_pem"] else _official_key(public_key_pem)
    usable, why = usable_result(raw, pool, key)
    if usable:
        raise DrawRefused(f"{what}: the stored response of ticket {draw.ticket_id} verifies under the pinned key "
                          f"({why}); a valid result is never abandoned", "abandon_valid_result",
                          ticket_id=draw.ticket_id)
    return store.abandon_draw(draw.id, reason.strip())


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class ClaimView:
    """A winner as the claims list shows it: the status with the deadline applied."""

    winner: WinnerRecord
    status: str  # stored status, or "unclaimed" once the deadline passed without contact
    deadline: dt.date
    days_left: int  # negative once the deadline has passed

    @property
    def is_open(self) -> bool:
        """The winner may still come forward or is being handed the certificate."""
        return self.status in OPEN_STATUSES

    @property
    def late(self) -> bool:
        """Clause 12's window has passed: lapsed without contact, or still open past the deadline."""
        return self.status == "unclaimed" or (self.is_open and self.days_left < 0)

    @property
    def reason(self) -> str:
        """The re-draw reason this status gives (clause 12: unclaimed; clause 15: forfeited)."""
        return "forfeited" if self.status == "forfeited" else "unclaimed"


def effective_status(winner: WinnerRecord, today: dt.date) -> str:
    if winner.status == "drawn" and today > winner.deadline:
        return "unclaimed"
    return winner.status


def claims(store: Store, month: str | None = None, *, today: dt.date | None = None,
           rehearsal: bool = False) -> list[ClaimView]:
    """Current winners with status, deadline and days left (clause 12)."""
    today = today or dt.date.today()
    return [claim_view(w, today) for w in store.winners(month, rehearsal=rehearsal) if w.current]


def claim_view(winner: WinnerRecord, today: dt.date) -> ClaimView:
    """One winner with the deadline applied on `today` (the one home of clause 12's arithmetic)."""
    return ClaimView(winner, effective_status(winner, today), winner.deadline, (winner.deadline - today).days)


def awaiting_redraw(store: Store, month: str | None = None, *, today: dt.date | None = None,
                    rehearsal: bool = False) -> list[ClaimView]:
    """Certificates whose winner lapsed (clause 12) or forfeited (clause 15) and that the commission
    has neither re-drawn nor carried over: they wait for a re-draw on the live draw page (rule 3)."""
    views = [c for c in claims(store, month, today=today, rehearsal=rehearsal) if c.status in REDRAW_REASONS]
    out = []
    for c in views:
        w = c.winner
        run = store.draw_run(w.draw_id) if rehearsal else None
        carried = any(d.kind == "redraw" and d.redraw_of_certificate == w.certificate and d.drawn == 0
                      for d in store.tier_draws(w.month, w.denomination, rehearsal=rehearsal, run=run))
        if not carried:
            out.append(c)
    return out


_TRANSITIONS = {"drawn": {"contacted", "claimed", "forfeited", "unclaimed"}, "contacted": {"claimed", "forfeited"}}


def set_claim(
    store: Store,
    month: str,
    denomination: int,
    certificate: int,
    status: str,
    *,
    note: str = "",
    certificate_serial: str = "",
    today: dt.date | None = None,
    rehearsal: bool = False,
) -> WinnerRecord:
    """Move a certificate's current winner along drawn -> contacted -> claimed, or to
    forfeited (clause 15, a note required) or unclaimed (deadline passed)."""
    today = today or dt.date.today()
    if status not in CLAIM_STATUSES:
        raise ValueError(f"unknown status {status!r}; one of {', '.join(CLAIM_STATUSES)}")
    run = store.latest_rehearsal_run(month) if rehearsal else None
    winner = store.current_winner(month, denomination, certificate, rehearsal=rehearsal, run=run)
    what = f"{month} {denomination} certificate {certificate}"
    if status not in _TRANSITIONS.get(winner.status, set()):
        raise ClaimRefused(f"{what} is {winner.status}; it cannot become {status}")
    late = today > winner.deadline
    if status in ("contacted", "claimed") and winner.status == "drawn" and late:
        raise ClaimRefused(f"{what}: the deadline {winner.deadline.isoformat()} passed without contact; "
                           "the certificate is unclaimed (clause 12)")
    if status == "unclaimed" and not late:
        raise ClaimRefused(f"{what}: the deadline {winner.deadline.isoformat()} has not passed yet")
    if status == "forfeited" and not note.strip():
        raise ClaimRefused(f"{what}: a forfeit needs a note saying why (clause 15)")
    return store.set_winner_status(winner.id, status, note=note.strip(), certificate_serial=certificate_serial,
                                   at_date=today)


@dataclass(frozen=True)
class CertificateEvent:
    """One step in a certificate's life: drawn, a claim status, the window lapsing, replaced by a re-draw."""

    at: dt.datetime | None  # when it was recorded (UTC); None for a lapse, which only has a date
    on: dt.date  # the day it counts for (the claim's date, the deadline for a lapse)
    event: str  # "drawn" | "redrawn" | a claim status | "lapsed" | "replaced"
    winner: WinnerRecord
    note: str = ""
    actor: str = ""


def certificate_history(store: Store, month: str, denomination: int, certificate: int, *,
                        today: dt.date | None = None, rehearsal: bool = False) -> list[CertificateEvent]:
    """Every winner a certificate had (replaced ones too) and what happened to each, oldest first,
    from the stored winners and the audit record: drawn -> contacted -> forfeited -> replaced by ..."""
    today = today or dt.date.today()
    run = store.latest_rehearsal_run(month) if rehearsal else None
    slot_draws = {d.id: d for d in store.tier_draws(month, denomination, rehearsal=rehearsal, run=run)}
    winners = [w for w in store.winners(month, rehearsal=rehearsal)
               if w.denomination == denomination and w.certificate == certificate and w.draw_id in slot_draws]
    by_id = {w.id: w for w in winners}
    events: list[CertificateEvent] = []
    for w in winners:
        d = slot_draws[w.draw_id]
        events.append(CertificateEvent(d.finished_at, d.draw_date, "redrawn" if d.kind == "redraw" else "drawn", w))
    for e in store.audit():
        p = e.payload
        if e.action == "claim" and p.get("winner_id") in by_id:
            on = dt.date.fromisoformat(p["date"]) if p.get("date") else e.at.date()
            events.append(CertificateEvent(e.at, on, p.get("to", ""), by_id[p["winner_id"]], p.get("note", ""), e.actor))
        elif e.action == "draw_done" and p.get("replaces_winner_id") in by_id and p.get("winners"):
            old, redraw = by_id[p["replaces_winner_id"]], slot_draws.get(p.get("draw_id"))
            at = redraw.finished_at if redraw else e.at
            events.append(CertificateEvent(at, redraw.draw_date if redraw else e.at.date(), "replaced", old,
                                           p.get("replaced_status") or "", e.actor))
    for w in winners:  # a window that ran out without contact is a step too (clause 12), stored or not
        if w.current and effective_status(w, today) == "unclaimed" and w.status == "drawn":
            events.append(CertificateEvent(None, w.deadline + dt.timedelta(days=1), "lapsed", w))
    order = {"drawn": 0, "replaced": 8, "redrawn": 9}  # at one instant: the old winner goes, then the new one
    return sorted(events, key=lambda ev: (ev.on, ev.at or dt.datetime.combine(ev.on, dt.time(), dt.UTC),
                                          order.get(ev.event, 5)))


# --------------------------------------------------------------------------- verification


def verify(store: Store, *, public_key_pem: bytes | None = None, rules: Rules | None = None) -> list[Finding]:
    """Recompute everything that can be recomputed, looking both ways between the stored draws and
    the audit record (integrity rule 7); one Finding per check, named, with a `code`."""
    official_key = _official_key(public_key_pem)
    rules = rules or load_rules()
    raw = store.raw_rows()
    pools = {p["id"]: p for p in raw["pools"]}
    members = {p["id"]: store.pool_member_table(p["id"]) for p in raw["pools"]}
    lines: dict[int, list[tuple[int, str, str, int]] | None] = {}
    for p in raw["pools"]:
        try:
            lines[p["id"]] = parse_pool_text(p["text"])
        except ValueError:
            lines[p["id"]] = None
    winners_by_draw: dict[int, list[dict]] = {}
    for w in raw["winners"]:
        winners_by_draw.setdefault(w["draw_id"], []).append(w)
    audit = store.raw_audit()
    log = _AuditLog(audit)
    findings: list[Finding] = []
    for p in raw["pools"]:
        findings.append(_check_pool(p, lines[p["id"]], members[p["id"]]))
    for d in raw["draws"]:
        if d["status"] != "done":
            continue
        pool = pools.get(d["pool_id"])
        findings.extend(_check_draw(d, pool, winners_by_draw.get(d["id"], []), official_key,
                                    lines.get(d["pool_id"]) or []))
        findings.extend(_check_ticket(d, log))
    findings.append(_check_chain(audit))
    findings.append(_check_audit_matches(audit, raw["draws"], raw["winners"]))
    findings.extend(_check_both_ways(log, raw["draws"]))
    findings.extend(_check_serials(raw["draws"], log))
    findings.extend(_check_abandoned(raw["draws"], pools, official_key))
    findings.extend(_check_entropy(raw["draws"], log))
    findings.extend(_check_fields(raw, pools, members, winners_by_draw, log))
    findings.append(_check_participations(raw["draws"], lines, store.participations()))
    findings.extend(_check_months_order(log, rules))
    return findings


class _AuditLog:
    """The audit record read once, indexed by draw: what each draw went through, in order."""

    def __init__(self, audit: list[dict]) -> None:
        self.entries = [(e["seq"], e["action"], e["actor"], e["at"], json.loads(e["payload"])) for e in audit]
        self.by_draw: dict[int, list[tuple[int, str, str, dt.datetime, dict]]] = {}
        for seq, action, actor, at, p in self.entries:
            if isinstance(p, dict) and isinstance(p.get("draw_id"), int):
                self.by_draw.setdefault(p["draw_id"], []).append((seq, action, actor, at, p))

    def of(self, draw_id: int, action: str) -> list[tuple[int, str, str, dt.datetime, dict]]:
        return [e for e in self.by_draw.get(draw_id, []) if e[1] == action]

    def last(self, draw_id: int, action: str) -> dict | None:
        found = self.of(draw_id, action)
        return found[-1][4] if found else None

    def actions(self, action: str) -> list[tuple[int, str, str, dt.datetime, dict]]:
        return [e for e in self.entries if e[1] == action]


def _label(d: dict) -> str:
    kind = "rehearsal " if d["rehearsal"] else ""
    what = f"re-draw of certificate {d['redraw_certificate']}" if d["kind"] == "redraw" else "draw"
    return f"{kind}{what} #{d['id']} {d['month']} {d['denomination']}"


_UNPARSED: Any = object()


def _check_pool(p: dict, lines: Any = _UNPARSED, members: Any = None) -> Finding:
    """The pool text hashes to its recorded sha256, is numbered 1..N in account order, one tier;
    with `members` (the store's members, decoded from their chunks), they say what the text says.
    A bundle has no member chunks: its pool is the text alone."""
    name = f"pool #{p['id']} {p['month']} {p['denomination']} ({p['purpose']}): hash and order"
    text = p["text"]
    if lines is _UNPARSED:
        try:
            lines = parse_pool_text(text)
        except ValueError:
            lines = None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != p["sha256"]:
        return Finding(name, False, f"the stored members hash to {digest}, the recorded pool_sha256 is {p['sha256']}",
                       "pool")
    if lines is None:
        return Finding(name, False, "unreadable line in the pool text", "pool")
    if len(lines) != p["size"]:
        return Finding(name, False, f"{len(lines)} members stored, size recorded {p['size']}", "pool")
    for i, (ordinal, account, _, den) in enumerate(lines, 1):
        if ordinal != i or den != p["denomination"] or (i > 1 and not lines[i - 2][1] < account):
            return Finding(name, False, f"line {i} is out of order or names another tier", "pool")
    if members is not None and not _members_match_text(members, text, p["denomination"]):
        return Finding(name, False, f"the stored members ({members.num_rows}, from their chunks) differ from the "
                       "pool text: an ordinal, account or client id was changed, added or deleted, or a chunk is "
                       "unreadable", "pool")
    return Finding(name, True, f"{p['size']} members, sha256 {digest}"
                   + (", stored members match" if members is not None else ""), "pool")


def _expected_ordinals(d: dict, pool: dict, key: bytes) -> tuple[list[int], list[Finding]]:
    from engine.randomness import SignedResult, offline_select

    label = _label(d)
    n = d["drawn"]
    if d["method"] == METHOD_NONE:
        return [], []
    if d["method"] == METHOD_OFFLINE:
        return offline_select(pool["sha256"], d["entropy"], pool["size"], n), []
    findings = []
    try:
        signed = SignedResult.from_response_text(d["signed_random"])
    except ValueError as exc:
        return [], [Finding(f"{label}: signature", False, f"stored signed response unreadable: {exc}", "signature")]
    check_key = d["public_key_pem"].encode("ascii") if d["rehearsal"] and d["public_key_pem"] else key
    ok = signed.verify(check_key)
    findings.append(Finding(f"{label}: signature", ok,
                            f"serial {signed.serial_number}" + ("" if ok else ": does not verify with the "
                            + ("stand-in key stored with the rehearsal" if d["rehearsal"] else "pinned key")),
                            "signature"))
    # A bundle names no stored ticket of its own: there the ticket inside the result must merely exist.
    stored = d if "ticket_id" in d else {**d, "ticket_id": signed.ticket_id or ""}
    problems = _binding_problems(stored, pool, signed, n)
    if signed.serial_number != d["serial_number"]:
        problems.append("serialNumber")
    r = signed.random
    findings.append(Finding(f"{label}: userData binds pool", not problems,
                            f"pool_sha256 {pool['sha256']}" if not problems else
                            f"differs: {', '.join(problems)} (signed userData {r.get('userData')!r}, n {r.get('n')}, "
                            f"max {r.get('max')}, ticket {signed.ticket_id})", "binding"))
    if signed.development_licence and not d["rehearsal"]:
        findings.append(Finding(f"{label}: licence", False, "an official draw used a result made with a RANDOM.ORG "
                                "developer licence (\"development and testing only\")", "development_licence"))
    return list(signed.data), findings


def _check_draw(d: dict, pool: dict | None, winners: list[dict], key: bytes,
                members: list[tuple[int, str, str, int]] | None = None) -> list[Finding]:
    """The winners re-derived from the signed numbers (or the entropy) over the pool text;
    `members`: the text already parsed (verify parses each pool once)."""
    label = _label(d)
    if pool is None:
        return [Finding(f"{label}: pool", False, "the draw has no stored pool", "pool")]
    try:
        ordinals, findings = _expected_ordinals(d, pool, key)
    except ValueError as exc:
        return [Finding(f"{label}: winners", False, f"cannot re-derive: {exc}", "winners")]
    if members is None:
        try:
            members = parse_pool_text(pool["text"])
        except ValueError as exc:
            return findings + [Finding(f"{label}: winners", False, f"unreadable pool text: {exc}", "winners")]
    first = d["redraw_certificate"] or 1
    expected = []
    for i, o in enumerate(ordinals):
        if not 1 <= o <= len(members):
            findings.append(Finding(f"{label}: winners", False, f"number {o} is outside the pool 1..{len(members)}",
                                    "winners"))
            return findings
        expected.append((first + i, o, members[o - 1][1], members[o - 1][2]))
    stored = sorted((w["certificate"], w["ordinal"], w["account"], w["client_id"]) for w in winners)
    counts_ok = d["drawn"] == len(winners) and d["carry_out"] == d["to_draw"] - d["drawn"]
    ok = stored == expected and counts_ok
    detail = f"{len(expected)} winners re-derived" if ok else _diff(expected, stored, counts_ok)
    findings.append(Finding(f"{label}: winners", ok, detail, "winners"))
    return findings


def _diff(expected: list[tuple], stored: list[tuple], counts_ok: bool) -> str:
    if not counts_ok:
        return "drawn / carry-out figures do not add up"
    for e, s in zip(expected, stored):
        if e != s:
            return f"certificate {e[0]}: expected ordinal {e[1]} account {e[2]}, stored ordinal {s[1]} account {s[2]}"
    return f"{len(expected)} winners expected, {len(stored)} stored"


def _check_ticket(d: dict, log: _AuditLog) -> list[Finding]:
    """The ticket inside the signed result is the one stored and the one the audit record says was
    created for this draw: a second signed result with the same userData cannot be substituted."""
    if d["method"] != METHOD_RANDOM_ORG:
        return []
    from engine.randomness import SignedResult

    label = _label(d)
    created = log.last(d["id"], "ticket_created")
    try:
        inside = SignedResult.from_response_text(d["signed_random"]).ticket_id
    except ValueError:
        inside = None  # reported by the signature check
    problems = []
    if inside != d["ticket_id"]:
        problems.append(f"the signed result was drawn with ticket {inside}, the draw stores ticket {d['ticket_id']}")
    if created is None:
        problems.append("the audit record holds no ticket_created entry for this draw")
    elif created.get("ticket_id") != d["ticket_id"]:
        problems.append(f"the audit record created ticket {created.get('ticket_id')}, the draw stores {d['ticket_id']}")
    return [Finding(f"{label}: ticket", not problems, "; ".join(problems) or f"ticket {d['ticket_id']}", "ticket")]


def _check_chain(audit: list[dict]) -> Finding:
    prev = GENESIS_SHA256
    for i, e in enumerate(audit, 1):
        if e["seq"] != i:
            return Finding("audit chain", False, f"entry {i} is missing (next stored entry is {e['seq']})",
                           "audit_chain")
        if e["prev_sha256"] != prev:
            return Finding("audit chain", False, f"entry {i} does not follow entry {i - 1} (deleted or reordered)",
                           "audit_chain")
        payload = json.loads(e["payload"])
        digest = audit_sha256(prev, e["seq"], e["at"], e["action"], e["actor"], payload)
        if digest != e["sha256"] or canonical_json(payload) != e["payload"]:
            return Finding("audit chain", False, f"entry {i} ({e['action']}) was edited", "audit_chain")
        prev = e["sha256"]
    return Finding("audit chain", True, f"{len(audit)} entries, last sha256 {prev}", "audit_chain")


def _check_audit_matches(audit: list[dict], draws: list[dict], winners: list[dict]) -> Finding:
    """The audit record must account for every stored result and every claim status:
    an entry deleted at the end of the chain is caught here."""
    name = "audit matches results"
    done_entries = {}
    status: dict[int, str] = {}
    for e in audit:
        p = json.loads(e["payload"])
        if e["action"] == "draw_done":
            done_entries[p["draw_id"]] = p
            if p.get("replaces_winner_id") and p.get("replaced_status"):
                status[p["replaces_winner_id"]] = p["replaced_status"]
        elif e["action"] == "claim":
            status[p["winner_id"]] = p["to"]
    by_draw: dict[int, list] = {}
    for w in winners:
        by_draw.setdefault(w["draw_id"], []).append([w["certificate"], w["ordinal"], w["account"], w["client_id"]])
    for d in draws:
        if d["status"] != "done":
            continue
        entry = done_entries.get(d["id"])
        if entry is None:
            return Finding(name, False, f"{_label(d)} has no draw_done entry in the audit record", "audit_results")
        if sorted(entry["winners"]) != sorted(by_draw.get(d["id"], [])):
            return Finding(name, False, f"{_label(d)}: winners differ from the audit record", "audit_results")
    for w in winners:
        if w["status"] != status.get(w["id"], "drawn"):
            return Finding(name, False,
                           f"winner #{w['id']} ({w['month']} {w['denomination']} certificate {w['certificate']}) "
                           f"is {w['status']} but the audit record says {status.get(w['id'], 'drawn')}",
                           "audit_results")
    return Finding(name, True, f"{len(done_entries)} results and {len(winners)} winners accounted for",
                   "audit_results")


def _audit_state(log: _AuditLog, draw_id: int) -> tuple[dict | None, str]:
    """What the audit record says of a draw: its pool_frozen payload and its last status."""
    frozen = log.last(draw_id, "pool_frozen")
    status = "pending"
    for _seq, action, _actor, _at, p in log.by_draw.get(draw_id, []):
        if action == "draw_done":
            status = "done"
        elif action == "draw_failed" and not p.get("kept_pending"):
            status = "failed"
        elif action == "draw_blocked":
            status = BLOCKED
        elif action == "ticket_abandoned":
            status = ABANDONED
    return frozen, status


def _audit_label(draw_id: int, frozen: dict) -> str:
    kind = "rehearsal " if frozen.get("rehearsal") else "official "
    what = f"re-draw of certificate {frozen.get('certificate')}" if frozen.get("kind") == "redraw" else "draw"
    return f"{kind}{what} #{draw_id} {frozen.get('month')} {frozen.get('denomination')}"


def _check_both_ways(log: _AuditLog, draws: list[dict]) -> list[Finding]:
    """From the audit record to the draws (rule 7): every draw it names still exists with the same
    month, tier, kind, official/rehearsal label and status; every draw row is in it; and each
    official month and tier was completed exactly once."""
    rows = {d["id"]: d for d in draws}
    findings: list[Finding] = []
    named = sorted({draw_id for draw_id, entries in log.by_draw.items() if any(e[1] == "pool_frozen" for e in entries)})
    for draw_id in named:
        frozen, status = _audit_state(log, draw_id)
        label = _audit_label(draw_id, frozen)
        row = rows.get(draw_id)
        if row is None:
            findings.append(Finding(f"{label}: stored", False, f"the audit record says it was {status}; its row was "
                                    "deleted", "draw_missing"))
            continue
        differs = []
        if bool(row["rehearsal"]) != bool(frozen.get("rehearsal")):
            differs.append("official → rehearsal" if row["rehearsal"] else "rehearsal → official")
        for field_name, key in (("month", "month"), ("denomination", "denomination"), ("kind", "kind")):
            if row[field_name] != frozen.get(key):
                differs.append(f"{field_name} {frozen.get(key)} → {row[field_name]}")
        if row["status"] != status:
            differs.append(f"{status} → {row['status']}")
        expected_slot = {"failed": f"failed-{draw_id}", ABANDONED: f"{ABANDONED}-{draw_id}"}.get(
            status, OFFICIAL if not frozen.get("rehearsal") else row["slot"])
        if row["slot"] != expected_slot and not differs:
            differs.append(f"slot {expected_slot} → {row['slot']}")
        if differs:
            findings.append(Finding(f"{label}: label", False, "relabelled: " + "; ".join(differs), "relabelled"))
    unknown = [d for d in draws if d["id"] not in log.by_draw or not log.of(d["id"], "pool_frozen")]
    for d in unknown:
        findings.append(Finding(f"{_label(d)}: audit", False, "this draw is not in the audit record (no pool_frozen "
                                "entry): it was inserted by hand", "audit_results"))
    done: dict[tuple[str, int], list[int]] = {}
    for _seq, _action, _actor, _at, p in log.actions("draw_done"):
        frozen = log.last(p["draw_id"], "pool_frozen") or {}
        if not p.get("rehearsal") and p.get("kind") == "draw":
            done.setdefault((str(p.get("month")), int(p.get("denomination") or 0)), []).append(p["draw_id"])
    for d in draws:
        if d["status"] == "done" and not d["rehearsal"] and d["kind"] == "draw" and d["id"] not in sum(done.values(), []):
            done.setdefault((d["month"], d["denomination"]), []).append(d["id"])
    twice = {k: v for k, v in done.items() if len(v) > 1}
    for (month, den), ids in sorted(twice.items()):
        findings.append(Finding(f"official draw {month} {den}: drawn once", False,
                                f"{len(ids)} completed draws of one month and tier: "
                                + ", ".join(f"#{i}" for i in ids), "drawn_twice"))
    if not findings:
        findings.append(Finding("audit matches draws", True,
                                f"{len(named)} draws in the audit record, each stored as recorded; "
                                f"{len(done)} official tiers drawn once each", "relabelled"))
    return findings


def _check_serials(draws: list[dict], log: _AuditLog) -> list[Finding]:
    """RANDOM.ORG serial numbers per key: never used twice, and increasing in the order the draws
    were completed (a result obtained later cannot stand in for an earlier one); gaps are noted
    (the key may have drawn elsewhere)."""
    done_seq = {p["draw_id"]: seq for seq, _a, _w, _t, p in log.actions("draw_done")}
    by_key: dict[str, list[tuple[int, int, int]]] = {}
    for d in draws:
        if d["status"] == "done" and d["method"] == METHOD_RANDOM_ORG and not d["rehearsal"]:
            by_key.setdefault(d["hashed_api_key"], []).append(
                (done_seq.get(d["id"], 0), d["serial_number"] or 0, d["id"]))
    findings = []
    for _key, results in by_key.items():
        results.sort()
        numbers = [serial for _, serial, _ in results]
        if len(set(numbers)) != len(numbers):
            findings.append(Finding("serial numbers", False, "one RANDOM.ORG result is used by two draws", "serials"))
            continue
        back = [(a, b) for a, b in zip(results, results[1:]) if b[1] <= a[1]]
        if back:
            (_, s1, d1), (_, s2, d2) = back[0]
            findings.append(Finding("serial numbers", False,
                                    f"draw #{d2} (serial {s2}) was completed after draw #{d1} (serial {s1}): serial "
                                    "numbers must increase", "serials"))
            continue
        ordered = sorted(numbers)
        gaps = [f"{a}..{b}" for a, b in zip(ordered, ordered[1:]) if b != a + 1]
        findings.append(Finding(
            "serial numbers", True,
            f"{len(numbers)} results, serials {ordered[0]}..{ordered[-1]}, increasing"
            + (f"; gaps noted (results of this key drawn elsewhere): {', '.join(gaps)}" if gaps else ", no gaps"),
            "serials"))
    return findings


def _check_abandoned(draws: list[dict], pools: dict[int, dict], key: bytes) -> list[Finding]:
    """Rule 5: an abandoned (or blocked) ticket's stored response must not verify as a usable result."""
    findings = []
    for d in draws:
        if d["status"] not in (ABANDONED, BLOCKED):
            continue
        label = _label(d)
        check_key = d["public_key_pem"].encode("ascii") if d["rehearsal"] and d["public_key_pem"] else key
        usable, why = usable_result(d, pools.get(d["pool_id"]), check_key)
        if usable:
            findings.append(Finding(f"{label}: ticket {d['ticket_id']}", False,
                                    f"the {d['status']} response verifies under the pinned key ({why}): a valid "
                                    "result was thrown away", "abandoned_valid"))
        elif d["status"] == ABANDONED:
            findings.append(Finding(f"{label}: ticket {d['ticket_id']}", True,
                                    f"abandoned by the commission; its response cannot be used: {why}", "abandoned"))
        else:
            findings.append(Finding(f"{label}: ticket {d['ticket_id']}", True,
                                    f"blocked, waiting for the commission to abandon it: {why}", "blocked"))
    return findings


def _check_entropy(draws: list[dict], log: _AuditLog) -> list[Finding]:
    """Rule 4: an offline draw's entropy was entered after its pool was frozen, by a named person,
    is the one used, and was not used for another draw of the same official month and tier."""
    findings = []
    seen: dict[tuple[str, int, str], int] = {}
    for d in draws:
        if d["status"] != "done" or d["method"] != METHOD_OFFLINE:
            continue
        label = _label(d)
        done = log.of(d["id"], "draw_done")
        entered = log.of(d["id"], "entropy_entered")
        frozen = log.of(d["id"], "pool_frozen")
        if not entered and done and "details_sha256" not in done[-1][4] and not d.get("entropy_by"):
            findings.append(Finding(f"{label}: entropy", True, "not covered (recorded before this check existed): "
                                    "who entered the entropy and when", "not_covered"))
            continue
        problems = []
        if not entered:
            problems.append("no entropy_entered entry in the audit record")
        else:
            seq, _action, actor, at, p = entered[-1]
            if frozen and seq < frozen[-1][0]:
                problems.append("the entropy was entered before the pool was frozen")
            if done and seq > done[-1][0]:
                problems.append("the entropy was entered after the result")
            if p.get("entropy") != d["entropy"]:
                problems.append(f"the audit record has entropy {p.get('entropy')!r}, the draw stores {d['entropy']!r}")
            if d.get("entropy_by") != actor or d.get("entropy_at") != at:
                problems.append(f"entered by {actor} at {at.isoformat()}, the draw stores "
                                f"{d.get('entropy_by')!r} at {d.get('entropy_at')}")
        if not d["rehearsal"]:
            key = (d["month"], d["denomination"], d["entropy"])
            if key in seen:
                problems.append(f"the same entropy text was used for draw #{seen[key]} of this tier")
            seen.setdefault(key, d["id"])
        findings.append(Finding(f"{label}: entropy", not problems,
                                "; ".join(problems) or f"entered by {entered[-1][2]} at {entered[-1][3].isoformat()}, "
                                "after the pool hash", "entropy"))
    return findings


def _check_participations(draws: list[dict], lines: dict[int, list[tuple[int, str, str, int]] | None],
                          stored: list[tuple[str, str, int]]) -> Finding:
    """RULES.md reason 9 as stored rows: every client of every official completed original draw's
    pool text (the hashed one, not the stored members) with its earliest month; nothing else."""
    name = "participations (reason 9)"
    expected: dict[str, str] = {}
    originals = [d for d in draws if d["slot"] == OFFICIAL and d["status"] == "done" and d["kind"] == "draw"]
    for d in sorted(originals, key=lambda d: (d["month"], d["id"])):
        for _, _, client_id, _ in lines.get(d["pool_id"]) or []:
            expected.setdefault(client_id, d["month"])
    got = {client_id: month for client_id, month, _ in stored}
    if got == expected:
        return Finding(name, True, f"{len(got)} clients took part in official draws, each in its earliest month",
                       "pool")
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    moved = sorted(c for c in set(got) & set(expected) if got[c] != expected[c])
    parts = []
    if missing:
        parts.append(f"{len(missing)} pool members missing (e.g. client {missing[0]})")
    if extra:
        parts.append(f"{len(extra)} clients in no official pool (e.g. client {extra[0]})")
    if moved:
        parts.append(f"{len(moved)} with another month (e.g. client {moved[0]}: {got[moved[0]]}, the pools say "
                     f"{expected[moved[0]]})")
    return Finding(name, False, "the stored participations differ from the official pools: " + "; ".join(parts),
                   "pool")


def _check_fields(raw: dict, pools: dict[int, dict], members: dict[int, Any],
                  winners_by_draw: dict[int, list[dict]], log: _AuditLog) -> list[Finding]:
    """Rule 7: every stored field a document prints is covered by a hash (or a copy) in the audit
    record: winners' names and phones, pool members' details, commission, place, draw date,
    protocol number, import files, claim notes. Fields stored before a hash existed are listed
    as not covered, never as tampered and never silently."""
    from types import SimpleNamespace

    bad: list[Finding] = []
    uncovered: list[str] = []

    def compare(where: str, what: str, stored: Any, recorded: Any) -> None:
        if stored != recorded:
            bad.append(Finding(f"{where}: {what}", False, f"stored {stored!r}, the audit record says {recorded!r}",
                               "field_hash"))

    for d in raw["draws"]:
        label = _label(d)
        frozen = log.last(d["id"], "pool_frozen")
        pool = pools.get(d["pool_id"])
        if frozen is not None and pool is not None:
            if "details_sha256" in frozen or "members_sha256" in frozen:
                if not _details_match(pool, members.get(pool["id"]), frozen):
                    bad.append(Finding(f"{label}: pool members' names and phones", False,
                                       "the stored details differ from their hash in the audit record", "field_hash"))
                compare(label, "draw date", d["draw_date"].isoformat(), frozen.get("draw_date"))
                compare(label, "place", d["place"], frozen.get("place"))
            else:
                if not _rows_agree_with_json(pool, members.get(pool["id"])):
                    bad.append(Finding(f"{label}: pool members' names and phones", False,
                                       "the stored members differ from the pool's stored details", "field_hash"))
                uncovered.append(f"{label}: pool members' names and phones, draw date, place")
        done = log.last(d["id"], "draw_done")
        if d["status"] == "done" and done is not None:
            if "details_sha256" in done:
                rows = [SimpleNamespace(**w) for w in winners_by_draw.get(d["id"], [])]
                if fields_sha256(winner_details(rows)) != done["details_sha256"]:
                    bad.append(Finding(f"{label}: winners' names, phones and regions", False,
                                       "the stored winners' details differ from their hash in the audit record",
                                       "field_hash"))
            else:
                uncovered.append(f"{label}: winners' names and phones")
    _check_claim_fields(raw["winners"], log, compare)
    _check_sessions(raw, log, compare, uncovered)
    for r in raw["imports"]:
        where = f"import #{r['id']} {r['month']} {r['file_name']}"
        entries = [p for *_, p in log.actions("import") if p.get("import_id") == r["id"]]
        if entries:
            if fields_sha256(import_fields(SimpleNamespace(**r))) != entries[-1].get("fields_sha256"):
                bad.append(Finding(f"{where}: file and counts", False,
                                   "the stored import differs from its hash in the audit record", "field_hash"))
            continue
        old = [p for *_, p in log.actions("import") if "import_id" not in p and p.get("month") == r["month"]
               and p.get("file_sha256") == r["file_sha256"] and bool(p.get("rehearsal")) == bool(r["rehearsal"])]
        if not old:
            bad.append(Finding(f"{where}: file", False, "this import is not in the audit record", "field_hash"))
            continue
        for field_name in ("file_name", "eligible", "excluded", "errors"):
            compare(where, field_name, r[field_name], old[-1].get(field_name))
        uncovered.append(f"{where}: sheet and row counts")
    if uncovered:
        bad.append(Finding("printed fields not covered", True,
                           "not covered (recorded before this check existed): " + "; ".join(uncovered), "not_covered"))
    if not [f for f in bad if not f.ok]:
        bad.append(Finding("printed fields", True, "names, phones, commission, place, import files and claim notes "
                           "match the audit record", "field_hash"))
    return bad


def _details_match(pool: dict, members: Any, frozen: dict) -> bool:
    """A pool's member details are the ones the audit record hashed when it was frozen: the
    member rows' hash (members_sha256), or, for a pool frozen before revision 0004, the details
    JSON's hash (details_sha256) and member rows that say the same as that JSON."""
    if members is None:
        return False
    if "members_sha256" in frozen:
        return members_sha256(members) == frozen["members_sha256"]
    if hashlib.sha256(pool["details"].encode("utf-8")).hexdigest() != frozen["details_sha256"]:
        return False
    return _rows_agree_with_json(pool, members)


def _rows_agree_with_json(pool: dict, members: Any) -> bool:
    """The member rows of a pool frozen before revision 0004 hold what its details JSON holds."""
    try:
        details = json.loads(pool["details"] or "[]")
    except ValueError:
        return False
    padded = [[("" if v is None else str(v)) for v in [*row, "", "", ""][:3]] for row in details]
    rows = [list(r) for r in zip(*(members.column(c).to_pylist() for c in ("client_name", "phone", "region")))]
    return padded == rows or (not details and all(r == ["", "", ""] for r in rows))


def _check_claim_fields(winners: list[dict], log: _AuditLog, compare: Callable[..., None]) -> None:
    """A winner's note and certificate number (printed in acts) are the last ones the audit recorded."""
    note: dict[int, str] = {}
    serial: dict[int, str] = {}
    for *_, p in log.actions("claim"):
        if p.get("note"):
            note[p["winner_id"]] = p["note"]
        if p.get("certificate_serial"):
            serial[p["winner_id"]] = p["certificate_serial"]
    for w in winners:
        where = f"winner #{w['id']} {w['month']} {w['denomination']} certificate {w['certificate']}"
        compare(where, "note", w["note"], note.get(w["id"], ""))
        compare(where, "certificate number", w["certificate_serial"], serial.get(w["id"], ""))


def _check_sessions(raw: dict, log: _AuditLog, compare: Callable[..., None], uncovered: list[str]) -> None:
    """The commission, place, draw date and protocol number of each sitting are the last recorded."""
    members: dict[int, list[list[str]]] = {}
    for c in sorted(raw["commission_members"], key=lambda c: (c["session_id"], c["position_index"])):
        members.setdefault(c["session_id"], []).append([c["role"], c["name"], c["position"]])
    recorded: dict[tuple[str, bool, int], dict] = {}
    for *_, p in log.actions("commission"):
        recorded[(p.get("month"), bool(p.get("rehearsal")), int(p.get("run") or 0))] = p
    for m in raw["month_sessions"]:
        where = f"{'rehearsal ' if m['rehearsal'] else ''}sitting {m['month']}" + (
            f" run {m['run']}" if m["rehearsal"] else "")
        p = recorded.get((m["month"], bool(m["rehearsal"]), int(m["run"] or 0)))
        if p is None:  # opened by a draw without a commission: everything still as created
            compare(where, "commission", members.get(m["id"], []), [])
            compare(where, "place", m["place"], "")
            compare(where, "draw date", m["draw_date"], None)
            default_number = f"R-{m['month']}-{m['run']}" if m["rehearsal"] else m["month"]
            compare(where, "protocol number", m["protocol_number"], default_number)
            continue
        compare(where, "commission", members.get(m["id"], []), p.get("members"))
        compare(where, "place", m["place"], p.get("place"))
        compare(where, "draw date", m["draw_date"].isoformat() if m["draw_date"] else None, p.get("draw_date"))
        if "protocol_number" in p:
            compare(where, "protocol number", m["protocol_number"], p["protocol_number"])
        else:
            uncovered.append(f"{where}: protocol number")


def _check_months_order(log: _AuditLog, rules: Rules) -> list[Finding]:
    """Rule 1: each official month was started only when every earlier month was fully drawn."""
    done: set[tuple[str, int]] = set()
    for _seq, _a, _w, _t, p in log.actions("draw_done"):
        if p.get("rehearsal") or p.get("kind") != "draw":
            continue
        month = str(p.get("month"))
        for m in rules.months:
            if m >= month:
                break
            missing = [den for den in rules.denominations if (m, den) not in done]
            if missing:
                return [Finding(f"official draw {month} {p.get('denomination')}: months in order", False,
                                f"drawn while {m} was not yet drawn", "months_order")]
        done.add((month, int(p.get("denomination") or 0)))
    return [Finding("months in order", True, "every official month was drawn after the months before it",
                    "months_order")]
