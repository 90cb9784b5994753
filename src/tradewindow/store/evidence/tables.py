"""Evidence tables (created by migration ``0003_evidence``).

Every hashed field is stored as text exactly as it was hashed (see ``evidence.chain``), so
the bytes in the database are the bytes the chain vouches for.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

records = Table(
    "evidence_records",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("subjects", Text, nullable=False),
    Column("payload_digest", String, nullable=False),
    Column("signature", Text),
    Column("actor", String, nullable=False),
    Column("prev_hash", String, nullable=False),
    Column("hash", String, nullable=False),
    # a second writer that read the same head cannot link to it too
    UniqueConstraint("prev_hash", name="uq_evidence_records_prev_hash"),
)

# lookup only (export by filing); the hashed copy of the subjects is in evidence_records
subjects = Table(
    "evidence_subjects",
    metadata,
    Column("subject", String, primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
)

seen_signatures = Table(
    "evidence_seen_signatures",
    metadata,
    Column("signature_digest", String, primary_key=True),
    Column("request_id", String, nullable=False),
    Column("seen_at", String, nullable=False),
)

# every checkpoint again, outside the chain table (``evidence.chain.Anchor``): a tail deleted
# from ``evidence_records`` leaves its checkpoints here (migration ``0017_evidence_checkpoints``)
checkpoints = Table(
    "evidence_checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String, nullable=False),
    Column("records", BigInteger, nullable=False),
    Column("head_hash", String, nullable=False),
    Column("hash", String, nullable=False),
    Column("signature", Text, nullable=False),
    Column("key", String, nullable=False),
    Column("timestamp", Text),
)
