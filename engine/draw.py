"""The draw of clause 8: pick the winners of a frozen pool, re-draw, abandon a blocked ticket.

Every step follows RULES.md "The draw" so that an outsider with the pool text,
the signed RANDOM.ORG response (or the commission's entropy) and RULES.md can
recompute every winner. The draw runs in two phases so the live screen can show
the pool hash and the RANDOM.ORG ticket *before* any random number is asked for:

    occasion = DrawOccasion("2021-03", dt.date(2021, 4, 5), "random-org")
    d = prepare_tier(store, preview, occasion, 50000, client=client)
    d = execute_tier(store, d.id, client=client)

`draw_month` does both for every tier. Failures never store a result: the month
stays drawable, and when a RANDOM.ORG answer may exist (timeout, broken
connection, bad signature) the pending draw keeps its ticket so the next
attempt recovers that very result instead of asking for new numbers.

Pools are frozen in engine.pool, claims followed in engine.claims, everything
recomputed in engine.verify.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from engine.claims import REDRAW_REASONS, effective_status
from engine.offline import offline_select
from engine.pool import freeze_pool, members_match_text, parse_pool_text, participants_table
from engine.randomorg import (
    RandomOrgClient,
    RandomOrgConfig,
    RandomOrgError,
    SignedRequest,
    answer_mismatches,
    check_signed_text,
    load_public_key,
)
from engine.records import (
    METHOD_NONE,
    METHOD_OFFLINE,
    METHOD_RANDOM_ORG,
    CommissionMember,
    DrawRecord,
    MonthRecord,
    PoolMember,
    WinnerRecord,
)
from engine.rehearsals import current_run, run_for_tier
from engine.rules import Rules, load_rules
from engine.store import DrawRefused, NotDrawn, Store, WinnerInput

METHODS = (METHOD_RANDOM_ORG, METHOD_OFFLINE)
# RANDOM.ORG refused before drawing anything: the ticket is surely unused, free the slot.
_FREE_SLOT_KINDS = frozenset({"no_key", "key_not_running", "allowance"})
# A used ticket whose result cannot be used: it blocks the tier until the commission abandons it (rule 5).
_BLOCKING_KINDS = frozenset({"bad_signature", "not_bound", "development_licence"})

OnStep = Callable[[str, dict], None]


@dataclass(frozen=True)
class DrawOccasion:
    """What every draw and re-draw of one sitting of the commission shares: the reporting month
    drawn, the date and place of the draw (printed in the protocol and acts; the date also decides
    the claim deadline and whether the month may be drawn yet), the method, and whether it is a
    rehearsal (marked, repeatable, never counts)."""

    month: str
    draw_date: dt.date
    method: str
    rehearsal: bool = False
    place: str = ""

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; use random-org or offline")


class DrawFailed(Exception):
    """The draw could not complete; nothing was stored as a result. `kind` names why
    (the RandomOrgError kinds, or "not_bound", "no_entropy")."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# --------------------------------------------------------------------------- preparing


def _emit(on_step: OnStep | None, event: str, **info: Any) -> None:
    if on_step is not None:
        on_step(event, info)


def check_draw_allowed(store: Store, rules: Rules, occasion: DrawOccasion) -> None:
    """Integrity rules 1 and 2, before anything is stored: the draw date is not before the month
    after the reporting month, and an official month's earlier months are all drawn (their
    carry-over decides this month's certificates). Rehearsals may run any month."""
    month, draw_date = occasion.month, occasion.draw_date
    first_day = rules.draw_window(month)[0]
    if rules.draw_date_early(month, draw_date):
        raise DrawRefused(
            f"{month}: the draw date {draw_date.isoformat()} is before {first_day.isoformat()}; "
            "a month is drawn once it is over, in the month after it (clause 8)",
            "draw_date_early",
            month=month,
            first_day=first_day.isoformat(),
        )
    if occasion.rehearsal:
        return
    drawn = store.history(participation=False).drawn
    for m in rules.months:
        if m >= month:
            return
        if any((m, den) not in drawn for den in rules.denominations):
            raise DrawRefused(
                f"{month}: {m} is not drawn yet; months are drawn in order, {m} comes first "
                "(its carry-over decides this month's certificates)",
                "months_out_of_order",
                month=month,
                first_undrawn=m,
            )


