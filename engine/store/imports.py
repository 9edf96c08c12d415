"""The store's imports (what was read from a file for a month) and commission sittings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.records import CommissionMember, ImportRecord, ImportSummary
from engine.store.as_records import import_record
from engine.store.audit import canonical_json, fields_sha256, import_fields, utcnow
from engine.store.schema import CommissionRow, ImportRow, MonthSessionRow
from engine.store.slots import latest_rehearsal_run, month_session


class Imports:
    """The Store's methods over imports and commission sittings. The Store provides `_tx()` and
    the audit log's `_append_audit`."""

    _tx: Callable[[], AbstractContextManager[Session]]

    def record_import(self, summary: ImportSummary, *, rehearsal: bool = False) -> ImportRecord:
        """Store what was read from a file for a month (idempotent per file, month, kind)."""
        month = summary.month
        with self._tx() as s:
            existing = s.scalars(
                select(ImportRow).where(
                    ImportRow.month == month,
                    ImportRow.file_sha256 == summary.file_sha256,
                    ImportRow.rehearsal == rehearsal,
                )
            ).first()
            if existing is not None:
                return import_record(existing)
            row = ImportRow(
                file_name=summary.file_name,
                file_sha256=summary.file_sha256,
                sheet=summary.sheet,
                month=month,
                rehearsal=rehearsal,
                rows_data=summary.rows_data,
                rows_blank=summary.rows_blank,
                eligible=summary.eligible,
                excluded=summary.excluded,
                errors=summary.errors,
                excluded_by_reason=canonical_json(dict(summary.excluded_by_reason)),
                imported_at=utcnow(),
            )
            s.add(row)
            s.flush()
            self._append_audit(
                s,
                "import",
                {
                    "month": month,
                    "file_name": row.file_name,
                    "file_sha256": row.file_sha256,
                    "rehearsal": rehearsal,
                    "eligible": row.eligible,
                    "excluded": row.excluded,
                    "errors": row.errors,
                    "import_id": row.id,
                    "fields_sha256": fields_sha256(import_fields(row)),
                },
            )
            return import_record(row)

    def imports(self, month: str | None = None, *, rehearsal: bool = False) -> list[ImportRecord]:
        with self._tx() as s:
            q = select(ImportRow).where(ImportRow.rehearsal == rehearsal).order_by(ImportRow.id)
            if month:
                q = q.where(ImportRow.month == month)
            return [import_record(r) for r in s.scalars(q)]

    def start_rehearsal(self, month: str) -> int:
        """Open a new rehearsal run for a month; returns its number (1, 2, ...)."""
        with self._tx() as s:
            run = latest_rehearsal_run(s, month) + 1
            s.add(
                MonthSessionRow(
                    month=month,
                    slot=f"rehearsal-{run}",
                    rehearsal=True,
                    run=run,
                    protocol_number=f"R-{month}-{run}",
                    created_at=utcnow(),
                )
            )
            self._append_audit(s, "rehearsal_started", {"month": month, "run": run})
            return run

    def latest_rehearsal_run(self, month: str) -> int:
        """The newest rehearsal run started for `month` (0: none); the rule: slots.latest_rehearsal_run."""
        with self._tx() as s:
            return latest_rehearsal_run(s, month)

    def set_commission(
        self,
        month: str,
        members: Sequence[CommissionMember],
        place: str,
        draw_date: dt.date,
        rehearsal: bool = False,
        *,
        protocol_number: str | None = None,
        run: int | None = None,
    ) -> None:
        """Record who sat on the commission (for the protocol); replaces an earlier list."""
        with self._tx() as s:
            session = month_session(s, month, rehearsal, run, create=True)
            session.place = place
            session.draw_date = draw_date
            if protocol_number:
                session.protocol_number = protocol_number
            for old in s.scalars(select(CommissionRow).where(CommissionRow.session_id == session.id)):
                s.delete(old)
            for i, m in enumerate(members):
                s.add(
                    CommissionRow(
                        session_id=session.id, position_index=i, role=m.role, name=m.name, position=m.position
                    )
                )
            self._append_audit(
                s,
                "commission",
                {
                    "month": month,
                    "rehearsal": rehearsal,
                    "run": session.run,
                    "place": place,
                    "draw_date": draw_date.isoformat(),
                    "protocol_number": session.protocol_number,
                    "members": [[m.role, m.name, m.position] for m in members],
                },
            )
