"""``EvidenceLog``: the append-only evidence chain in the store (SQLite or PostgreSQL).

Appends serialise: on PostgreSQL a transaction-scoped advisory lock is taken before the head
is read, and ``UNIQUE(prev_hash)`` refuses any second record linking to the same head; on
SQLite the store's engine opens every write transaction with ``BEGIN IMMEDIATE`` (pass
``store.engine``). Hashes are computed in Python; a batch is one INSERT round trip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Connection, Engine, func, insert, select, text

from tradewindow.clock import utc_now
from tradewindow.evidence import bundle, chain
from tradewindow.evidence.chain import GENESIS, Entry, Record, RecordKind, VerifyReport
from tradewindow.evidence.tables import records, subjects
from tradewindow.store.engine import READ_ONLY

_LOCK_KEY = 0x7477_6576_6964  # "twevid": the advisory lock every evidence writer takes
_PAGE = 2000


class EvidenceError(Exception):
    """An evidence request that cannot be met; ``code`` says which."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code, self.en, self.zh = code, en, zh
        super().__init__(f"{code}: {en}")


class EvidenceLog:
    """Append, checkpoint, verify and export the evidence chain.

    ``platform_key`` signs checkpoints; verifying needs only its public half (``public_key``,
    derived from ``platform_key`` when that is given).
    """

    def __init__(
        self,
        engine: Engine,
        platform_key: ed25519.Ed25519PrivateKey | None = None,
        public_key: ed25519.Ed25519PublicKey | None = None,
    ) -> None:
        self.engine = engine
        self.platform_key = platform_key
        self.public_key = public_key or (platform_key.public_key() if platform_key else None)

    def append(
        self,
        kind: RecordKind,
        subject: str | Sequence[str],
        payload_digest: str,
        actor: str,
        signature: str | None = None,
        at: datetime | None = None,
        *,
        connection: Connection | None = None,
    ) -> Record:
        """Append one record and return it as stored."""
        entry = Entry(
            kind=RecordKind(kind),
            subjects=(subject,) if isinstance(subject, str) else tuple(subject),
            payload_digest=payload_digest,
            actor=actor,
            signature=signature,
            at=at or utc_now(),
        )
        return self.append_many([entry], connection=connection)[0]

    def append_many(
        self, entries: Sequence[Entry], *, connection: Connection | None = None
    ) -> list[Record]:
        """Append ``entries`` in order, in one transaction (the caller's, if ``connection``
        is given: then the records commit or roll back with the caller's work)."""
        if not entries:
            return []
        with self._writer(connection) as writer:
            head_seq, head_hash = _locked_head(writer)
            sealed = chain.seal_all(entries, head_seq, head_hash)
            _insert(writer, sealed)
        return sealed

    def sign_head(self, at: datetime | None = None) -> Record:
        """Append a checkpoint: the platform's signature over the current head."""
        if self.platform_key is None:
            raise EvidenceError(
                "evidence.no_platform_key", "no platform key to sign with", "未配置平台签名密钥"
            )
        with self._writer(None) as writer:
            head_seq, head_hash = _locked_head(writer)
            record = chain.checkpoint(self.platform_key, head_seq + 1, head_hash, at or utc_now())
            _insert(writer, [record])
        return record

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest record; (0, GENESIS) for an empty log."""
        with self._reader() as connection:
            return _head(connection)

    def records(self, first: int = 1, last: int | None = None) -> Iterator[Record]:
        """Stored records ``first``..``last`` in seq order, read page by page."""
        after = first - 1
        while True:
            query = select(*records.c).where(records.c.seq > after)
            if last is not None:
                query = query.where(records.c.seq <= last)
            with self._reader() as connection:
                rows = connection.execute(query.order_by(records.c.seq).limit(_PAGE)).all()
            for row in rows:
                yield Record(**row._asdict())
            if len(rows) < _PAGE:
                return
            after = rows[-1].seq

    def verify(self) -> VerifyReport:
        """Walk the whole chain; the report names the first record that does not hold."""
        walk = chain.ChainWalk(self.public_key)
        for record in self.records():
            if not walk.record(record):
                break
        return walk.report()

    def export(self, filing_id: str) -> bytes:
        """The bundle of ``filing_id``'s records (see ``evidence.bundle``); signs the head
        first when no checkpoint follows the filing's last record yet."""
        if self.public_key is None:
            raise EvidenceError(
                "evidence.no_platform_key", "no platform key to export with", "未配置平台签名密钥"
            )
        with self._reader() as connection:
            seqs = list(
                connection.scalars(
                    select(subjects.c.seq)
                    .where(subjects.c.subject == filing_id)
                    .order_by(subjects.c.seq)
                )
            )
            if not seqs:
                raise EvidenceError(
                    "evidence.unknown_filing",
                    f"no evidence names {filing_id[:80]}",
                    f"没有与 {filing_id[:80]} 有关的证据记录",
                )
            end = connection.scalar(
                select(func.min(records.c.seq)).where(
                    records.c.kind == RecordKind.CHECKPOINT.value, records.c.seq > seqs[-1]
                )
            )
        if end is None:
            end = self.sign_head().seq
        segment = list(self.records(seqs[0], end))
        return bundle.build(filing_id, segment, set(seqs), self.public_key)

    @staticmethod
    def verify_bundle(
        data: bytes, trusted_key: ed25519.Ed25519PublicKey | None = None
    ) -> VerifyReport:
        """Check a bundle offline (no database)."""
        report, _ = bundle.verify_bundle(data, trusted_key)
        return report

    @contextmanager
    def _writer(self, connection: Connection | None) -> Iterator[Connection]:
        if connection is not None:
            yield connection
            return
        with self.engine.begin() as own:
            yield own

    @contextmanager
    def _reader(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})
            yield connection


def _locked_head(connection: Connection) -> tuple[int, str]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    return _head(connection)


def _head(connection: Connection) -> tuple[int, str]:
    row = connection.execute(
        select(records.c.seq, records.c.hash).order_by(records.c.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS) if row is None else (row.seq, row.hash)


def _insert(connection: Connection, sealed: list[Record]) -> None:
    connection.execute(
        insert(records),
        [
            {
                "seq": r.seq,
                "at": r.at,
                "kind": r.kind,
                "subjects": r.subjects,
                "payload_digest": r.payload_digest,
                "signature": r.signature,
                "actor": r.actor,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in sealed
        ],
    )
    index = [
        {"subject": subject, "seq": r.seq}
        for r in sealed
        if r.kind != RecordKind.CHECKPOINT.value
        for subject in dict.fromkeys(r.subject_ids)
    ]
    if index:
        connection.execute(insert(subjects), index)
