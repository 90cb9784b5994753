"""Tax bills are found by their list: by key (agency views, the statistics loader) and by
list number (the enterprise's tax bill download).

Revision ID: 0009_cbec_tax_bills
Revises: 0008_cbec
Create Date: 2026-12-05

On the ``cbec`` branch. Without them every lookup read the whole table: a work list of 25
filings read 25 × 18,000 tax bills at the demo's size.
"""

from __future__ import annotations

from alembic import op

revision = "0009_cbec_tax_bills"
down_revision = "0008_cbec"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tax_bills_doc_key_created_at", "tax_bills", ["doc_key", "created_at"])
    op.create_index("ix_tax_bills_invt_no", "tax_bills", ["invt_no"])


def downgrade() -> None:
    op.drop_index("ix_tax_bills_invt_no", "tax_bills")
    op.drop_index("ix_tax_bills_doc_key_created_at", "tax_bills")
