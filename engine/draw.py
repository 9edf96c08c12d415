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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

from engine.records import (
    METHOD_NONE,
    METHOD_OFFLINE,
    METHOD_RANDOM_ORG,
    CommissionMember,
    DrawRecord,
    MonthRecord,
    Participant,
    PoolMember,
    WinnerRecord,
)
from engine.rules import Rules, load_rules
from engine.store import (
    OFFICIAL,
    DrawRefused,
    NotDrawn,
    Store,
    StoreError,
    WinnerInput,
    WinnerRow,
    audit_sha256,
    canonical_json,
    GENESIS_SHA256,
)

__all__ = [
    "ClaimRefused", "ClaimView", "DrawFailed", "DrawRefused", "Finding", "FrozenPool", "NotDrawn",
    "claims", "draw_month", "execute_tier", "freeze_pool", "prepare_redraw", "prepare_tier", "redraw",
    "set_claim", "verify", "CRASH_HOOK_ENV",
]

METHODS = (METHOD_RANDOM_ORG, METHOD_OFFLINE)
REDRAW_REASONS = ("unclaimed", "forfeited")
CLAIM_STATUSES = ("contacted", "claimed", "forfeited", "unclaimed")
# RANDOM.ORG refused before drawing anything: the ticket is surely unused, free the slot.
_FREE_SLOT_KINDS = frozenset({"no_key", "key_not_running", "allowance", "not_bound"})
# Test hook: exit the process right after RANDOM.ORG answered, before storing
# (simulates a crash; the next attempt must recover the result through the ticket).
CRASH_HOOK_ENV = "PROMOTION_CRASH_AFTER_RANDOM"

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
    """One check of `verify`: its name, whether it passed, and what was seen."""

    name: str
    ok: bool
    detail: str = ""


# --------------------------------------------------------------------------- pools


@dataclass(frozen=True)
class FrozenPool:
    """A month and tier's participants sorted by account and numbered 1..N.

    `text` is the canonical form (one `ordinal,account,client_id,denomination` line
    each) and `sha256` its hash. `members` is built on first use: the hash of a
    million-member pool must not wait for a million small objects.
    """

    month: str
    denomination: int
    text: str
    sha256: str
    participants: tuple[Participant, ...] = field(repr=False, compare=False)  # in ordinal order

    @property
    def size(self) -> int:
        return len(self.participants)

    @cached_property
    def members(self) -> tuple[PoolMember, ...]:
        den = self.denomination
        return tuple(
            PoolMember(ordinal=i, account=p.account, client_id=p.client_id, denomination=den,
                       client_name=p.client_name)
            for i, p in enumerate(self.participants, 1)
        )

    def member(self, ordinal: int) -> Participant:
        return self.participants[ordinal - 1]


def freeze_pool(participants: Iterable[Participant], month: str, denomination: int) -> FrozenPool:
    """RULES.md step 1: sort by account (plain string order), number 1..N, hash the text."""
    ordered = sorted(participants, key=attrgetter("account"))
    den = denomination
    text = "".join([f"{i},{p.account},{p.client_id},{den}\n" for i, p in enumerate(ordered, 1)])
    if text.count("\n") != len(ordered):
        raise ValueError("an account or client id contains a line break; the pool cannot be frozen")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return FrozenPool(month, denomination, text, digest, tuple(ordered))


def parse_pool_text(text: str) -> list[tuple[int, str, str, int]]:
    """(ordinal, account, client_id, denomination) per line; an account may contain commas."""
    out = []
    for line in text.splitlines():
        first, _, rest = line.partition(",")
        account_and_id, _, den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        out.append((int(first), account, client_id, int(den)))
    return out


def _details_json(pool: FrozenPool) -> str:
    return json.dumps([[p.client_name, p.phone, p.region] for p in pool.participants], ensure_ascii=False)


# --------------------------------------------------------------------------- preparing


def _emit(on_step: OnStep | None, event: str, **info: Any) -> None:
    if on_step is not None:
        on_step(event, info)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use random-org or offline")


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


