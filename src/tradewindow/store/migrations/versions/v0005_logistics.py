"""Logistics: Track & Trace events, references, entitlements, subscriptions, deliveries,
relay marks, customs decisions and gate alerts (see ``tradewindow.logistics.tables``).

Revision ID: 0005_logistics
Revises: 0001
Create Date: 2025-01-05

Types are spelled out per database, as in 0001: times are TIMESTAMPTZ on PostgreSQL and
fixed-width UTC ISO-8601 text on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_logistics"
down_revision = "0001"
branch_labels = ("logistics",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()

    op.create_table(
        "logistics_events",
        sa.Column("seq", row_id, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(500), nullable=False, unique=True),
        sa.Column("event_type", sa.String(10), nullable=False),
        sa.Column("type_code", sa.String(4), nullable=False),
        sa.Column("classifier", sa.String(3), nullable=False),
        sa.Column("document_type_code", sa.String(3)),
        sa.Column("transport_call_id", sa.String(100)),
        sa.Column("vessel_imo_number", sa.String(7)),
        sa.Column("export_voyage_number", sa.String(50)),
        sa.Column("carrier_service_code", sa.String(5)),
        sa.Column("equipment_reference", sa.String(15)),
        sa.Column("event_created", instant, nullable=False),
        sa.Column("event_datetime", instant, nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", instant, nullable=False),
    )
    op.create_index("ix_logistics_events_type_seq", "logistics_events", ["event_type", "seq"])
    op.create_index("ix_logistics_events_call", "logistics_events", ["transport_call_id"])
    op.create_index("ix_logistics_events_vessel", "logistics_events", ["vessel_imo_number"])
    op.create_index("ix_logistics_events_created", "logistics_events", ["event_created"])
    op.create_index("ix_logistics_events_publisher", "logistics_events", ["publisher", "seq"])
    op.create_table(
        "logistics_event_refs",
        sa.Column("event_id", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.UniqueConstraint("event_id", "kind", "value", name="uq_logistics_event_refs"),
    )
    op.create_index("ix_logistics_event_refs_value", "logistics_event_refs", ["kind", "value"])
    op.create_table(
        "logistics_entitlements",
        sa.Column("party_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.UniqueConstraint("party_id", "kind", "value", name="uq_logistics_entitlements"),
    )
    op.create_table(
        "logistics_subscriptions",
        sa.Column("subscription_id", sa.String(36), primary_key=True),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("owner_agency", sa.String()),
        sa.Column("callback_url", sa.String(), nullable=False),
        sa.Column("filters", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("updated_at", instant, nullable=False),
    )
    op.create_index("ix_logistics_subscriptions_owner", "logistics_subscriptions", ["owner"])
    op.create_table(
        "logistics_deliveries",
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(500), nullable=False),
        sa.Column("event_seq", row_id, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", instant, nullable=False),
        sa.Column("last_status", sa.Integer()),
        sa.Column("delivered_at", instant),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_logistics_deliveries"),
    )
    op.create_index(
        "ix_logistics_deliveries_due", "logistics_deliveries", ["state", "next_attempt_at"]
    )
    op.create_table(
        "logistics_relay_marks",
        sa.Column("relay", sa.String(100), primary_key=True),
        sa.Column("last_seq", row_id, nullable=False),
    )
    op.create_table(
        "logistics_customs_decisions",
        sa.Column("equipment_reference", sa.String(15), primary_key=True),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("document_id", sa.String(100), nullable=False),
        sa.Column("decided_at", instant, nullable=False),
    )
    op.create_table(
        "logistics_gate_alerts",
        sa.Column("alert_id", row_id, primary_key=True, autoincrement=True),
        sa.Column("equipment_reference", sa.String(15), nullable=False),
        sa.Column("event_id", sa.String(500), nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("raised_at", instant, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "logistics_gate_alerts",
        "logistics_customs_decisions",
        "logistics_relay_marks",
        "logistics_deliveries",
        "logistics_subscriptions",
        "logistics_entitlements",
        "logistics_event_refs",
        "logistics_events",
    ):
        op.drop_table(table)
