"""The agencies' work queue as the running code sees it (SQLAlchemy Core).

The DDL is owned by the migration ``store/migrations/versions/v0004_agencies.py``.
"""

from __future__ import annotations

import enum

from sqlalchemy import Column, Index, MetaData, String, Table, UniqueConstraint

from tradewindow.store.types import Instant, RowId

metadata = MetaData()

# BIGINT on PostgreSQL; plain INTEGER on SQLite so the id is the rowid and autoincrements.


class TaskStatus(enum.StrEnum):
    OPEN = "open"  # waiting for an officer
    CLAIMED = "claimed"  # an officer works on it
    DECIDED = "decided"  # final


agency_tasks = Table(
    "agency_tasks",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("filing", String(), nullable=False),  # inventory list key "ebpCode|orderNo"
    Column("agency", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("officer", String()),
    Column("decision", String()),
    Column("reason", String()),
    Column("policy_version", String(), nullable=False),  # the policy that routed it
    Column("created_at", Instant(), nullable=False),
    Column("claimed_at", Instant()),
    Column("decided_at", Instant()),
    UniqueConstraint("filing", "agency", name="uq_agency_tasks_filing_agency"),
    Index("ix_agency_tasks_agency_status_id", "agency", "status", "id"),
)
