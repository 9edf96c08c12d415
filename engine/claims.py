"""Claims of clauses 12 and 15: each certificate's winner from drawn to claimed, forfeited or lapsed.

A winner has 14 days (the rules file's claim window) to be contacted; the deadline is
applied here, once (`claim_view`, `effective_status`), for the command line, the claims
page and the home page. `set_claim` moves a status along the allowed transitions;
`awaiting_redraw` lists the certificates the commission must re-draw; `certificate_history`
tells one certificate's story from the stored winners and the audit record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.records import OPEN_STATUSES, WinnerRecord
from engine.rehearsals import current_run
from engine.store import Store, StoreError

CLAIM_STATUSES = ("contacted", "claimed", "forfeited", "unclaimed")
REDRAW_REASONS = ("unclaimed", "forfeited")


class ClaimRefused(StoreError):
    """The claim status change is not allowed (wrong order, deadline, missing note)."""


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


def claims(
    store: Store, month: str | None = None, *, today: dt.date | None = None, rehearsal: bool = False
) -> list[ClaimView]:
    """Current winners with status, deadline and days left (clause 12)."""
    today = today or dt.date.today()
    return [claim_view(w, today) for w in store.winners(month, rehearsal=rehearsal) if w.current]


def claim_view(winner: WinnerRecord, today: dt.date) -> ClaimView:
    """One winner with the deadline applied on `today` (the one home of clause 12's arithmetic)."""
    return ClaimView(winner, effective_status(winner, today), winner.deadline, (winner.deadline - today).days)


def awaiting_redraw(
    store: Store, month: str | None = None, *, today: dt.date | None = None, rehearsal: bool = False
) -> list[ClaimView]:
    """Certificates whose winner lapsed (clause 12) or forfeited (clause 15) and that the commission
    has neither re-drawn nor carried over: they wait for a re-draw on the live draw page (rule 3)."""
    views = [c for c in claims(store, month, today=today, rehearsal=rehearsal) if c.status in REDRAW_REASONS]
    out = []
    for c in views:
        w = c.winner
        run = store.draw_run(w.draw_id) if rehearsal else None
        carried = any(
            d.kind == "redraw" and d.redraw_of_certificate == w.certificate and d.drawn == 0
            for d in store.tier_draws(w.month, w.denomination, rehearsal=rehearsal, run=run)
        )
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
    run = current_run(store, month, rehearsal=rehearsal)
    winner = store.current_winner(month, denomination, certificate, rehearsal=rehearsal, run=run)
    what = f"{month} {denomination} certificate {certificate}"
    if status not in _TRANSITIONS.get(winner.status, set()):
        raise ClaimRefused(f"{what} is {winner.status}; it cannot become {status}")
    late = today > winner.deadline
    if status in ("contacted", "claimed") and winner.status == "drawn" and late:
        raise ClaimRefused(
            f"{what}: the deadline {winner.deadline.isoformat()} passed without contact; "
            "the certificate is unclaimed (clause 12)"
        )
    if status == "unclaimed" and not late:
        raise ClaimRefused(f"{what}: the deadline {winner.deadline.isoformat()} has not passed yet")
    if status == "forfeited" and not note.strip():
        raise ClaimRefused(f"{what}: a forfeit needs a note saying why (clause 15)")
    return store.set_winner_status(
        winner.id, status, note=note.strip(), certificate_serial=certificate_serial, at_date=today
    )


@dataclass(frozen=True)
class CertificateEvent:
    """One step in a certificate's life: drawn, a claim status, the window lapsing, replaced by a re-draw."""

    at: dt.datetime | None  # when it was recorded (UTC); None for a lapse, which only has a date
    on: dt.date  # the day it counts for (the claim's date, the deadline for a lapse)
    event: str  # "drawn" | "redrawn" | a claim status | "lapsed" | "replaced"
    winner: WinnerRecord
    note: str = ""
    actor: str = ""


def certificate_history(
    store: Store,
    month: str,
    denomination: int,
    certificate: int,
    *,
    today: dt.date | None = None,
    rehearsal: bool = False,
) -> list[CertificateEvent]:
    """Every winner a certificate had (replaced ones too) and what happened to each, oldest first,
    from the stored winners and the audit record: drawn -> contacted -> forfeited -> replaced by ..."""
    today = today or dt.date.today()
    run = current_run(store, month, rehearsal=rehearsal)
    slot_draws = {d.id: d for d in store.tier_draws(month, denomination, rehearsal=rehearsal, run=run)}
    winners = [
        w
        for w in store.winners(month, rehearsal=rehearsal)
        if w.denomination == denomination and w.certificate == certificate and w.draw_id in slot_draws
    ]
    by_id = {w.id: w for w in winners}
    events: list[CertificateEvent] = []
    for w in winners:
        d = slot_draws[w.draw_id]
        events.append(CertificateEvent(d.finished_at, d.draw_date, "redrawn" if d.kind == "redraw" else "drawn", w))
    for e in store.audit():
        p = e.payload
        if e.action == "claim" and p.get("winner_id") in by_id:
            on = dt.date.fromisoformat(p["date"]) if p.get("date") else e.at.date()
            events.append(
                CertificateEvent(e.at, on, p.get("to", ""), by_id[p["winner_id"]], p.get("note", ""), e.actor)
            )
        elif e.action == "draw_done" and p.get("replaces_winner_id") in by_id and p.get("winners"):
            old, redraw = by_id[p["replaces_winner_id"]], slot_draws.get(p.get("draw_id"))
            at = redraw.finished_at if redraw else e.at
            events.append(
                CertificateEvent(
                    at,
                    redraw.draw_date if redraw else e.at.date(),
                    "replaced",
                    old,
                    p.get("replaced_status") or "",
                    e.actor,
                )
            )
    for w in winners:  # a window that ran out without contact is a step too (clause 12), stored or not
        if w.current and effective_status(w, today) == "unclaimed" and w.status == "drawn":
            events.append(CertificateEvent(None, w.deadline + dt.timedelta(days=1), "lapsed", w))
    order = {"drawn": 0, "replaced": 8, "redrawn": 9}  # at one instant: the old winner goes, then the new one
    return sorted(
        events, key=lambda ev: (ev.on, ev.at or dt.datetime.combine(ev.on, dt.time(), dt.UTC), order.get(ev.event, 5))
    )
