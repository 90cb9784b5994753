"""The channel's records as the running code sees them (SQLAlchemy Core). The DDL is owned by
``store/migrations/versions/v0010_datachannel.py`` (branch ``datachannel``).

Projects, datasets, transfers and manifests are kept whole as JSON (``body``) next to the columns
queries need; chunks, keys, mechanisms and evidence are plain rows.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from tradewindow.store.types import Instant, RowId

metadata = MetaData()

data_projects = Table(
    "data_projects",
    metadata,
    Column("code", String(), primary_key=True),
    Column("body", String(), nullable=False),
)

data_datasets = Table(
    "data_datasets",
    metadata,
    Column("code", String(), primary_key=True),
    Column("project", String(), nullable=False, index=True),
    Column("body", String(), nullable=False),
)

data_mechanisms = Table(
    "data_mechanisms",
    metadata,
    Column("handler", String(), primary_key=True),  # the sending institution
    Column("mechanism", String(), primary_key=True),
    Column("reference", String(), nullable=False),
)

data_transfers = Table(
    "data_transfers",
    metadata,
    Column("id", String(), primary_key=True),
    Column("project", String(), nullable=False, index=True),
    Column("handler", String(), nullable=False),
    Column("day", Date(), nullable=False),
    Column("personal_information", String(), nullable=False),
    Column("persons", Integer(), nullable=False),
    Column("state", String(), nullable=False),
    Column("body", String(), nullable=False),
    Index("ix_data_transfers_handler_day", "handler", "day"),
)

data_keys = Table(
    "data_keys",
    metadata,
    Column("transfer", String(), primary_key=True),
    Column("sealed", LargeBinary(), nullable=False),
)

data_chunks = Table(
    "data_chunks",
    metadata,
    Column("transfer", String(), primary_key=True),
    Column("idx", Integer(), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("object_name", String(64), nullable=False),
    Column("size", Integer(), nullable=False),
)

data_manifests = Table(
    "data_manifests",
    metadata,
    Column("transfer", String(), primary_key=True),
    Column("body", String(), nullable=False),
)

data_evidence = Table(
    "data_evidence",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("transfer", String(), nullable=False),
    Column("step", String(), nullable=False),
    Column("person", String(), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("detail", String(), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("previous", String(64), nullable=False),
    UniqueConstraint("digest", name="uq_data_evidence_digest"),
    Index("ix_data_evidence_transfer_id", "transfer", "id"),
)
