"""The evidence hash chain: record types, canonical hashing, checkpoints, verification. Pure.

Every record carries ``seq`` (1, 2, 3, …), ``at`` (UTC, fixed-width ISO-8601 text),
``kind``, its ``subjects`` (ids such as a filing or document key, as JSON text), the
``payload_digest`` (SHA-256 hex of the exact bytes the record is about), the ``signature``
those bytes carried (base64, or none), the ``actor`` party id, ``prev_hash`` and ``hash``::

    content_digest = SHA-256( JSON [ "tradewindow-evidence-v1", seq, at, kind, subjects,
                                     payload_digest, signature, actor ] )
    hash           = SHA-256( "tradewindow-evidence-v1\\n" ‖ prev_hash ‖ "\\n" ‖ content_digest )

so the hash covers every field, ``prev_hash`` included. Hashing in two steps lets an exported
bundle stand in for another filing's record by its ``content_digest`` alone, linking the
chain to a checkpoint without disclosing that record. The fields are hashed as stored (text),
so a change to any byte of any column changes the hash.

A **checkpoint** record (kind ``checkpoint``, actor ``platform``) has as payload the hash it
follows and as signature the platform's Ed25519 signature of :func:`checkpoint_message`, which
covers the head hash and the number of records before it (v2; subjects the key's fingerprint
and ``records:<count>``; a v1 checkpoint, subjects the fingerprint alone, covers the head by
its place only).

A checkpoint is also kept **outside the chain** as an :class:`Anchor` (the checkpoints table,
the anchor file in the data folder, files published to agencies): verifying walks the chain
against every anchor it is given, so a chain cut short after a checkpoint that was anchored
(``chain.truncated``) or rewritten under one (``anchor.mismatch``) fails, and the records after
the newest checkpoint are reported as the unanchored tail.

(Over 400 lines: the record types, the canonical hashing, checkpoints and verification are one
format; a verifier must read them together, and the tests check them as one.)
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = "tradewindow-evidence-v1"
GENESIS = "0" * 64  # prev_hash of record 1
PLATFORM = "platform"
_TIME_WIDTH = len("2024-01-01T00:00:00.000000+00:00")


class RecordKind(enum.StrEnum):
    MESSAGE_ACCEPTED = "message_accepted"
    MESSAGE_REFUSED = "message_refused"  # a message the filing rules refused, never cleared
    RECEIPT = "receipt"
    DECISION = "decision"
    PERSONAL_DATA_READ = "personal_data_read"
    TAX_BILL = "tax_bill"
    COMMISSION_GRANTED = "commission_granted"  # a principal commissions an agent
    COMMISSION_REVOKED = "commission_revoked"
    REGISTRY_PUBLISHED = "registry_published"  # a rule-integration item's revision published
    RECOGNITION_CHANGED = "recognition_changed"  # a qualification application's state changed
    LIST_CANCELLED = "list_cancelled"  # a CBEC inventory list withdrawn by a CEB623
    LIST_RETURNED = "list_returned"  # lines of a released list returned by a CEB625
    TAX_BILL_ADJUSTED = "tax_bill_adjusted"  # a CEB816 bill reduced or voided
    QUOTA_ADJUSTED = "quota_adjusted"  # a buyer's CBEC annual total reduced
    PARCEL_ARRIVED = "parcel_arrived"  # a parcel delivered into the supervised site (CEB711)
    PARCEL_SIGNED = "parcel_signed"  # a parcel signed for by its consignee (CEB513)
    TAX_PAID = "tax_paid"  # a withholding agent's payment of a CEB816 bill recorded
    STOCK_MOVED = "stock_moved"  # a bonded account book's item entered, released or restored
    KEY_ISSUED = "key_issued"  # an API key or OAuth client issued (its expiry, or none)
    CHECKPOINT = "checkpoint"
    # the platform's signature over every partition chain's head (evidence.partitions)
    PARTITION_HEADS = "partition_heads"


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """What a caller appends; the log gives it seq, prev_hash and hash."""

    kind: RecordKind
    subjects: tuple[str, ...]
    payload_digest: str
    actor: str
    at: datetime
    signature: str | None = None


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """A record as stored: every field in its stored (hashed) form."""

    seq: int
    at: str
    kind: str
    subjects: str  # JSON array text
    payload_digest: str
    signature: str | None
    actor: str
    prev_hash: str
    hash: str

    @property
    def subject_ids(self) -> list[str]:
        ids: list[str] = _SUBJECTS.decode(self.subjects)
        return ids


_SUBJECTS = msgspec.json.Decoder(list[str])  # built once: a decoder per call costs more


class Failure(msgspec.Struct, frozen=True, kw_only=True):
    """The first record that does not hold, and why (``problem`` is a stable code)."""

    seq: int
    problem: str  # sequence.gap, link.broken, hash.mismatch, checkpoint.*, bundle.*
    detail: str


class VerifyReport(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    records: int
    checkpoints: int
    last_checkpoint_seq: int | None
    head_hash: str
    failure: Failure | None = None
    # records after the newest checkpoint: no signature vouches for them yet
    unanchored: int = 0
    # the newest checkpoint also held outside the chain (table, anchor file, published file)
    anchored_seq: int | None = None
    anchors: int = 0  # anchors checked against the chain


class Anchor(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A checkpoint as held outside the chain: enough to check it alone (its signature) and
    to find the chain it belongs to cut short or rewritten. ``timestamp`` is the base64 DER
    of an RFC 3161 time-stamp token over ``hash``, when a TSA stamped it."""

    seq: int  # the checkpoint record's seq
    at: str
    records: int  # records before it (seq - 1)
    head_hash: str  # the hash of record ``records``, which the checkpoint signs
    hash: str  # the checkpoint record's own hash
    signature: str
    key: str  # fingerprint of the platform key that signed
    timestamp: str | None = None


