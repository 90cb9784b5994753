"""``EvidenceLog``: the append-only evidence chain, over an ``evidence.ports.EvidenceStore``.

Appends serialise (the store's lock, taken before the head is read; see ``evidence.ports``).
Hashes are computed here; a batch is stored in one round trip. An append may join another
capability's transaction (``within``), so that its records commit with the work they
describe.

**Checkpoints are automatic** for a log given a :class:`CheckpointPolicy` (``bootstrap`` gives
every writer one from settings: ``serve``, workers, ``clear``): an append that leaves
``every_records`` or more records after the newest checkpoint, or that comes ``every`` or
longer after this process first left records unsigned, appends a signed checkpoint in the
same transaction; :meth:`EvidenceLog.checkpoint_due` (a server's ticker) and
:meth:`EvidenceLog.seal_tail` (a command's end) sign a quiet tail. Every checkpoint is kept
again outside the chain table (the store's anchors) and copied to the anchor file
(``evidence.ports.AnchorSink``), and :meth:`EvidenceLog.verify` checks the chain against all
of them, so a deleted tail no longer verifies.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta

import msgspec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.clock import utc_now
from tradewindow.evidence import bundle, chain, publication, timestamps
from tradewindow.evidence.chain import Anchor, Entry, Record, RecordKind, VerifyReport
from tradewindow.evidence.partitions import PartitionEvidence
from tradewindow.evidence.ports import EVIDENCE_CHAIN, AnchorSink, ChainRecords, EvidenceStore
from tradewindow.transaction import Transaction

_PAGE = 2000
logger = logging.getLogger(__name__)


class EvidenceError(Exception):
    """An evidence request that cannot be met; ``code`` says which."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code, self.en, self.zh = code, en, zh
        super().__init__(f"{code}: {en}")


class CheckpointPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """When a writer signs the head by itself (settings ``evidence.checkpoint_*``)."""

    every_records: int = 1000
    every: timedelta = timedelta(seconds=60)


Stamper = Callable[[Anchor], str | None]  # an RFC 3161 token (base64 DER) for an anchor