def _check_not_drawn_before(store: Store, month: str, denomination: int) -> None:
    """A tier whose completed draw the audit record holds is never drawn again, even when its rows
    were deleted or relabelled (rule 7): the draw refuses and `verify` names what was done."""
    recorded = store.audit_drawn(month, denomination)
    if recorded and not store.tier_draws(month, denomination):
        raise DrawRefused(
            f"{month} {denomination}: the audit record says draw #{recorded[0]} completed this tier, "
            "but its stored draw is gone or relabelled; the database was changed by hand. Nothing "
            "is drawn again: run `python -m engine verify`",
            "draw_missing",
            month=month,
            denomination=denomination,
        )


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


def _check_preview_is_current(
    store: Store, preview: Any, pool: Any, month: str, draw_date: dt.date, rehearsal: bool
) -> None:
    """Refuse a pool built from a stale preview: one made for another draw date
    (reason 5, disconnections, depends on it) or without the stored history
    (reason 9: a client takes part once, in the earliest month)."""
    built_for = getattr(preview, "draw_date", None)
    if built_for is not None and built_for != draw_date:
        raise DrawRefused(
            f"{month}: the preview was built for the draw date {built_for}, the draw is on "
            f"{draw_date}; build the preview again for the draw date"
        )
    if rehearsal:
        return
    history = store.history()
    if not history.drawn:  # no official month drawn yet: nobody took part before
        return
    ids = pool.column("client_id")
    earlier = history.first_months(ids.to_pylist())
    repeat = sorted(c for c, m in earlier.items() if m < month)
    if repeat:
        count = int(pc.sum(pc.is_in(ids, value_set=pa.array(repeat, ids.type))).as_py() or 0)
        account = pool.column("account")[pc.index(ids, repeat[0]).as_py()].as_py()
        raise DrawRefused(
            f"{month}: {count} participants (e.g. account {account}) already took part in an "
            "earlier drawn month; build the preview with the database (history)"
        )


def prepare_tier(
    store: Store,
    preview: Any,
    occasion: DrawOccasion,
    denomination: int,
    *,
    client: Any = None,
    run: int | None = None,
    rules: Rules | None = None,
    on_step: OnStep | None = None,
) -> DrawRecord:
    """Freeze and store the tier's pool, claim the draw slot, create the ticket.

    Refuses (DrawRefused) a tier already drawn or being drawn by someone else;
    resumes a pending draw left by a crash or a failure (same pool required).
    """
    month, rehearsal, draw_date = occasion.month, occasion.rehearsal, occasion.draw_date
    rules = rules or load_rules()
    tier = preview.tier(month, denomination)
    pool = freeze_pool(_preview_pool(preview, month, denomination), month, denomination)
    if _repeats(pool.table.column("account")):
        raise ValueError(f"the pool of {month} {denomination} names an account twice")
    check_draw_allowed(store, rules, occasion)
    if not rehearsal:
        _check_not_drawn_before(store, month, denomination)
    _check_preview_is_current(store, preview, pool.table, month, draw_date, rehearsal)
    if not rehearsal:
        expected = _expected_carried_in(store, rules, month, denomination)
        if expected is not None and expected != tier.carried_in:
            raise DrawRefused(
                f"{month} {denomination}: the preview carries in {tier.carried_in} certificates but the stored "
                f"draws carry in {expected}; build the preview with the database (history)"
            )
    n = min(tier.to_draw, pool.size)
    tier_method = occasion.method if n > 0 else METHOD_NONE
    if rehearsal:
        run = run_for_tier(store, month, denomination, run)
    _release_stale_ticket_for_offline(store, month, denomination, tier_method, rehearsal, run, client)
    draw, resumed = store.claim_draw(
        month=month,
        denomination=denomination,
        kind="draw",
        method=tier_method,
        rehearsal=rehearsal,
        run=run or 0,
        quota=tier.quota,
        carried_in=tier.carried_in,
        to_draw=tier.to_draw,
        draw_date=draw_date,
        place=occasion.place,
        pool_text=pool.text,
        pool_sha256=pool.sha256,
        pool_size=pool.size,
        pool_members=pool.table,
    )
    _emit(
        on_step,
        "pool_frozen",
        draw_id=draw.id,
        month=month,
        denomination=denomination,
        pool_size=pool.size,
        pool_sha256=pool.sha256,
        to_draw=tier.to_draw,
        resumed=resumed,
    )
    return _ensure_ticket(store, draw, client, on_step)