def time_text(at: datetime) -> str:
    """The stored form of a record's time: UTC, microseconds, fixed width."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"evidence times must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def subjects_text(subjects: Sequence[str]) -> str:
    return msgspec.json.encode(list(subjects)).decode()


def content_digest(
    seq: int,
    at: str,
    kind: str,
    subjects: str,
    payload_digest: str,
    signature: str | None,
    actor: str,
) -> str:
    fields = [VERSION, seq, at, kind, subjects, payload_digest, signature, actor]
    return hashlib.sha256(msgspec.json.encode(fields)).hexdigest()


def link_hash(prev_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{VERSION}\n{prev_hash}\n{digest}".encode()).hexdigest()


def record_content_digest(record: Record) -> str:
    return content_digest(
        record.seq,
        record.at,
        record.kind,
        record.subjects,
        record.payload_digest,
        record.signature,
        record.actor,
    )


def seal(entry: Entry, seq: int, prev_hash: str) -> Record:
    """``entry`` as record number ``seq`` following ``prev_hash``."""
    return _sealed(entry, seq, prev_hash, time_text(entry.at))


def _sealed(entry: Entry, seq: int, prev_hash: str, at: str) -> Record:
    """:func:`seal` with the entry's time already written (``at``: ``time_text(entry.at)``)."""
    if len(entry.payload_digest) != 64:
        raise ValueError("payload_digest must be a SHA-256 hex digest")
    subjects, kind = subjects_text(entry.subjects), entry.kind.value
    digest = content_digest(
        seq, at, kind, subjects, entry.payload_digest, entry.signature, entry.actor
    )
    return Record(
        seq=seq,
        at=at,
        kind=kind,
        subjects=subjects,
        payload_digest=entry.payload_digest,
        signature=entry.signature,
        actor=entry.actor,
        prev_hash=prev_hash,
        hash=link_hash(prev_hash, digest),
    )


def seal_all(entries: Iterable[Entry], head_seq: int, head_hash: str) -> list[Record]:
    records = []
    times: dict[datetime, str] = {}  # a batch's entries share a few instants: written once
    for entry in entries:
        head_seq += 1
        at = times.get(entry.at)
        if at is None:
            at = times[entry.at] = time_text(entry.at)
        record = _sealed(entry, head_seq, head_hash, at)
        head_hash = record.hash
        records.append(record)
    return records


