"""Evidence bundles: one filing's records, linked to a signed checkpoint, verifiable offline.

A bundle is canonical JSON (msgspec, compact, fields in declaration order)::

    format               "tradewindow-evidence-bundle/1"
    filing               the subject id the bundle is about
    platform_public_key  the platform's Ed25519 public key, base64 of its 32 raw bytes
    start_prev_hash      prev_hash of the first record in the segment
    records              the filing's records and every checkpoint in the segment, in full
    links                every other record of the segment as {seq, content_digest} only

The segment runs from the filing's first record to the first checkpoint after its last one.

A filing cleared by partitions (``docs/adr/0009``) has its records in the partitions' chains;
its bundle (format ``tradewindow-evidence-bundle/2``) adds::

    heads_seq            the seq of the platform chain's heads record that vouches for them
    heads                the heads text that record signs ([[partition, seq, hash], …])
    partitions           per partition: start_prev_hash, records (the filing's, in full) and
                         links, from the filing's first record there to the head named

and the platform segment then also covers the heads record (in full in ``records``). A
verifier checks each partition segment's hashes up to the head the signed heads name for that
partition, the heads record's signature, and the platform segment up to its checkpoint.
A verifier recomputes the chain over the segment and checks the checkpoint's signature; any
change to any byte of the bundle fails (a re-encoding must give the same bytes). The key in
the bundle proves nothing by itself (a forger re-signs with his own): verifying **requires**
the platform keys the verifier trusts, and the bundle must be signed by one of them
(``bundle.untrusted`` without any, ``bundle.platform_key`` under another key).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.evidence import partitions as heads_records
from tradewindow.evidence.chain import (
    ChainWalk,
    Failure,
    Record,
    RecordKind,
    VerifyReport,
    key_fingerprint,
    record_content_digest,
)

FORMAT = "tradewindow-evidence-bundle/1"
FORMAT_PARTITIONED = "tradewindow-evidence-bundle/2"


class Link(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    seq: int
    content_digest: str


class StrictRecord(Record, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class PartitionSegment(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    partition: int
    start_prev_hash: str
    records: list[StrictRecord]
    links: list[Link]


class Bundle(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
):
    format: str
    filing: str
    platform_public_key: str
    start_prev_hash: str
    records: list[StrictRecord]
    links: list[Link]
    heads_seq: int | None = None  # format 2 only
    heads: str | None = None
    partitions: list[PartitionSegment] = []


def encode(bundle: Bundle) -> bytes:
    return msgspec.json.encode(bundle)


def build(
    filing: str,
    segment: list[Record],
    filing_seqs: set[int],
    public_key: ed25519.Ed25519PublicKey,
    parts: heads_records.FilingParts | None = None,
) -> bytes:
    """The bundle for ``filing`` over ``segment`` (which ends with a checkpoint), with its
    partition segments and the heads record (in ``segment``) vouching for them when cleared
    by partitions."""
    full_seqs = filing_seqs | ({parts.heads_record.seq} if parts else set())
    records, links = _split(segment, full_seqs, keep_checkpoints=True)
    raw = public_key.public_bytes_raw()
    bundle = Bundle(
        format=FORMAT,
        filing=filing,
        platform_public_key=base64.b64encode(raw).decode("ascii"),
        start_prev_hash=segment[0].prev_hash,
        records=records,
        links=links,
    )
    if parts is not None:
        segments = []
        for part in parts.parts:
            full, other = _split(part.records, set(part.seqs), keep_checkpoints=False)
            segments.append(
                PartitionSegment(
                    partition=part.partition,
                    start_prev_hash=part.records[0].prev_hash,
                    records=full,
                    links=other,
                )
            )
        bundle = msgspec.structs.replace(
            bundle,
            format=FORMAT_PARTITIONED,
            heads_seq=parts.heads_record.seq,
            heads=parts.heads,
            partitions=segments,
        )
    return encode(bundle)


def _split(
    segment: list[Record], full_seqs: set[int], *, keep_checkpoints: bool
) -> tuple[list[StrictRecord], list[Link]]:
    def full(r: Record) -> bool:
        return r.seq in full_seqs or (keep_checkpoints and r.kind == RecordKind.CHECKPOINT)

    return (
        [StrictRecord(**msgspec.structs.asdict(r)) for r in segment if full(r)],
        [Link(r.seq, record_content_digest(r)) for r in segment if not full(r)],
    )


def verify_bundle(
    data: bytes,
    trusted: ed25519.Ed25519PublicKey | Sequence[ed25519.Ed25519PublicKey] = (),
) -> tuple[VerifyReport, str | None]:
    """(report, fingerprint of the platform key that signed) for a bundle, checked against the
    ``trusted`` platform keys (one of them must have signed); never raises on bad input."""
    keys = [trusted] if isinstance(trusted, ed25519.Ed25519PublicKey) else list(trusted)
    walk = ChainWalk(None)
    try:
        bundle = msgspec.json.decode(data, type=Bundle)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as error:
        walk.fail(0, "bundle.unreadable", f"the bundle cannot be read: {error}")
        return walk.report(), None
    if encode(bundle) != data:
        walk.fail(
            0, "bundle.not_canonical", "the bundle's bytes are not as the platform wrote them"
        )
        return walk.report(), None
    partitioned = bundle.heads_seq is not None or bundle.heads is not None or bundle.partitions
    if bundle.format != (FORMAT_PARTITIONED if partitioned else FORMAT):
        walk.fail(0, "bundle.format", f"unknown bundle format {bundle.format[:60]!r}")
        return walk.report(), None
    public_key = _public_key(bundle.platform_public_key)
    if public_key is None:
        walk.fail(0, "bundle.platform_key", "the platform public key cannot be read")
        return walk.report(), None
    fingerprint = key_fingerprint(public_key)
    if not keys:
        walk.fail(
            0,
            "bundle.untrusted",
            "no trusted platform key given: the key inside a bundle proves nothing by itself",
        )
        return walk.report(), fingerprint
    if fingerprint not in {key_fingerprint(key) for key in keys}:
        walk.fail(
            0,
            "bundle.platform_key",
            f"the bundle is signed by {fingerprint}, which is not a trusted platform key",
        )
        return walk.report(), fingerprint
    return _walk(bundle, public_key), fingerprint


def _walk(bundle: Bundle, public_key: ed25519.Ed25519PublicKey) -> VerifyReport:
    """The platform segment's walk, then each partition segment's against the signed heads."""
    entries: list[Record | Link] = sorted(
        [*bundle.records, *bundle.links], key=lambda entry: entry.seq
    )
    if not entries:
        walk = ChainWalk(public_key)
        walk.fail(0, "bundle.empty", "the bundle holds no records")
        return walk.report()
    walk = ChainWalk(public_key, first_seq=entries[0].seq, prev_hash=bundle.start_prev_hash)
    filing_records = 0
    heads_found = False
    for entry in entries:
        if isinstance(entry, Link):
            if not walk.link(entry.seq, entry.content_digest):
                return walk.report()
            continue
        if not walk.record(entry):
            return walk.report()
        if entry.kind == RecordKind.CHECKPOINT:
            continue
        if bundle.heads_seq is not None and entry.seq == bundle.heads_seq:
            problem = heads_records.heads_problem(entry, bundle.heads or "", public_key)
            if problem is not None:
                walk.fail(entry.seq, *problem)
                return walk.report()
            heads_found = True
        elif bundle.filing not in _subject_ids(entry):
            walk.fail(entry.seq, "bundle.foreign_record", "a full record is not the filing's")
            return walk.report()
        else:
            filing_records += 1
    last = entries[-1]
    if isinstance(last, Link) or last.kind != RecordKind.CHECKPOINT:
        walk.fail(last.seq, "bundle.unsigned", "the segment does not end in a signed checkpoint")
        return walk.report()
    if bundle.heads_seq is not None and not heads_found:
        walk.fail(bundle.heads_seq, "bundle.heads", "the heads record is not in the signed segment")
        return walk.report()
    report = walk.report()
    if bundle.partitions or bundle.heads_seq is not None:
        heads = heads_records.heads_of(bundle.heads or "")
        if heads is None or not bundle.partitions:
            walk.fail(bundle.heads_seq or 0, "bundle.heads", "the partition heads cannot be read")
            return walk.report()
        for segment in bundle.partitions:
            found = _walk_partition(segment, heads, bundle.filing, public_key)
            if isinstance(found, Failure):
                return msgspec.structs.replace(report, ok=False, failure=found)
            filing_records += found[0]
            report = msgspec.structs.replace(report, records=report.records + found[1])
    if filing_records == 0:
        walk.fail(last.seq, "bundle.empty", "the bundle holds none of the filing's records")
        return walk.report()
    return report


def _walk_partition(
    segment: PartitionSegment,
    heads: dict[int, tuple[int, str]],
    filing: str,
    public_key: ed25519.Ed25519PublicKey,
) -> Failure | tuple[int, int]:
    """(the filing's records, all records) of ``segment`` when its hashes lead to the head the
    signed heads name for its partition; else the first failure (its seq the partition's)."""
    p = segment.partition

    def failed(seq: int, problem: str, detail: str) -> Failure:
        return Failure(seq=seq, problem=problem, detail=f"partition {p}: {detail}")

    entries: list[Record | Link] = sorted(
        [*segment.records, *segment.links], key=lambda entry: entry.seq
    )
    if p not in heads:
        return failed(0, "bundle.heads", "the signed heads name no head of this partition")
    if not entries:
        return failed(0, "bundle.empty", "the partition segment holds no records")
    first = entries[0].seq
    if first == 1 and segment.start_prev_hash != heads_records.genesis(p):
        return failed(1, "link.broken", "record 1 does not follow the partition's genesis")
    walk = ChainWalk(None, first_seq=first, prev_hash=segment.start_prev_hash)
    records = 0
    for entry in entries:
        if isinstance(entry, Link):
            ok = walk.link(entry.seq, entry.content_digest)
        elif entry.kind == RecordKind.CHECKPOINT:
            return failed(entry.seq, "bundle.foreign_record", "a checkpoint in a partition")
        else:
            ok = walk.record(entry)
            if ok and filing not in _subject_ids(entry):
                return failed(
                    entry.seq, "bundle.foreign_record", "a full record is not the filing's"
                )
            records += ok
        if not ok and walk.failure is not None:
            return failed(walk.failure.seq, walk.failure.problem, walk.failure.detail)
    seq, head = heads[p]
    if entries[-1].seq != seq or walk.prev_hash != head:
        return failed(
            entries[-1].seq,
            "heads.mismatch",
            f"the segment does not end at the signed head (record {seq})",
        )
    return records, walk.records


def _subject_ids(record: Record) -> list[str]:
    try:
        return record.subject_ids
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        return []


def _public_key(text: str) -> ed25519.Ed25519PublicKey | None:
    try:
        raw = base64.b64decode(text, validate=True)
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        return None
