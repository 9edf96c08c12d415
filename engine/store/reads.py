"""What the store reads back: draws, a month's protocol record, participation history, pool members,
and every row for `verify`. Reads of a million rows go straight to the driver's cursor."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.records import (
    AbandonedTicket,
    CommissionMember,
    DrawRecord,
    History,
    MonthRecord,
    PoolMember,
    RedrawCommission,
)
from engine.store.as_records import draw_record, import_record
from engine.store.audit import GENESIS_SHA256
from engine.store.connection import cursor_rows
from engine.store.errors import NotDrawn
from engine.store.members import DETAIL_COLUMNS, MEMBER_COLUMNS, decode_member_chunk, members_from_chunks
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
from engine.store.slots import ABANDONED, OFFICIAL, slot_name

_CHUNK = 900  # ids per IN (...) query: under every SQLite build's limit of bound values


def member_table(s: Session, pool_id: int) -> Any:
    """Every member of a pool as columns, decoded from its chunks (engine/store/members.py)."""
    rows = cursor_rows(
        s, "SELECT first_ordinal, data FROM pool_member_chunks WHERE pool_id = ? ORDER BY chunk", (pool_id,)
    )
    return members_from_chunks(rows)


class Reads:
    """The Store's reading methods. The Store provides `_tx()`."""

    _tx: Callable[[], AbstractContextManager[Session]]

    def draw(self, draw_id: int) -> DrawRecord:
        with self._tx() as s:
            row = s.get(DrawRow, draw_id)
            if row is None:
                raise NotDrawn(f"no draw #{draw_id}")
            return draw_record(s, row)

    def all_draws(self, *, include_failed: bool = False) -> list[DrawRecord]:
        with self._tx() as s:
            q = select(DrawRow).order_by(DrawRow.id)
            if not include_failed:
                q = q.where(DrawRow.status == "done")
            return [draw_record(s, r) for r in s.scalars(q)]

    def months(self, rehearsal: bool = False) -> list[str]:
        with self._tx() as s:
            q = select(DrawRow.month).where(DrawRow.status == "done", DrawRow.rehearsal.is_(rehearsal)).distinct()
            return sorted(s.scalars(q))

    def month_record(self, month: str, rehearsal: bool = False) -> MonthRecord:
        """What a protocol shows. Rehearsal: the latest rehearsal run of the month."""
        with self._tx() as s:
            slot = slot_name(s, month, rehearsal, None)
            rows = s.scalars(
                select(DrawRow).where(DrawRow.month == month, DrawRow.slot == slot, DrawRow.status == "done")
            ).all()
            if not rows:
                kind = "rehearsed" if rehearsal else "drawn"
                raise NotDrawn(f"{month} has not been {kind}")
            originals = sorted((r for r in rows if r.kind == "draw"), key=lambda r: r.denomination)
            redraws = sorted((r for r in rows if r.kind == "redraw"), key=lambda r: r.id)
            session = s.scalars(
                select(MonthSessionRow).where(MonthSessionRow.month == month, MonthSessionRow.slot == slot)
            ).first()
            members: tuple[CommissionMember, ...] = ()
            if session is not None:
                members = tuple(
                    CommissionMember(role=c.role, name=c.name, position=c.position)
                    for c in s.scalars(
                        select(CommissionRow)
                        .where(CommissionRow.session_id == session.id)
                        .order_by(CommissionRow.position_index)
                    )
                )
            imports = tuple(
                import_record(r)
                for r in s.scalars(
                    select(ImportRow)
                    .where(ImportRow.month == month, ImportRow.rehearsal.is_(rehearsal))
                    .order_by(ImportRow.id)
                )
            )
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
                draws=tuple(draw_record(s, r) for r in [*originals, *redraws]),
                abandoned=self._abandoned(s, month, rehearsal),
                audit_head_seq=head.seq if head else 0,
                audit_head_sha256=head.sha256 if head else GENESIS_SHA256,
                redraw_commissions=self._redraw_commissions(
                    s, month, rehearsal, slot, {(r.denomination, r.redraw_certificate) for r in redraws}
                ),
            )

    def _redraw_commissions(
        self, s: Session, month: str, rehearsal: bool, slot: str, redrawn: set[tuple[int, int]]
    ) -> tuple[RedrawCommission, ...]:
        """Who was present at the month's completed re-draws (this slot's), from the audit record:
        the `redraw_commission` entries, in the order they were recorded."""
        if not redrawn:
            return ()
        out = []
        for e in s.scalars(select(AuditRow).where(AuditRow.action == "redraw_commission").order_by(AuditRow.seq)):
            p = json.loads(e.payload)
            if p.get("month") != month or bool(p.get("rehearsal")) != rehearsal:
                continue
            if rehearsal and f"rehearsal-{p.get('run')}" != slot:
                continue
            key = (int(p["denomination"]), int(p["certificate"]))
            if key not in redrawn:
                continue
            out.append(
                RedrawCommission(
                    denomination=key[0],
                    certificate=key[1],
                    draw_date=dt.date.fromisoformat(p["draw_date"]),
                    place=str(p.get("place") or ""),
                    members=tuple(CommissionMember(role=m[0], name=m[1], position=m[2]) for m in p["members"]),
                )
            )
        return tuple(out)

    def _abandoned(self, s: Session, month: str, rehearsal: bool) -> tuple[AbandonedTicket, ...]:
        """Abandoned tickets of the month (official, or the latest rehearsal run), from the audit record."""
        slot_draws = {
            r.id: r
            for r in s.scalars(
                select(DrawRow).where(
                    DrawRow.month == month, DrawRow.status == ABANDONED, DrawRow.rehearsal.is_(rehearsal)
                )
            )
        }
        if not slot_draws:
            return ()
        out = []
        for e in s.scalars(select(AuditRow).where(AuditRow.action == "ticket_abandoned").order_by(AuditRow.seq)):
            p = json.loads(e.payload)
            row = slot_draws.get(p.get("draw_id"))
            if row is None:
                continue
            out.append(
                AbandonedTicket(
                    draw_id=row.id,
                    month=row.month,
                    denomination=row.denomination,
                    kind=row.kind,
                    certificate=row.redraw_certificate or None,
                    ticket_id=row.ticket_id,
                    failure=row.failure,
                    reason=str(p.get("reason", "")),
                    abandoned_by=e.actor,
                    abandoned_at=e.at,
                )
            )
        return tuple(out)

    def tier_draws(
        self, month: str, denomination: int, *, rehearsal: bool = False, run: int | None = None
    ) -> list[DrawRecord]:
        """Every done draw and re-draw of a month and tier, in order."""
        with self._tx() as s:
            slot = slot_name(s, month, rehearsal, run)
            rows = s.scalars(
                select(DrawRow)
                .where(
                    DrawRow.month == month,
                    DrawRow.denomination == denomination,
                    DrawRow.slot == slot,
                    DrawRow.status == "done",
                )
                .order_by(DrawRow.id)
            ).all()
            return [draw_record(s, r) for r in rows]

    def history(self, *, participation: bool = True) -> History:
        """Official draws only: how many certificates each tier used, and who took part where.

        Nothing about participants is read here: `first_months(ids)` asks the participations
        table for just those ids (by key, in chunks), and `participated` reads them all only
        when someone asks for the whole mapping. participation=False: counts only."""
        drawn: dict[tuple[str, int], int] = {}
        with self._tx() as s:
            rows = s.execute(
                select(DrawRow.month, DrawRow.denomination, DrawRow.kind, DrawRow.drawn, DrawRow.carry_out)
                .where(DrawRow.slot == OFFICIAL, DrawRow.status == "done")
                .order_by(DrawRow.month, DrawRow.id)
            ).all()
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
                return {c: m for c, m in cursor_rows(s, "SELECT client_id, month FROM participations") if c in wanted}
            out: dict[str, str] = {}
            for i in range(0, len(ids), _CHUNK):
                out.update(
                    (c, m)
                    for c, m in s.execute(
                        select(ParticipationRow.client_id, ParticipationRow.month).where(
                            ParticipationRow.client_id.in_(ids[i : i + _CHUNK])
                        )
                    )
                )
            return out

    def _all_participations(self) -> dict[str, str]:
        with self._tx() as s:
            return dict(cursor_rows(s, "SELECT client_id, month FROM participations"))

    def participations(self) -> list[tuple[str, str, int]]:
        """(client_id, month, draw_id) of every stored participation, by client (for `verify`)."""
        with self._tx() as s:
            return [
                tuple(r)
                for r in cursor_rows(s, "SELECT client_id, month, draw_id FROM participations ORDER BY client_id")
            ]

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
            index = s.execute(
                select(PoolMemberChunkRow.chunk, PoolMemberChunkRow.first_ordinal, PoolMemberChunkRow.count).where(
                    PoolMemberChunkRow.pool_id == pool_id
                )
            ).all()
            chunks = sorted({k for k, first, count in index for o in wanted if first <= o < first + count})
            for i in range(0, len(chunks), _CHUNK):
                for first, data in s.execute(
                    select(PoolMemberChunkRow.first_ordinal, PoolMemberChunkRow.data).where(
                        PoolMemberChunkRow.pool_id == pool_id, PoolMemberChunkRow.chunk.in_(chunks[i : i + _CHUNK])
                    )
                ):
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
            return member_table(s, pool_id)

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
