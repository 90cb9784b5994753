"""The research-data channel's records (issue 19).

Revision ID: 0010_datachannel
Revises: 0001
Create Date: 2026-12-05

The ``datachannel`` branch (tables used by ``tradewindow.store.datachannel``). Times are
TIMESTAMPTZ on PostgreSQL and UTC ISO-8601 text on SQLite, as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_datachannel"
down_revision = "0001"
branch_labels = ("datachannel",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "data_projects",
        sa.Column("code", sa.String(), primary_key=True),
        sa.Column("body", sa.String(), nullable=False),
    )
    op.create_table(
        "data_datasets",
        sa.Column("code", sa.String(), primary_key=True),
        sa.Column("project", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
    )
    op.create_index("ix_data_datasets_project", "data_datasets", ["project"])
    op.create_table(
        "data_mechanisms",
        sa.Column("handler", sa.String(), primary_key=True),
        sa.Column("mechanism", sa.String(), primary_key=True),
        sa.Column("reference", sa.String(), nullable=False),
    )
    op.create_table(
        "data_transfers",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("project", sa.String(), nullable=False),
        sa.Column("handler", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("personal_information", sa.String(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
    )
    op.create_index("ix_data_transfers_project", "data_transfers", ["project"])
    op.create_index("ix_data_transfers_handler_day", "data_transfers", ["handler", "day"])
    op.create_table(
        "data_keys",
        sa.Column("transfer", sa.String(), primary_key=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "data_chunks",
        sa.Column("transfer", sa.String(), primary_key=True),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("object_name", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )
    op.create_table(
        "data_manifests",
        sa.Column("transfer", sa.String(), primary_key=True),
        sa.Column("body", sa.String(), nullable=False),
    )
    op.create_table(
        "data_evidence",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("transfer", sa.String(), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("at", instant, nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("previous", sa.String(64), nullable=False),
        sa.UniqueConstraint("digest", name="uq_data_evidence_digest"),
    )
    op.create_index("ix_data_evidence_transfer_id", "data_evidence", ["transfer", "id"])


def downgrade() -> None:
    op.drop_index("ix_data_evidence_transfer_id", table_name="data_evidence")
    op.drop_table("data_evidence")
    op.drop_table("data_manifests")
    op.drop_table("data_chunks")
    op.drop_table("data_keys")
    op.drop_index("ix_data_transfers_handler_day", table_name="data_transfers")
    op.drop_index("ix_data_transfers_project", table_name="data_transfers")
    op.drop_table("data_transfers")
    op.drop_table("data_mechanisms")
    op.drop_index("ix_data_datasets_project", table_name="data_datasets")
    op.drop_table("data_datasets")
    op.drop_table("data_projects")
