"""Pool members in chunks and participations as rows (issue 10).

pool_member_chunks: the members of a frozen pool, MEMBER_CHUNK (4 096) at a time. Row
(pool_id, chunk) holds `count` members from ordinal `first_ordinal` on (chunk k starts at
ordinal k * 4096 + 1), and `data`, their columns as one Arrow IPC stream: a schema message with
the string (UTF-8) columns account, client_id, client_name, phone, region, in that order, and one
record batch of `count` rows in ordinal order, buffers compressed with LZ4 (frame format) as the
Arrow IPC format allows. Any Python with pyarrow reads a chunk:

    pyarrow.ipc.open_stream(data).read_all()

account and client_id are as in the pool text; name, phone and region as printed for a winner.
A draw reads only the chunks of its winners instead of parsing the whole pool text and every
member's details; `verify` decodes every chunk, rebuilds the pool text from them (it must be the
hashed text) and hashes the details (audit key members_sha256, see engine.store.members_sha256:
defined over the columns, not over these bytes).

participations: each client of an official, completed original draw's pool with its earliest
month (RULES.md reason 9), so the store's history is a query by client_id instead of a parse of
every pool. WITHOUT ROWID on SQLite: one B-tree, keyed by client_id as it is read.

Both are filled here from what the database already holds: the chunks from pools.text and
pools.details (the JSON list of [name, phone, region] the earlier releases kept), participations
from the pool texts of official done original draws. pools.details stays as it was for those old
pools: their audit entries hash it (details_sha256) and `verify` still checks it. New pools keep
their details in the chunks only.

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
_MEMBER_CHUNK = 4096  # engine.store.MEMBER_CHUNK when this revision was written
_COLUMNS = ("account", "client_id", "client_name", "phone", "region")


def upgrade() -> None:
    chunks = op.create_table(
        "pool_member_chunks",
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("first_ordinal", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"]),
        sa.PrimaryKeyConstraint("pool_id", "chunk"),
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
    pools = sa.table(
        "pools", sa.column("id", sa.Integer()), sa.column("text", sa.Text()), sa.column("details", sa.Text())
    )
    client_ids: dict[int, list[str]] = {}
    for pool_id, pool_text, details_json in bind.execute(
        sa.select(pools.c.id, pools.c.text, pools.c.details).order_by(pools.c.id)
    ).all():
        columns = _members(pool_text or "", details_json or "")
        client_ids[pool_id] = columns["client_id"]
        rows = [
            {
                "pool_id": pool_id,
                "chunk": k,
                "first_ordinal": start + 1,
                "count": len(columns["account"][start : start + _MEMBER_CHUNK]),
                "data": _encode({c: v[start : start + _MEMBER_CHUNK] for c, v in columns.items()}),
            }
            for k, start in enumerate(range(0, len(columns["account"]), _MEMBER_CHUNK))
        ]
        if rows:
            bind.execute(chunks.insert(), rows)
    # Official completed original draws, earliest month first: a client keeps its first month.
    draws = bind.execute(
        sa.text(
            "SELECT id, month, pool_id FROM draws WHERE slot = 'official' AND status = 'done' AND kind = 'draw' "
            "AND pool_id IS NOT NULL ORDER BY month, id"
        )
    ).all()
    seen: set[str] = set()
    participations = sa.table(
        "participations",
        sa.column("client_id", sa.Text()),
        sa.column("month", sa.String(7)),
        sa.column("draw_id", sa.Integer()),
    )
    for draw_id, month, pool_id in draws:
        ids = sorted(set(client_ids.get(pool_id, [])))
        rows = [{"client_id": c, "month": month, "draw_id": draw_id} for c in ids if c not in seen]
        seen.update(ids)
        for i in range(0, len(rows), _BATCH):
            bind.execute(participations.insert(), rows[i : i + _BATCH])
    schema_version = sa.table(
        "schema_version", sa.column("version", sa.Integer()), sa.column("applied_at", sa.DateTime())
    )
    op.bulk_insert(schema_version, [{"version": 4, "applied_at": _utcnow()}])


def downgrade() -> None:
    op.drop_table("participations")
    op.drop_table("pool_member_chunks")
    op.execute("DELETE FROM schema_version WHERE version = 4")


def _members(pool_text: str, details_json: str) -> dict[str, list[str]]:
    """The columns of one pool: each text line is `ordinal,account,client_id,denomination`, where
    the account may hold commas; details[i] is [name, phone, region] of ordinal i + 1."""
    details = json.loads(details_json) if details_json.strip() else []
    columns: dict[str, list[str]] = {c: [] for c in _COLUMNS}
    lines = pool_text.split("\n")  # line feeds only: an account may hold U+2028 and the like
    if lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        _first, _, rest = line.partition(",")
        account_and_id, _, _den = rest.rpartition(",")
        account, _, client_id = account_and_id.rpartition(",")
        name, phone, region = ([*details[i], "", "", ""] if i < len(details) else ["", "", ""])[:3]
        for c, v in zip(_COLUMNS, (account, client_id, _text(name), _text(phone), _text(region))):
            columns[c].append(v)
    return columns


def _encode(columns: dict[str, list[str]]) -> bytes:
    """One chunk as an Arrow IPC stream (the format described above)."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    batch = pa.record_batch([pa.array(columns[c], pa.string()) for c in _COLUMNS], names=list(_COLUMNS))
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, batch.schema, options=ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
