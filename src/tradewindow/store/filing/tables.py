"""The filing tables (SQLAlchemy Core). The DDL is owned by migrations ``0006_web`` (created
on the ``web`` branch, before filing was a capability of its own) and ``0010_filing_owners``.

- ``api_messages``: which party sent each message guid, through which channel (``format``:
  ``xml``, ``json``, ``portal-form``, ``cli-xml`` …); the receipts of a message are its
  sender's only, and a guid first used by another party is refused.
- ``filings``: which party filed each document (kind + key), through which credential; the
  party's filings list and every per-filing endpoint read it first.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    MetaData,
    PrimaryKeyConstraint,
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
    Column("id", RowId, autoincrement=True),
    Column("kind", String(), nullable=False),
    Column("key", String(), nullable=False),
    Column("party_id", String(), nullable=False),
    Column("credential_id", String(), nullable=False),
    Column("message_guid", String(), nullable=False),
    Column("filed_at", Instant(), nullable=False),
    # the partition key (0018_partition_keys): the orderNo in the key, "" for a waybill's
    Column("order_no", String(), nullable=False, server_default=""),
    PrimaryKeyConstraint("order_no", "id", name="filings_pkey"),  # 0019 (SQLite: id alone)
    UniqueConstraint("order_no", "kind", "key", name="uq_filings_order_no_kind_key"),
    Index("ix_filings_party_id", "party_id", "id"),
)
