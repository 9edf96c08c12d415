"""Rows as the frozen records of `engine.records`: what the store hands out instead of rows."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.records import DrawRecord, ImportRecord, PoolRecord, WinnerRecord
from engine.store.schema import DrawRow, ImportRow, PoolRow, WinnerRow


def draw_record(s: Session, row: DrawRow) -> DrawRecord:
    pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
    winners = tuple(
        winner_record(w)
        for w in s.scalars(select(WinnerRow).where(WinnerRow.draw_id == row.id).order_by(WinnerRow.certificate))
    )
    return DrawRecord(
        id=row.id,
        month=row.month,
        denomination=row.denomination,
        kind=row.kind,
        rehearsal=row.rehearsal,
        method=row.method,
        status=row.status,
        quota=row.quota,
        carried_in=row.carried_in,
        to_draw=row.to_draw,
        drawn=row.drawn,
        carry_out=row.carry_out,
        draw_date=row.draw_date,
        started_at=row.started_at,
        finished_at=row.finished_at,
        place=row.place,
        pool=None
        if pool is None
        else PoolRecord(
            id=pool.id,
            month=pool.month,
            denomination=pool.denomination,
            size=pool.size,
            sha256=pool.sha256,
            text=pool.text,
            purpose=pool.purpose,
        ),
        ticket_id=row.ticket_id,
        signed_random=row.signed_random,
        serial_number=row.serial_number,
        completion_time=row.completion_time,
        hashed_api_key=row.hashed_api_key,
        license_text=row.license_text,
        development_licence=row.development_licence,
        signature_verified=row.signature_verified,
        entropy=row.entropy,
        entropy_by=row.entropy_by or "",
        entropy_at=row.entropy_at,
        redraw_of_certificate=row.redraw_certificate or None,
        redraw_reason=row.redraw_reason,
        winners=winners,
        failure=row.failure or "",
    )


def import_record(r: ImportRow) -> ImportRecord:
    return ImportRecord(
        id=r.id,
        file_name=r.file_name,
        file_sha256=r.file_sha256,
        sheet=r.sheet,
        month=r.month,
        rows_data=r.rows_data,
        rows_blank=r.rows_blank,
        eligible=r.eligible,
        excluded=r.excluded,
        errors=r.errors,
        excluded_by_reason=tuple(json.loads(r.excluded_by_reason).items()),
        imported_at=r.imported_at,
    )


def winner_record(w: WinnerRow) -> WinnerRecord:
    return WinnerRecord(
        id=w.id,
        draw_id=w.draw_id,
        month=w.month,
        denomination=w.denomination,
        certificate=w.certificate,
        ordinal=w.ordinal,
        account=w.account,
        client_id=w.client_id,
        client_name=w.client_name,
        status=w.status,
        status_changed_at=w.status_changed_at,
        deadline=w.deadline,
        note=w.note,
        certificate_serial=w.certificate_serial,
        current=w.current,
        phone=w.phone,
        region=w.region,
    )
