"""The tables as the running code sees them (SQLAlchemy Core). Migrations own the DDL."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from tradewindow.store.types import Instant, Money, RowId

metadata = MetaData()

# BIGINT on PostgreSQL; plain INTEGER on SQLite so the id is the rowid and autoincrements.
# The primary keys of the per-order tables start with order_no (0019_partition_primary_keys),
# except on SQLite for a surrogate id: it stays the one-column rowid key there.

messages = Table(
    "messages",
    metadata,
    Column("guid", String(), primary_key=True),
    Column("message_type", String(), nullable=False),
    Column("sender", String(), nullable=False),
    Column("digest", String(), nullable=False),
    Column("received_at", Instant(), nullable=False),
    Column("document_count", Integer, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("kind", String(), nullable=False),
    Column("key", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("order_ref", String()),
    Column("waybill_ref", String()),
    Column("buyer", String()),
    Column("invt_no", String()),
    Column("message_guid", String(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("received_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
    # the partition key (0018_partition_keys): the orderNo, "" for documents naming no order
    Column("order_no", String(), nullable=False, server_default=""),
    UniqueConstraint("order_no", "kind", "key", name="uq_documents_order_no_kind_key"),
    Index("ix_documents_status_order_ref", "status", "order_ref"),
    Index("ix_documents_status_waybill_ref", "status", "waybill_ref"),
    Index("ix_documents_status_received_at", "status", "received_at"),
)

receipts = Table(
    "receipts",
    metadata,
    Column("id", RowId, autoincrement=True),
    Column("receipt_type", String(), nullable=False),
    Column("kind", String(), nullable=False),
    Column("doc_key", String(), nullable=False),
    Column("message_guid", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("seq", Integer, nullable=False),
    # ReceiptRecord.codes, space-separated (codes hold no spaces); '' for none (0008_cbec)
    Column("codes", String(), nullable=False, server_default=""),
    Column("order_no", String(), nullable=False, server_default=""),  # 0018_partition_keys
    PrimaryKeyConstraint("order_no", "id", name="receipts_pkey"),
    Index("ix_receipts_message_guid", "message_guid"),
    Index("ix_receipts_kind_doc_key", "kind", "doc_key"),
    Index("ix_receipts_doc_key", "doc_key"),  # 0010_cbec_receipt_times
    Index("ix_receipts_created_at", "created_at"),  # 0010_cbec_receipt_times
)

tax_bills = Table(
    "tax_bills",
    metadata,
    Column("tax_no", String(), nullable=False),
    Column("invt_no", String(), nullable=False),
    Column("doc_key", String(), nullable=False),
    Column("buyer", String(), nullable=False),
    Column("customs_tax", Money(), nullable=False),
    Column("value_added_tax", Money(), nullable=False),
    Column("consumption_tax", Money(), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("order_no", String(), nullable=False, server_default=""),  # 0018_partition_keys
    PrimaryKeyConstraint("order_no", "tax_no", name="tax_bills_pkey"),
    Index("ix_tax_bills_doc_key_created_at", "doc_key", "created_at"),
    Index("ix_tax_bills_invt_no", "invt_no"),
)

# a waybill's key is unique across orders (its key does not embed its order): one row per
# waybill key, inserted with the waybill (0019; Citus distributes it by the key)
waybill_keys = Table("waybill_keys", metadata, Column("key", String(), primary_key=True))

buyer_totals = Table(
    "buyer_totals",
    metadata,
    Column("buyer", String(), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("total", Money(), nullable=False),
)

number_series = Table(
    "number_series",
    metadata,
    Column("series", String(), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)
