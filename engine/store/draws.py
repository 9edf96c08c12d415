"""Draws and re-draws in the store: claiming a slot with a frozen pool, then executing under a
lease (ticket, entropy) until the draw is finished, failed, blocked or abandoned.

A pending draw whose executor is gone is resumed by the next claim of its slot (same pool
required); a done draw, or one being executed by a live process, is refused (DrawRefused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.records import DrawRecord, WinnerRecord
from engine.store.as_records import draw_record
from engine.store.audit import fields_sha256, utcnow, winner_details
from engine.store.connection import sqlite_has_json_each
from engine.store.errors import DrawRefused, NotDrawn
from engine.store.leases import lease_is_stale, lease_owner
from engine.store.members import json_string_array, member_chunks, members_from_text, members_sha256, string_order
from engine.store.reads import member_table
from engine.store.schema import DrawRow, PoolRow, WinnerRow
from engine.store.slots import ABANDONED, BLOCKED, OFFICIAL, month_session, next_redraw_round, slot_name, slot_row

_FROZEN_AT_HAND = 3  # pools whose members a Store keeps after freezing them, until they are drawn


@dataclass(frozen=True)
class WinnerInput:
    """A winner about to be stored (draw.py builds these)."""

    certificate: int
    ordinal: int
    account: str
    client_id: str
    client_name: str = ""
    phone: str = ""
    region: str = ""


class Draws:
    """The Store's methods over draws. The Store provides `_tx()`, `dialect`, the audit log's
    `_append_audit`, the leases (`_leases`, `_pending`, `_check_lease`), and two caches:
    `_frozen_members` (pool id -> the members table it froze, until drawn) and `_fresh_tickets`."""

    _tx: Callable[[], AbstractContextManager[Session]]
    dialect: str
    _leases: dict[int, str]
    _frozen_members: dict[int, Any]
    _fresh_tickets: set[int]

    # ---- claiming a slot
    def claim_draw(
        self,
        *,
        month: str,
        denomination: int,
        kind: str,
        method: str,
        rehearsal: bool,
        run: int,
        quota: int,
        carried_in: int,
        to_draw: int,
        draw_date: dt.date,
        place: str,
        pool_text: str,
        pool_sha256: str,
        pool_size: int,
        pool_details: str = "",
        pool_members: Any = None,
        redraw_certificate: int = 0,
        redraw_reason: str = "",
        replacing: WinnerRecord | None = None,
    ) -> tuple[DrawRecord, bool]:
        """Freeze the pool in the database and claim the draw's slot, in one transaction.

        Returns (draw, resumed). A pending draw of the same slot whose executor
        is gone is resumed (same pool required); a done or live one is refused.

        `pool_members`: the members as columns (MEMBER_COLUMNS, ordinal order), stored in chunks
        in pool_member_chunks with the hash of their details in the audit record. Without it they
        are read from `pool_text` and `pool_details` (a JSON list of [name, phone, region]).

        `replacing`: for a re-draw, the winner it replaces; refused when, inside this transaction,
        that winner is no longer current or its status changed since the caller read it.
        """
        slot = f"rehearsal-{run}" if rehearsal else OFFICIAL
        now = utcnow()
        if pool_members is None:
            pool_members = members_from_text(pool_text, pool_details)
        if pool_members.num_rows != pool_size:
            raise ValueError(f"{pool_members.num_rows} pool members given for a pool of {pool_size}")
        details_hash = members_sha256(pool_members)
        for _attempt in range(3):
            try:
                with self._tx() as s:
                    if replacing is not None:
                        row = s.get(WinnerRow, replacing.id)
                        if row is None or not row.current or row.status != replacing.status:
                            raise DrawRefused(
                                f"{month} {denomination} certificate {replacing.certificate} "
                                "changed meanwhile; look again"
                            )
                    redraw_round = 0
                    if kind == "redraw":
                        redraw_round = next_redraw_round(s, month, denomination, slot, redraw_certificate)
                    existing = slot_row(s, month, denomination, slot, redraw_certificate, redraw_round, kind)
                    if existing is not None:
                        return self._resume(s, existing, pool_sha256, method, now), True
                    month_session(s, month, rehearsal, run if rehearsal else None, create=True)
                    pool = PoolRow(
                        month=month,
                        denomination=denomination,
                        purpose="redraw" if kind == "redraw" else "draw",
                        rehearsal=rehearsal,
                        size=pool_size,
                        sha256=pool_sha256,
                        text=pool_text,
                        details="",
                        created_at=now,
                    )
                    s.add(pool)
                    s.flush()
                    self._insert_members(s, pool.id, pool_members)
                    lease = lease_owner()
                    row = DrawRow(
                        month=month,
                        denomination=denomination,
                        kind=kind,
                        slot=slot,
                        redraw_certificate=redraw_certificate,
                        redraw_round=redraw_round,
                        redraw_reason=redraw_reason,
                        rehearsal=rehearsal,
                        run=run,
                        method=method,
                        status="pending",
                        quota=quota,
                        carried_in=carried_in,
                        to_draw=to_draw,
                        draw_date=draw_date,
                        place=place,
                        started_at=now,
                        pool_id=pool.id,
                        lease_owner=lease,
                        lease_at=now,
                    )
                    s.add(row)
                    s.flush()
                    self._append_audit(
                        s,
                        "pool_frozen",
                        {
                            "draw_id": row.id,
                            "month": month,
                            "denomination": denomination,
                            "kind": kind,
                            "rehearsal": rehearsal,
                            "run": run,
                            "method": method,
                            "pool_id": pool.id,
                            "pool_size": pool_size,
                            "pool_sha256": pool_sha256,
                            "to_draw": to_draw,
                            "carried_in": carried_in,
                            "quota": quota,
                            "certificate": redraw_certificate or None,
                            "round": redraw_round or None,
                            "draw_date": draw_date.isoformat(),
                            "place": place,
                            "members_sha256": details_hash,
                        },
                    )
                    self._leases[row.id] = lease
                    record = draw_record(s, row)
                # committed: the members just stored stay at hand for this draw's participations
                # (a month's tiers are frozen before any is drawn; a few pools at most)
                self._frozen_members[pool.id] = pool_members
                while len(self._frozen_members) > _FROZEN_AT_HAND:
                    self._frozen_members.pop(next(iter(self._frozen_members)))
                return record, False
            except IntegrityError:
                continue  # someone claimed the slot between our check and insert: look again
        raise DrawRefused(f"{month} {denomination}: the draw slot is contended; try again")

    def _insert_members(self, s: Session, pool_id: int, members: Any) -> None:
        """The pool's members in chunks of MEMBER_CHUNK (pool_member_chunks): a few hundred rows
        of Arrow IPC bytes for a million members, through the driver's executemany."""
        if members.num_rows == 0:
            return
        rows = [(pool_id, *chunk) for chunk in member_chunks(members)]
        cursor = s.connection().connection.cursor()
        try:
            mark = "?" if self.dialect == "sqlite" else "%s"
            cursor.executemany(
                "INSERT INTO pool_member_chunks (pool_id, chunk, first_ordinal, count, data) "
                f"VALUES ({', '.join([mark] * 5)})",
                rows,
            )
        finally:
            cursor.close()

    def _resume(self, s: Session, row: DrawRow, pool_sha256: str, method: str, now: dt.datetime) -> DrawRecord:
        what = f"{row.month} {row.denomination}" + (
            f" certificate {row.redraw_certificate}" if row.kind == "redraw" else ""
        )
        if row.status == "done":
            raise DrawRefused(
                f"{what} was already drawn (draw #{row.id}, {row.draw_date}); "
                "only re-draws of named certificates are allowed",
                "already_drawn",
            )
        if row.status == BLOCKED:
            raise DrawRefused(
                f"{what}: RANDOM.ORG ticket {row.ticket_id} was used but its result could not be verified "
                f"({row.failure}); the commission must abandon it with a reason before the tier is drawn again "
                "(python -m engine abandon)",
                "ticket_blocked",
                ticket_id=row.ticket_id,
                denomination=row.denomination,
            )
        if not lease_is_stale(row.lease_owner, row.lease_at, now):
            raise DrawRefused(
                f"{what} is being drawn right now by {row.lease_owner} (draw #{row.id})",
                "draw_running",
                owner=row.lease_owner or "",
            )
        pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
        if row.kind == "draw" and pool is not None and pool.sha256 != pool_sha256:
            raise DrawRefused(
                f"{what}: an unfinished draw #{row.id} was prepared with pool {pool.sha256}, "
                f"the participants given now hash to {pool_sha256}; finish it with the same file"
            )
        if row.method != method:
            if row.ticket_id:
                raise DrawRefused(
                    f"{what}: an unfinished RANDOM.ORG draw #{row.id} holds ticket {row.ticket_id}, "
                    "which may already carry the result; finish it with --method random-org",
                    "ticket_pending",
                    ticket_id=row.ticket_id,
                )
            row.method = method
        lease = lease_owner()
        row.lease_owner, row.lease_at = lease, now
        self._leases[row.id] = lease
        self._append_audit(s, "draw_resumed", {"draw_id": row.id, "ticket_id": row.ticket_id, "method": row.method})
        return draw_record(s, row)

    # ---- the executing side
    def set_ticket(self, draw_id: int, ticket_id: str) -> DrawRecord:
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.ticket_id = ticket_id
            self._append_audit(s, "ticket_created", {"draw_id": draw_id, "ticket_id": ticket_id})
            self._fresh_tickets.add(draw_id)
            return draw_record(s, row)

    def take_fresh_ticket(self, draw_id: int) -> bool:
        """True once if this Store created the draw's ticket and never sent a request with
        it: then there is nothing to recover and getTicket can be skipped."""
        if draw_id in self._fresh_tickets:
            self._fresh_tickets.discard(draw_id)
            return True
        return False

    def finish_draw(
        self,
        draw_id: int,
        winners: Sequence[WinnerInput],
        *,
        deadline: dt.date,
        method: str,
        signed_random: str = "",
        serial_number: int | None = None,
        completion_time: str = "",
        hashed_api_key: str = "",
        license_text: str = "",
        development_licence: bool = False,
        signature_verified: bool = False,
        public_key_pem: str = "",
        entropy: str = "",
        replaces_winner_id: int | None = None,
        replaced_status: str = "",
    ) -> DrawRecord:
        """Store the result and the winners in one transaction, with its audit entry."""
        now = utcnow()
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.method = method
            row.status = "done"
            row.finished_at = now
            row.drawn = len(winners)
            row.carry_out = row.to_draw - len(winners)
            row.signed_random, row.serial_number = signed_random, serial_number
            row.completion_time, row.hashed_api_key = completion_time, hashed_api_key
            row.license_text, row.development_licence = license_text, development_licence
            row.signature_verified, row.public_key_pem, row.entropy = signature_verified, public_key_pem, entropy
            row.lease_owner = row.lease_at = None
            for w in winners:
                s.add(
                    WinnerRow(
                        draw_id=row.id,
                        month=row.month,
                        denomination=row.denomination,
                        rehearsal=row.rehearsal,
                        certificate=w.certificate,
                        ordinal=w.ordinal,
                        account=w.account,
                        client_id=w.client_id,
                        client_name=w.client_name,
                        phone=w.phone,
                        region=w.region,
                        status="drawn",
                        status_changed_at=now,
                        deadline=deadline,
                        current=True,
                    )
                )
            if replaces_winner_id is not None:
                old = s.get(WinnerRow, replaces_winner_id)
                if old.status != replaced_status:
                    old.status, old.status_changed_at = replaced_status, now
                if winners:
                    old.current = False
            pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
            if pool is not None and row.kind == "draw" and not row.rehearsal:
                self._record_participations(s, row)
            self._frozen_members.pop(row.pool_id, None)
            self._append_audit(
                s,
                "draw_done",
                {
                    "draw_id": row.id,
                    "month": row.month,
                    "denomination": row.denomination,
                    "kind": row.kind,
                    "rehearsal": row.rehearsal,
                    "method": method,
                    "pool_sha256": pool.sha256 if pool else "",
                    "ticket_id": row.ticket_id,
                    "serial_number": serial_number,
                    "entropy": entropy,
                    "certificate": row.redraw_certificate or None,
                    "replaces_winner_id": replaces_winner_id,
                    "replaced_status": replaced_status or None,
                    "winners": [[w.certificate, w.ordinal, w.account, w.client_id] for w in winners],
                    "details_sha256": fields_sha256(winner_details(winners)),
                    "carry_out": row.carry_out,
                },
            )
            self._leases.pop(draw_id, None)
            return draw_record(s, row)

    def _record_participations(self, s: Session, row: DrawRow) -> None:
        """Every client of an official original draw's pool took part in its month (RULES.md reason 9):
        rows of participations, in the transaction that completes the draw. A client already stored
        keeps the earlier month. The ids are those of the members this Store froze into the pool (the
        very table its chunks were written from, committed) or else decoded from the chunks; sorted
        by Arrow (inserts in key order keep the B-tree writes sequential). SQLite takes them as one JSON
        array read by json_each in one INSERT (a third of the time of executemany of a million
        tuples); PostgreSQL by COPY into a temporary table."""
        members = self._frozen_members.pop(row.pool_id, None)
        if members is None:
            members = member_table(s, row.pool_id)
        ids = members.column("client_id").combine_chunks()
        if len(ids) == 0:
            return
        if self.dialect != "sqlite":  # one INSERT must not meet a key twice on PostgreSQL; SQLite's
            ids = ids.unique()  # upsert takes the rows one by one (a pool names a client once)
        ids = ids.take(string_order(ids))
        upsert = (
            "ON CONFLICT (client_id) DO UPDATE SET month = excluded.month, draw_id = excluded.draw_id "
            "WHERE excluded.month < participations.month"
        )
        cursor = s.connection().connection.cursor()
        try:
            if self.dialect == "sqlite" and sqlite_has_json_each():
                # WHERE true: SQLite's upsert after a SELECT needs it (else ON reads as a join's)
                cursor.execute(
                    f"INSERT INTO participations (client_id, month, draw_id) SELECT value, ?, ? "
                    f"FROM json_each(?) WHERE true {upsert}",
                    (row.month, row.id, json_string_array(ids)),
                )
            elif self.dialect == "postgresql" and hasattr(cursor, "copy"):
                cursor.execute("CREATE TEMPORARY TABLE participations_new (client_id TEXT) ON COMMIT DROP")
                with cursor.copy("COPY participations_new (client_id) FROM STDIN") as copy:
                    for client_id in ids.to_pylist():
                        copy.write_row((client_id,))
                cursor.execute(
                    "INSERT INTO participations (client_id, month, draw_id) SELECT client_id, %s, %s "
                    f"FROM participations_new ORDER BY client_id {upsert}",
                    (row.month, row.id),
                )
            else:
                mark = "?" if self.dialect == "sqlite" else "%s"
                cursor.executemany(
                    f"INSERT INTO participations (client_id, month, draw_id) VALUES ({mark}, {mark}, {mark}) {upsert}",
                    zip(ids.to_pylist(), repeat(row.month), repeat(row.id)),
                )
        finally:
            cursor.close()

    def fail_draw(self, draw_id: int, kind: str, message: str, *, keep_pending: bool, force: bool = False) -> None:
        """Record a failed attempt. keep_pending: the ticket may hold a result, so
        the next attempt resumes this draw; otherwise the slot is freed. force: the
        caller does not hold the lease (abandoning a crashed draw whose ticket is unused)."""
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None or row.status != "pending":
                return
            if not force:
                self._check_lease(row)
            row.failure = f"{kind}: {message}"
            row.lease_owner = row.lease_at = None
            if not keep_pending:
                row.status = "failed"
                row.slot = f"failed-{row.id}"
                row.finished_at = utcnow()
            self._append_audit(
                s,
                "draw_failed",
                {
                    "draw_id": row.id,
                    "month": row.month,
                    "denomination": row.denomination,
                    "rehearsal": row.rehearsal,
                    "kind": kind,
                    "message": message,
                    "ticket_id": row.ticket_id,
                    "kept_pending": keep_pending,
                },
            )
            self._leases.pop(draw_id, None)

    def block_draw(self, draw_id: int, kind: str, message: str, response_text: str) -> None:
        """A used ticket whose result cannot be verified (rule 5): keep the response as evidence and
        hold the slot until the commission abandons the ticket."""
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.status = BLOCKED
            row.failure = f"{kind}: {message}"
            row.signed_random = response_text
            row.lease_owner = row.lease_at = None
            self._append_audit(
                s,
                "draw_blocked",
                {
                    "draw_id": row.id,
                    "month": row.month,
                    "denomination": row.denomination,
                    "rehearsal": row.rehearsal,
                    "kind": kind,
                    "message": message,
                    "ticket_id": row.ticket_id,
                    "response_sha256": hashlib.sha256(response_text.encode("utf-8")).hexdigest(),
                },
            )
            self._leases.pop(draw_id, None)

    def blocked_draws(self, month: str | None = None, *, rehearsal: bool | None = None) -> list[DrawRecord]:
        """Draws held by a used, unverifiable ticket (status blocked), with the response as received."""
        with self._tx() as s:
            q = select(DrawRow).where(DrawRow.status == BLOCKED).order_by(DrawRow.id)
            if month:
                q = q.where(DrawRow.month == month)
            if rehearsal is not None:
                q = q.where(DrawRow.rehearsal.is_(rehearsal))
            return [draw_record(s, r) for r in s.scalars(q)]

    def abandon_draw(self, draw_id: int, reason: str) -> DrawRecord:
        """The commission abandons a blocked ticket: the slot is freed, the response stays as evidence."""
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None or row.status != BLOCKED:
                raise DrawRefused(f"draw #{draw_id} holds no blocked ticket", "no_blocked_ticket")
            row.status = ABANDONED
            row.slot = f"{ABANDONED}-{row.id}"
            row.finished_at = utcnow()
            self._append_audit(
                s,
                "ticket_abandoned",
                {
                    "draw_id": row.id,
                    "month": row.month,
                    "denomination": row.denomination,
                    "kind": row.kind,
                    "certificate": row.redraw_certificate or None,
                    "rehearsal": row.rehearsal,
                    "ticket_id": row.ticket_id,
                    "failure": row.failure,
                    "reason": reason,
                    "response_sha256": hashlib.sha256(row.signed_random.encode("utf-8")).hexdigest(),
                },
            )
            return draw_record(s, row)

    def record_entropy(self, draw_id: int, entropy: str) -> DrawRecord:
        """The commission's entropy for an offline draw, entered after its pool was frozen (rule 4):
        stored with who entered it and when, before any winner is computed."""
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            entry = self._append_audit(
                s,
                "entropy_entered",
                {
                    "draw_id": row.id,
                    "month": row.month,
                    "denomination": row.denomination,
                    "rehearsal": row.rehearsal,
                    "entropy": entropy,
                },
            )
            row.entropy, row.entropy_by, row.entropy_at = entropy, entry.actor, entry.at
            return draw_record(s, row)

    def pending_draw(
        self, month: str, denomination: int, *, rehearsal: bool = False, run: int | None = None, certificate: int = 0
    ) -> DrawRecord | None:
        """The unfinished original draw of a tier (or re-draw of `certificate`), if any."""
        with self._tx() as s:
            slot = slot_name(s, month, rehearsal, run)
            row = s.scalars(
                select(DrawRow)
                .where(
                    DrawRow.month == month,
                    DrawRow.denomination == denomination,
                    DrawRow.slot == slot,
                    DrawRow.kind == ("redraw" if certificate else "draw"),
                    DrawRow.redraw_certificate == certificate,
                    DrawRow.status == "pending",
                )
                .order_by(DrawRow.id.desc())
            ).first()
            return None if row is None else draw_record(s, row)

    def pending_redraws(self, month: str, *, rehearsal: bool = False, run: int | None = None) -> list[DrawRecord]:
        """Re-draws of the month frozen and waiting for their random numbers, oldest first."""
        with self._tx() as s:
            slot = slot_name(s, month, rehearsal, run)
            rows = s.scalars(
                select(DrawRow)
                .where(
                    DrawRow.month == month, DrawRow.slot == slot, DrawRow.kind == "redraw", DrawRow.status == "pending"
                )
                .order_by(DrawRow.id)
            ).all()
            return [draw_record(s, r) for r in rows]

    def draw_run(self, draw_id: int) -> int:
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None:
                raise NotDrawn(f"no draw #{draw_id}")
            return row.run
