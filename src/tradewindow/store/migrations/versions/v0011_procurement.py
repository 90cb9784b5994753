"""Market procurement trade (1039): registries, sales and their revisions, shipments, receipts.

Revision ID: 0011_procurement
Revises: 0001
Create Date: 2026-12-05

The ``procurement`` branch of the capability migrations (tables used by
``tradewindow.procurement`` through ``store/procurement``). Bodies are the core's records as JSON
text; the columns beside them are looked up, filtered and sorted on. Times are TIMESTAMPTZ on
PostgreSQL and UTC ISO-8601 text on SQLite, as in 0001. Revisions are history: nothing updates
or deletes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_procurement"
down_revision = "0001"
branch_labels = ("procurement",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    op.create_table(
        "mpt_markets",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "mpt_operators",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("market_id", sa.String(32), nullable=False),
        sa.Column("party_id", sa.String(64), nullable=False),
        sa.Column("licence_number", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.UniqueConstraint("market_id", "licence_number", name="uq_mpt_operators_licence"),
    )
    op.create_index("ix_mpt_operators_party_id", "mpt_operators", ["party_id"])
    op.create_table(
        "mpt_buyers",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("market_id", sa.String(32), nullable=False),
        sa.Column("party_id", sa.String(64), nullable=False),
        sa.Column("document_kind", sa.String(16), nullable=False),
        sa.Column("document_number", sa.String(40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.UniqueConstraint(
            "market_id", "document_kind", "document_number", name="uq_mpt_buyers_document"
        ),
    )
    op.create_index("ix_mpt_buyers_party_id", "mpt_buyers", ["party_id"])
    op.create_table(
        "mpt_agents",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("party_id", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False, unique=True),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_index("ix_mpt_agents_party_id", "mpt_agents", ["party_id"])
    op.create_table(
        "mpt_commissions",
        sa.Column("buyer_id", sa.String(40), primary_key=True),
        sa.Column("agent_id", sa.String(40), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_index("ix_mpt_commissions_agent_id", "mpt_commissions", ["agent_id"])
    op.create_table(
        "mpt_transactions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("market_id", sa.String(32), nullable=False),
        sa.Column("operator_id", sa.String(40), nullable=False),
        sa.Column("buyer_id", sa.String(40), nullable=False),
        sa.Column("shipment_id", sa.String(40)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("sold_on", sa.String(10), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    for column in ("operator_id", "buyer_id", "shipment_id"):
        op.create_index(f"ix_mpt_transactions_{column}", "mpt_transactions", [column])
    op.create_table(
        "mpt_transaction_revisions",
        sa.Column("transaction_id", sa.String(40), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "mpt_shipments",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("market_id", sa.String(32), nullable=False),
        sa.Column("agent_id", sa.String(40), nullable=False),
        sa.Column("buyer_id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_index("ix_mpt_shipments_agent_id", "mpt_shipments", ["agent_id"])
    op.create_index("ix_mpt_shipments_buyer_id", "mpt_shipments", ["buyer_id"])
    op.create_table(
        "mpt_fx_receipts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("shipment_id", sa.String(40), nullable=False),
        sa.Column("operator_id", sa.String(40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_index("ix_mpt_fx_receipts_shipment_id", "mpt_fx_receipts", ["shipment_id"])
    op.create_index("ix_mpt_fx_receipts_operator_id", "mpt_fx_receipts", ["operator_id"])


def downgrade() -> None:
    for table in (
        "mpt_fx_receipts",
        "mpt_shipments",
        "mpt_transaction_revisions",
        "mpt_transactions",
        "mpt_commissions",
        "mpt_agents",
        "mpt_buyers",
        "mpt_operators",
        "mpt_markets",
    ):
        op.drop_table(table)
