"""Agencies' work queue: one task per (filing, required agency).

Revision ID: 0004_agencies
Revises: 0001
Create Date: 2026-03-01

The ``agencies`` branch of the capability migrations (tables used by ``tradewindow.agencies``).
Types are spelled out per database as in 0001: times are TIMESTAMPTZ on PostgreSQL and UTC
ISO-8601 text on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_agencies"
down_revision = "0001"
branch_labels = ("agencies",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "agency_tasks",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("filing", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("officer", sa.String()),
        sa.Column("decision", sa.String()),
        sa.Column("reason", sa.String()),
        sa.Column("policy_version", sa.String(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("claimed_at", instant),
        sa.Column("decided_at", instant),
        sa.UniqueConstraint("filing", "agency", name="uq_agency_tasks_filing_agency"),
    )
    op.create_index("ix_agency_tasks_agency_status_id", "agency_tasks", ["agency", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_agency_tasks_agency_status_id", table_name="agency_tasks")
    op.drop_table("agency_tasks")