def _preview_pool(preview: Any, month: str, denomination: int) -> Any:
    """The tier's participants as columns: `preview.pool_table(month, denomination)` (row, account,
    client_id, client_name, phone, region) when the preview has it, else its Participant objects."""
    if hasattr(preview, "pool_table"):
        return preview.pool_table(month, denomination)
    participants = preview.pool(month, denomination)
    if any(p.month != month or p.denomination != denomination for p in participants):
        raise ValueError(f"the pool of {month} {denomination} holds participants of another month or tier")
    return participants_table(participants)


def _repeats(ordered: Any) -> bool:
    """Whether a sorted column holds a value twice (two neighbours are equal)."""
    n = len(ordered)
    return n > 1 and bool(pc.any(pc.equal(ordered.slice(1), ordered.slice(0, n - 1))).as_py())


def _release_stale_ticket_for_offline(
    store: Store, month: str, den: int, method: str, rehearsal: bool, run: int | None, client: Any, certificate: int = 0
) -> None:
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
        store.fail_draw(
            pending.id,
            "abandoned",
            "the commission switched to the offline method; the ticket was confirmed unused",
            keep_pending=False,
            force=True,
        )


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
        self._own = RandomOrgClient.from_config(RandomOrgConfig.from_env())
        return self._own

    def __exit__(self, *exc: object) -> None:
        if self._own is not None:
            self._own.close()


# --------------------------------------------------------------------------- executing


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


def _execute(
    store: Store, draw_id: int, client: Any, entropy: str | None, on_step: OnStep | None, rules: Rules
) -> DrawRecord:
    draw = store.draw(draw_id)
    size = draw.pool.size if draw.pool else 0
    n = min(draw.to_draw, size)
    deadline = rules.claim_deadline(draw.draw_date)
    replaces = _replaced(store, draw)
    if draw.method == METHOD_NONE or n == 0:
        done = store.finish_draw(draw_id, [], deadline=deadline, method=METHOD_NONE, **replaces)
        _emit(on_step, "tier_done", draw_id=draw_id, denomination=draw.denomination, drawn=0, carry_out=done.carry_out)
        return done
    if draw.method == METHOD_OFFLINE:
        result = _run_offline(store, draw, n, entropy, on_step)
    else:
        result = _run_random_org(store, draw, n, client, on_step)
    ordinals = result.pop("ordinals")
    first_certificate = draw.redraw_of_certificate or 1
    winners = [
        WinnerInput(
            certificate=first_certificate + i,
            ordinal=m.ordinal,
            account=m.account,
            client_id=m.client_id,
            client_name=m.client_name,
            phone=m.phone,
            region=m.region,
        )
        for i, m in enumerate(_winning_members(store, draw, ordinals))
    ]
    done = store.finish_draw(draw_id, winners, deadline=deadline, method=draw.method, **result, **replaces)
    for w in done.winners:
        _emit(
            on_step,
            "winner",
            draw_id=draw_id,
            denomination=w.denomination,
            certificate=w.certificate,
            ordinal=w.ordinal,
            account=w.account,
            client_id=w.client_id,
            client_name=w.client_name,
        )
    _emit(
        on_step,
        "tier_done",
        draw_id=draw_id,
        denomination=draw.denomination,
        drawn=done.drawn,
        carry_out=done.carry_out,
    )
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
    current = store.current_winner(
        draw.month,
        draw.denomination,
        draw.redraw_of_certificate or 0,
        rehearsal=draw.rehearsal,
        run=store.draw_run(draw.id),
    )
    return {"replaces_winner_id": current.id, "replaced_status": draw.redraw_reason}


def _run_offline(store: Store, draw: DrawRecord, n: int, entropy: str | None, on_step: OnStep | None) -> dict:
    text = (entropy or "").strip()
    if not text:
        store.release_lease(draw.id)
        raise DrawFailed(
            "no_entropy",
            "The offline method needs the commission's entropy string (for example dice rolled in front of everyone).",
        )
    if not draw.rehearsal:
        earlier = [
            d
            for d in store.tier_draws(draw.month, draw.denomination)
            if d.method == METHOD_OFFLINE and d.entropy == text
        ]
        if earlier:
            store.release_lease(draw.id)
            raise DrawRefused(
                f"{draw.month} {draw.denomination}: this entropy text was already used for draw "
                f"#{earlier[0].id} of this tier; one entropy text serves one draw or re-draw "
                "(roll new dice)",
                "entropy_reused",
                month=draw.month,
                denomination=draw.denomination,
            )
    store.record_entropy(draw.id, text)
    _emit(on_step, "requesting", draw_id=draw.id, method=METHOD_OFFLINE, n=n, entropy=text)
    ordinals = offline_select(draw.pool.sha256, text, draw.pool.size, n)
    return {"ordinals": ordinals, "entropy": text}


