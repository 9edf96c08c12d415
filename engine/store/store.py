"""The Store: the promotion's database as calls, each one transaction.

Imports, commission sittings, frozen pools and their members, draws and re-draws (claiming
a slot, executing under a lease, finishing, failing, blocking, abandoning), winners and their
claims, and the reads that build `engine.records` out of rows. Every write appends its entry
to the audit record (engine/store/audit.py) in the same transaction.

Outside engine/store, nobody touches rows: readers get the frozen records of `engine.records`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.config import database_url
from engine.records import (
    AbandonedTicket,
    CommissionMember,
    DrawRecord,
    History,
    ImportRecord,
    ImportSummary,
    MonthRecord,
    PoolMember,
    PoolRecord,
    WinnerRecord,
)
from engine.store.audit import (
    GENESIS_SHA256,
    AuditLog,
    canonical_json,
    default_actor,
    fields_sha256,
    import_fields,
    utcnow,
    winner_details,
)
from engine.store.connection import connect, location, sqlite_has_json_each
from engine.store.errors import DrawRefused, NotDrawn
from engine.store.leases import Leases, lease_is_stale, lease_owner
from engine.store.members import (
    DETAIL_COLUMNS,
    MEMBER_COLUMNS,
    decode_member_chunk,
    json_string_array,
    member_chunks,
    members_from_chunks,
    members_from_text,
    members_sha256,
    string_order,
)
from engine.store.migrations import ADVISORY_LOCK, current_revision, migrate
from engine.store.schema import (
    AuditRow,
    CommissionRow,
    DrawRow,
    ImportRow,
    MonthSessionRow,
    ParticipationRow,
    PoolMemberChunkRow,
    PoolRow,
    WinnerRow,
)

OFFICIAL = "official"  # the slot of real draws (rehearsals: rehearsal-<run>)
ABANDONED = "abandoned"  # status of a draw whose used ticket's result could not be verified (rule 5)
BLOCKED = "blocked"  # a used ticket whose result could not be verified holds the slot until abandoned
_CHUNK = 900  # ids per IN (...) query: under every SQLite build's limit of bound values
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


class Store(AuditLog, Leases):
    """The promotion's database. Thread-safe to share; each call is one transaction."""

    def __init__(self, url: str | None = None, *, actor: str | None = None) -> None:
        self._url = url or database_url()
        self.actor = actor or default_actor()
        self.engine = connect(self._url)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._leases: dict[int, str] = {}  # draw id -> lease this Store holds
        # pool id -> members table of the last pools this Store froze, until their draws complete
        self._frozen_members: dict[int, Any] = {}
        self._fresh_tickets: set[int] = set()  # tickets created here and not yet used for a request
        migrate(self.engine)

    # ---- identity
    @property
    def url(self) -> str:
        return self._url

    @property
    def location(self) -> str:
        """Where the data lives, for the settings page (no password shown)."""
        return location(self._url)

    def close(self) -> None:
        self.engine.dispose()

    # ---- transactions
    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction. On PostgreSQL writers serialise on an advisory lock
        (SQLite's BEGIN IMMEDIATE does the same)."""
        with self._sessions.begin() as session:
            if self.dialect == "postgresql":
                session.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
            yield session

    def schema_version(self) -> int:
        """The Alembic revision the database is at, as a number (revision 0003 is 3)."""
        with self._tx() as s:
            return int(current_revision(s.connection()) or 0)

    # ---- imports and commission
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
                return _import_record(existing)
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
                {"month": month, "file_name": row.file_name, "file_sha256": row.file_sha256,
                 "rehearsal": rehearsal, "eligible": row.eligible, "excluded": row.excluded,
                 "errors": row.errors, "import_id": row.id, "fields_sha256": fields_sha256(import_fields(row))},
            )
            return _import_record(row)

    def imports(self, month: str | None = None, *, rehearsal: bool = False) -> list[ImportRecord]:
        with self._tx() as s:
            q = select(ImportRow).where(ImportRow.rehearsal == rehearsal).order_by(ImportRow.id)
            if month:
                q = q.where(ImportRow.month == month)
            return [_import_record(r) for r in s.scalars(q)]

    def start_rehearsal(self, month: str) -> int:
        """Open a new rehearsal run for a month; returns its number (1, 2, ...)."""
        with self._tx() as s:
            run = (s.scalar(select(func.max(MonthSessionRow.run)).where(
                MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True))) or 0) + 1
            s.add(MonthSessionRow(month=month, slot=f"rehearsal-{run}", rehearsal=True, run=run,
                                  protocol_number=f"R-{month}-{run}", created_at=utcnow()))
            self._append_audit(s, "rehearsal_started", {"month": month, "run": run})
            return run

    def latest_rehearsal_run(self, month: str) -> int:
        with self._tx() as s:
            return int(s.scalar(select(func.max(MonthSessionRow.run)).where(
                MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True))) or 0)

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
            session = self._month_session(s, month, rehearsal, run, create=True)
            session.place = place
            session.draw_date = draw_date
            if protocol_number:
                session.protocol_number = protocol_number
            for old in s.scalars(select(CommissionRow).where(CommissionRow.session_id == session.id)):
                s.delete(old)
            for i, m in enumerate(members):
                s.add(CommissionRow(session_id=session.id, position_index=i, role=m.role,
                                    name=m.name, position=m.position))
            self._append_audit(
                s, "commission",
                {"month": month, "rehearsal": rehearsal, "run": session.run, "place": place,
                 "draw_date": draw_date.isoformat(), "protocol_number": session.protocol_number,
                 "members": [[m.role, m.name, m.position] for m in members]},
            )

    def _month_session(self, s: Session, month: str, rehearsal: bool, run: int | None,
                       create: bool) -> MonthSessionRow | None:
        if rehearsal:
            if run is None:
                run = s.scalar(select(func.max(MonthSessionRow.run)).where(
                    MonthSessionRow.month == month, MonthSessionRow.rehearsal.is_(True))) or 0
                if run == 0:
                    run = 1
            slot = f"rehearsal-{run}"
        else:
            run, slot = 0, OFFICIAL
        row = s.scalars(select(MonthSessionRow).where(
            MonthSessionRow.month == month, MonthSessionRow.slot == slot)).first()
        if row is None and create:
            number = f"R-{month}-{run}" if rehearsal else month
            row = MonthSessionRow(month=month, slot=slot, rehearsal=rehearsal, run=run,
                                  protocol_number=number, created_at=utcnow())
            s.add(row)
            s.flush()
        return row

    # ---- draws: claiming a slot
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
                            raise DrawRefused(f"{month} {denomination} certificate {replacing.certificate} "
                                              "changed meanwhile; look again")
                    redraw_round = 0
                    if kind == "redraw":
                        redraw_round = self._next_redraw_round(s, month, denomination, slot, redraw_certificate)
                    existing = self._slot_row(s, month, denomination, slot, redraw_certificate, redraw_round,
                                              kind)
                    if existing is not None:
                        return self._resume(s, existing, pool_sha256, method, now), True
                    self._month_session(s, month, rehearsal, run if rehearsal else None, create=True)
                    pool = PoolRow(month=month, denomination=denomination,
                                   purpose="redraw" if kind == "redraw" else "draw", rehearsal=rehearsal,
                                   size=pool_size, sha256=pool_sha256, text=pool_text, details="",
                                   created_at=now)
                    s.add(pool)
                    s.flush()
                    self._insert_members(s, pool.id, pool_members)
                    lease = lease_owner()
                    row = DrawRow(
                        month=month, denomination=denomination, kind=kind, slot=slot,
                        redraw_certificate=redraw_certificate, redraw_round=redraw_round,
                        redraw_reason=redraw_reason, rehearsal=rehearsal, run=run, method=method,
                        status="pending", quota=quota, carried_in=carried_in, to_draw=to_draw,
                        draw_date=draw_date, place=place, started_at=now, pool_id=pool.id,
                        lease_owner=lease, lease_at=now,
                    )
                    s.add(row)
                    s.flush()
                    self._append_audit(
                        s, "pool_frozen",
                        {"draw_id": row.id, "month": month, "denomination": denomination, "kind": kind,
                         "rehearsal": rehearsal, "run": run, "method": method, "pool_id": pool.id,
                         "pool_size": pool_size, "pool_sha256": pool_sha256, "to_draw": to_draw,
                         "carried_in": carried_in, "quota": quota,
                         "certificate": redraw_certificate or None, "round": redraw_round or None,
                         "draw_date": draw_date.isoformat(), "place": place,
                         "members_sha256": details_hash},
                    )
                    self._leases[row.id] = lease
                    record = self._draw_record(s, row)
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
            cursor.executemany("INSERT INTO pool_member_chunks (pool_id, chunk, first_ordinal, count, data) "
                               f"VALUES ({', '.join([mark] * 5)})", rows)
        finally:
            cursor.close()

    def _next_redraw_round(self, s: Session, month: str, den: int, slot: str, cert: int) -> int:
        rows = s.scalars(select(DrawRow).where(
            DrawRow.month == month, DrawRow.denomination == den, DrawRow.slot == slot,
            DrawRow.redraw_certificate == cert)).all()
        pending = [r for r in rows if r.status in ("pending", BLOCKED)]  # resumed, or refused while blocked
        if pending:
            return pending[0].redraw_round
        return max((r.redraw_round for r in rows), default=0) + 1

    def _slot_row(self, s: Session, month: str, den: int, slot: str, cert: int, rnd: int,
                  kind: str) -> DrawRow | None:
        return s.scalars(select(DrawRow).where(
            DrawRow.month == month, DrawRow.denomination == den, DrawRow.slot == slot,
            DrawRow.redraw_certificate == cert, DrawRow.redraw_round == rnd)).first()

    def _resume(self, s: Session, row: DrawRow, pool_sha256: str, method: str, now: dt.datetime) -> DrawRecord:
        what = f"{row.month} {row.denomination}" + (
            f" certificate {row.redraw_certificate}" if row.kind == "redraw" else "")
        if row.status == "done":
            raise DrawRefused(f"{what} was already drawn (draw #{row.id}, {row.draw_date}); "
                              "only re-draws of named certificates are allowed", "already_drawn")
        if row.status == BLOCKED:
            raise DrawRefused(
                f"{what}: RANDOM.ORG ticket {row.ticket_id} was used but its result could not be verified "
                f"({row.failure}); the commission must abandon it with a reason before the tier is drawn again "
                "(python -m engine abandon)", "ticket_blocked", ticket_id=row.ticket_id,
                denomination=row.denomination)
        if not lease_is_stale(row.lease_owner, row.lease_at, now):
            raise DrawRefused(f"{what} is being drawn right now by {row.lease_owner} (draw #{row.id})",
                              "draw_running", owner=row.lease_owner or "")
        pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
        if row.kind == "draw" and pool is not None and pool.sha256 != pool_sha256:
            raise DrawRefused(
                f"{what}: an unfinished draw #{row.id} was prepared with pool {pool.sha256}, "
                f"the participants given now hash to {pool_sha256}; finish it with the same file")
        if row.method != method:
            if row.ticket_id:
                raise DrawRefused(
                    f"{what}: an unfinished RANDOM.ORG draw #{row.id} holds ticket {row.ticket_id}, "
                    "which may already carry the result; finish it with --method random-org", "ticket_pending",
                    ticket_id=row.ticket_id)
            row.method = method
        lease = lease_owner()
        row.lease_owner, row.lease_at = lease, now
        self._leases[row.id] = lease
        self._append_audit(s, "draw_resumed", {"draw_id": row.id, "ticket_id": row.ticket_id,
                                                "method": row.method})
        return self._draw_record(s, row)

    # ---- draws: the executing side
    def set_ticket(self, draw_id: int, ticket_id: str) -> DrawRecord:
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            row.ticket_id = ticket_id
            self._append_audit(s, "ticket_created", {"draw_id": draw_id, "ticket_id": ticket_id})
            self._fresh_tickets.add(draw_id)
            return self._draw_record(s, row)

    def take_fresh_ticket(self, draw_id: int) -> bool:
        """True once if this Store created the draw's ticket and never sent a request with
        it: then there is nothing to recover and getTicket can be skipped."""
        if draw_id in self._fresh_tickets:
            self._fresh_tickets.discard(draw_id)
            return True
        return False

    def finish_draw(self, draw_id: int, winners: Sequence[WinnerInput], *, deadline: dt.date,
                    method: str, signed_random: str = "", serial_number: int | None = None,
                    completion_time: str = "", hashed_api_key: str = "", license_text: str = "",
                    development_licence: bool = False, signature_verified: bool = False,
                    public_key_pem: str = "", entropy: str = "",
                    replaces_winner_id: int | None = None, replaced_status: str = "") -> DrawRecord:
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
                s.add(WinnerRow(
                    draw_id=row.id, month=row.month, denomination=row.denomination, rehearsal=row.rehearsal,
                    certificate=w.certificate, ordinal=w.ordinal, account=w.account, client_id=w.client_id,
                    client_name=w.client_name, phone=w.phone, region=w.region, status="drawn",
                    status_changed_at=now, deadline=deadline, current=True))
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
                s, "draw_done",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination, "kind": row.kind,
                 "rehearsal": row.rehearsal, "method": method, "pool_sha256": pool.sha256 if pool else "",
                 "ticket_id": row.ticket_id, "serial_number": serial_number, "entropy": entropy,
                 "certificate": row.redraw_certificate or None, "replaces_winner_id": replaces_winner_id,
                 "replaced_status": replaced_status or None,
                 "winners": [[w.certificate, w.ordinal, w.account, w.client_id] for w in winners],
                 "details_sha256": fields_sha256(winner_details(winners)),
                 "carry_out": row.carry_out},
            )
            self._leases.pop(draw_id, None)
            return self._draw_record(s, row)

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
            members = self._member_table(s, row.pool_id)
        ids = members.column("client_id").combine_chunks()
        if len(ids) == 0:
            return
        if self.dialect != "sqlite":  # one INSERT must not meet a key twice on PostgreSQL; SQLite's
            ids = ids.unique()        # upsert takes the rows one by one (a pool names a client once)
        ids = ids.take(string_order(ids))
        upsert = ("ON CONFLICT (client_id) DO UPDATE SET month = excluded.month, draw_id = excluded.draw_id "
                  "WHERE excluded.month < participations.month")
        cursor = s.connection().connection.cursor()
        try:
            if self.dialect == "sqlite" and sqlite_has_json_each():
                # WHERE true: SQLite's upsert after a SELECT needs it (else ON reads as a join's)
                cursor.execute(f"INSERT INTO participations (client_id, month, draw_id) SELECT value, ?, ? "
                               f"FROM json_each(?) WHERE true {upsert}",
                               (row.month, row.id, json_string_array(ids)))
            elif self.dialect == "postgresql" and hasattr(cursor, "copy"):
                cursor.execute("CREATE TEMPORARY TABLE participations_new (client_id TEXT) ON COMMIT DROP")
                with cursor.copy("COPY participations_new (client_id) FROM STDIN") as copy:
                    for client_id in ids.to_pylist():
                        copy.write_row((client_id,))
                cursor.execute("INSERT INTO participations (client_id, month, draw_id) SELECT client_id, %s, %s "
                               f"FROM participations_new ORDER BY client_id {upsert}", (row.month, row.id))
            else:
                mark = "?" if self.dialect == "sqlite" else "%s"
                cursor.executemany(f"INSERT INTO participations (client_id, month, draw_id) VALUES ({mark}, {mark}, "
                                   f"{mark}) {upsert}", zip(ids.to_pylist(), repeat(row.month), repeat(row.id)))
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
                s, "draw_failed",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination,
                 "rehearsal": row.rehearsal, "kind": kind, "message": message,
                 "ticket_id": row.ticket_id, "kept_pending": keep_pending})
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
                s, "draw_blocked",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination,
                 "rehearsal": row.rehearsal, "kind": kind, "message": message, "ticket_id": row.ticket_id,
                 "response_sha256": hashlib.sha256(response_text.encode("utf-8")).hexdigest()})
            self._leases.pop(draw_id, None)

    def blocked_draws(self, month: str | None = None, *, rehearsal: bool | None = None) -> list[DrawRecord]:
        """Draws held by a used, unverifiable ticket (status blocked), with the response as received."""
        with self._tx() as s:
            q = select(DrawRow).where(DrawRow.status == BLOCKED).order_by(DrawRow.id)
            if month:
                q = q.where(DrawRow.month == month)
            if rehearsal is not None:
                q = q.where(DrawRow.rehearsal.is_(rehearsal))
            return [self._draw_record(s, r) for r in s.scalars(q)]

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
                s, "ticket_abandoned",
                {"draw_id": row.id, "month": row.month, "denomination": row.denomination, "kind": row.kind,
                 "certificate": row.redraw_certificate or None, "rehearsal": row.rehearsal,
                 "ticket_id": row.ticket_id, "failure": row.failure, "reason": reason,
                 "response_sha256": hashlib.sha256(row.signed_random.encode("utf-8")).hexdigest()})
            return self._draw_record(s, row)

    def record_entropy(self, draw_id: int, entropy: str) -> DrawRecord:
        """The commission's entropy for an offline draw, entered after its pool was frozen (rule 4):
        stored with who entered it and when, before any winner is computed."""
        with self._tx() as s:
            row = self._pending(s, draw_id)
            self._check_lease(row)
            entry = self._append_audit(s, "entropy_entered",
                                       {"draw_id": row.id, "month": row.month, "denomination": row.denomination,
                                        "rehearsal": row.rehearsal, "entropy": entropy})
            row.entropy, row.entropy_by, row.entropy_at = entropy, entry.actor, entry.at
            return self._draw_record(s, row)

    def pending_draw(self, month: str, denomination: int, *, rehearsal: bool = False,
                     run: int | None = None, certificate: int = 0) -> DrawRecord | None:
        """The unfinished original draw of a tier (or re-draw of `certificate`), if any."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            row = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.denomination == denomination, DrawRow.slot == slot,
                DrawRow.kind == ("redraw" if certificate else "draw"), DrawRow.redraw_certificate == certificate,
                DrawRow.status == "pending").order_by(DrawRow.id.desc())).first()
            return None if row is None else self._draw_record(s, row)

    def pending_redraws(self, month: str, *, rehearsal: bool = False, run: int | None = None) -> list[DrawRecord]:
        """Re-draws of the month frozen and waiting for their random numbers, oldest first."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            rows = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.slot == slot, DrawRow.kind == "redraw",
                DrawRow.status == "pending").order_by(DrawRow.id)).all()
            return [self._draw_record(s, r) for r in rows]

    def draw_run(self, draw_id: int) -> int:
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None:
                raise NotDrawn(f"no draw #{draw_id}")
            return row.run

    # ---- winners and claims
    def set_winner_status(self, winner_id: int, status: str, *, note: str = "", certificate_serial: str = "",
                          at_date: dt.date | None = None) -> WinnerRecord:
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
                s, "claim",
                {"winner_id": w.id, "month": w.month, "denomination": w.denomination,
                 "certificate": w.certificate, "rehearsal": w.rehearsal, "account": w.account,
                 "from": old, "to": status, "note": note, "certificate_serial": certificate_serial,
                 "date": at_date.isoformat() if at_date else None})
            return _winner_record(w)

    def current_winner(self, month: str, denomination: int, certificate: int, *, rehearsal: bool = False,
                       run: int | None = None) -> WinnerRecord:
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            w = s.scalars(select(WinnerRow).join(DrawRow, WinnerRow.draw_id == DrawRow.id).where(
                DrawRow.slot == slot, WinnerRow.month == month, WinnerRow.denomination == denomination,
                WinnerRow.certificate == certificate, WinnerRow.current.is_(True)
            ).order_by(WinnerRow.id.desc())).first()
            if w is None:
                raise NotDrawn(f"{month} {denomination}: no certificate {certificate} has been drawn")
            return _winner_record(w)

    def _slot_name(self, s: Session, month: str, rehearsal: bool, run: int | None) -> str:
        if not rehearsal:
            return OFFICIAL
        if run is None:
            run = s.scalar(select(func.max(DrawRow.run)).where(
                DrawRow.month == month, DrawRow.rehearsal.is_(True), DrawRow.status != "failed")) or 0
        return f"rehearsal-{run}"

    def tier_draws(self, month: str, denomination: int, *, rehearsal: bool = False,
                   run: int | None = None) -> list[DrawRecord]:
        """Every done draw and re-draw of a month and tier, in order."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, run)
            rows = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.denomination == denomination, DrawRow.slot == slot,
                DrawRow.status == "done").order_by(DrawRow.id)).all()
            return [self._draw_record(s, r) for r in rows]

    def pool_details(self, pool_id: int) -> list[list[str]]:
        """[name, phone, region] of every member of a pool, by ordinal."""
        table = self.pool_member_table(pool_id)
        return [list(r) for r in zip(*(table.column(c).to_pylist() for c in DETAIL_COLUMNS))]

    def pool_members(self, pool_id: int, ordinals: Sequence[int]) -> list[PoolMember]:
        """The members of a pool at `ordinals` (in that order), read from their chunks only: a draw
        names its winners without reading the whole pool. An ordinal the pool does not have (or
        whose chunk cannot be read) is left out."""
        wanted = sorted({int(o) for o in ordinals})
        found: dict[int, PoolMember] = {}
        with self._tx() as s:
            den = s.scalar(select(PoolRow.denomination).where(PoolRow.id == pool_id)) or 0
            index = s.execute(select(PoolMemberChunkRow.chunk, PoolMemberChunkRow.first_ordinal,
                                     PoolMemberChunkRow.count).where(PoolMemberChunkRow.pool_id == pool_id)).all()
            chunks = sorted({k for k, first, count in index for o in wanted if first <= o < first + count})
            for i in range(0, len(chunks), _CHUNK):
                for first, data in s.execute(select(PoolMemberChunkRow.first_ordinal, PoolMemberChunkRow.data).where(
                        PoolMemberChunkRow.pool_id == pool_id, PoolMemberChunkRow.chunk.in_(chunks[i:i + _CHUNK]))):
                    table = decode_member_chunk(data, first)
                    if table is None:
                        continue
                    for o in wanted:
                        if first <= o < first + table.num_rows and o not in found:
                            r = {c: table.column(c)[o - first].as_py() for c in MEMBER_COLUMNS}
                            found[o] = PoolMember(denomination=den, **r)
        return [found[int(o)] for o in ordinals if int(o) in found]

    def pool_member_table(self, pool_id: int) -> Any:
        """Every member of a pool as columns (MEMBER_COLUMNS), decoded from its chunks in chunk order;
        a chunk that cannot be read counts as no members (the text rebuilt from them then differs)."""
        with self._tx() as s:
            return self._member_table(s, pool_id)

    def _member_table(self, s: Session, pool_id: int) -> Any:
        rows = self._raw(s, "SELECT first_ordinal, data FROM pool_member_chunks WHERE pool_id = ? ORDER BY chunk",
                         (pool_id,))
        return members_from_chunks(rows)

    def participations(self) -> list[tuple[str, str, int]]:
        """(client_id, month, draw_id) of every stored participation, by client (for `verify`)."""
        with self._tx() as s:
            return [tuple(r) for r in self._raw(s, "SELECT client_id, month, draw_id FROM participations "
                                                   "ORDER BY client_id")]

    # ---- reads
    def draw(self, draw_id: int) -> DrawRecord:
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None:
                raise NotDrawn(f"no draw #{draw_id}")
            return self._draw_record(s, row)

    def all_draws(self, *, include_failed: bool = False) -> list[DrawRecord]:
        with self._tx() as s:
            q = select(DrawRow).order_by(DrawRow.id)
            if not include_failed:
                q = q.where(DrawRow.status == "done")
            return [self._draw_record(s, r) for r in s.scalars(q)]

    def months(self, rehearsal: bool = False) -> list[str]:
        with self._tx() as s:
            q = select(DrawRow.month).where(DrawRow.status == "done", DrawRow.rehearsal.is_(rehearsal)).distinct()
            return sorted(s.scalars(q))

    def month_record(self, month: str, rehearsal: bool = False) -> MonthRecord:
        """What a protocol shows. Rehearsal: the latest rehearsal run of the month."""
        with self._tx() as s:
            slot = self._slot_name(s, month, rehearsal, None)
            rows = s.scalars(select(DrawRow).where(
                DrawRow.month == month, DrawRow.slot == slot, DrawRow.status == "done")).all()
            if not rows:
                kind = "rehearsed" if rehearsal else "drawn"
                raise NotDrawn(f"{month} has not been {kind}")
            originals = sorted((r for r in rows if r.kind == "draw"), key=lambda r: r.denomination)
            redraws = sorted((r for r in rows if r.kind == "redraw"), key=lambda r: r.id)
            session = s.scalars(select(MonthSessionRow).where(
                MonthSessionRow.month == month, MonthSessionRow.slot == slot)).first()
            members: tuple[CommissionMember, ...] = ()
            if session is not None:
                members = tuple(
                    CommissionMember(role=c.role, name=c.name, position=c.position)
                    for c in s.scalars(select(CommissionRow).where(
                        CommissionRow.session_id == session.id).order_by(CommissionRow.position_index)))
            imports = tuple(_import_record(r) for r in s.scalars(select(ImportRow).where(
                ImportRow.month == month, ImportRow.rehearsal.is_(rehearsal)).order_by(ImportRow.id)))
            first = originals[0] if originals else rows[0]
            head = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
            return MonthRecord(
                month=month,
                rehearsal=rehearsal,
                protocol_number=(session.protocol_number if session else "") or month,
                draw_date=(session.draw_date if session and session.draw_date else first.draw_date),
                place=(session.place if session and session.place else first.place),
                commission=members,
                imports=imports,
                draws=tuple(self._draw_record(s, r) for r in [*originals, *redraws]),
                abandoned=self._abandoned(s, month, rehearsal),
                audit_head_seq=head.seq if head else 0,
                audit_head_sha256=head.sha256 if head else GENESIS_SHA256,
            )

    def _abandoned(self, s: Session, month: str, rehearsal: bool) -> tuple[AbandonedTicket, ...]:
        """Abandoned tickets of the month (official, or the latest rehearsal run), from the audit record."""
        slot_draws = {r.id: r for r in s.scalars(select(DrawRow).where(
            DrawRow.month == month, DrawRow.status == ABANDONED, DrawRow.rehearsal.is_(rehearsal)))}
        if not slot_draws:
            return ()
        out = []
        for e in s.scalars(select(AuditRow).where(AuditRow.action == "ticket_abandoned").order_by(AuditRow.seq)):
            p = json.loads(e.payload)
            row = slot_draws.get(p.get("draw_id"))
            if row is None:
                continue
            out.append(AbandonedTicket(
                draw_id=row.id, month=row.month, denomination=row.denomination, kind=row.kind,
                certificate=row.redraw_certificate or None, ticket_id=row.ticket_id, failure=row.failure,
                reason=str(p.get("reason", "")), abandoned_by=e.actor, abandoned_at=e.at))
        return tuple(out)

    def winners(self, month: str | None = None, rehearsal: bool = False) -> list[WinnerRecord]:
        """Winners of done draws (official, or every rehearsal run), by month, tier, certificate."""
        with self._tx() as s:
            q = select(WinnerRow).join(DrawRow, WinnerRow.draw_id == DrawRow.id).where(
                DrawRow.status == "done", DrawRow.rehearsal.is_(rehearsal))
            if not rehearsal:
                q = q.where(DrawRow.slot == OFFICIAL)
            if month:
                q = q.where(WinnerRow.month == month)
            rows = s.scalars(q.order_by(WinnerRow.month, WinnerRow.denomination.desc(),
                                        WinnerRow.certificate, WinnerRow.id)).all()
            return [_winner_record(w) for w in rows]

    def history(self, *, participation: bool = True) -> History:
        """Official draws only: how many certificates each tier used, and who took part where.

        Nothing about participants is read here: `first_months(ids)` asks the participations
        table for just those ids (by key, in chunks), and `participated` reads them all only
        when someone asks for the whole mapping. participation=False: counts only."""
        drawn: dict[tuple[str, int], int] = {}
        with self._tx() as s:
            rows = s.execute(select(DrawRow.month, DrawRow.denomination, DrawRow.kind, DrawRow.drawn,
                                    DrawRow.carry_out).where(
                DrawRow.slot == OFFICIAL, DrawRow.status == "done").order_by(DrawRow.month, DrawRow.id)).all()
        for month, den, kind, n, _carry in rows:
            if kind == "draw":
                drawn[(month, den)] = drawn.get((month, den), 0) + n
        for month, den, kind, n, carry in rows:
            if kind == "redraw" and n == 0:
                drawn[(month, den)] = drawn.get((month, den), 0) - carry
        if not participation or not drawn:  # nothing drawn officially: nobody took part
            return History(drawn=drawn)
        return History(drawn=drawn, lookup=self.first_months, load=self._all_participations)

    def first_months(self, client_ids: Iterable[str]) -> dict[str, str]:
        """client_id -> earliest official month it took part in, for the given ids only.

        By key in chunks when the ids are few against what is stored; one ordered scan of the
        participations when they are many (a million-row file asks about a million ids: a scan
        of the stored rows beats a million index probes)."""
        ids = list(dict.fromkeys(client_ids))
        if not ids:
            return {}
        with self._tx() as s:
            stored = s.scalar(select(func.count()).select_from(ParticipationRow)) or 0
            if not stored:
                return {}
            if len(ids) * 8 >= stored:
                wanted = set(ids)
                return {c: m for c, m in self._raw(s, "SELECT client_id, month FROM participations") if c in wanted}
            out: dict[str, str] = {}
            for i in range(0, len(ids), _CHUNK):
                out.update((c, m) for c, m in s.execute(select(ParticipationRow.client_id, ParticipationRow.month)
                                                        .where(ParticipationRow.client_id.in_(ids[i:i + _CHUNK]))))
            return out

    def _all_participations(self) -> dict[str, str]:
        with self._tx() as s:
            return dict(self._raw(s, "SELECT client_id, month FROM participations"))

    def _raw(self, s: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows straight from the driver's cursor (`?` marks the parameters): for reads of a million
        rows, where building SQLAlchemy rows would cost more than the query."""
        cursor = s.connection().connection.cursor()
        try:
            cursor.execute(sql if self.dialect == "sqlite" else sql.replace("?", "%s"), tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    # ---- raw access for verification (read-only; the audit's is raw_audit)
    def raw_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of the verified tables as plain dicts (for `verify`)."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self._tx() as s:
            for model in (PoolRow, DrawRow, WinnerRow, ImportRow, MonthSessionRow, CommissionRow):
                out[model.__tablename__] = [
                    {c.key: getattr(r, c.key) for c in model.__mapper__.column_attrs}
                    for r in s.scalars(select(model).order_by(model.id))
                ]
        return out

    # ---- record building
    def _draw_record(self, s: Session, row: DrawRow) -> DrawRecord:
        pool = s.get(PoolRow, row.pool_id) if row.pool_id else None
        winners = tuple(_winner_record(w) for w in s.scalars(
            select(WinnerRow).where(WinnerRow.draw_id == row.id).order_by(WinnerRow.certificate)))
        return DrawRecord(
            id=row.id, month=row.month, denomination=row.denomination, kind=row.kind,
            rehearsal=row.rehearsal, method=row.method, status=row.status, quota=row.quota,
            carried_in=row.carried_in, to_draw=row.to_draw, drawn=row.drawn, carry_out=row.carry_out,
            draw_date=row.draw_date, started_at=row.started_at, finished_at=row.finished_at,
            place=row.place,
            pool=None if pool is None else PoolRecord(
                id=pool.id, month=pool.month, denomination=pool.denomination, size=pool.size,
                sha256=pool.sha256, text=pool.text, purpose=pool.purpose),
            ticket_id=row.ticket_id, signed_random=row.signed_random, serial_number=row.serial_number,
            completion_time=row.completion_time, hashed_api_key=row.hashed_api_key,
            license_text=row.license_text, development_licence=row.development_licence,
            signature_verified=row.signature_verified, entropy=row.entropy,
            entropy_by=row.entropy_by or "", entropy_at=row.entropy_at,
            redraw_of_certificate=row.redraw_certificate or None, redraw_reason=row.redraw_reason,
            winners=winners, failure=row.failure or "",
        )

def _import_record(r: ImportRow) -> ImportRecord:
    return ImportRecord(
        id=r.id, file_name=r.file_name, file_sha256=r.file_sha256, sheet=r.sheet, month=r.month,
        rows_data=r.rows_data, rows_blank=r.rows_blank, eligible=r.eligible, excluded=r.excluded,
        errors=r.errors, excluded_by_reason=tuple(json.loads(r.excluded_by_reason).items()),
        imported_at=r.imported_at)


def _winner_record(w: WinnerRow) -> WinnerRecord:
    return WinnerRecord(
        id=w.id, draw_id=w.draw_id, month=w.month, denomination=w.denomination, certificate=w.certificate,
        ordinal=w.ordinal, account=w.account, client_id=w.client_id, client_name=w.client_name,
        status=w.status, status_changed_at=w.status_changed_at, deadline=w.deadline, note=w.note,
        certificate_serial=w.certificate_serial, current=w.current, phone=w.phone, region=w.region)
