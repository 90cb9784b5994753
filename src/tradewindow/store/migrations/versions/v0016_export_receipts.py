"""Export receipts by the party they are for: a list woken by another firm's document, an
agency's decision or a departure is answered to the list's filer, who fetches it later.

Revision ID: 0016_export_receipts
Revises: 0015_export
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_export_receipts"
down_revision = "0015_export"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    op.create_table(
        "exp_receipts",
        sa.Column(
            "id",
            sa.Integer() if sqlite else sa.BigInteger(),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("party_id", sa.String(80), nullable=False),
        sa.Column("message_type", sa.String(8), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_exp_receipts_party_id", "exp_receipts", ["party_id", "id"])


def downgrade() -> None:
    op.drop_table("exp_receipts")
