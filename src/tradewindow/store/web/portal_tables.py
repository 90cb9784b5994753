"""The portal's tables (SQLAlchemy Core). The DDL is owned by migration ``0007_portal``.

- ``portal_accounts``: people who sign in — a party's staff or an agency's officers — with
  their argon2id password hash and the lock-out counters.
- ``portal_sessions``: one row per signed-in browser. The row is keyed by the SHA-256 of the
  cookie's secret (a copy of the table opens no session), carries the session's CSRF token,
  and ends at ``expires_at``, after ``idle`` without a request, or when ``revoked_at`` is set
  (sign-out).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table

from tradewindow.store.types import Instant

metadata = MetaData()

portal_accounts = Table(
    "portal_accounts",
    metadata,
    Column("id", String(), primary_key=True),
    Column("username", String(), nullable=False, unique=True),
    Column("display_name", String(), nullable=False),
    Column("party_id", String(), nullable=False),
    Column("officer", Boolean(), nullable=False),
    Column("password_hash", String(), nullable=False),
    Column("failed_attempts", Integer(), nullable=False),
    Column("locked_until", Instant()),
    Column("created_at", Instant(), nullable=False),
    Column("disabled_at", Instant()),
)

portal_sessions = Table(
    "portal_sessions",
    metadata,
    Column("id", String(), primary_key=True),  # sha256 hex of the cookie's secret
    Column("account_id", String(), nullable=False),
    Column("csrf_token", String(), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("last_seen_at", Instant(), nullable=False),
    Column("expires_at", Instant(), nullable=False),
    Column("revoked_at", Instant()),
    Index("ix_portal_sessions_account_id", "account_id"),
)
