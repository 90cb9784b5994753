"""The tables of partitioned clearance (SQLAlchemy Core); the DDL is migration
``0017_partition`` (branch ``partition``).

- ``clearance_inbox``: each message filed for partitioned clearance, recorded before any part
  of it is cleared (its body: the submission and who filed it, so that any process can send
  its parts again);
- ``clearance_inbox_parts``: the parts of each message, one per partition it touches;
  ``done_at`` is set in the partition's own unit of work, so a part is cleared exactly once;
- ``number_blocks``: the block of each number series a partition takes its numbers from;
- ``evidence_partition_records`` / ``_subjects``: one evidence hash chain per partition;
- ``evidence_partition_heads``: the partition heads a signed record of the platform's chain
  vouches for (its seq in that chain).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from tradewindow.store.types import Instant

metadata = MetaData()
EXPORT_ENTRY = "exp:"  # the guids of export clearance's inbox entries start so

inbox = Table(
    "clearance_inbox",
    metadata,
    Column("guid", String(), primary_key=True),
    Column("digest", String(), nullable=False),
    Column("received_at", Instant(), nullable=False),
    Column("parts", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
)

inbox_parts = Table(
    "clearance_inbox_parts",
    metadata,
    Column("partition", Integer, primary_key=True, autoincrement=False),
    Column("guid", String(), primary_key=True),
    Column("digest", String(), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("done_at", Instant()),
    Column("refused", LargeBinary),  # msgspec JSON of list[Violation], when the part was refused
)

number_blocks = Table(
    "number_blocks",
    metadata,
    Column("partition", Integer, primary_key=True, autoincrement=False),
    Column("series", String(), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
    Column("end_value", BigInteger, nullable=False),
)

partition_records = Table(
    "evidence_partition_records",
    metadata,
    Column("partition", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("subjects", Text, nullable=False),
    Column("payload_digest", String, nullable=False),
    Column("signature", Text),
    Column("actor", String, nullable=False),
    Column("prev_hash", String, nullable=False),
    Column("hash", String, nullable=False),
    UniqueConstraint("partition", "prev_hash", name="uq_evidence_partition_prev_hash"),
)

partition_subjects = Table(
    "evidence_partition_subjects",
    metadata,
    Column("partition", Integer, primary_key=True, autoincrement=False),
    Column("subject", String, primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    # a filing's records in every partition (``evidence export --filing``; 0017_partition)
    Index("ix_evidence_partition_subjects_subject", "subject"),
)

partition_heads = Table(
    "evidence_partition_heads",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("heads", Text, nullable=False),
)
