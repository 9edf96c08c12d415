"""Winners' claims as the pages see them: status and days left today, the claim steps, re-draws waiting.

The engine applies clause 12's deadline and the allowed steps (engine.claims);
this binds the session's store and today's date.
"""

from __future__ import annotations

import datetime as dt

from engine.claims import CertificateEvent, ClaimView
from engine.claims import awaiting_redraw as engine_awaiting_redraw
from engine.claims import certificate_history as engine_certificate_history
from engine.claims import claims as engine_claims
from engine.claims import set_claim as engine_set_claim
from engine.records import WinnerRecord
from ui.stores import store


def claim_views(*, rehearsal: bool, month: str | None = None) -> list[ClaimView]:
    return engine_claims(store(), month, today=dt.date.today(), rehearsal=rehearsal)


def set_claim(
    month: str,
    denomination: int,
    certificate: int,
    status: str,
    *,
    note: str = "",
    certificate_serial: str = "",
    rehearsal: bool,
) -> WinnerRecord:
    return engine_set_claim(
        store(),
        month,
        denomination,
        certificate,
        status,
        note=note,
        certificate_serial=certificate_serial,
        today=dt.date.today(),
        rehearsal=rehearsal,
    )


def awaiting_redraw(*, rehearsal: bool, month: str | None = None) -> list[ClaimView]:
    """Certificates the engine says wait for the commission's re-draw (lapsed or forfeited, not yet re-drawn)."""
    return engine_awaiting_redraw(store(), month, today=dt.date.today(), rehearsal=rehearsal)


def certificate_history(month: str, denomination: int, certificate: int, *, rehearsal: bool) -> list[CertificateEvent]:
    """Every winner the certificate had and what happened to each (engine.claims.certificate_history)."""
    return engine_certificate_history(
        store(), month, denomination, certificate, today=dt.date.today(), rehearsal=rehearsal
    )


def replaced_winners(*, rehearsal: bool) -> dict[tuple[str, int, int], list[WinnerRecord]]:
    """Winners a re-draw replaced, by (month, denomination, certificate), oldest first: the table
    keeps them visible beside the current winner."""
    out: dict[tuple[str, int, int], list[WinnerRecord]] = {}
    for w in store().winners(rehearsal=rehearsal):
        if not w.current:
            out.setdefault((w.month, w.denomination, w.certificate), []).append(w)
    return out