def _block(store: Store, draw: DrawRecord, kind: str, message: str, response_text: str) -> None:
    """The ticket was used but its result cannot be used: keep the answer as evidence and hold the
    tier until the commission abandons the ticket (rule 5); never ask again with a new ticket."""
    store.block_draw(draw.id, kind, message, response_text)
    raise DrawFailed(
        kind,
        f"{message}. The tier is blocked until the commission abandons ticket "
        f"{draw.ticket_id} with a reason (python -m engine abandon).",
    )


def _run_random_org(store: Store, draw: DrawRecord, n: int, client: Any, on_step: OnStep | None) -> dict:
    request = SignedRequest.of_draw(draw, n)
    with _client_for(client) as c:
        try:
            fresh = store.take_fresh_ticket(draw.id)
            signed = c.recover(draw.ticket_id) if draw.ticket_id and not fresh else None
            recovered = signed is not None
            if signed is None:
                _emit(
                    on_step,
                    "requesting",
                    draw_id=draw.id,
                    method=METHOD_RANDOM_ORG,
                    n=n,
                    minimum=request.minimum,
                    maximum=request.maximum,
                    ticket_id=draw.ticket_id,
                    user_data=request.user_data,
                )
                signed = c.generate_signed_integers(
                    n,
                    request.minimum,
                    request.maximum,
                    user_data=request.user_data,
                    ticket_id=request.ticket_id or None,
                )
        except RandomOrgError as exc:
            if exc.kind in _BLOCKING_KINDS and exc.response_text and draw.ticket_id:
                _block(store, draw, exc.kind, str(exc), exc.response_text)
            keep = exc.kind not in _FREE_SLOT_KINDS and bool(draw.ticket_id)
            store.fail_draw(draw.id, exc.kind, str(exc), keep_pending=keep)
            raise DrawFailed(exc.kind, str(exc)) from exc
        problems = answer_mismatches(signed, request)
        if problems:
            _block(
                store,
                draw,
                "not_bound",
                f"the RANDOM.ORG result of ticket {draw.ticket_id} (serial {signed.serial_number}) does not "
                f"belong to this pool: {', '.join(problems)}",
                signed.response_text,
            )
        if signed.development_licence and not draw.rehearsal:
            _block(
                store,
                draw,
                "development_licence",
                f"the RANDOM.ORG result of ticket {draw.ticket_id} (serial {signed.serial_number}) was made with "
                'a developer licence ("development and testing only"); an official draw needs a production '
                "key",
                signed.response_text,
            )
        pem = getattr(c, "public_key_pem", b"") or b""
    _emit(
        on_step,
        "signature_verified",
        draw_id=draw.id,
        serial_number=signed.serial_number,
        completion_time=signed.completion_time,
        development_licence=signed.development_licence,
        recovered=recovered,
        data=list(signed.data),
    )
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
    occasion: DrawOccasion,
    *,
    client: Any = None,
    entropy: str | Callable[[Sequence[DrawRecord]], str] | None = None,
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
    month, rehearsal, place = occasion.month, occasion.rehearsal, occasion.place
    rules = rules or load_rules()
    check_draw_allowed(store, rules, occasion)
    run: int | None = None
    if not rehearsal:
        done = [d for d in rules.denominations if store.tier_draws(month, d)]
        if len(done) == len(rules.denominations):
            raise DrawRefused(
                f"{month} was already drawn; only re-draws of named certificates are allowed",
                "already_drawn",
                month=month,
            )
    else:
        run = store.start_rehearsal(month)
    if commission or place or protocol_number:
        store.set_commission(
            month, commission, place, occasion.draw_date, rehearsal, protocol_number=protocol_number, run=run
        )
    if getattr(preview, "file_sha256", ""):
        store.record_import(preview.import_summary(month), rehearsal=rehearsal)
    todo = [den for den in rules.denominations if rehearsal or not store.tier_draws(month, den)]

    def prepare(den: int) -> DrawRecord:
        return prepare_tier(store, preview, occasion, den, client=client, run=run, rules=rules, on_step=on_step)

    if occasion.method == METHOD_OFFLINE:
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
    occasion: DrawOccasion,
    denomination: int,
    certificate: int,
    *,
    reason: str,
    client: Any = None,
    on_step: OnStep | None = None,
) -> DrawRecord:
    """RULES.md step 4: the pool less everyone drawn in this month and tier, frozen again."""
    month, rehearsal = occasion.month, occasion.rehearsal
    if reason not in REDRAW_REASONS:
        raise ValueError(f"unknown re-draw reason {reason!r}; use unclaimed or forfeited")
    run = current_run(store, month, rehearsal=rehearsal)
    current = store.current_winner(month, denomination, certificate, rehearsal=rehearsal, run=run)
    _check_redraw_allowed(current, reason, occasion.draw_date)
    draws = store.tier_draws(month, denomination, rehearsal=rehearsal, run=run)
    original = next((d for d in draws if d.kind == "draw"), None)
    if original is None or original.pool is None:
        raise NotDrawn(f"{month} {denomination} has no original draw to re-draw from")
    if any(d.kind == "redraw" and d.redraw_of_certificate == certificate and d.drawn == 0 for d in draws):
        raise DrawRefused(f"{month} {denomination} certificate {certificate} was already carried over")
    taken = {w.account for d in draws for w in d.winners}
    pool = freeze_pool(_remaining_members(store, original, taken), month, denomination)
    tier_method = occasion.method if pool.size else METHOD_NONE
    _release_stale_ticket_for_offline(store, month, denomination, tier_method, rehearsal, run, client, certificate)

    draw, resumed = store.claim_draw(
        month=month,
        denomination=denomination,
        kind="redraw",
        method=tier_method,
        rehearsal=rehearsal,
        run=run or 0,
        quota=0,
        carried_in=0,
        to_draw=1,
        draw_date=occasion.draw_date,
        place=occasion.place,
        pool_text=pool.text,
        pool_sha256=pool.sha256,
        pool_size=pool.size,
        pool_members=pool.table,
        redraw_certificate=certificate,
        redraw_reason=reason,
        replacing=current,
    )
    _emit(
        on_step,
        "pool_frozen",
        draw_id=draw.id,
        month=month,
        denomination=denomination,
        pool_size=pool.size,
        pool_sha256=pool.sha256,
        to_draw=1,
        certificate=certificate,
        resumed=resumed,
    )
    return _ensure_ticket(store, draw, client, on_step)