# --- checkpoints -----------------------------------------------------------------------------


def checkpoint_message(seq: int, at: str, prev_hash: str, records: int | None = None) -> bytes:
    """What the platform signs: the checkpoint's place, the head it vouches for and (v2) the
    number of records up to that head."""
    if records is None:
        return f"tradewindow-checkpoint-v1\n{seq}\n{at}\n{prev_hash}".encode()
    return f"tradewindow-checkpoint-v2\n{seq}\n{at}\n{prev_hash}\n{records}".encode()


def records_subject(count: int) -> str:
    return f"records:{count}"


def key_fingerprint(public_key: ed25519.Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "platform-key:" + hashlib.sha256(raw).hexdigest()[:32]


def checkpoint(
    platform_key: ed25519.Ed25519PrivateKey, seq: int, prev_hash: str, at: datetime
) -> Record:
    """A signed checkpoint record number ``seq`` over the head ``prev_hash``."""
    at_text = time_text(at)
    signature = platform_key.sign(checkpoint_message(seq, at_text, prev_hash, seq - 1))
    entry = Entry(
        kind=RecordKind.CHECKPOINT,
        subjects=(key_fingerprint(platform_key.public_key()), records_subject(seq - 1)),
        payload_digest=prev_hash,
        actor=PLATFORM,
        at=at,
        signature=base64.b64encode(signature).decode("ascii"),
    )
    return seal(entry, seq, prev_hash)


def checkpoint_problem(record: Record, public_key: ed25519.Ed25519PublicKey) -> str | None:
    """Why a checkpoint record does not hold for ``public_key``, or None."""
    if record.actor != PLATFORM or record.payload_digest != record.prev_hash:
        return "the checkpoint does not vouch for the record before it"
    fingerprint = key_fingerprint(public_key)
    if record.subjects == subjects_text([fingerprint]):
        count = None  # v1
    elif record.subjects == subjects_text([fingerprint, records_subject(record.seq - 1)]):
        count = record.seq - 1
    else:
        return "the checkpoint names another platform key or record count"
    message = checkpoint_message(record.seq, record.at, record.prev_hash, count)
    if not _signed(public_key, record.signature or "", message):
        return "the checkpoint signature does not hold for the platform key"
    return None


def _signed(public_key: ed25519.Ed25519PublicKey, signature: str, message: bytes) -> bool:
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def anchor_of(record: Record, timestamp: str | None = None) -> Anchor:
    """The checkpoint ``record`` as an anchor to keep outside the chain."""
    ids = record.subject_ids
    return Anchor(
        seq=record.seq,
        at=record.at,
        records=record.seq - 1,
        head_hash=record.prev_hash,
        hash=record.hash,
        signature=record.signature or "",
        key=ids[0] if ids else "",
        timestamp=timestamp,
    )


def anchor_problem(anchor: Anchor, public_key: ed25519.Ed25519PublicKey) -> str | None:
    """Why ``anchor`` is not a checkpoint ``public_key`` signed, or None (checked alone)."""
    if anchor.key != key_fingerprint(public_key):
        return f"the anchor of checkpoint {anchor.seq} names another platform key ({anchor.key})"
    if anchor.records != anchor.seq - 1:
        return f"the anchor of checkpoint {anchor.seq} counts {anchor.records} records before it"
    v2 = checkpoint_message(anchor.seq, anchor.at, anchor.head_hash, anchor.records)
    v1 = checkpoint_message(anchor.seq, anchor.at, anchor.head_hash)
    if not (_signed(public_key, anchor.signature, v2) or _signed(public_key, anchor.signature, v1)):
        return f"the anchor of checkpoint {anchor.seq} is not signed by the platform key"
    return None


# --- verification ----------------------------------------------------------------------------


class ChainWalk:
    """Checks records one after another; stops at the first that does not hold."""

    def __init__(
        self,
        public_key: ed25519.Ed25519PublicKey | None,
        first_seq: int = 1,
        prev_hash: str = GENESIS,
        anchors: Iterable[Anchor] = (),
    ) -> None:
        self.public_key = public_key
        self.anchors: dict[int, list[Anchor]] = {}
        for anchor in anchors:
            self.anchors.setdefault(anchor.seq, []).append(anchor)
        self.anchored_seq: int | None = None
        self.expected_seq = first_seq
        self.prev_hash = prev_hash
        self.records = 0
        self.checkpoints = 0
        self.last_checkpoint_seq: int | None = None
        self.failure: Failure | None = None

    def record(self, record: Record) -> bool:
        """Check one full record; False (and ``failure`` set) when it does not hold."""
        if not self._in_place(record.seq):
            return False
        if record.prev_hash != self.prev_hash:
            return self._fail(
                record.seq, "link.broken", "prev_hash is not the hash of the record before"
            )
        if link_hash(record.prev_hash, record_content_digest(record)) != record.hash:
            return self._fail(
                record.seq, "hash.mismatch", "the stored fields do not give the stored hash"
            )
        if record.kind == RecordKind.CHECKPOINT:
            if self.public_key is None:
                return self._fail(record.seq, "checkpoint.no_key", "no platform key to check with")
            problem = checkpoint_problem(record, self.public_key)
            if problem is not None:
                return self._fail(record.seq, "checkpoint.bad_signature", problem)
            self.checkpoints += 1
            self.last_checkpoint_seq = record.seq
        for anchor in self.anchors.get(record.seq, ()):
            if anchor.hash != record.hash or record.kind != RecordKind.CHECKPOINT:
                return self._fail(
                    record.seq,
                    "anchor.mismatch",
                    f"checkpoint {record.seq} held outside the chain (at {anchor.at}) vouches "
                    f"for another history: the chain was rewritten",
                )
            self.anchored_seq = record.seq
        self.prev_hash = record.hash
        return True

    def finish(self) -> None:
        """After the last record: fail when a checkpoint held outside lies beyond the end
        (the chain was cut short, a tail deleted)."""
        if self.failure is not None or not self.anchors:
            return
        newest = self.anchors[max(self.anchors)][0]
        last = self.expected_seq - 1
        if newest.seq > last:
            self._fail(
                last + 1,
                "chain.truncated",
                f"the chain ends at record {last}, but checkpoint {newest.seq} held outside it "
                f"(at {newest.at}) vouches for {newest.records} records before it, head "
                f"{newest.head_hash}: records {last + 1}..{newest.seq} or more were removed",
            )

    def link(self, seq: int, digest: str) -> bool:
        """Pass over a record known only by its content digest (a bundle's other records)."""
        if not self._in_place(seq):
            return False
        self.prev_hash = link_hash(self.prev_hash, digest)
        return True

    def report(self) -> VerifyReport:
        return VerifyReport(
            ok=self.failure is None,
            records=self.records,
            checkpoints=self.checkpoints,
            last_checkpoint_seq=self.last_checkpoint_seq,
            head_hash=self.prev_hash,
            failure=self.failure,
            unanchored=self.expected_seq - 1 - (self.last_checkpoint_seq or 0),
            anchored_seq=self.anchored_seq,
            anchors=sum(len(held) for held in self.anchors.values()),
        )

    def fail(self, seq: int, problem: str, detail: str) -> bool:
        return self._fail(seq, problem, detail)

    def _in_place(self, seq: int) -> bool:
        if seq != self.expected_seq:
            why = "missing" if seq > self.expected_seq else "out of order or repeated"
            return self._fail(
                self.expected_seq, "sequence.gap", f"record {self.expected_seq} is {why}"
            )
        self.expected_seq += 1
        self.records += 1
        return True

    def _fail(self, seq: int, problem: str, detail: str) -> bool:
        if self.failure is None:
            self.failure = Failure(seq=seq, problem=problem, detail=detail)
        return False
