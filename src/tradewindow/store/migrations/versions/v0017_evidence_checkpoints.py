"""Evidence: every checkpoint also kept outside the chain table (issue 15).

Revision ID: 0017_evidence_checkpoints
Revises: 0003_evidence
Create Date: 2026-12-05

A row per checkpoint record, written in the same transaction: deleting the chain's tail
(its checkpoints included) from ``evidence_records`` leaves the anchor here, and verify reports
the chain cut short. ``timestamp`` holds an RFC 3161 token over the checkpoint's hash when a
time-stamping authority stamped it. Checkpoints already in the chain are copied in.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0017_evidence_checkpoints"
down_revision = "0003_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_checkpoints",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("timestamp", sa.Text()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT seq, at, subjects, signature, prev_hash, hash FROM evidence_records"
            " WHERE kind = 'checkpoint' ORDER BY seq"
        )
    ).all()
    if rows:
        table = sa.table(
            "evidence_checkpoints",
            *(
                sa.column(name)
                for name in ("seq", "at", "records", "head_hash", "hash", "signature", "key")
            ),
        )
        op.bulk_insert(
            table,
            [
                {
                    "seq": row.seq,
                    "at": row.at,
                    "records": row.seq - 1,
                    "head_hash": row.prev_hash,
                    "hash": row.hash,
                    "signature": row.signature or "",
                    "key": (json.loads(row.subjects) or [""])[0],
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    op.drop_table("evidence_checkpoints")
