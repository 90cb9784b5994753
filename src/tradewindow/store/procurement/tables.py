"""The market procurement tables as the running code sees them (SQLAlchemy Core).

The DDL is owned by ``store/migrations/versions/v0011_procurement.py`` (the ``procurement``
branch). Bodies are the core's records as JSON text; the columns beside them are what is looked
up, filtered and sorted on.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint

from tradewindow.store.types import Instant

metadata = MetaData()

markets = Table(
    "mpt_markets",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("body", Text(), nullable=False),
)

operators = Table(
    "mpt_operators",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("market_id", String(32), nullable=False),
    Column("party_id", String(64), nullable=False, index=True),
    Column("licence_number", String(32), nullable=False),
    Column("body", Text(), nullable=False),
    UniqueConstraint("market_id", "licence_number", name="uq_mpt_operators_licence"),
)

buyers = Table(
    "mpt_buyers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("market_id", String(32), nullable=False),
    Column("party_id", String(64), nullable=False, index=True),
    Column("document_kind", String(16), nullable=False),
    Column("document_number", String(40), nullable=False),
    Column("body", Text(), nullable=False),
    UniqueConstraint(
        "market_id", "document_kind", "document_number", name="uq_mpt_buyers_document"
    ),
)

agents = Table(
    "mpt_agents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("party_id", String(64), nullable=False, index=True),
    Column("uscc", String(18), nullable=False, unique=True),
    Column("body", Text(), nullable=False),
)

commissions = Table(
    "mpt_commissions",
    metadata,
    Column("buyer_id", String(40), primary_key=True),
    Column("agent_id", String(40), primary_key=True, index=True),
    Column("body", Text(), nullable=False),
)

transactions = Table(
    "mpt_transactions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("market_id", String(32), nullable=False),
    Column("operator_id", String(40), nullable=False, index=True),
    Column("buyer_id", String(40), nullable=False, index=True),
    Column("shipment_id", String(40), index=True),
    Column("state", String(16), nullable=False),
    Column("sold_on", String(10), nullable=False),  # ISO date: text order is date order
    Column("revision", Integer(), nullable=False),
    Column("body", Text(), nullable=False),
)

# every revision of a sale as it stood: corrections and cancellations keep history
transaction_revisions = Table(
    "mpt_transaction_revisions",
    metadata,
    Column("transaction_id", String(40), primary_key=True),
    Column("revision", Integer(), primary_key=True),
    Column("body", Text(), nullable=False),
)

shipments = Table(
    "mpt_shipments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("market_id", String(32), nullable=False),
    Column("agent_id", String(40), nullable=False, index=True),
    Column("buyer_id", String(40), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("body", Text(), nullable=False),
)

fx_receipts = Table(
    "mpt_fx_receipts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("shipment_id", String(40), nullable=False, index=True),
    Column("operator_id", String(40), nullable=False, index=True),
    Column("body", Text(), nullable=False),
)
