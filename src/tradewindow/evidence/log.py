"""``EvidenceLog``: the append-only evidence chain, over an ``evidence.ports.EvidenceStore``.

Appends serialise (the store's lock, taken before the head is read; see ``evidence.ports``).
Hashes are computed here; a batch is stored in one round trip. An append may join another
capability's transaction (``within``), so that its records commit with the work they
describe.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.clock import utc_now
from tradewindow.evidence import bundle, chain
from tradewindow.evidence.chain import Entry, Record, RecordKind, VerifyReport
from tradewindow.evidence.ports import EVIDENCE_CHAIN, ChainRecords, EvidenceStore
from tradewindow.transaction import Transaction

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
        store: EvidenceStore,
        platform_key: ed25519.Ed25519PrivateKey | None = None,
        public_key: ed25519.Ed25519PublicKey | None = None,
    ) -> None:
        self.store = store
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
        within: Transaction | None = None,
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
        return self.append_many([entry], within=within)[0]

    def append_many(
        self, entries: Sequence[Entry], *, within: Transaction | None = None
    ) -> list[Record]:
        """Append ``entries`` in order, in one transaction (``within``, when given: then the
        records commit or roll back with the caller's work)."""
        if not entries:
            return []
        with self._chain(within) as records:
            head_seq, head_hash = records.locked_head()
            sealed = chain.seal_all(entries, head_seq, head_hash)
            records.insert(sealed)
        return sealed

    def sign_head(self, at: datetime | None = None) -> Record:
        """Append a checkpoint: the platform's signature over the current head."""
        if self.platform_key is None:
            raise EvidenceError(
                "evidence.no_platform_key", "no platform key to sign with", "未配置平台签名密钥"
            )
        with self.store.appending() as records:
            head_seq, head_hash = records.locked_head()
            record = chain.checkpoint(self.platform_key, head_seq + 1, head_hash, at or utc_now())
            records.insert([record])
        return record

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest record; (0, GENESIS) for an empty log."""
        return self.store.head()

    def records(self, first: int = 1, last: int | None = None) -> Iterator[Record]:
        """Stored records ``first``..``last`` in seq order, read page by page."""
        after = first - 1
        while True:
            page = self.store.records(after, last, _PAGE)
            yield from page
            if len(page) < _PAGE:
                return
            after = page[-1].seq

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
        seqs = self.store.seqs_naming(filing_id)
        if not seqs:
            raise EvidenceError(
                "evidence.unknown_filing",
                f"no evidence names {filing_id[:80]}",
                f"没有与 {filing_id[:80]} 有关的证据记录",
            )
        end = self.store.first_checkpoint_after(seqs[-1])
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

    def _chain(self, within: Transaction | None) -> AbstractContextManager[ChainRecords]:
        if within is not None:
            return nullcontext(within.part(EVIDENCE_CHAIN))
        return self.store.appending()
