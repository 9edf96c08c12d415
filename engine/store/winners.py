"""Winners in the store: who was drawn, and the claim status of each certificate (clauses 12-15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.records import WinnerRecord
from engine.store.as_records import winner_record
from engine.store.audit import utcnow
from engine.store.errors import NotDrawn
from engine.store.schema import DrawRow, WinnerRow
from engine.store.slots import OFFICIAL, slot_name


class Winners:
    """The Store's methods over winners. The Store provides `_tx()` and the audit log's `_append_audit`."""

    _tx: Callable[[], AbstractContextManager[Session]]

    def set_winner_status(
        self,
        winner_id: int,
        status: str,
        *,
        note: str = "",
        certificate_serial: str = "",
        at_date: dt.date | None = None,
    ) -> WinnerRecord:
        with self._tx() as s:
            w = s.get(WinnerRow, winner_id)
            if w is None:
                raise NotDrawn(f"no winner #{winner_id}")
            old = w.status
            w.status, w.status_changed_at = status, utcnow()
            if note:
                w.note = note
            if certificate_serial:
                w.certificate_serial = certificate_serial
            self._append_audit(
                s,
                "claim",
                {
                    "winner_id": w.id,
                    "month": w.month,
                    "denomination": w.denomination,
                    "certificate": w.certificate,
                    "rehearsal": w.rehearsal,
                    "account": w.account,
                    "from": old,
                    "to": status,
                    "note": note,
                    "certificate_serial": certificate_serial,
                    "date": at_date.isoformat() if at_date else None,
                },
            )
            return winner_record(w)

    def current_winner(
        self, month: str, denomination: int, certificate: int, *, rehearsal: bool = False, run: int | None = None
    ) -> WinnerRecord:
        with self._tx() as s:
            slot = slot_name(s, month, rehearsal, run)
            w = s.scalars(
                select(WinnerRow)
                .join(DrawRow, WinnerRow.draw_id == DrawRow.id)
                .where(
                    DrawRow.slot == slot,
                    WinnerRow.month == month,
                    WinnerRow.denomination == denomination,
                    WinnerRow.certificate == certificate,
                    WinnerRow.current.is_(True),
                )
                .order_by(WinnerRow.id.desc())
            ).first()
            if w is None:
                raise NotDrawn(f"{month} {denomination}: no certificate {certificate} has been drawn")
            return winner_record(w)

    def winners(self, month: str | None = None, rehearsal: bool = False) -> list[WinnerRecord]:
        """Winners of done draws (official, or every rehearsal run), by month, tier, certificate."""
        with self._tx() as s:
            q = (
                select(WinnerRow)
                .join(DrawRow, WinnerRow.draw_id == DrawRow.id)
                .where(DrawRow.status == "done", DrawRow.rehearsal.is_(rehearsal))
            )
            if not rehearsal:
                q = q.where(DrawRow.slot == OFFICIAL)
            if month:
                q = q.where(WinnerRow.month == month)
            rows = s.scalars(
                q.order_by(WinnerRow.month, WinnerRow.denomination.desc(), WinnerRow.certificate, WinnerRow.id)
            ).all()
            return [winner_record(w) for w in rows]
