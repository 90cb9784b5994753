"""CBEC export (issue 13): answers by message guid, the order / receipt of payment / waybill
documents, lists and their facts, early arrivals, master-bill links, summaries, overseas
warehouses and the export number series.

Revision ID: 0015_export
Revises: 0001
Create Date: 2026-12-05

The ``export`` branch of the capability migrations (tables used by ``tradewindow.export``
through ``store/export``). Bodies are the core's records as JSON; the columns beside them are
looked up. Times are TIMESTAMPTZ on PostgreSQL and UTC ISO-8601 text on SQLite, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_export"
down_revision = "0001"
branch_labels = ("export",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    op.create_table(
        "exp_answers",
        sa.Column("message_guid", sa.String(64), primary_key=True),
        sa.Column("message_type", sa.String(8), nullable=False),
        sa.Column("sender", sa.String(80), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "exp_documents",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "exp_lists",
        sa.Column("order_key", sa.String(120), primary_key=True),
        sa.Column("waybill_key", sa.String(120), nullable=False),
        sa.Column("invt_no", sa.String(20), unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ebc_code", sa.String(18), nullable=False),
        sa.Column("departed_on", sa.String(10)),
        sa.Column("sum_no", sa.String(20)),
        sa.Column("filed_at", instant, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_exp_lists_waybill_key", "exp_lists", ["waybill_key"])
    op.create_index("ix_exp_lists_status_ebc", "exp_lists", ["status", "ebc_code", "departed_on"])
    op.create_table(
        "exp_early_arrivals", sa.Column("waybill_key", sa.String(120), primary_key=True)
    )
    op.create_table(
        "exp_bill_links",
        sa.Column("bill_no", sa.String(40), primary_key=True),
        sa.Column("waybill_key", sa.String(120), primary_key=True),
        sa.Column("invt_no", sa.String(20), nullable=False),
    )
    op.create_table(
        "exp_summaries",
        sa.Column("sum_no", sa.String(20), primary_key=True),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "exp_warehouses",
        sa.Column("enterprise_code", sa.String(18), primary_key=True),
        sa.Column("warehouse_code", sa.String(18), primary_key=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "exp_number_series",
        sa.Column("series", sa.String(32), primary_key=True),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "exp_number_series",
        "exp_warehouses",
        "exp_summaries",
        "exp_bill_links",
        "exp_early_arrivals",
        "exp_lists",
        "exp_documents",
        "exp_answers",
    ):
        op.drop_table(table)
