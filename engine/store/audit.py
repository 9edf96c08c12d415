"""The append-only audit record: entries chained by SHA-256, and what the chain hashes.

Each entry's `sha256` is SHA-256 of the previous entry's `sha256` (GENESIS_SHA256 for the
first) followed by the canonical JSON of the entry; `verify` recomputes the chain. Printed
fields (an import's counts, a draw's winners' names) are kept in it as `fields_sha256`.
`UNIQUE(prev_sha256)` on the table keeps the chain linear even under races.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import socket
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import config
from engine.records import AuditEntry
from engine.store.schema import AuditRow

GENESIS_SHA256 = "0" * 64  # prev_sha256 of the first audit entry


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value, so hashes over it are reproducible."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def audit_sha256(prev_sha256: str, seq: int, at: dt.datetime, action: str, actor: str, payload: dict) -> str:
    """SHA-256 of prev_sha256 + the canonical JSON of the entry (what `verify` recomputes)."""
    body = canonical_json({"seq": seq, "at": at.isoformat(), "action": action, "actor": actor, "payload": payload})
    return hashlib.sha256((prev_sha256 + body).encode("utf-8")).hexdigest()


def fields_sha256(value: Any) -> str:
    """SHA-256 of the canonical JSON of printed fields: what the audit record keeps of them (rule 7)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def import_fields(r: Any) -> list:
    """The fields of an import that documents print (the protocol's sources section)."""
    return [
        r.file_name,
        r.file_sha256,
        r.sheet,
        r.month,
        bool(r.rehearsal),
        r.rows_data,
        r.rows_blank,
        r.eligible,
        r.excluded,
        r.errors,
        r.excluded_by_reason,
    ]


def winner_details(rows: Sequence[Any]) -> list:
    """[certificate, name, phone, region] of a draw's winners, by certificate (printed in protocol and acts)."""
    return [[r.certificate, r.client_name, r.phone, r.region] for r in sorted(rows, key=lambda r: r.certificate)]


def default_actor() -> str:
    """Who the audit entries name when a Store is given no actor: $PROMOTION_ACTOR, else user@host."""
    name = config.actor_name()
    if name:
        return name
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def append_entry(s: Session, action: str, payload: dict, actor: str) -> AuditRow:
    """Chain a new entry after the last one, inside the caller's transaction."""
    last = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
    seq = last.seq + 1 if last else 1
    prev = last.sha256 if last else GENESIS_SHA256
    at = utcnow()
    payload = json.loads(canonical_json(payload))  # plain JSON types only, as it will read back
    row = AuditRow(
        seq=seq,
        at=at,
        action=action,
        actor=actor,
        payload=canonical_json(payload),
        prev_sha256=prev,
        sha256=audit_sha256(prev, seq, at, action, actor, payload),
    )
    s.add(row)
    s.flush()
    return row


def audit_record(r: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=r.seq,
        at=r.at,
        action=r.action,
        actor=r.actor,
        payload=json.loads(r.payload),
        prev_sha256=r.prev_sha256,
        sha256=r.sha256,
    )


class AuditLog:
    """The Store's methods over the audit record. The Store provides `actor` (who its entries
    name) and `_tx()` (one transaction)."""

    actor: str
    _tx: Callable[[], AbstractContextManager[Session]]

    def _append_audit(self, s: Session, action: str, payload: dict, actor: str | None = None) -> AuditRow:
        return append_entry(s, action, payload, actor or self.actor)

    def append_audit(self, action: str, payload: dict, actor: str | None = None) -> AuditEntry:
        with self._tx() as s:
            return audit_record(self._append_audit(s, action, payload, actor))

    def audit_head(self) -> tuple[int, str]:
        """(seq, sha256) of the last audit entry; (0, GENESIS_SHA256) for an empty record."""
        with self._tx() as s:
            last = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
            return (last.seq, last.sha256) if last else (0, GENESIS_SHA256)

    def audit_drawn(self, month: str, denomination: int) -> list[int]:
        """Ids of the official original draws of a tier that the audit record says were completed:
        what the draw tables say can be deleted or relabelled, the chained record cannot."""
        with self._tx() as s:
            payloads = [
                json.loads(p) for p in s.scalars(select(AuditRow.payload).where(AuditRow.action == "draw_done"))
            ]
        return [
            p["draw_id"]
            for p in payloads
            if p.get("month") == month
            and p.get("denomination") == denomination
            and p.get("kind") == "draw"
            and not p.get("rehearsal")
        ]

    def audit(self) -> list[AuditEntry]:
        with self._tx() as s:
            return [audit_record(r) for r in s.scalars(select(AuditRow).order_by(AuditRow.seq))]

    def latest_audit(
        self, actions: Sequence[str], *, field: str | None = None, value: Any = None, limit: int = 100
    ) -> list[AuditEntry]:
        """The latest `limit` audit entries of `actions`, oldest first; with `field`, only those whose
        payload has `field` == `value` (the sign-in entries of one user name, without reading everyone's)."""
        with self._tx() as s:
            query = select(AuditRow).where(AuditRow.action.in_(list(actions)))
            if field is not None:
                # Payloads are canonical JSON, so `"field":value` appears verbatim; LIKE narrows, Python decides.
                fragment = canonical_json({field: value})[1:-1]
                pattern = fragment.replace("/", "//").replace("%", "/%").replace("_", "/_")
                query = query.where(AuditRow.payload.like(f"%{pattern}%", escape="/"))
            rows = s.scalars(query.order_by(AuditRow.seq.desc()).limit(limit)).all()
            entries = [audit_record(r) for r in reversed(rows)]
        if field is not None:
            entries = [e for e in entries if e.payload.get(field) == value]
        return entries

    def raw_audit(self) -> list[dict[str, Any]]:
        """Every entry as stored, for `verify` (read-only)."""
        with self._tx() as s:
            return [
                {
                    "seq": r.seq,
                    "at": r.at,
                    "action": r.action,
                    "actor": r.actor,
                    "payload": r.payload,
                    "prev_sha256": r.prev_sha256,
                    "sha256": r.sha256,
                }
                for r in s.scalars(select(AuditRow).order_by(AuditRow.seq))
            ]
