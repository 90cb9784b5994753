"""Logistics tables (SQLAlchemy Core), created by migration ``0005_logistics``.

* ``logistics_events``: the newest version of each event, one row per eventID; ``seq`` orders
  rows by the commit that wrote them (a new version gets a new ``seq``), so a cursor over it is
  stable while others insert, and the relay to the bus reads it like an outbox.
* ``logistics_event_refs``: the references an event can be found by (BKG, TRD, EQ, LOC).
* ``logistics_entitlements``: which party may see events of which call, equipment, booking or
  transport document (``kind``: CALL, EQ, BKG, TRD).
* ``logistics_subscriptions``, ``logistics_deliveries`` (one row per subscription and eventID:
  the dedupe of callbacks), ``logistics_relay_marks``, ``logistics_customs_decisions``,
  ``logistics_gate_alerts``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from tradewindow.store.types import Instant, RowId

metadata = MetaData()

events = Table(
    "logistics_events",
    metadata,
    Column("seq", RowId, primary_key=True, autoincrement=True),
    Column("event_id", String(500), nullable=False, unique=True),
    Column("event_type", String(10), nullable=False),
    Column("type_code", String(4), nullable=False),
    Column("classifier", String(3), nullable=False),
    Column("document_type_code", String(3)),
    Column("transport_call_id", String(100)),
    Column("vessel_imo_number", String(7)),
    Column("export_voyage_number", String(50)),
    Column("carrier_service_code", String(5)),
    Column("equipment_reference", String(15)),
    Column("event_created", Instant(), nullable=False),
    Column("event_datetime", Instant(), nullable=False),
    Column("publisher", String(), nullable=False),
    Column("retracted", Boolean(), nullable=False),
    Column("body", LargeBinary(), nullable=False),
    Column("received_at", Instant(), nullable=False),
)

event_refs = Table(
    "logistics_event_refs",
    metadata,
    Column("event_id", String(500), nullable=False),
    Column("kind", String(4), nullable=False),
    Column("value", String(100), nullable=False),
    UniqueConstraint("event_id", "kind", "value", name="uq_logistics_event_refs"),
)

entitlements = Table(
    "logistics_entitlements",
    metadata,
    Column("party_id", String(), nullable=False),
    Column("kind", String(4), nullable=False),
    Column("value", String(100), nullable=False),
    UniqueConstraint("party_id", "kind", "value", name="uq_logistics_entitlements"),
)

subscriptions = Table(
    "logistics_subscriptions",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("owner", String(), nullable=False),
    Column("owner_agency", String()),
    Column("callback_url", String(), nullable=False),
    Column("filters", LargeBinary(), nullable=False),
    Column("sealed_secret", LargeBinary(), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
)

deliveries = Table(
    "logistics_deliveries",
    metadata,
    Column("subscription_id", String(36), nullable=False),
    Column("event_id", String(500), nullable=False),
    Column("event_seq", RowId, nullable=False),
    Column("state", String(10), nullable=False),  # pending, delivered, abandoned
    Column("attempts", Integer(), nullable=False),
    Column("next_attempt_at", Instant(), nullable=False),
    Column("last_status", Integer()),
    Column("delivered_at", Instant()),
    UniqueConstraint("subscription_id", "event_id", name="uq_logistics_deliveries"),
)

relay_marks = Table(
    "logistics_relay_marks",
    metadata,
    Column("relay", String(100), primary_key=True),
    Column("last_seq", RowId, nullable=False),
)

customs_decisions = Table(
    "logistics_customs_decisions",
    metadata,
    Column("equipment_reference", String(15), primary_key=True),
    Column("decision", String(10), nullable=False),  # released, held, inspection
    Column("document_id", String(100), nullable=False),
    Column("decided_at", Instant(), nullable=False),
)

gate_alerts = Table(
    "logistics_gate_alerts",
    metadata,
    Column("alert_id", RowId, primary_key=True, autoincrement=True),
    Column("equipment_reference", String(15), nullable=False),
    Column("event_id", String(500), nullable=False),
    Column("publisher", String(), nullable=False),
    Column("reason", String(20), nullable=False),
    Column("raised_at", Instant(), nullable=False),
)
