"""The tables of a list's life after its declaration (SQLAlchemy Core). The DDL is owned by
migration ``0012_cbec_lifecycle`` (its own branch, ``cbec_lifecycle``, after the ``cbec``
branch's ``0010_cbec_receipt_times``).

- ``cbec_returned_lines``: each line of each return applied for, with what it took off the
  buyer's annual total and the tax bill (amounts ≥ 0) and its status;
- ``cbec_tax_adjustments``: changes to issued CEB816 bills (amounts ≤ 0): a bill charges
  what it was issued for plus its adjustments;
- ``cbec_parcel_events``: parcels arrived at the supervised site (CEB711) and signed for by
  the consignee (CEB513).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, PrimaryKeyConstraint, String, Table

from tradewindow.store.types import Instant, Money, RowId

metadata = MetaData()

returned_lines = Table(
    "cbec_returned_lines",
    metadata,
    Column("id", RowId, autoincrement=True),
    Column("refund_key", String(), nullable=False),
    Column("list_key", String(), nullable=False),
    Column("gnum", Integer, nullable=False),
    Column("qty", Money(), nullable=False),  # a quantity, exact to 5 places as NUMERIC(19,5)
    Column("value", Money(), nullable=False),
    Column("customs_tax", Money(), nullable=False),
    Column("value_added_tax", Money(), nullable=False),
    Column("consumption_tax", Money(), nullable=False),
    Column("status", String(), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("order_no", String(), nullable=False, server_default=""),  # 0018
    PrimaryKeyConstraint("order_no", "id", name="cbec_returned_lines_pkey"),  # 0019
    Index("ix_cbec_returned_lines_list_key", "list_key"),
    Index("ix_cbec_returned_lines_refund_key", "refund_key"),
)

tax_adjustments = Table(
    "cbec_tax_adjustments",
    metadata,
    Column("id", RowId, autoincrement=True),
    Column("tax_no", String(), nullable=False),
    Column("list_key", String(), nullable=False),
    Column("cause", String(), nullable=False),
    Column("ref_key", String(), nullable=False),
    Column("customs_tax", Money(), nullable=False),
    Column("value_added_tax", Money(), nullable=False),
    Column("consumption_tax", Money(), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("order_no", String(), nullable=False, server_default=""),  # 0018
    PrimaryKeyConstraint("order_no", "id", name="cbec_tax_adjustments_pkey"),  # 0019
    Index("ix_cbec_tax_adjustments_tax_no", "tax_no"),
    Index("ix_cbec_tax_adjustments_list_key", "list_key"),
)

parcel_events = Table(
    "cbec_parcel_events",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("waybill_key", String(), nullable=False),
    Column("kind", String(), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("ref_key", String(), nullable=False),
    Column("recorded_at", Instant(), nullable=False),
    Index("ix_cbec_parcel_events_waybill_key_kind", "waybill_key", "kind"),
)

# migration 0013_cbec_bonded: a bonded warehouse's account book as a ledger of moves
stock_moves = Table(
    "cbec_stock_moves",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("ems_no", String(), nullable=False),
    Column("item", String(), nullable=False),
    Column("qty", Money(), nullable=False),  # exact to 5 places, signed
    Column("cause", String(), nullable=False),
    Column("ref", String(), nullable=False),
    Column("at", Instant(), nullable=False),
    Index("ix_cbec_stock_moves_ems_no_item", "ems_no", "item"),
)

# migration 0014_cbec_tax_settlement: whose each bill is, guarantees, payments, holds
bill_agents = Table(
    "cbec_bill_agents",
    metadata,
    Column("tax_no", String(), nullable=False),
    Column("list_key", String(), nullable=False),
    Column("invt_no", String(), nullable=False),
    Column("agent", String(), nullable=False),
    Column("issued", Money(), nullable=False),
    Column("released_at", Instant(), nullable=False),
    Column("order_no", String(), nullable=False, server_default=""),  # 0018
    PrimaryKeyConstraint("order_no", "tax_no", name="cbec_bill_agents_pkey"),  # 0019
    Index("ix_cbec_bill_agents_tax_no", "tax_no"),
    Index("ix_cbec_bill_agents_agent_released_at", "agent", "released_at"),
)

guarantees = Table(
    "cbec_guarantees",
    metadata,
    Column("agent", String(), primary_key=True),
    Column("amount", Money(), nullable=False),
    Column("used", Money(), nullable=False),
    Column("set_at", Instant(), nullable=False),
)

tax_payments = Table(
    "cbec_tax_payments",
    metadata,
    Column("payment_id", String(), primary_key=True),
    Column("tax_no", String(), nullable=False),
    Column("agent", String(), nullable=False),
    Column("amount", Money(), nullable=False),
    Column("paid_at", Instant(), nullable=False),
    Column("recorded_at", Instant(), nullable=False),
    Index("ix_cbec_tax_payments_tax_no", "tax_no"),
)

guarantee_holds = Table(
    "cbec_guarantee_holds",
    metadata,
    Column("list_key", String(), nullable=False),
    Column("agent", String(), nullable=False),
    Column("tax", Money(), nullable=False),
    Column("held_at", Instant(), nullable=False),
    Column("order_no", String(), nullable=False, server_default=""),  # 0018
    PrimaryKeyConstraint("order_no", "list_key", name="cbec_guarantee_holds_pkey"),  # 0019
    Index("ix_cbec_guarantee_holds_agent", "agent", "held_at"),
)
