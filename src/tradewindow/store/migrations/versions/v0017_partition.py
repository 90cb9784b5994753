"""Partitioned clearance (issue 14, docs/adr/0009): the durable inbox of messages and of the
parts each partition clears, number blocks reserved per partition, and one evidence chain per
partition with the signed heads that tie them to the platform's chain.

Revision ID: 0017_partition
Revises: 0001
Create Date: 2026-12-05

On its own branch, ``partition``. Every key starts with the partition (or, for the inbox of
whole messages, the message guid): the distribution columns of a distributed PostgreSQL
(``docs/scaling.md``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_partition"
down_revision = "0001"
branch_labels = ("partition",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    op.create_table(
        "clearance_inbox",
        sa.Column("guid", sa.String(), primary_key=True),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("received_at", instant, nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "clearance_inbox_parts",
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("guid", sa.String(), primary_key=True),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("done_at", instant),
        sa.Column("refused", sa.LargeBinary()),
    )
    op.create_index("ix_clearance_inbox_parts_guid", "clearance_inbox_parts", ["guid"])
    if sqlite:
        op.create_index(
            "ix_clearance_inbox_parts_pending", "clearance_inbox_parts", ["created_at"],
            sqlite_where=sa.text("done_at IS NULL"),
        )  # fmt: skip
    else:
        op.create_index(
            "ix_clearance_inbox_parts_pending", "clearance_inbox_parts", ["created_at"],
            postgresql_where=sa.text("done_at IS NULL"),
        )  # fmt: skip
    op.create_table(
        "number_blocks",
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("series", sa.String(), primary_key=True),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.Column("end_value", sa.BigInteger(), nullable=False),  # exclusive
    )
    op.create_table(
        "evidence_partition_records",
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("payload_digest", sa.String(), nullable=False),
        sa.Column("signature", sa.Text()),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.UniqueConstraint("partition", "prev_hash", name="uq_evidence_partition_prev_hash"),
    )
    op.create_table(
        "evidence_partition_subjects",
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("subject", sa.String(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    )
    op.create_index(
        "ix_evidence_partition_subjects_subject", "evidence_partition_subjects", ["subject"]
    )
    op.create_table(
        "evidence_partition_heads",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("heads", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "evidence_partition_heads",
        "evidence_partition_subjects",
        "evidence_partition_records",
        "number_blocks",
        "clearance_inbox_parts",
        "clearance_inbox",
    ):
        op.drop_table(table)
