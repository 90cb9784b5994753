"""Initial clearance tables: messages, documents, receipts, tax bills, buyer totals, numbers.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Types are spelled out per database rather than taken from ``store.types`` so this script keeps
meaning what it meant when it ran: on PostgreSQL money is NUMERIC(19,5) and times TIMESTAMPTZ;
on SQLite money is an INTEGER of 1/100,000 yuan and times are UTC ISO-8601 text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
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
    row_id = sa.Integer() if sqlite else sa.BigInteger()

    op.create_table(
        "messages",
        sa.Column("guid", sa.String(), primary_key=True),
        sa.Column("message_type", sa.String(), nullable=False),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("received_at", instant, nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("order_ref", sa.String()),
        sa.Column("waybill_ref", sa.String()),
        sa.Column("buyer", sa.String()),
        sa.Column("invt_no", sa.String()),
        sa.Column("message_guid", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", instant, nullable=False),
        sa.Column("updated_at", instant, nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_documents_kind_key"),
    )
    op.create_index("ix_documents_status_order_ref", "documents", ["status", "order_ref"])
    op.create_index("ix_documents_status_waybill_ref", "documents", ["status", "waybill_ref"])
    op.create_index("ix_documents_status_received_at", "documents", ["status", "received_at"])
    op.create_table(
        "receipts",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("receipt_type", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("doc_key", sa.String(), nullable=False),
        sa.Column("message_guid", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.create_index("ix_receipts_message_guid", "receipts", ["message_guid"])
    op.create_index("ix_receipts_kind_doc_key", "receipts", ["kind", "doc_key"])
    op.create_table(
        "tax_bills",
        sa.Column("tax_no", sa.String(), primary_key=True),
        sa.Column("invt_no", sa.String(), nullable=False),
        sa.Column("doc_key", sa.String(), nullable=False),
        sa.Column("buyer", sa.String(), nullable=False),
        sa.Column("customs_tax", money, nullable=False),
        sa.Column("value_added_tax", money, nullable=False),
        sa.Column("consumption_tax", money, nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "buyer_totals",
        sa.Column("buyer", sa.String(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("total", money, nullable=False),
    )
    op.create_table(
        "number_series",
        sa.Column("series", sa.String(), primary_key=True),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    for table in ("number_series", "buyer_totals", "tax_bills", "receipts", "documents"):
        op.drop_table(table)
    op.drop_table("messages")
