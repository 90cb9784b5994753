"""The HTTP API's own tables (SQLAlchemy Core). The DDL is owned by migration ``0006_web``.

- ``api_messages``: which party sent each message guid over the API (object-level
  authorisation of receipts; a guid first used by another party is refused).
- ``filings``: which party filed each document (kind + key), through which credential; the
  party's filings list and every per-filing endpoint read it first.
- ``idempotency_keys``: one row per (party, Idempotency-Key): the request's digest while in
  flight, then the response exactly as sent.
- ``rate_limits``: per-party GCRA state (the theoretical arrival time, epoch seconds).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from tradewindow.store.types import Instant, RowId

metadata = MetaData()


api_messages = Table(
    "api_messages",
    metadata,
    Column("guid", String(), primary_key=True),
    Column("party_id", String(), nullable=False),
    Column("credential_id", String(), nullable=False),
    Column("message_type", String(), nullable=False),
    Column("format", String(), nullable=False),
    Column("digest", String(), nullable=False),
    Column("received_at", Instant(), nullable=False),
)

filings = Table(
    "filings",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("kind", String(), nullable=False),
    Column("key", String(), nullable=False),
    Column("party_id", String(), nullable=False),
    Column("credential_id", String(), nullable=False),
    Column("message_guid", String(), nullable=False),
    Column("filed_at", Instant(), nullable=False),
    UniqueConstraint("kind", "key", name="uq_filings_kind_key"),
    Index("ix_filings_party_id", "party_id", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("party_id", String(), primary_key=True),
    Column("key", String(), primary_key=True),
    Column("request_digest", String(), nullable=False),
    Column("state", String(), nullable=False),  # in_flight / done
    Column("status_code", Integer),
    Column("media_type", String()),
    Column("headers", LargeBinary),  # JSON object of the response headers to replay
    Column("body", LargeBinary),
    Column("created_at", Instant(), nullable=False),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("party_id", String(), primary_key=True),
    Column("tat", Float(), nullable=False),
)
