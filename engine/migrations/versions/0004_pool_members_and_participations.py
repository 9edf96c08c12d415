"""Pool members and participations as rows (issue 10).

pool_members: one row per member of a frozen pool (ordinal, account, client_id as in the pool
text; name, phone, region as printed for a winner). A draw reads its winners' rows by key
instead of parsing the whole pool text and every member's details. participations: each client
of an official, completed original draw's pool with its earliest month (RULES.md reason 9), so
the store's history is a query by client_id instead of a parse of every pool.

Both are filled here from what the database already holds: pool_members from pools.text and
pools.details (the JSON list of [name, phone, region] the earlier releases kept), participations
from the members of official done original draws. pools.details stays as it was for those old
pools: their audit entries hash it (details_sha256) and `verify` still checks it. New pools keep
their details in pool_members only, hashed under the audit key members_sha256.

Both tables are WITHOUT ROWID on SQLite: one B-tree each, keyed as they are read.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BATCH = 10_000


def upgrade() -> None:
    pool_members = op.create_table(
        "pool_members",
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("client_name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"]),
        sa.PrimaryKeyConstraint("pool_id", "ordinal"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "participations",
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["draw_id"], ["draws.id"]),
        sa.PrimaryKeyConstraint("client_id"),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    pools = sa.table("pools", sa.column("id", sa.Integer()), sa.column("text", sa.Text()),
                     sa.column("details", sa.Text()))
    for pool_id, pool_text, details_json in bind.execute(sa.select(pools.c.id, pools.c.text, pools.c.details)
                                                         .order_by(pools.c.id)).all():
        rows = _members(pool_id, pool_text or "", details_json or "")
        for i in range(0, len(rows), _BATCH):
            bind.execute(pool_members.insert(), rows[i:i + _BATCH])
    # Official completed original draws, earliest month first: a client keeps its first month.
    draws = bind.execute(sa.text(
        "SELECT id, month, pool_id FROM draws WHERE slot = 'official' AND status = 'done' AND kind = 'draw' "
        "AND pool_id IS NOT NULL ORDER BY month, id")).all()
    seen: set[str] = set()
    participations = sa.table("participations", sa.column("client_id", sa.Text()),
                              sa.column("month", sa.String(7)), sa.column("draw_id", sa.Integer()))
    for draw_id, month, pool_id in draws:
        ids = bind.execute(sa.text("SELECT DISTINCT client_id FROM pool_members WHERE pool_id = :p "
                                   "ORDER BY client_id"), {"p": pool_id}).scalars().all()
        rows = [{"client_id": c, "month": month, "draw_id": draw_id} for c in ids if c not in seen]
        seen.update(ids)
        for i in range(0, len(rows), _BATCH):
            bind.execute(participations.insert(), rows[i:i + _BATCH])
    schema_version = sa.table("schema_version", sa.column("version", sa.Integer()),
                              sa.column("applied_at", sa.DateTime()))
    op.bulk_insert(schema_version, [{"version": 4, "applied_at": _utcnow()}])


def downgrade() -> None:
    op.drop_table("participations")
    op.drop_table("pool_members")
    op.execute("DELETE FROM schema_version WHERE version = 4")


def _members(pool_id: int, pool_text: str, details_json: str) -> list[dict]:
    """The rows of one pool: each text line is `ordinal,account,client_id,denomination`, where the
    account may hold commas; details[i] is [name, phone, region] of ordinal i + 1."""
    details = json.loads(details_json) if details_json.strip() else []
    rows = []
    for i, line in enumerate(pool_text.splitlines()):
        first, _, rest = line.partition(",")
        account_and_id, _, _den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        name, phone, region = ([*details[i], "", "", ""] if i < len(details) else ["", "", ""])[:3]
        rows.append({"pool_id": pool_id, "ordinal": int(first), "account": account, "client_id": client_id,
                     "client_name": _text(name), "phone": _text(phone), "region": _text(region)})
    return rows


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
