"""One evidence chain per clearance partition, tied to the platform's chain by signed heads.

Partitioned clearance (``docs/adr/0009``) runs N writers side by side; one chain would make
them wait for each other at every append. So each partition keeps its own chain, of the same
records hashed the same way (``evidence.chain``), starting from its own genesis (so a record
cannot be moved from one partition's chain to another's). A **heads record** in the
platform's chain (kind ``partition_heads``, actor ``platform``) names every partition's head
— ``[[partition, seq, hash], …]`` as canonical JSON — with its SHA-256 as payload digest and
the platform key's Ed25519 signature of :func:`heads_message` as signature; the heads it names
are kept beside it. The next checkpoint of the platform's chain then covers the heads record,
and through its hashes every partition record up to those heads.

:meth:`PartitionEvidence.verify` walks every partition chain and checks each heads record:
its digest, its signature, and that each head it names is the record at that place of that
partition's chain.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.clock import utc_now
from tradewindow.evidence import chain
from tradewindow.evidence.chain import Entry, Failure, Record, RecordKind, VerifyReport

_PAGE = 2000
Head = tuple[int, int, str]  # partition, seq, hash


def genesis(partition: int) -> str:
    """The ``prev_hash`` of record 1 of ``partition``'s chain."""
    return hashlib.sha256(f"{chain.VERSION}\npartition\n{partition}".encode()).hexdigest()


def heads_text(heads: Sequence[Head]) -> str:
    """The canonical JSON of the heads, by partition."""
    return msgspec.json.encode([list(head) for head in sorted(heads)]).decode()


def heads_message(text: str, at: str) -> bytes:
    """What the platform signs: the heads and when."""
    return f"tradewindow-partition-heads-v1\n{at}\n{text}".encode()


class PartitionChains(Protocol):
    """What the partition chains need from the store (``store.partition.chain``)."""

    def heads(self) -> list[Head]:
        """The newest record of every partition that has one."""
        ...

    def records(self, partition: int, after: int, limit: int) -> list[Record]:
        """Up to ``limit`` records of ``partition`` with seq > ``after``, by seq."""
        ...

    def record_hash(self, partition: int, seq: int) -> str | None: ...

    def signed_heads(self) -> list[tuple[Record, str]]:
        """Every heads record of the platform's chain with the heads text kept beside it."""
        ...

    def append_heads(self, entry: Entry, text: str) -> Record:
        """Append ``entry`` to the platform's chain and keep ``text`` beside it."""
        ...

    def seqs_naming(self, subject: str) -> dict[int, list[int]]:
        """The seqs of the records naming ``subject``, ascending, by partition."""
        ...


class PartitionReport(msgspec.Struct, frozen=True, kw_only=True):
    """Every partition chain's report, and the heads records checked."""

    ok: bool
    partitions: dict[int, VerifyReport]
    heads_records: int
    failure: Failure | None = None  # a heads record that does not hold (seq: its own)


class FilingPart(msgspec.Struct, frozen=True, kw_only=True):
    """A filing's records in one partition's chain: ``records`` runs from the filing's first
    record there to the head the heads record names (inclusive); ``seqs`` are the filing's."""

    partition: int
    records: list[Record]
    seqs: frozenset[int]


class FilingParts(msgspec.Struct, frozen=True, kw_only=True):
    """What a filing's evidence bundle needs from the partition chains: the first heads record
    of the platform's chain naming a head at or after the filing's last record in every
    partition that has one, its heads text, and each partition's segment up to that head."""

    heads_record: Record
    heads: str
    parts: list[FilingPart]


