"""A bonded warehouse's electronic account book (1210 / 1239) as a ledger of stock moves:
entries, releases of bonded lists, and what cancellations and returns put back. See
``tradewindow.cbec.bonded`` and ``tradewindow.store.cbec.tables``.

Revision ID: 0013_cbec_bonded
Revises: 0012_cbec_lifecycle
Create Date: 2026-12-05

On the ``cbec_lifecycle`` branch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_cbec_bonded"
down_revision = "0012_cbec_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    quantity: sa.types.TypeEngine[object] = (
        sa.BigInteger() if sqlite else sa.Numeric(19, 5)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "cbec_stock_moves",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("ems_no", sa.String(), nullable=False),
        sa.Column("item", sa.String(), nullable=False),
        sa.Column("qty", quantity, nullable=False),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("at", instant, nullable=False),
    )
    op.create_index("ix_cbec_stock_moves_ems_no_item", "cbec_stock_moves", ["ems_no", "item"])


def downgrade() -> None:
    op.drop_table("cbec_stock_moves")
