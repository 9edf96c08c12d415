"""Draws record who entered the offline entropy and when (integrity rule 4).

entropy_by is TEXT, '' for every draw made before (the first release did not
ask); entropy_at is a timestamp without zone holding UTC (the store's
UTCDateTime), NULL before. On SQLite the batch adds the columns with ALTER TABLE ADD COLUMN,
in place: a table copy would drop `draws` while winners point at it, which
SQLite's foreign key enforcement (on in the store) refuses.

Revision ID: 0003
Revises: 0002
Create Date: 2021-04-01
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draws") as batch:
        batch.add_column(sa.Column("entropy_by", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("entropy_at", sa.DateTime(), nullable=True))
    schema_version = sa.table(
        "schema_version", sa.column("version", sa.Integer()), sa.column("applied_at", sa.DateTime())
    )
    op.bulk_insert(schema_version, [{"version": 3, "applied_at": _utcnow()}])


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no table copy, see above.
    op.drop_column("draws", "entropy_at")
    op.drop_column("draws", "entropy_by")
    op.execute("DELETE FROM schema_version WHERE version = 3")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
