"""Evidence bundles: one filing's records, linked to a signed checkpoint, verifiable offline.

A bundle is canonical JSON (msgspec, compact, fields in declaration order)::

    format               "tradewindow-evidence-bundle/1"
    filing               the subject id the bundle is about
    platform_public_key  the platform's Ed25519 public key, base64 of its 32 raw bytes
    start_prev_hash      prev_hash of the first record in the segment
    records              the filing's records and every checkpoint in the segment, in full
    links                every other record of the segment as {seq, content_digest} only

The segment runs from the filing's first record to the first checkpoint after its last one.
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

from tradewindow.evidence.chain import (
    ChainWalk,
    Record,
    RecordKind,
    VerifyReport,
    key_fingerprint,
    record_content_digest,
)

FORMAT = "tradewindow-evidence-bundle/1"


class Link(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    seq: int
    content_digest: str


class StrictRecord(Record, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class Bundle(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    format: str
    filing: str
    platform_public_key: str
    start_prev_hash: str
    records: list[StrictRecord]
    links: list[Link]


def encode(bundle: Bundle) -> bytes:
    return msgspec.json.encode(bundle)


def build(
    filing: str,
    segment: list[Record],
    filing_seqs: set[int],
    public_key: ed25519.Ed25519PublicKey,
) -> bytes:
    """The bundle for ``filing`` over ``segment`` (which ends with a checkpoint)."""
    full = [
        StrictRecord(**msgspec.structs.asdict(r))
        for r in segment
        if r.seq in filing_seqs or r.kind == RecordKind.CHECKPOINT
    ]
    links = [
        Link(r.seq, record_content_digest(r))
        for r in segment
        if not (r.seq in filing_seqs or r.kind == RecordKind.CHECKPOINT)
    ]
    raw = public_key.public_bytes_raw()
    return encode(
        Bundle(
            format=FORMAT,
            filing=filing,
            platform_public_key=base64.b64encode(raw).decode("ascii"),
            start_prev_hash=segment[0].prev_hash,
            records=full,
            links=links,
        )
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
    if bundle.format != FORMAT:
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
    entries: list[Record | Link] = sorted(
        [*bundle.records, *bundle.links], key=lambda entry: entry.seq
    )
    if not entries:
        walk = ChainWalk(public_key)
        walk.fail(0, "bundle.empty", "the bundle holds no records")
        return walk.report()
    walk = ChainWalk(public_key, first_seq=entries[0].seq, prev_hash=bundle.start_prev_hash)
    filing_records = 0
    for entry in entries:
        if isinstance(entry, Link):
            if not walk.link(entry.seq, entry.content_digest):
                return walk.report()
            continue
        if not walk.record(entry):
            return walk.report()
        if entry.kind != RecordKind.CHECKPOINT:
            if bundle.filing not in _subject_ids(entry):
                walk.fail(entry.seq, "bundle.foreign_record", "a full record is not the filing's")
                return walk.report()
            filing_records += 1
    last = entries[-1]
    if isinstance(last, Link) or last.kind != RecordKind.CHECKPOINT:
        walk.fail(last.seq, "bundle.unsigned", "the segment does not end in a signed checkpoint")
    elif filing_records == 0:
        walk.fail(last.seq, "bundle.empty", "the bundle holds none of the filing's records")
    return walk.report()


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
