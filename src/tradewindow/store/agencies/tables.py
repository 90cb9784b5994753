"""The agencies' work queue and notices as the running code sees them (SQLAlchemy Core).

The DDL is owned by the migrations ``store/migrations/versions/v0004_agencies.py`` (tasks)
and ``v0008_agency_notices.py`` (notices), both on the ``agencies`` branch.
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

# BIGINT on PostgreSQL; plain INTEGER on SQLite so the id is the rowid and autoincrements.
# Primary keys (order_no, id) since 0019_partition_primary_keys (SQLite: id alone, the rowid).


agency_tasks = Table(
    "agency_tasks",
    metadata,
    Column("id", RowId, autoincrement=True),
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
    # the partition key (0018_partition_keys): the list's orderNo
    Column("order_no", String(), nullable=False, server_default=""),
    PrimaryKeyConstraint("order_no", "id", name="agency_tasks_pkey"),
    UniqueConstraint("order_no", "filing", "agency", name="uq_agency_tasks_order_no_filing_agency"),
    Index("ix_agency_tasks_agency_status_id", "agency", "status", "id"),
)

# An informed agency's notice of a filing: the reference only. The documents are read and cut
# to the agency's share when it looks, so no field of them is ever stored for an agency.
agency_notices = Table(
    "agency_notices",
    metadata,
    Column("id", RowId, autoincrement=True),
    Column("filing", String(), nullable=False),  # inventory list key "ebpCode|orderNo"
    Column("agency", String(), nullable=False),
    Column("policy_version", String(), nullable=False),  # the policy that informed it
    Column("created_at", Instant(), nullable=False),
    # the partition key (0019_partition_primary_keys): the list's orderNo
    Column("order_no", String(), nullable=False, server_default=""),
    PrimaryKeyConstraint("order_no", "id", name="agency_notices_pkey"),
    UniqueConstraint(
        "order_no", "filing", "agency", name="uq_agency_notices_order_no_filing_agency"
    ),
    Index("ix_agency_notices_agency_id", "agency", "id"),
)
