"""The export tables as the running code sees them (SQLAlchemy Core).

The DDL is owned by ``store/migrations/versions/v0015_export.py`` (the ``export`` branch).
Bodies are the core's records as JSON; the columns beside them are what is looked up.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, MetaData, String, Table

from tradewindow.store.types import Instant, RowId

metadata = MetaData()

answers = Table(
    "exp_answers",
    metadata,
    Column("message_guid", String(64), primary_key=True),
    Column("message_type", String(8), nullable=False),
    Column("sender", String(80), nullable=False),
    Column("body", LargeBinary, nullable=False),
)

documents = Table(
    "exp_documents",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("key", String(120), primary_key=True),
    Column("owner", String(80), nullable=False),
    Column("body", LargeBinary, nullable=False),
    # the partition key (0019_export_partitions): the orderNo, "" for a waybill-keyed one
    Column("order_no", String(), nullable=False, server_default=""),
    Index("uq_exp_documents_order_no_kind_key", "order_no", "kind", "key", unique=True),
)

lists = Table(
    "exp_lists",
    metadata,
    Column("order_key", String(120), primary_key=True),
    Column("waybill_key", String(120), nullable=False),
    Column("invt_no", String(20), unique=True),
    Column("status", String(16), nullable=False),
    Column("ebc_code", String(18), nullable=False),
    Column("departed_on", String(10)),
    Column("sum_no", String(20)),
    Column("filed_at", Instant(), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("owner", String(80)),  # 0017_export_lists: who filed it
    Column("updated_at", Instant()),  # 0017_export_lists: when it was last saved
    Column("order_no", String(), nullable=False, server_default=""),  # 0019_export_partitions
    Index("uq_exp_lists_order_no_order_key", "order_no", "order_key", unique=True),
    Index("ix_exp_lists_waybill_key", "waybill_key"),
    Index("ix_exp_lists_status_ebc", "status", "ebc_code", "departed_on"),
    Index("ix_exp_lists_owner_filed", "owner", "filed_at"),
    Index("ix_exp_lists_ebc_filed", "ebc_code", "filed_at"),
    Index("ix_exp_lists_updated_at", "updated_at"),
    Index("ix_exp_lists_filed_at", "filed_at"),
)

early_arrivals = Table(
    "exp_early_arrivals",
    metadata,
    Column("waybill_key", String(120), primary_key=True),
)

bill_links = Table(
    "exp_bill_links",
    metadata,
    Column("bill_no", String(40), primary_key=True),
    Column("waybill_key", String(120), primary_key=True),
    Column("invt_no", String(20), nullable=False),
)

summaries = Table(
    "exp_summaries",
    metadata,
    Column("sum_no", String(20), primary_key=True),
    Column("owner", String(80), nullable=False),
    Column("body", LargeBinary, nullable=False),
)

warehouses = Table(
    "exp_warehouses",
    metadata,
    Column("enterprise_code", String(18), primary_key=True),
    Column("warehouse_code", String(18), primary_key=True),
    Column("body", LargeBinary, nullable=False),
)

number_series = Table(
    "exp_number_series",
    metadata,
    Column("series", String(32), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)

receipts = Table(  # 0016_export_receipts
    "exp_receipts",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("party_id", String(80), nullable=False),
    Column("message_type", String(8), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Index("ix_exp_receipts_party_id", "party_id", "id"),
)