class PartitionEvidence:
    def __init__(
        self,
        chains: PartitionChains,
        platform_key: ed25519.Ed25519PrivateKey | None = None,
        public_key: ed25519.Ed25519PublicKey | None = None,
    ) -> None:
        self._chains = chains
        self._platform_key = platform_key
        self._public_key = public_key or (platform_key.public_key() if platform_key else None)
        self._last_signed: str | None = None  # the heads text this process signed last

    def sign_heads(self, at: datetime | None = None) -> Record | None:
        """Append a heads record over every partition's head (None: no partition has one)."""
        signed = self._sign_heads(at)
        return None if signed is None else signed[0]

    def _sign_heads(self, at: datetime | None = None) -> tuple[Record, str] | None:
        if self._platform_key is None:
            raise ValueError("no platform key to sign the partition heads with")
        heads = self._chains.heads()
        if not heads:
            return None
        text = heads_text(heads)
        entry = Entry(
            kind=RecordKind.PARTITION_HEADS,
            subjects=(chain.key_fingerprint(self._platform_key.public_key()),),
            payload_digest=hashlib.sha256(text.encode()).hexdigest(),
            actor=chain.PLATFORM,
            at=at or utc_now(),
        )
        signature = self._platform_key.sign(heads_message(text, chain.time_text(entry.at)))
        signed = msgspec.structs.replace(entry, signature=base64.b64encode(signature).decode())
        return self._chains.append_heads(signed, text), text

    def filing_parts(self, filing: str) -> FilingParts | None:
        """The partition side of ``filing``'s evidence bundle (None: no partition record names
        it); signs the heads first when no heads record covers the filing's records yet."""
        named = self._chains.seqs_naming(filing)
        if not named:
            return None
        last = {partition: seqs[-1] for partition, seqs in named.items()}
        found = (
            next(
                (
                    (record, text)
                    for record, text in self._chains.signed_heads()
                    if _covers(_heads_of(text), last)
                ),
                None,
            )
            or self._sign_heads()
        )
        if found is None:  # pragma: no cover - a partition named the filing, so it has a head
            raise ValueError("no partition head to sign")
        record, text = found
        heads = _heads_of(text)
        parts = []
        for partition, seqs in sorted(named.items()):
            end = heads[partition][0]
            records: list[Record] = []
            after = seqs[0] - 1
            while after < end:
                page = self._chains.records(partition, after, min(_PAGE, end - after))
                records += page
                if not page:
                    break
                after = page[-1].seq
            parts.append(FilingPart(partition=partition, records=records, seqs=frozenset(seqs)))
        return FilingParts(heads_record=record, heads=text, parts=parts)

    def sign_moved_heads(self, at: datetime | None = None) -> Record | None:
        """Sign the heads when a partition's chain grew since the last heads record (None
        when none did): what every writer runs before it checkpoints the platform's chain
        (``bootstrap`` gives it to ``EvidenceLog`` as ``before_sign``), so that partition
        records are anchored as the platform's are (issue 15)."""
        heads = self._chains.heads()
        if not heads:
            return None
        text = heads_text(heads)
        if self._last_signed is None:  # once per process: the newest heads record's
            signed = self._chains.signed_heads()
            self._last_signed = signed[-1][1] if signed else ""
        if text == self._last_signed:
            return None
        record = self.sign_heads(at)
        self._last_signed = text
        return record

    def verify(self) -> PartitionReport:
        reports: dict[int, VerifyReport] = {}
        for partition in sorted({p for p, _, _ in self._chains.heads()}):
            walk = chain.ChainWalk(self._public_key, prev_hash=genesis(partition))
            after = 0
            while True:
                page = self._chains.records(partition, after, _PAGE)
                if not all(walk.record(r) for r in page):
                    break
                if len(page) < _PAGE:
                    break
                after = page[-1].seq
            reports[partition] = walk.report()
        failure = None
        signed = self._chains.signed_heads()
        for record, text in signed:
            failure = failure or self._heads_problem(record, text)
        ok = failure is None and all(r.ok for r in reports.values())
        return PartitionReport(
            ok=ok, partitions=reports, heads_records=len(signed), failure=failure
        )

    def _heads_problem(self, record: Record, text: str) -> Failure | None:
        def fail(problem: str, detail: str) -> Failure:
            return Failure(seq=record.seq, problem=problem, detail=detail)

        if self._public_key is None:
            return fail("checkpoint.no_key", "no platform key to check with")
        problem = heads_problem(record, text, self._public_key)
        if problem is not None:
            return fail(*problem)
        for partition, (seq, hash_) in _heads_of(text).items():
            if self._chains.record_hash(partition, seq) != hash_:
                return fail(
                    "heads.mismatch",
                    f"partition {partition} has no record {seq} with the signed hash",
                )
        return None


def heads_problem(
    record: Record, text: str, public_key: ed25519.Ed25519PublicKey
) -> tuple[str, str] | None:
    """(problem, detail) when ``record`` is not a heads record the platform key signed over
    ``text``, or None (the heads themselves are checked against the chains elsewhere)."""
    if record.kind != RecordKind.PARTITION_HEADS or record.actor != chain.PLATFORM:
        return "heads.kind", "the record is not a partition heads record of the platform"
    if hashlib.sha256(text.encode()).hexdigest() != record.payload_digest:
        return "heads.digest", "the heads kept are not the heads the record names"
    try:
        signature = base64.b64decode(record.signature or "", validate=True)
        public_key.verify(signature, heads_message(text, record.at))
    except (binascii.Error, ValueError, InvalidSignature):
        return "heads.bad_signature", "the heads signature does not hold"
    return None


def heads_of(text: str) -> dict[int, tuple[int, str]] | None:
    """The heads text as {partition: (seq, hash)}, None when it cannot be read."""
    try:
        return _heads_of(text)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        return None


def _heads_of(text: str) -> dict[int, tuple[int, str]]:
    heads = msgspec.json.decode(text, type=list[tuple[int, int, str]])
    return {partition: (seq, hash_) for partition, seq, hash_ in heads}


def _covers(heads: dict[int, tuple[int, str]], last: dict[int, int]) -> bool:
    return all(p in heads and heads[p][0] >= seq for p, seq in last.items())