def _check_preview_is_current(store: Store, preview: Any, participants: list, month: str,
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
    earlier = store.history().participated
    repeat = [p.account for p in participants if earlier.get(p.client_id, month) < month]
    if repeat:
        raise DrawRefused(f"{month}: {len(repeat)} participants (e.g. account {repeat[0]}) already took part in an "
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
    participants = preview.pool(month, denomination)
    if any(p.month != month or p.denomination != denomination for p in participants):
        raise ValueError(f"the pool of {month} {denomination} holds participants of another month or tier")
    if len({p.account for p in participants}) != len(participants):
        raise ValueError(f"the pool of {month} {denomination} names an account twice")
    _check_preview_is_current(store, preview, participants, month, draw_date, rehearsal)
    if not rehearsal:
        expected = _expected_carried_in(store, rules, month, denomination)
        if expected is not None and expected != tier.carried_in:
            raise DrawRefused(
                f"{month} {denomination}: the preview carries in {tier.carried_in} certificates but the stored "
                f"draws carry in {expected}; build the preview with the database (history)")
    pool = freeze_pool(participants, month, denomination)
    n = min(tier.to_draw, pool.size)
    tier_method = method if n > 0 else METHOD_NONE
    if rehearsal:
        run = _rehearsal_run(store, month, denomination, run)
    _release_stale_ticket_for_offline(store, month, denomination, tier_method, rehearsal, run, client)
    draw, resumed = store.claim_draw(
        month=month, denomination=denomination, kind="draw", method=tier_method, rehearsal=rehearsal,
        run=run or 0, quota=tier.quota, carried_in=tier.carried_in, to_draw=tier.to_draw,
        draw_date=draw_date, place=place, pool_text=pool.text, pool_sha256=pool.sha256,
        pool_size=pool.size, pool_details=_details_json(pool),
    )
    _emit(on_step, "pool_frozen", draw_id=draw.id, month=month, denomination=denomination,
          pool_size=pool.size, pool_sha256=pool.sha256, to_draw=tier.to_draw, resumed=resumed)
    return _ensure_ticket(store, draw, client, on_step)


def _release_stale_ticket_for_offline(store: Store, month: str, den: int, method: str, rehearsal: bool,
                                      run: int | None, client: Any) -> None:
    """Switching a pending RANDOM.ORG draw to the offline method is allowed only when
    RANDOM.ORG confirms its ticket was never used (otherwise a result exists)."""
    if method == METHOD_RANDOM_ORG or client is None:
        return
    pending = store.pending_draw(month, den, rehearsal=rehearsal, run=run)
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


def _user_data(draw: DrawRecord) -> dict[str, Any]:
    data: dict[str, Any] = {"month": draw.month, "denomination": draw.denomination,
                            "pool_sha256": draw.pool.sha256 if draw.pool else ""}
    if draw.kind == "redraw":
        data["certificate"] = draw.redraw_of_certificate
    return data


def _bound(draw: DrawRecord, signed: Any, n: int) -> list[str]:
    """What in a signed result does not belong to this draw (empty = bound to this pool)."""
    r = signed.random
    size = draw.pool.size if draw.pool else 0
    problems = [name for name, ok in (
        ("userData", r.get("userData") == _user_data(draw)),
        ("n", r.get("n") == n),
        ("min", r.get("min") == 1),
        ("max", r.get("max") == size),
        ("replacement", r.get("replacement") is False),
        ("data", len(signed.data) == n and len(set(signed.data)) == n and all(1 <= x <= size for x in signed.data)),
        ("ticket", signed.ticket_id == draw.ticket_id),
    ) if not ok]
    return problems


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
    members = parse_pool_text(draw.pool.text) if draw.pool else []
    details = store.pool_details(draw.pool.id) if draw.pool else []
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
    winners = []
    for i, ordinal in enumerate(ordinals):
        _, account, client_id, _ = members[ordinal - 1]
        name, phone, region = (details[ordinal - 1] + ["", "", ""])[:3] if details else ("", "", "")
        winners.append(WinnerInput(certificate=first_certificate + i, ordinal=ordinal, account=account,
                                   client_id=client_id, client_name=name, phone=phone, region=region))
    done = store.finish_draw(draw_id, winners, deadline=deadline, method=draw.method, **result, **replaces)
    for w in done.winners:
        _emit(on_step, "winner", draw_id=draw_id, denomination=w.denomination, certificate=w.certificate,
              ordinal=w.ordinal, account=w.account, client_id=w.client_id, client_name=w.client_name)
    _emit(on_step, "tier_done", draw_id=draw_id, denomination=draw.denomination, drawn=done.drawn,
          carry_out=done.carry_out)
    return done


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
    _emit(on_step, "requesting", draw_id=draw.id, method=METHOD_OFFLINE, n=n, entropy=text)
    ordinals = offline_select(draw.pool.sha256, text, draw.pool.size, n)
    return {"ordinals": ordinals, "entropy": text}


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
            keep = exc.kind not in _FREE_SLOT_KINDS and bool(draw.ticket_id)
            store.fail_draw(draw.id, exc.kind, str(exc), keep_pending=keep)
            raise DrawFailed(exc.kind, str(exc)) from exc
        if os.environ.get(CRASH_HOOK_ENV):
            os._exit(86)
        problems = _bound(draw, signed, n)
        if problems:
            message = (f"the RANDOM.ORG result of ticket {draw.ticket_id} (serial {signed.serial_number}) does not "
                       f"belong to this pool: {', '.join(problems)}")
            store.fail_draw(draw.id, "not_bound", message, keep_pending=False)
            raise DrawFailed("not_bound", message)
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
    entropy: str | None = None,
    rehearsal: bool = False,
    draw_date: dt.date,
    place: str = "",
    commission: Sequence[CommissionMember] = (),
    on_step: OnStep | None = None,
    rules: Rules | None = None,
    protocol_number: str | None = None,
) -> MonthRecord:
    """Draw every tier of a month (ascending denomination); tiers already done by an
    interrupted run are kept, a month fully drawn is refused."""
    _check_method(method)
    rules = rules or load_rules()
    run: int | None = None
    if not rehearsal:
        done = [d for d in rules.denominations if store.tier_draws(month, d)]
        if len(done) == len(rules.denominations):
            raise DrawRefused(f"{month} was already drawn; only re-draws of named certificates are allowed")
    else:
        run = store.start_rehearsal(month)
    if commission or place or protocol_number:
        store.set_commission(month, commission, place, draw_date, rehearsal, protocol_number=protocol_number,
                             run=run)
    if getattr(preview, "file_sha256", ""):
        store.record_import(preview, month, rehearsal=rehearsal)
    for den in rules.denominations:
        if not rehearsal and store.tier_draws(month, den):
            continue
        draw = prepare_tier(store, preview, month, den, method=method, rehearsal=rehearsal, draw_date=draw_date,
                            place=place, client=client, run=run, rules=rules, on_step=on_step)
        execute_tier(store, draw.id, client=client, entropy=entropy, on_step=on_step, rules=rules)
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
    details = store.pool_details(original.pool.id)
    remaining = []
    for ordinal, account, client_id, _ in parse_pool_text(original.pool.text):
        if account in taken:
            continue
        name, phone, region = (details[ordinal - 1] + ["", "", ""])[:3] if details else ("", "", "")
        remaining.append(Participant(row=0, account=account, client_id=client_id, client_name=name,
                                     client_type="", month=month, denomination=denomination, monthly_fee=0.0,
                                     phone=phone, region=region))
    pool = freeze_pool(remaining, month, denomination)
    tier_method = method if pool.size else METHOD_NONE

    def precheck(s: Any) -> None:  # inside the claiming transaction: nobody changed the winner meanwhile
        row = s.get(WinnerRow, current.id)
        if row is None or not row.current or row.status != current.status:
            raise DrawRefused(f"{month} {denomination} certificate {certificate} changed meanwhile; look again")

    draw, resumed = store.claim_draw(
        month=month, denomination=denomination, kind="redraw", method=tier_method, rehearsal=rehearsal,
        run=run or 0, quota=0, carried_in=0, to_draw=1, draw_date=draw_date, place=place,
        pool_text=pool.text, pool_sha256=pool.sha256, pool_size=pool.size, pool_details=_details_json(pool),
        redraw_certificate=certificate, redraw_reason=reason, precheck=precheck,
    )
    _emit(on_step, "pool_frozen", draw_id=draw.id, month=month, denomination=denomination, pool_size=pool.size,
          pool_sha256=pool.sha256, to_draw=1, certificate=certificate, resumed=resumed)
    return _ensure_ticket(store, draw, client, on_step)


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


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class ClaimView:
    """A winner as the claims list shows it: the status with the deadline applied."""

    winner: WinnerRecord
    status: str  # stored status, or "unclaimed" once the deadline passed without contact
    deadline: dt.date
    days_left: int  # negative once the deadline has passed


def effective_status(winner: WinnerRecord, today: dt.date) -> str:
    if winner.status == "drawn" and today > winner.deadline:
        return "unclaimed"
    return winner.status


def claims(store: Store, month: str | None = None, *, today: dt.date | None = None,
           rehearsal: bool = False) -> list[ClaimView]:
    """Current winners with status, deadline and days left (clause 12)."""
    today = today or dt.date.today()
    return [ClaimView(w, effective_status(w, today), w.deadline, (w.deadline - today).days)
            for w in store.winners(month, rehearsal=rehearsal) if w.current]


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


# --------------------------------------------------------------------------- verification


def verify(store: Store, *, public_key_pem: bytes | None = None) -> list[Finding]:
    """Recompute everything that can be recomputed; one Finding per check, named."""
    from engine.randomness import RandomOrgConfig, load_public_key

    official_key = public_key_pem or load_public_key(RandomOrgConfig.from_env().public_key_path)
    raw = store.raw_rows()
    pools = {p["id"]: p for p in raw["pools"]}
    winners_by_draw: dict[int, list[dict]] = {}
    for w in raw["winners"]:
        winners_by_draw.setdefault(w["draw_id"], []).append(w)
    findings: list[Finding] = []
    for p in raw["pools"]:
        findings.append(_check_pool(p))
    for d in raw["draws"]:
        if d["status"] != "done":
            continue
        pool = pools.get(d["pool_id"])
        findings.extend(_check_draw(d, pool, winners_by_draw.get(d["id"], []), official_key))
    audit = store.raw_audit()
    findings.append(_check_chain(audit))
    findings.append(_check_audit_matches(audit, raw["draws"], raw["winners"]))
    findings.extend(_check_serials(raw["draws"]))
    return findings


def _label(d: dict) -> str:
    kind = "rehearsal " if d["rehearsal"] else ""
    what = f"re-draw of certificate {d['redraw_certificate']}" if d["kind"] == "redraw" else "draw"
    return f"{kind}{what} #{d['id']} {d['month']} {d['denomination']}"


def _check_pool(p: dict) -> Finding:
    name = f"pool #{p['id']} {p['month']} {p['denomination']} ({p['purpose']}): hash and order"
    text = p["text"]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != p["sha256"]:
        return Finding(name, False, f"the stored members hash to {digest}, the recorded pool_sha256 is {p['sha256']}")
    try:
        lines = parse_pool_text(text)
    except ValueError as exc:
        return Finding(name, False, f"unreadable line: {exc}")
    if len(lines) != p["size"]:
        return Finding(name, False, f"{len(lines)} members stored, size recorded {p['size']}")
    for i, (ordinal, account, _, den) in enumerate(lines, 1):
        if ordinal != i or den != p["denomination"] or (i > 1 and not lines[i - 2][1] < account):
            return Finding(name, False, f"line {i} is out of order or names another tier")
    return Finding(name, True, f"{p['size']} members, sha256 {digest}")


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
        return [], [Finding(f"{label}: signature", False, f"stored signed response unreadable: {exc}")]
    check_key = d["public_key_pem"].encode("ascii") if d["rehearsal"] and d["public_key_pem"] else key
    ok = signed.verify(check_key)
    findings.append(Finding(f"{label}: signature", ok,
                            f"serial {signed.serial_number}" + ("" if ok else ": does not verify with the "
                            + ("stand-in key stored with the rehearsal" if d["rehearsal"] else "pinned key"))))
    expected_user = {"month": d["month"], "denomination": d["denomination"], "pool_sha256": pool["sha256"]}
    if d["kind"] == "redraw":
        expected_user["certificate"] = d["redraw_certificate"]
    r = signed.random
    bound = (r.get("userData") == expected_user and r.get("min") == 1 and r.get("max") == pool["size"]
             and r.get("replacement") is False and r.get("n") == n and signed.serial_number == d["serial_number"])
    findings.append(Finding(f"{label}: userData binds pool", bound,
                            f"pool_sha256 {pool['sha256']}" if bound else
                            f"signed userData {r.get('userData')!r}, n {r.get('n')}, max {r.get('max')}"))
    return list(signed.data), findings


def _check_draw(d: dict, pool: dict | None, winners: list[dict], key: bytes) -> list[Finding]:
    label = _label(d)
    if pool is None:
        return [Finding(f"{label}: pool", False, "the draw has no stored pool")]
    try:
        ordinals, findings = _expected_ordinals(d, pool, key)
    except ValueError as exc:
        return [Finding(f"{label}: winners", False, f"cannot re-derive: {exc}")]
    members = parse_pool_text(pool["text"])
    first = d["redraw_certificate"] or 1
    expected = []
    for i, o in enumerate(ordinals):
        if not 1 <= o <= len(members):
            findings.append(Finding(f"{label}: winners", False, f"number {o} is outside the pool 1..{len(members)}"))
            return findings
        expected.append((first + i, o, members[o - 1][1], members[o - 1][2]))
    stored = sorted((w["certificate"], w["ordinal"], w["account"], w["client_id"]) for w in winners)
    counts_ok = d["drawn"] == len(winners) and d["carry_out"] == d["to_draw"] - d["drawn"]
    ok = stored == expected and counts_ok
    detail = f"{len(expected)} winners re-derived" if ok else _diff(expected, stored, counts_ok)
    findings.append(Finding(f"{label}: winners", ok, detail))
    return findings


def _diff(expected: list[tuple], stored: list[tuple], counts_ok: bool) -> str:
    if not counts_ok:
        return "drawn / carry-out figures do not add up"
    for e, s in zip(expected, stored):
        if e != s:
            return f"certificate {e[0]}: expected ordinal {e[1]} account {e[2]}, stored ordinal {s[1]} account {s[2]}"
    return f"{len(expected)} winners expected, {len(stored)} stored"


def _check_chain(audit: list[dict]) -> Finding:
    prev = GENESIS_SHA256
    for i, e in enumerate(audit, 1):
        if e["seq"] != i:
            return Finding("audit chain", False, f"entry {i} is missing (next stored entry is {e['seq']})")
        if e["prev_sha256"] != prev:
            return Finding("audit chain", False, f"entry {i} does not follow entry {i - 1} (deleted or reordered)")
        payload = json.loads(e["payload"])
        digest = audit_sha256(prev, e["seq"], e["at"], e["action"], e["actor"], payload)
        if digest != e["sha256"] or canonical_json(payload) != e["payload"]:
            return Finding("audit chain", False, f"entry {i} ({e['action']}) was edited")
        prev = e["sha256"]
    return Finding("audit chain", True, f"{len(audit)} entries, last sha256 {prev}")


def _check_audit_matches(audit: list[dict], draws: list[dict], winners: list[dict]) -> Finding:
    """The audit record must account for every stored result and every claim status:
    an entry deleted at the end of the chain is caught here."""
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
            return Finding("audit matches results", False, f"{_label(d)} has no draw_done entry in the audit record")
        if sorted(entry["winners"]) != sorted(by_draw.get(d["id"], [])):
            return Finding("audit matches results", False, f"{_label(d)}: winners differ from the audit record")
    for w in winners:
        if w["status"] != status.get(w["id"], "drawn"):
            return Finding("audit matches results", False,
                           f"winner #{w['id']} ({w['month']} {w['denomination']} certificate {w['certificate']}) "
                           f"is {w['status']} but the audit record says {status.get(w['id'], 'drawn')}")
    return Finding("audit matches results", True, f"{len(done_entries)} results and {len(winners)} winners accounted for")


def _check_serials(draws: list[dict]) -> list[Finding]:
    """Serial numbers run per key without gaps: gaps are noted (the key may have drawn
    elsewhere); a serial used by two draws is an error."""
    by_key: dict[str, list[tuple[int, int]]] = {}
    for d in draws:
        if d["status"] == "done" and d["method"] == METHOD_RANDOM_ORG and not d["rehearsal"]:
            by_key.setdefault(d["hashed_api_key"], []).append((d["serial_number"], d["id"]))
    findings = []
    for key, serials in by_key.items():
        serials.sort()
        numbers = [s for s, _ in serials]
        if len(set(numbers)) != len(numbers):
            findings.append(Finding("serial numbers", False, "one RANDOM.ORG result is used by two draws"))
            continue
        gaps = [f"{a}..{b}" for a, b in zip(numbers, numbers[1:]) if b != a + 1]
        findings.append(Finding(
            "serial numbers", True,
            f"{len(numbers)} results, serials {numbers[0]}..{numbers[-1]}"
            + (f"; gaps noted (results of this key drawn elsewhere): {', '.join(gaps)}" if gaps else ", no gaps")))
    return findings
