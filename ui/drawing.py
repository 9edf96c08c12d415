"""The live draw as the pages run it: which months and tiers can be drawn, and the engine's draw,
re-draw and ticket calls with this session's store, rules and source of random numbers.

Nothing here decides a rule: engine.draw freezes, draws and checks; this binds
the store, the rules, the RANDOM.ORG client (or the rehearsal stand-in) and the
printed place, and keeps the draw's preview for the page's reruns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import streamlit as st

from engine.draw import DrawOccasion, execute_tier, prepare_tier
from engine.draw import abandon_ticket as engine_abandon_ticket
from engine.draw import blocked_draw as engine_blocked_draw
from engine.draw import prepare_redraw as engine_prepare_redraw
from engine.draw import record_redraw_commission as engine_record_redraw_commission
from engine.preview import Preview
from engine.records import CommissionMember, DrawRecord, ImportRecord
from engine.rehearsals import current_run
from ui.defaults import document_place
from ui.random_client import randomorg_client
from ui.stores import rules, store
from ui.uploads import kept_upload, run_preview


@dataclass(frozen=True)
class TierState:
    done: DrawRecord | None  # the original draw, once finished
    pending: DrawRecord | None  # frozen and waiting for its random numbers
    redraws: tuple[DrawRecord, ...] = ()


def _run(month: str, rehearsal: bool) -> int | None:
    return current_run(store(), month, rehearsal=rehearsal)


def tier_state(month: str, denomination: int, *, rehearsal: bool) -> TierState:
    s = store()
    run = _run(month, rehearsal)
    draws = s.tier_draws(month, denomination, rehearsal=rehearsal, run=run)
    done = next((d for d in draws if d.kind == "draw"), None)
    pending = None if done else s.pending_draw(month, denomination, rehearsal=rehearsal, run=run)
    return TierState(done, pending, tuple(d for d in draws if d.kind == "redraw"))


def draw_months(*, rehearsal: bool) -> list[str]:
    """Months that have a frozen file (a rehearsal may also use the official files)."""
    s = store()
    months = {i.month for i in s.imports(rehearsal=rehearsal)}
    if rehearsal:
        months |= {i.month for i in s.imports()}
    return [m for m in rules().months if m in months]


def draw_source(month: str, *, rehearsal: bool) -> tuple[ImportRecord, bytes, str] | None:
    """The latest frozen import of a month and its kept bytes: (ImportRecord, bytes, file name) or None."""
    s = store()
    imports = s.imports(month, rehearsal=rehearsal) or (s.imports(month) if rehearsal else [])
    for record in reversed(imports):
        kept = kept_upload(record.file_sha256)
        if kept is not None:
            return record, kept[0], kept[1]
    return None


def draw_preview(month: str, draw_date: dt.date, *, rehearsal: bool) -> Preview | None:
    """The preview a draw freezes its pools from: the frozen file, read again on the draw date."""
    source = draw_source(month, rehearsal=rehearsal)
    if source is None:
        return None
    record, data, name = source
    key = ("draw_preview", month, draw_date, record.file_sha256, rehearsal)
    cached = st.session_state.get("_draw_preview")
    if cached and cached[0] == key:
        return cached[1]
    result = run_preview(data, name, draw_date=draw_date, month=month)
    st.session_state["_draw_preview"] = (key, result)
    return result


def record_commission(
    month: str, members: list[CommissionMember], place: str, draw_date: dt.date, *, rehearsal: bool
) -> None:
    store().set_commission(month, members, document_place(place), draw_date, rehearsal, run=_run(month, rehearsal))


def start_rehearsal(month: str) -> int:
    return store().start_rehearsal(month)


def prepare(preview: Preview, occasion: DrawOccasion, denomination: int, *, on_step=None) -> DrawRecord:
    """Freeze the tier's pool and (for RANDOM.ORG) create the ticket; nothing random yet."""
    occasion = replace(occasion, place=document_place(occasion.place))
    with randomorg_client(rehearsal=occasion.rehearsal) as client:
        return prepare_tier(
            store(),
            preview,
            occasion,
            denomination,
            client=client,
            rules=rules(),
            run=_run(occasion.month, occasion.rehearsal),
            on_step=on_step,
        )


def execute(draw_id: int, *, rehearsal: bool, entropy: str | None = None, on_step=None) -> DrawRecord:
    with randomorg_client(rehearsal=rehearsal) as client:
        return execute_tier(store(), draw_id, client=client, entropy=entropy, on_step=on_step, rules=rules())


def stored_draw(draw_id: int) -> DrawRecord:
    return store().draw(draw_id)


def pending_redraws(month: str, *, rehearsal: bool) -> list[DrawRecord]:
    """Re-draws of the month that are frozen and wait for their random numbers (left by this or
    another session): the page shows their stored hash instead of freezing again."""
    return store().pending_redraws(month, rehearsal=rehearsal, run=_run(month, rehearsal))


def pending_redraw(month: str, denomination: int, certificate: int, *, rehearsal: bool) -> DrawRecord | None:
    return next(
        (
            d
            for d in reversed(pending_redraws(month, rehearsal=rehearsal))
            if d.denomination == denomination and d.redraw_of_certificate == certificate
        ),
        None,
    )


def prepare_redraw(
    occasion: DrawOccasion, denomination: int, certificate: int, *, reason: str, on_step=None
) -> DrawRecord:
    """Freeze the re-draw's pool (the tier's pool less everyone drawn) and create its ticket; nothing random yet."""
    occasion = replace(occasion, place=document_place(occasion.place))
    with randomorg_client(rehearsal=occasion.rehearsal) as client:
        return engine_prepare_redraw(
            store(), occasion, denomination, certificate, reason=reason, client=client, on_step=on_step
        )


def record_redraw_commission(
    month: str,
    denomination: int,
    certificate: int,
    members: list[CommissionMember],
    place: str,
    draw_date: dt.date,
    *,
    rehearsal: bool,
) -> None:
    """Who was present at a re-draw, in the audit record (engine.draw.record_redraw_commission)."""
    engine_record_redraw_commission(
        store(),
        month,
        denomination,
        certificate,
        members,
        draw_date=draw_date,
        place=document_place(place),
        rehearsal=rehearsal,
    )


def blocked_draw(
    month: str, denomination: int, *, certificate: int | None = None, rehearsal: bool
) -> DrawRecord | None:
    """The draw (or re-draw) held by a used RANDOM.ORG ticket whose result could not be verified."""
    return engine_blocked_draw(store(), month, denomination, certificate=certificate, rehearsal=rehearsal)


def abandon_ticket(
    month: str, denomination: int, *, reason: str, certificate: int | None = None, rehearsal: bool
) -> DrawRecord:
    return engine_abandon_ticket(
        store(), month, denomination, reason=reason, certificate=certificate, rehearsal=rehearsal
    )
