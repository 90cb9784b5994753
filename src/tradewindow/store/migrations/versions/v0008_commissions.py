"""Commissions (委托关系): which party commissioned which agent to file what, and until when.

Revision ID: 0008_commissions
Revises: 0002_parties
Create Date: 2026-11-29

On the ``parties`` branch, after 0002. Times are TIMESTAMPTZ on PostgreSQL and UTC ISO-8601
text on SQLite, as in 0001. Rows are history: revoking sets ``revoked_at``, nothing deletes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_commissions"
down_revision = "0002_parties"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    op.create_table(
        "commissions",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("principal_id", sa.String(64), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("agent_id", sa.String(64), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("valid_from", instant, nullable=False),
        sa.Column("valid_until", instant),
        sa.Column("granted_at", instant, nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=False),
        sa.Column("revoked_at", instant),
        sa.Column("revoked_by", sa.String(64)),
    )
    op.create_index("ix_commissions_principal_id", "commissions", ["principal_id"])
    op.create_index("ix_commissions_agent_id", "commissions", ["agent_id", "principal_id"])


def downgrade() -> None:
    op.drop_index("ix_commissions_agent_id", table_name="commissions")
    op.drop_index("ix_commissions_principal_id", table_name="commissions")
    op.drop_table("commissions")
