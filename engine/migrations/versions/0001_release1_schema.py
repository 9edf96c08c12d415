"""The schema as the first release created it.

Written out here, not taken from the models: the models keep changing, and a
new database must go through the same steps as an old one. Timestamps are
DateTime without a zone holding UTC (the store's UTCDateTime). Free text is
TEXT already: a database made before that (VARCHAR(n)) is fixed by 0002.

A database of the first release has no alembic_version table; the store stamps
it with the revision matching its schema_version and upgrades from there.

Revision ID: 0001
Revises:
Create Date: 2021-03-01
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("sheet", sa.Text(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("rows_data", sa.Integer(), nullable=False),
        sa.Column("rows_blank", sa.Integer(), nullable=False),
        sa.Column("eligible", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("excluded_by_reason", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_imports_month", "imports", ["month"])

    op.create_table(
        "month_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("slot", sa.String(40), nullable=False),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("protocol_number", sa.Text(), nullable=False),
        sa.Column("draw_date", sa.Date(), nullable=True),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "slot", name="uq_month_session"),
    )

    op.create_table(
        "commission_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position_index", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["month_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_commission_members_session_id", "commission_members", ["session_id"])

    op.create_table(
        "pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("denomination", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pools_month", "pools", ["month"])

    op.create_table(
        "draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("denomination", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("slot", sa.String(40), nullable=False),
        sa.Column("redraw_certificate", sa.Integer(), nullable=False),
        sa.Column("redraw_round", sa.Integer(), nullable=False),
        sa.Column("redraw_reason", sa.String(20), nullable=False),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("carried_in", sa.Integer(), nullable=False),
        sa.Column("to_draw", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("carry_out", sa.Integer(), nullable=False),
        sa.Column("draw_date", sa.Date(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Text(), nullable=False),
        sa.Column("signed_random", sa.Text(), nullable=False),
        sa.Column("serial_number", sa.Integer(), nullable=True),
        sa.Column("completion_time", sa.Text(), nullable=False),
        sa.Column("hashed_api_key", sa.Text(), nullable=False),
        sa.Column("license_text", sa.Text(), nullable=False),
        sa.Column("development_licence", sa.Boolean(), nullable=False),
        sa.Column("signature_verified", sa.Boolean(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("entropy", sa.Text(), nullable=False),
        sa.Column("failure", sa.Text(), nullable=False),
        sa.Column("lease_owner", sa.Text(), nullable=True),
        sa.Column("lease_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"]),
        sa.PrimaryKeyConstraint("id"),
        # "a month and tier is drawn once", decided by the database (see engine/store.py)
        sa.UniqueConstraint("month", "denomination", "slot", "redraw_certificate", "redraw_round", name="uq_draw_slot"),
    )
    op.create_index("ix_draws_month", "draws", ["month"])

    op.create_table(
        "winners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("denomination", sa.Integer(), nullable=False),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("certificate", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("client_name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("certificate_serial", sa.Text(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["draw_id"], ["draws.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draw_id", "certificate", name="uq_winner_certificate"),
    )
    op.create_index("ix_winners_draw_id", "winners", ["draw_id"])
    op.create_index("ix_winners_month", "winners", ["month"])

    # Append-only; UNIQUE(prev_sha256) keeps the chain linear even under races.
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_sha256", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("prev_sha256"),
        sa.UniqueConstraint("sha256"),
    )

    # The first release's own record of its migrations. Kept, and each revision
    # adds its number, so the first release's tools still read something true.
    schema_version = op.create_table(
        "schema_version",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.bulk_insert(schema_version, [{"version": 1, "applied_at": _utcnow()}])


def downgrade() -> None:
    for table in (
        "schema_version",
        "audit",
        "winners",
        "draws",
        "pools",
        "commission_members",
        "month_sessions",
        "imports",
    ):
        op.drop_table(table)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
