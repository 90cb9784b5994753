"""Receipts are found by the time they were made (``tradewindow receipts --since``) and by
their document whatever its kind (``tradewindow receipts --guid``: every receipt of the
documents a message declared, the decisions made after filing included).

Revision ID: 0010_cbec_receipt_times
Revises: 0009_cbec_tax_bills
Create Date: 2026-12-05

On the ``cbec`` branch.
"""

from __future__ import annotations

from alembic import op

revision = "0010_cbec_receipt_times"
down_revision = "0009_cbec_tax_bills"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_receipts_doc_key", "receipts", ["doc_key"])
    op.create_index("ix_receipts_created_at", "receipts", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_receipts_created_at", "receipts")
    op.drop_index("ix_receipts_doc_key", "receipts")
