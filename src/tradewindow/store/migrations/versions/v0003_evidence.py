"""Evidence: the hash-chained record log, its subject index, and seen signatures.

Revision ID: 0003_evidence
Revises: 0001
Create Date: 2025-01-03

Columns are spelled out here (not taken from ``evidence.tables``) so this script keeps meaning
what it meant when it ran. Hashed fields are text on both databases: the stored bytes are
the hashed bytes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_evidence"
down_revision = "0001"
branch_labels = ("evidence",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_records",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("payload_digest", sa.String(), nullable=False),
        sa.Column("signature", sa.Text()),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.UniqueConstraint("prev_hash", name="uq_evidence_records_prev_hash"),
    )
    op.create_table(
        "evidence_subjects",
        sa.Column("subject", sa.String(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    )
    op.create_table(
        "evidence_seen_signatures",
        sa.Column("signature_digest", sa.String(), primary_key=True),
        sa.Column("request_id", sa.String(), nullable=False),
        sa.Column("seen_at", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("evidence_seen_signatures")
    op.drop_table("evidence_subjects")
    op.drop_table("evidence_records")
