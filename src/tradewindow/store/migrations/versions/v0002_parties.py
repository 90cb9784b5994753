"""Party registry: parties, their identifiers, credentials, bearer tokens and signing keys.

Revision ID: 0002_parties
Revises: 0001
Create Date: 2025-01-02

The ``parties`` branch of the schema (see ``store.engine.migrate_engine``). As in 0001, types
are spelled out per database: times are TIMESTAMPTZ on PostgreSQL and UTC ISO-8601 text on
SQLite. ``(scheme, value)`` is the primary key of an identifier: one identifier, one party.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_parties"
down_revision = "0001"
branch_labels = ("parties",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )

    op.create_table(
        "parties",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("roles", sa.String(), nullable=False),
        sa.Column("jurisdictions", sa.String(), nullable=False),
        sa.Column("city", sa.String()),
        sa.Column("sector", sa.String()),
        sa.Column("registered_at", instant, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "party_identifiers",
        sa.Column("scheme", sa.String(16), primary_key=True),
        sa.Column("value", sa.String(32), primary_key=True),
        sa.Column("party_id", sa.String(64), sa.ForeignKey("parties.id"), nullable=False),
    )
    op.create_index("ix_party_identifiers_party_id", "party_identifiers", ["party_id"])
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("party_id", sa.String(64), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("secret_hash", sa.LargeBinary(), nullable=False),
        sa.Column("previous_hash", sa.LargeBinary()),
        sa.Column("previous_valid_until", instant),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("rotated_at", instant),
        sa.Column("last_used_at", instant),
        sa.Column("expires_at", instant),
        sa.Column("revoked_at", instant),
    )
    op.create_index("ix_credentials_party_id", "credentials", ["party_id"])
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("credential_id", sa.String(16), sa.ForeignKey("credentials.id"), nullable=False),
        sa.Column("secret_hash", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", instant, nullable=False),
        sa.Column("expires_at", instant, nullable=False),
    )
    op.create_index("ix_access_tokens_expires_at", "access_tokens", ["expires_at"])
    op.create_table(
        "registered_keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("party_id", sa.String(64), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("material", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("valid_from", instant, nullable=False),
        sa.Column("valid_until", instant),
        sa.Column("registered_at", instant, nullable=False),
        sa.Column("revoked_at", instant),
    )
    op.create_index("ix_registered_keys_party_id", "registered_keys", ["party_id"])


def downgrade() -> None:
    for table in (
        "registered_keys",
        "access_tokens",
        "credentials",
        "party_identifiers",
        "parties",
    ):
        op.drop_table(table)