class EvidenceLog:
    """Append, checkpoint, verify and export the evidence chain.

    ``platform_key`` signs checkpoints; verifying needs only its public half (``public_key``,
    derived from ``platform_key`` when that is given). With ``checkpoints`` the log signs its
    head by itself (see the module); ``anchor_sink`` keeps every checkpoint outside the
    database too; ``stamper`` has a time-stamping authority stamp the checkpoints a quiet tail
    or :meth:`sign_head` makes.
    """

    def __init__(
        self,
        store: EvidenceStore,
        platform_key: ed25519.Ed25519PrivateKey | None = None,
        public_key: ed25519.Ed25519PublicKey | None = None,
        *,
        checkpoints: CheckpointPolicy | None = None,
        anchor_sink: AnchorSink | None = None,
        stamper: Stamper | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        before_sign: Callable[[], object] | None = None,
    ) -> None:
        self.store = store
        self.platform_key = platform_key
        self.public_key = public_key or (platform_key.public_key() if platform_key else None)
        self.policy = checkpoints if platform_key is not None else None
        self.anchor_sink = anchor_sink
        self.stamper = stamper
        self._monotonic = monotonic
        # run before the log signs its head alone: partitioned clearance signs its chains'
        # heads into this chain first (evidence.partitions), so the checkpoint covers them
        self._before_sign = before_sign
        self._unsigned_since: float | None = None  # when this process first left records unsigned

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
            if (key := self._checkpoint_due(records, sealed[-1].seq)) is not None:
                signed = chain.checkpoint(key, sealed[-1].seq + 1, sealed[-1].hash, utc_now())
                records.insert([*sealed, signed])
            else:
                records.insert(sealed)
        return sealed

    def _checkpoint_due(
        self, records: ChainRecords, head_seq: int
    ) -> ed25519.Ed25519PrivateKey | None:
        """The key to sign a checkpoint after ``head_seq`` with, when one is due."""
        if self.policy is None or self.platform_key is None:
            return None
        last = records.last_checkpoint_seq()
        if last is None:  # a partition's chain: its heads are signed in the platform's
            return None
        now = self._monotonic()
        if self._unsigned_since is None:
            self._unsigned_since = now
        late = now - self._unsigned_since >= self.policy.every.total_seconds()
        if late or head_seq - last >= self.policy.every_records:
            self._unsigned_since = None
            return self.platform_key
        return None

    def checkpoint_due(self) -> Record | None:
        """Sign the head when records have waited unsigned for the policy's time, or are as
        many as it allows (a server's ticker calls this); copy new anchors out either way."""
        if self.policy is None:
            return None
        self._sign_before()
        head_seq, last = self.store.head()[0], self.store.newest_anchor_seq()
        if head_seq > last:
            now = self._monotonic()
            if self._unsigned_since is None:
                self._unsigned_since = now
            late = now - self._unsigned_since >= self.policy.every.total_seconds()
            if late or head_seq - last >= self.policy.every_records:
                return self.sign_head()
        self._keep_outside(self.store.anchors(self._copied()))
        return None

    def seal_tail(self) -> Record | None:
        """Sign the head when records follow the newest checkpoint (a command's end, a
        server's shutdown); None when the head is signed already."""
        if self.platform_key is None:
            return None
        self._sign_before()
        if self.store.head()[0] > self.store.newest_anchor_seq():
            return self.sign_head()
        self._keep_outside(self.store.anchors(self._copied()))
        return None

    def sign_head(self, at: datetime | None = None) -> Record:
        """Append a checkpoint: the platform's signature over the current head."""
        if self.platform_key is None:
            raise EvidenceError(
                "evidence.no_platform_key", "no platform key to sign with", "未配置平台签名密钥"
            )
        self._sign_before()
        with self.store.appending() as records:
            head_seq, head_hash = records.locked_head()
            record = chain.checkpoint(self.platform_key, head_seq + 1, head_hash, at or utc_now())
            records.insert([record])
        self._unsigned_since = None
        anchors = self.store.anchors(self._copied())
        if self.stamper is not None and anchors and anchors[-1].seq == record.seq:
            token = self.stamper(anchors[-1])
            if token is not None:
                self.store.set_timestamp(record.seq, token)
                anchors[-1] = msgspec.structs.replace(anchors[-1], timestamp=token)
        self._keep_outside(anchors)
        return record

    def publish(self, at: datetime | None = None) -> bytes:
        """Every checkpoint as a publication a third party holds (``evidence.publication``);
        the head is signed first, so that the publication covers every record so far."""
        if self.public_key is None:
            raise EvidenceError(
                "evidence.no_platform_key", "no platform key to publish with", "未配置平台签名密钥"
            )
        self.seal_tail()
        return publication.build(self.store.anchors(), self.public_key, at or utc_now())

    def stamps(
        self, certificate: x509.Certificate, anchors: Iterable[Anchor] = ()
    ) -> list[tuple[int, datetime]]:
        """(seq, time the TSA vouches for) of every time-stamped checkpoint among the store's
        and ``anchors``; raises ``timestamps.TimestampError`` for a token that does not hold."""
        stamped: dict[int, datetime] = {}
        for anchor in [*self.store.anchors(), *anchors]:
            if anchor.timestamp is None:
                continue
            token = base64.b64decode(anchor.timestamp)
            digest = timestamps.checkpoint_digest(anchor.hash)
            stamped[anchor.seq] = timestamps.check_token(token, digest, certificate)
        return sorted(stamped.items())

    def _sign_before(self) -> None:
        if self._before_sign is not None:
            self._before_sign()

    def anchors(self) -> list[Anchor]:
        """Every checkpoint kept outside the chain table, by seq (what ``publish`` exports)."""
        return self.store.anchors()

    def _copied(self) -> int:
        """The newest seq the anchor file holds (0 without one)."""
        if self.anchor_sink is None:
            return 0
        kept = self.anchor_sink.read()
        return max((anchor.seq for anchor in kept), default=0)

    def _keep_outside(self, anchors: list[Anchor]) -> None:
        if self.anchor_sink is not None and anchors:
            self.anchor_sink.add(anchors)

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

    def verify(self, anchors: Iterable[Anchor] = (), *, stored: bool = True) -> VerifyReport:
        """Walk the whole chain against the checkpoints held outside it: the store's (with
        ``stored``), the anchor file's and ``anchors`` (a published file's). The report names
        the first record that does not hold, a chain cut short under an anchor
        (``chain.truncated``), an anchor not signed by the platform key (``anchor.*``), and
        the unanchored tail."""
        held: list[Anchor] = [*anchors]
        if stored:
            held += self.store.anchors()
        if self.anchor_sink is not None:
            held += self.anchor_sink.read()
        walk = chain.ChainWalk(self.public_key, anchors=held)
        if self.public_key is not None:
            for anchor in held:
                problem = chain.anchor_problem(anchor, self.public_key)
                if problem is not None:
                    walk.fail(anchor.seq, "anchor.bad_signature", problem)
                    return walk.report()
        for record in self.records():
            if not walk.record(record):
                break
        walk.finish()
        return walk.report()

    def export(self, filing_id: str, partitions: PartitionEvidence | None = None) -> bytes:
        """The bundle of ``filing_id``'s records (see ``evidence.bundle``); signs the head
        first when no checkpoint follows the filing's last record yet. With ``partitions``
        (partitioned clearance) the filing's records in the partitions' chains come too, with
        the heads record that ties them to this chain (signed first when none covers them)."""
        if self.public_key is None:
            raise EvidenceError(
                "evidence.no_platform_key", "no platform key to export with", "未配置平台签名密钥"
            )
        seqs = self.store.seqs_naming(filing_id)
        parts = partitions.filing_parts(filing_id) if partitions is not None else None
        if not seqs and parts is None:
            raise EvidenceError(
                "evidence.unknown_filing",
                f"no evidence names {filing_id[:80]}",
                f"没有与 {filing_id[:80]} 有关的证据记录",
            )
        places = [*seqs, *([parts.heads_record.seq] if parts else [])]
        end = self.store.first_checkpoint_after(max(places))
        if end is None:
            end = self.sign_head().seq
        segment = list(self.records(min(places), end))
        return bundle.build(filing_id, segment, set(seqs), self.public_key, parts)

    @staticmethod
    def verify_bundle(
        data: bytes,
        trusted: ed25519.Ed25519PublicKey | Sequence[ed25519.Ed25519PublicKey] = (),
    ) -> VerifyReport:
        """Check a bundle offline (no database) against the trusted platform keys."""
        report, _ = bundle.verify_bundle(data, trusted)
        return report

    def _chain(self, within: Transaction | None) -> AbstractContextManager[ChainRecords]:
        if within is not None:
            return nullcontext(within.part(EVIDENCE_CHAIN))
        return self.store.appending()


async def checkpoint_ticker(log: EvidenceLog, every: timedelta) -> None:
    """Sign a quiet tail on time (a server runs this beside its requests until cancelled)."""
    while True:
        await asyncio.sleep(max(every.total_seconds() / 2, 0.05))
        try:
            await asyncio.to_thread(log.checkpoint_due)
        except Exception:  # a database hiccup: the next tick tries again
            logger.exception("the evidence head could not be signed")