def _remaining_members(store: Store, original: DrawRecord, taken: set[str]) -> Any:
    """The original pool's members (as columns) less the accounts in `taken`. The stored member
    rows are used only when they rebuild the original's hashed text exactly; otherwise the
    re-draw is refused (someone changed them: `verify` says where)."""
    assert original.pool is not None
    members = store.pool_member_table(original.pool.id)
    if not members_match_text(members, original.pool.text, original.denomination):
        raise DrawRefused(
            f"{original.month} {original.denomination}: the stored members of pool "
            f"{original.pool.sha256} differ from its frozen text; the database was changed by hand. "
            "Nothing is drawn: run `python -m engine verify`",
            "pool_members_changed",
            month=original.month,
            denomination=original.denomination,
        )
    if taken:
        members = members.filter(
            pc.invert(pc.is_in(members.column("account"), value_set=pa.array(sorted(taken), pa.string())))
        )
    return members


def _check_redraw_allowed(current: WinnerRecord, reason: str, draw_date: dt.date) -> None:
    what = f"{current.month} {current.denomination} certificate {current.certificate}"
    if reason == "forfeited" and current.status != "forfeited":
        raise DrawRefused(f"{what} is {current.status}, not forfeited; record the forfeit first (clause 15)")
    if reason == "unclaimed":
        if effective_status(current, draw_date) != "unclaimed":
            raise DrawRefused(
                f"{what} is {current.status}; a re-draw for no contact is allowed only after the deadline "
                f"{current.deadline.isoformat()} passed without contact (clause 12)"
            )


def redraw(
    store: Store,
    occasion: DrawOccasion,
    denomination: int,
    certificate: int,
    *,
    reason: str,
    client: Any = None,
    entropy: str | None = None,
    on_step: OnStep | None = None,
    rules: Rules | None = None,
) -> DrawRecord:
    """Re-draw one certificate; an empty remaining pool carries it over (drawn 0, carry_out 1)."""
    draw = prepare_redraw(store, occasion, denomination, certificate, reason=reason, client=client, on_step=on_step)
    return execute_tier(store, draw.id, client=client, entropy=entropy, on_step=on_step, rules=rules)


