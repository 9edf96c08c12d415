"""Draw slots: the database, not the application, decides who drew a month and tier first.

Every draw row claims a *slot*: ``official`` for real draws, ``rehearsal-<run>`` for rehearsals,
``failed-<id>`` once an attempt failed and ``abandoned-<id>`` once its blocked ticket was abandoned
(both free the slot again). ``UNIQUE(month, denomination, slot, redraw_certificate, redraw_round)``
on the draws table makes "a month and tier is drawn once" hold even when two browsers click at the
same moment. A commission's sitting (month_sessions) has the same slot as its draws.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.store.audit import utcnow
from engine.store.schema import DrawRow, MonthSessionRow

OFFICIAL = "official"  # the slot of real draws (rehearsals: rehearsal-<run>)
ABANDONED = "abandoned"  # status of a draw whose used ticket's result could not be verified (rule 5)
BLOCKED = "blocked"  # a used ticket whose result could not be verified holds the slot until abandoned


def slot_name(s: Session, month: str, rehearsal: bool, run: int | None) -> str:
    if not rehearsal:
        return OFFICIAL
    if run is None:
        run = latest_drawn_rehearsal_run(s, month)
    return f"rehearsal-{run}"


def latest_rehearsal_run(s: Session, month: str) -> int:
    """THE latest rehearsal run of `month` (0: none started): the newest rehearsal session, since a
    run begins when it is started (`start_rehearsal`), before anything is drawn in it. The one rule
    for the store (`month_session`, `start_rehearsal`, `Store.latest_rehearsal_run`) and, through
    the store, engine.rehearsals."""
    return int(
        s.scalar(
            select(func.max(MonthSessionRow.run)).where(
                MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True)
            )
        )
        or 0
    )


def latest_drawn_rehearsal_run(s: Session, month: str) -> int:
    """A different question from `latest_rehearsal_run`, on purpose: the newest rehearsal run that
    holds a draw that did not fail (0: none). Reads without a run (`slot_name(..., None)`) show the
    rehearsal results last drawn, not a just-started empty run."""
    return int(
        s.scalar(
            select(func.max(DrawRow.run)).where(
                DrawRow.month == month, DrawRow.rehearsal.is_(True), DrawRow.status != "failed"
            )
        )
        or 0
    )


def month_session(s: Session, month: str, rehearsal: bool, run: int | None, create: bool) -> MonthSessionRow | None:
    if rehearsal:
        if run is None:
            run = latest_rehearsal_run(s, month) or 1
        slot = f"rehearsal-{run}"
    else:
        run, slot = 0, OFFICIAL
    row = s.scalars(select(MonthSessionRow).where(MonthSessionRow.month == month, MonthSessionRow.slot == slot)).first()
    if row is None and create:
        number = f"R-{month}-{run}" if rehearsal else month
        row = MonthSessionRow(
            month=month, slot=slot, rehearsal=rehearsal, run=run, protocol_number=number, created_at=utcnow()
        )
        s.add(row)
        s.flush()
    return row


def next_redraw_round(s: Session, month: str, den: int, slot: str, cert: int) -> int:
    rows = s.scalars(
        select(DrawRow).where(
            DrawRow.month == month,
            DrawRow.denomination == den,
            DrawRow.slot == slot,
            DrawRow.redraw_certificate == cert,
        )
    ).all()
    pending = [r for r in rows if r.status in ("pending", BLOCKED)]  # resumed, or refused while blocked
    if pending:
        return pending[0].redraw_round
    return max((r.redraw_round for r in rows), default=0) + 1


def slot_row(s: Session, month: str, den: int, slot: str, cert: int, rnd: int, kind: str) -> DrawRow | None:
    return s.scalars(
        select(DrawRow).where(
            DrawRow.month == month,
            DrawRow.denomination == den,
            DrawRow.slot == slot,
            DrawRow.redraw_certificate == cert,
            DrawRow.redraw_round == rnd,
        )
    ).first()
