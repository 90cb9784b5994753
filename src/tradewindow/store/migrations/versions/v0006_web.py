"""The HTTP API: message senders, filing owners, idempotency keys, per-party rate limits.

Revision ID: 0006_web
Revises: 0001
Create Date: 2026-03-02

The ``web`` branch (tables used by ``tradewindow.web``). Times are TIMESTAMPTZ on PostgreSQL
and UTC ISO-8601 text on SQLite, as in 0001; columns are spelled out here so the script keeps
meaning what it meant when it ran.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_web"
down_revision = "0001"
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "api_messages",
        sa.Column("guid", sa.String(), primary_key=True),
        sa.Column("party_id", sa.String(), nullable=False),
        sa.Column("credential_id", sa.String(), nullable=False),
        sa.Column("message_type", sa.String(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("received_at", instant, nullable=False),
    )
    op.create_table(
        "filings",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("party_id", sa.String(), nullable=False),
        sa.Column("credential_id", sa.String(), nullable=False),
        sa.Column("message_guid", sa.String(), nullable=False),
        sa.Column("filed_at", instant, nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_filings_kind_key"),
    )
    op.create_index("ix_filings_party_id", "filings", ["party_id", "id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("party_id", sa.String(), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("request_digest", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("media_type", sa.String()),
        sa.Column("headers", sa.LargeBinary()),
        sa.Column("body", sa.LargeBinary()),
        sa.Column("created_at", instant, nullable=False),
    )
    op.create_table(
        "rate_limits",
        sa.Column("party_id", sa.String(), primary_key=True),
        sa.Column("tat", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_filings_party_id", table_name="filings")
    op.drop_table("filings")
    op.drop_table("api_messages")
