"""The portals' people: accounts (argon2id hashes, lock-out) and server-side sessions.

Revision ID: 0007_portal
Revises: 0001
Create Date: 2026-11-28

The ``portal`` branch (tables used by ``tradewindow.web.portal``). Times are TIMESTAMPTZ on
PostgreSQL and UTC ISO-8601 text on SQLite, as in 0001; columns are spelled out here so the
script keeps meaning what it meant when it ran.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_portal"
down_revision = "0001"
branch_labels = ("portal",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("username", sa.String(), nullable=False, unique=True),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("party_id", sa.String(), nullable=False),
        sa.Column("officer", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", instant),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("disabled_at", instant),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("last_seen_at", instant, nullable=False),
        sa.Column("expires_at", instant, nullable=False),
        sa.Column("revoked_at", instant),
    )
    op.create_index("ix_portal_sessions_account_id", "portal_sessions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_sessions_account_id", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_table("portal_accounts")
