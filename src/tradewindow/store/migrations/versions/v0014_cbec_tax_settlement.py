"""Tax settlement: whose each CEB816 bill is (the withholding agent), the agents' tax
guarantees, recorded payments, and lists held for an exhausted guarantee. See
``tradewindow.cbec.settlement`` and ``tradewindow.store.cbec.tables``.

Revision ID: 0014_cbec_tax_settlement
Revises: 0013_cbec_bonded
Create Date: 2026-12-05

On the ``cbec_lifecycle`` branch. Bills issued before it have no agent row: settlement
starts with the bills released after it (and a guarantee counts the bills issued after it
was set).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_cbec_tax_settlement"
down_revision = "0013_cbec_bonded"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    money: sa.types.TypeEngine[object] = (
        sa.BigInteger() if sqlite else sa.Numeric(19, 5)  # type: ignore[assignment]
    )
    op.create_table(
        "cbec_bill_agents",
        sa.Column("tax_no", sa.String(), primary_key=True),
        sa.Column("list_key", sa.String(), nullable=False),
        sa.Column("invt_no", sa.String(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("issued", money, nullable=False),
        sa.Column("released_at", instant, nullable=False),
    )
    op.create_index(
        "ix_cbec_bill_agents_agent_released_at", "cbec_bill_agents", ["agent", "released_at"]
    )
    op.create_table(
        "cbec_guarantees",
        sa.Column("agent", sa.String(), primary_key=True),
        sa.Column("amount", money, nullable=False),
        sa.Column("used", money, nullable=False),
        sa.Column("set_at", instant, nullable=False),
    )
    op.create_table(
        "cbec_tax_payments",
        sa.Column("payment_id", sa.String(), primary_key=True),
        sa.Column("tax_no", sa.String(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("amount", money, nullable=False),
        sa.Column("paid_at", instant, nullable=False),
        sa.Column("recorded_at", instant, nullable=False),
    )
    op.create_index("ix_cbec_tax_payments_tax_no", "cbec_tax_payments", ["tax_no"])
    op.create_table(
        "cbec_guarantee_holds",
        sa.Column("list_key", sa.String(), primary_key=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("tax", money, nullable=False),
        sa.Column("held_at", instant, nullable=False),
    )
    op.create_index("ix_cbec_guarantee_holds_agent", "cbec_guarantee_holds", ["agent", "held_at"])


def downgrade() -> None:
    op.drop_table("cbec_guarantee_holds")
    op.drop_table("cbec_tax_payments")
    op.drop_table("cbec_guarantees")
    op.drop_table("cbec_bill_agents")
