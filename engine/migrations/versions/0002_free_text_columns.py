"""Free-text columns become TEXT (a no-op on SQLite, whose types carry no length).

Columns holding what people typed or a file or RANDOM.ORG supplied. The first
schema declared them VARCHAR(n): SQLite never enforces a length, PostgreSQL does,
so a long client name failed there only, and in finish_draw, after RANDOM.ORG had
answered (the month could then never be finished). Unbounded on every database.
On a database made by 0001 they are TEXT already and this changes nothing.

Revision ID: 0002
Revises: 0001
Create Date: 2021-03-01
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FREE_TEXT_COLUMNS = {
    "imports": ("file_name", "sheet"),
    "month_sessions": ("protocol_number", "place"),
    "commission_members": ("role", "name", "position"),
    "draws": ("place", "ticket_id", "completion_time", "hashed_api_key", "lease_owner"),
    "winners": ("account", "client_id", "client_name", "phone", "region", "certificate_serial"),
    "audit": ("actor",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _FREE_TEXT_COLUMNS.items():
            alters = ", ".join(f"ALTER COLUMN {c} TYPE TEXT" for c in columns)
            op.execute(f"ALTER TABLE {table} {alters}")
    schema_version = sa.table(
        "schema_version", sa.column("version", sa.Integer()), sa.column("applied_at", sa.DateTime())
    )
    op.bulk_insert(schema_version, [{"version": 2, "applied_at": _utcnow()}])


def downgrade() -> None:
    # The lengths are not restored: text stored since may be longer. The columns stay TEXT.
    op.execute("DELETE FROM schema_version WHERE version = 2")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
