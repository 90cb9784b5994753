"""A list's life after its declaration: lines returned (CEB625), changes to issued tax bills
(cancellations and returns), parcels arrived at the supervised site (CEB711) and signed for
(CEB513). See ``tradewindow.store.cbec.tables``.

Revision ID: 0012_cbec_lifecycle
Revises: 0010_cbec_receipt_times
Create Date: 2026-12-05

The ``cbec_lifecycle`` branch, after the ``cbec`` branch's receipts indexes (it reads the
receipts and tax bills that branch made). Cancellations, returns, statuses and deliveries
themselves are rows of ``documents`` (kinds ``cancel``, ``refund``, ``waybill_status``,
``delivery``), their answers rows of ``receipts``: no change there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_cbec_lifecycle"
down_revision = "0010_cbec_receipt_times"
branch_labels = ("cbec_lifecycle",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # as ``store.types`` keeps them: money (and quantities) as 1/100,000 units on SQLite
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    money: sa.types.TypeEngine[object] = (
        sa.BigInteger() if sqlite else sa.Numeric(19, 5)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "cbec_returned_lines",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("refund_key", sa.String(), nullable=False),
        sa.Column("list_key", sa.String(), nullable=False),
        sa.Column("gnum", sa.Integer(), nullable=False),
        sa.Column("qty", money, nullable=False),
        sa.Column("value", money, nullable=False),
        sa.Column("customs_tax", money, nullable=False),
        sa.Column("value_added_tax", money, nullable=False),
        sa.Column("consumption_tax", money, nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("at", instant, nullable=False),
    )
    op.create_index("ix_cbec_returned_lines_list_key", "cbec_returned_lines", ["list_key"])
    op.create_index("ix_cbec_returned_lines_refund_key", "cbec_returned_lines", ["refund_key"])
    op.create_table(
        "cbec_tax_adjustments",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("tax_no", sa.String(), nullable=False),
        sa.Column("list_key", sa.String(), nullable=False),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("ref_key", sa.String(), nullable=False),
        sa.Column("customs_tax", money, nullable=False),
        sa.Column("value_added_tax", money, nullable=False),
        sa.Column("consumption_tax", money, nullable=False),
        sa.Column("at", instant, nullable=False),
    )
    op.create_index("ix_cbec_tax_adjustments_tax_no", "cbec_tax_adjustments", ["tax_no"])
    op.create_index("ix_cbec_tax_adjustments_list_key", "cbec_tax_adjustments", ["list_key"])
    op.create_table(
        "cbec_parcel_events",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("waybill_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at", instant, nullable=False),
        sa.Column("ref_key", sa.String(), nullable=False),
        sa.Column("recorded_at", instant, nullable=False),
    )
    op.create_index(
        "ix_cbec_parcel_events_waybill_key_kind", "cbec_parcel_events", ["waybill_key", "kind"]
    )


def downgrade() -> None:
    op.drop_table("cbec_parcel_events")
    op.drop_table("cbec_tax_adjustments")
    op.drop_table("cbec_returned_lines")
