"""Informed agencies' notices: one per (filing, agency that is informed but does not decide).

Revision ID: 0008_agency_notices
Revises: 0004_agencies
Create Date: 2026-11-29

On the ``agencies`` branch after the work queue (tables used by ``tradewindow.agencies``).
A notice holds the filing's reference only, never any of its fields. Types are spelled out
per database as in 0001: times are TIMESTAMPTZ on PostgreSQL and UTC ISO-8601 text on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_agency_notices"
down_revision = "0004_agencies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "agency_notices",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("filing", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("policy_version", sa.String(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.UniqueConstraint("filing", "agency", name="uq_agency_notices_filing_agency"),
    )
    op.create_index("ix_agency_notices_agency_id", "agency_notices", ["agency", "id"])


def downgrade() -> None:
    op.drop_index("ix_agency_notices_agency_id", table_name="agency_notices")
    op.drop_table("agency_notices")
