"""The HTTP API's own tables (SQLAlchemy Core). The DDL is owned by migration ``0006_web``
(whose ``api_messages`` and ``filings`` are the filing capability's: ``store/filing``).

- ``idempotency_keys``: one row per (party, Idempotency-Key): the request's digest while in
  flight, then the response exactly as sent.
- ``rate_limits``: per-party GCRA state (the theoretical arrival time, epoch seconds).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

from tradewindow.store.types import Instant

metadata = MetaData()


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