# --------------------------------------------------------------------------- blocked tickets (rule 5)


def official_key(public_key_pem: bytes | None = None) -> bytes:
    """The key official results are checked with: the given one, else the configured (pinned) key."""
    return public_key_pem or load_public_key(RandomOrgConfig.from_env().public_key_path)


def usable_result(d: dict, pool: dict | None, key: bytes) -> tuple[bool, str]:
    """Would this stored response have been a valid result of the draw? Its signature verifies under
    `key`, it is bound to the draw's pool, ticket and n, and (official) it has a production licence.
    A blocked or abandoned ticket must never hold a usable result (rule 5)."""
    try:
        signed = check_signed_text(d["signed_random"] or "", key, source=f"draw #{d['id']}")
    except RandomOrgError as exc:
        return False, exc.message
    if pool is None:
        return False, "no stored pool"
    problems = answer_mismatches(signed, SignedRequest.of_row(d, pool, min(d["to_draw"], pool["size"])))
    if problems:
        return False, "does not belong to the draw: " + ", ".join(problems)
    if signed.development_licence and not d["rehearsal"]:
        return False, "made with a developer licence"
    return True, f"serial {signed.serial_number} verifies and is bound to the pool"


def blocked_draw(
    store: Store, month: str, denomination: int, *, certificate: int | None = None, rehearsal: bool = False
) -> DrawRecord | None:
    """The tier's draw held by a used, unverifiable ticket, if any: the re-draw of `certificate`
    when one is named, else any draw of the tier (the original first)."""
    for d in store.blocked_draws(month, rehearsal=rehearsal):
        if d.denomination == denomination and (certificate is None or d.redraw_of_certificate == certificate):
            return d
    return None


def record_redraw_commission(
    store: Store,
    month: str,
    denomination: int,
    certificate: int,
    members: Sequence[CommissionMember],
    *,
    draw_date: dt.date,
    place: str,
    rehearsal: bool,
) -> None:
    """Who the commission says is present at a re-draw (integrity rule 3), in the audit record: the
    protocol prints it under the re-draws (`MonthRecord.redraw_commissions`). Not the month's
    commission list: that belongs to the month's draw, which a re-draw weeks later must not rewrite."""
    store.append_audit(
        "redraw_commission",
        {
            "month": month,
            "denomination": denomination,
            "certificate": certificate,
            "rehearsal": rehearsal,
            "run": current_run(store, month, rehearsal=rehearsal),
            "place": place,
            "draw_date": draw_date.isoformat(),
            "members": [[m.role, m.name, m.position] for m in members],
        },
    )


def abandon_ticket(
    store: Store,
    month: str,
    denomination: int,
    *,
    reason: str,
    certificate: int | None = None,
    rehearsal: bool = False,
    public_key_pem: bytes | None = None,
) -> DrawRecord:
    """The commission abandons a used ticket whose result could not be verified, with a reason.
    Refused when there is no such ticket, or when its stored response does verify (a valid result
    is never thrown away). Afterwards the tier is drawn afresh."""
    what = f"{month} {denomination}" + (f" certificate {certificate}" if certificate else "")
    if not reason.strip():
        raise DrawRefused(f"{what}: abandoning a ticket needs the commission's reason", "abandon_needs_reason")
    draw = blocked_draw(store, month, denomination, certificate=certificate, rehearsal=rehearsal)
    if draw is None:
        raise DrawRefused(
            f"{what}: there is no used RANDOM.ORG ticket whose result could not be verified",
            "no_blocked_ticket",
            month=month,
            denomination=denomination,
        )
    raw = next(r for r in store.raw_rows()["draws"] if r["id"] == draw.id)
    pool = None if draw.pool is None else {"sha256": draw.pool.sha256, "size": draw.pool.size}
    key = raw["public_key_pem"].encode("ascii") if rehearsal and raw["public_key_pem"] else official_key(public_key_pem)
    usable, why = usable_result(raw, pool, key)
    if usable:
        raise DrawRefused(
            f"{what}: the stored response of ticket {draw.ticket_id} verifies under the pinned key "
            f"({why}); a valid result is never abandoned",
            "abandon_valid_result",
            ticket_id=draw.ticket_id,
        )
    return store.abandon_draw(draw.id, reason.strip())
