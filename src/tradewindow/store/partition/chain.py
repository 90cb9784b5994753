"""The evidence chains of the clearance partitions (``evidence.partitions``) over SQLAlchemy
Core.

A partition's chain is appended to only inside that partition's unit of work, which holds the
partition's lock; the chain takes its own transaction-scoped lock as well (as the platform's
chain does), and ``UNIQUE(partition, prev_hash)`` refuses a second record after one head.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, func, insert, select, text

from tradewindow.evidence.chain import Entry, Record, RecordKind, seal
from tradewindow.evidence.partitions import Head, genesis
from tradewindow.store.evidence.chain import SqlChainRecords
from tradewindow.store.evidence.tables import records
from tradewindow.store.partition.tables import (
    partition_heads,
    partition_records,
    partition_subjects,
)
from tradewindow.store.transaction import reader, writer

_RECORD_COLUMNS = [c for c in partition_records.c if c.name != "partition"]


class SqlPartitionChain:
    """``evidence.ports.ChainRecords`` of one partition's chain, in the transaction given."""

    def __init__(self, connection: Connection, partition: int) -> None:
        self._connection = connection
        self._partition = partition

    def locked_head(self) -> tuple[int, str]:
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                text(
                    "SELECT pg_advisory_xact_lock("
                    "hashtext(current_schema() || '/tw.evidence.partition'), :p)"
                ),
                {"p": self._partition},
            )
        row = self._connection.execute(
            select(partition_records.c.seq, partition_records.c.hash)
            .where(partition_records.c.partition == self._partition)
            .order_by(partition_records.c.seq.desc())
            .limit(1)
        ).first()
        return (0, genesis(self._partition)) if row is None else (row.seq, row.hash)

    def last_checkpoint_seq(self) -> int:
        """The newest checkpoint of this partition's chain (0: none). Read backwards along the
        key: with checkpoints due every so many records, that many rows at most."""
        found: int | None = self._connection.scalar(
            select(partition_records.c.seq)
            .where(
                partition_records.c.partition == self._partition,
                partition_records.c.kind == RecordKind.CHECKPOINT.value,
            )
            .order_by(partition_records.c.seq.desc())
            .limit(1)
        )
        return found or 0

    def insert(self, sealed: Sequence[Record]) -> None:
        p = self._partition
        self._connection.execute(
            insert(partition_records),
            [
                {
                    "partition": p, "seq": r.seq, "at": r.at, "kind": r.kind,
                    "subjects": r.subjects, "payload_digest": r.payload_digest,
                    "signature": r.signature, "actor": r.actor, "prev_hash": r.prev_hash,
                    "hash": r.hash,
                }
                for r in sealed
            ],
        )  # fmt: skip
        index = [
            {"partition": p, "subject": subject, "seq": r.seq}
            for r in sealed
            if r.kind != RecordKind.CHECKPOINT.value
            for subject in dict.fromkeys(r.subject_ids)
        ]
        if index:
            self._connection.execute(insert(partition_subjects), index)


class SqlPartitionChains:
    """``evidence.partitions.PartitionChains`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def heads(self) -> list[Head]:
        newest = (
            select(partition_records.c.partition, func.max(partition_records.c.seq).label("seq"))
            .group_by(partition_records.c.partition)
            .subquery()
        )
        query = select(
            partition_records.c.partition, partition_records.c.seq, partition_records.c.hash
        ).join(
            newest,
            (partition_records.c.partition == newest.c.partition)
            & (partition_records.c.seq == newest.c.seq),
        )
        with reader(self.engine) as connection:
            return [(row.partition, row.seq, row.hash) for row in connection.execute(query)]

    def records(self, partition: int, after: int, limit: int) -> list[Record]:
        query = (
            select(*_RECORD_COLUMNS)
            .where(partition_records.c.partition == partition, partition_records.c.seq > after)
            .order_by(partition_records.c.seq)
            .limit(limit)
        )
        with reader(self.engine) as connection:
            return [Record(**row._asdict()) for row in connection.execute(query)]

    def record_hash(self, partition: int, seq: int) -> str | None:
        query = select(partition_records.c.hash).where(
            partition_records.c.partition == partition, partition_records.c.seq == seq
        )
        with reader(self.engine) as connection:
            found: str | None = connection.scalar(query)
        return found

    def signed_heads(self) -> list[tuple[Record, str]]:
        query = (
            select(*records.c, partition_heads.c.heads)
            .join(partition_heads, partition_heads.c.seq == records.c.seq)
            .order_by(records.c.seq)
        )
        with reader(self.engine) as connection:
            found = []
            for row in connection.execute(query):
                fields = row._asdict()
                heads = fields.pop("heads")
                found.append((Record(**fields), heads))
            return found

    def append_heads(self, entry: Entry, heads: str) -> Record:
        with writer(self.engine) as connection:
            chain = SqlChainRecords(connection)
            seq, prev_hash = chain.locked_head()
            record = seal(entry, seq + 1, prev_hash)
            chain.insert([record])
            connection.execute(insert(partition_heads), {"seq": record.seq, "heads": heads})
        return record

    def seqs_naming(self, subject: str) -> dict[int, list[int]]:
        query = (
            select(partition_subjects.c.partition, partition_subjects.c.seq)
            .where(partition_subjects.c.subject == subject)
            .order_by(partition_subjects.c.partition, partition_subjects.c.seq)
        )
        named: dict[int, list[int]] = {}
        with reader(self.engine) as connection:
            for row in connection.execute(query):
                named.setdefault(row.partition, []).append(row.seq)
        return named
