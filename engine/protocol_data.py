"""What a signed protocol carries inside its signed range (`protocol-data.json`) and a bundle's
manifest repeats as `protocol_data`: a month's draws as plain JSON values, built here, once.

A module of its own, with nothing but the records: rendering a protocol needs this and must not
import the draw engine or the database (reports/protocol.py, benchmarks/commands.py's floor).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.records import AbandonedTicket, DrawRecord, MonthRecord

__all__ = ["PROTOCOL_DATA_FORMAT", "protocol_data"]

PROTOCOL_DATA_FORMAT = 1


def protocol_data(record: MonthRecord) -> dict[str, Any]:
    """The month's draw as plain JSON values: embedded in the signed protocol, repeated in the
    bundle's manifest, compared with the database by `verify --protocol`."""
    return {
        "format": PROTOCOL_DATA_FORMAT,
        "month": record.month,
        "rehearsal": record.rehearsal,
        "protocol_number": record.protocol_number,
        "draw_date": record.draw_date.isoformat(),
        "draws": [_draw_data(d) for d in record.draws],
        "abandoned": [_abandoned_data(a) for a in record.abandoned],
        "audit_head": {"seq": record.audit_head_seq, "sha256": record.audit_head_sha256},
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _draw_data(d: DrawRecord) -> dict[str, Any]:
    return {
        "denomination": d.denomination,
        "kind": d.kind,
        "certificate": d.redraw_of_certificate if d.kind == "redraw" else None,
        "draw_date": d.draw_date.isoformat(),
        "quota": d.quota,
        "carried_in": d.carried_in,
        "to_draw": d.to_draw,
        "drawn": d.drawn,
        "carry_out": d.carry_out,
        "pool_size": d.pool.size if d.pool else 0,
        "pool_sha256": d.pool.sha256 if d.pool else "",
        "method": d.method,
        "ticket_id": d.ticket_id or "",
        "serial_number": d.serial_number,
        "entropy": d.entropy or "",
        "entropy_by": d.entropy_by or "",
        "entropy_at": _iso(d.entropy_at),
        "winners": [
            [w.certificate, w.ordinal, w.account, w.client_id] for w in sorted(d.winners, key=lambda w: w.certificate)
        ],
    }


def _abandoned_data(a: AbandonedTicket) -> dict[str, Any]:
    return {
        "ticket_id": a.ticket_id,
        "denomination": a.denomination,
        "kind": a.kind,
        "certificate": a.certificate,
        "failure": a.failure,
        "reason": a.reason,
        "abandoned_by": a.abandoned_by,
        "abandoned_at": _iso(a.abandoned_at),
    }
