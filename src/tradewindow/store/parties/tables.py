"""The registry's tables as the running code sees them (SQLAlchemy Core, on the store's
MetaData). The migrations ``v0002_parties`` and ``v0008_commissions`` own the DDL.

Roles and jurisdictions are space-separated words on the party row, so authenticating a
request is one lookup of the credential joined to its party by primary key.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, LargeBinary, String, Table

from tradewindow.store.schema import metadata
from tradewindow.store.types import Instant

parties = Table(
    "parties",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name_zh", String(), nullable=False),
    Column("name_en", String(), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("roles", String(), nullable=False),
    Column("jurisdictions", String(), nullable=False),
    Column("city", String()),
    Column("sector", String()),
    Column("registered_at", Instant(), nullable=False),
    Column("active", Boolean(), nullable=False),
)

party_identifiers = Table(
    "party_identifiers",
    metadata,
    Column("scheme", String(16), primary_key=True),
    Column("value", String(32), primary_key=True),  # (scheme, value) names one party only
    Column("party_id", String(64), ForeignKey("parties.id"), nullable=False),
    Index("ix_party_identifiers_party_id", "party_id"),
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(), nullable=False),
    Column("secret_hash", LargeBinary(), nullable=False),
    Column("previous_hash", LargeBinary()),
    Column("previous_valid_until", Instant()),
    Column("created_at", Instant(), nullable=False),
    Column("rotated_at", Instant()),
    Column("last_used_at", Instant()),
    Column("expires_at", Instant()),
    Column("revoked_at", Instant()),
    Index("ix_credentials_party_id", "party_id"),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("credential_id", String(16), ForeignKey("credentials.id"), nullable=False),
    Column("secret_hash", LargeBinary(), nullable=False),
    Column("issued_at", Instant(), nullable=False),
    Column("expires_at", Instant(), nullable=False),
    Index("ix_access_tokens_expires_at", "expires_at"),
)

registered_keys = Table(
    "registered_keys",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.id"), nullable=False),
    Column("algorithm", String(16), nullable=False),
    Column("material", LargeBinary(), nullable=False),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("label", String(), nullable=False),
    Column("valid_from", Instant(), nullable=False),
    Column("valid_until", Instant()),
    Column("registered_at", Instant(), nullable=False),
    Column("revoked_at", Instant()),
    Index("ix_registered_keys_party_id", "party_id"),
)

# Commissions: rows are never deleted; revoking sets revoked_at / revoked_by (migration 0008).
commissions = Table(
    "commissions",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("principal_id", String(64), ForeignKey("parties.id"), nullable=False),
    Column("agent_id", String(64), ForeignKey("parties.id"), nullable=False),
    Column("scope", String(), nullable=False),  # message types, space-separated
    Column("valid_from", Instant(), nullable=False),
    Column("valid_until", Instant()),
    Column("granted_at", Instant(), nullable=False),
    Column("granted_by", String(64), nullable=False),
    Column("revoked_at", Instant()),
    Column("revoked_by", String(64)),
    Index("ix_commissions_principal_id", "principal_id"),
    Index("ix_commissions_agent_id", "agent_id", "principal_id"),
)
