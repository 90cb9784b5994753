"""The hash chain and bundles, pure: sealing, walking, checkpoints, offline verification."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.evidence import bundle, chain
from tradewindow.evidence.chain import GENESIS, ChainWalk, Entry, Record, RecordKind

PLATFORM_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def entry(n: int, filing: str) -> Entry:
    return Entry(
        kind=RecordKind.MESSAGE_ACCEPTED if n % 2 else RecordKind.RECEIPT,
        subjects=(filing, f"party:{n % 3}"),
        payload_digest=hashlib.sha256(f"message {n}".encode()).hexdigest(),
        actor=f"party:{n % 3}",
        at=T0 + timedelta(seconds=n),
        signature=None if n % 3 else "c2lnbmF0dXJl",
    )


def chain_of(count: int) -> list[Record]:
    records = chain.seal_all([entry(n, f"F{n % 4}") for n in range(count)], 0, GENESIS)
    head = records[-1]
    records.append(chain.checkpoint(PLATFORM_KEY, head.seq + 1, head.hash, T0 + timedelta(hours=1)))
    return records


def walk(records: list[Record]) -> chain.VerifyReport:
    walker = ChainWalk(PLATFORM_KEY.public_key())
    for record in records:
        if not walker.record(record):
            break
    return walker.report()


def test_records_link_by_hash_and_the_checkpoint_holds() -> None:
    records = chain_of(12)
    report = walk(records)
    assert report.ok
    assert (report.records, report.checkpoints, report.last_checkpoint_seq) == (13, 1, 13)
    assert [r.seq for r in records] == list(range(1, 14))
    assert records[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))


def test_the_hash_covers_prev_hash_and_every_field() -> None:
    record = chain_of(1)[0]
    fields = msgspec.structs.asdict(record)
    for name, value in fields.items():
        if name == "hash":
            continue
        changed = value + 1 if isinstance(value, int) else (value or "") + "x"
        altered = msgspec.structs.replace(record, **{name: changed})
        digest = chain.link_hash(altered.prev_hash, chain.record_content_digest(altered))
        assert digest != record.hash, name


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"payload_digest": "0" * 64}, "hash.mismatch"),
        ({"actor": "party:9"}, "hash.mismatch"),
        ({"prev_hash": "f" * 64}, "link.broken"),
        ({"seq": 99}, "sequence.gap"),
    ],
)
def test_the_first_altered_record_is_named(change: dict[str, object], problem: str) -> None:
    records = chain_of(8)
    records[4] = msgspec.structs.replace(records[4], **change)
    report = walk(records)
    assert not report.ok
    assert report.failure is not None
    assert (report.failure.seq, report.failure.problem) == (5, problem)


def test_a_checkpoint_by_another_key_fails() -> None:
    records = chain_of(3)
    head = records[2]
    records[3] = chain.checkpoint(ed25519.Ed25519PrivateKey.generate(), 4, head.hash, T0)
    report = walk(records)
    assert report.failure is not None
    assert (report.failure.seq, report.failure.problem) == (4, "checkpoint.bad_signature")


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        chain.time_text(datetime(2025, 1, 1))  # noqa: DTZ001 - the point of the test


# --- bundles ---------------------------------------------------------------------------------


def bundle_of(records: list[Record], filing: str) -> bytes:
    seqs = {r.seq for r in records if filing in r.subject_ids and r.kind != "checkpoint"}
    segment = [r for r in records if r.seq >= min(seqs)]
    return bundle.build(filing, segment, seqs, PLATFORM_KEY.public_key())


BUNDLE = bundle_of(chain_of(16), "F2")


def test_a_bundle_verifies_offline_and_discloses_only_its_filing() -> None:
    report, fingerprint = bundle.verify_bundle(BUNDLE, PLATFORM_KEY.public_key())
    assert report.ok, report.failure
    assert fingerprint == chain.key_fingerprint(PLATFORM_KEY.public_key())
    decoded = msgspec.json.decode(BUNDLE, type=bundle.Bundle)
    full = [r.seq for r in decoded.records]
    assert full == [3, 7, 11, 15, 17]  # F2's four records and the checkpoint
    assert b'"F1"' not in BUNDLE
    assert len(decoded.links) == 17 - 3 + 1 - len(full)


def test_a_bundle_under_another_trusted_key_fails() -> None:
    report, _ = bundle.verify_bundle(BUNDLE, ed25519.Ed25519PrivateKey.generate().public_key())
    assert report.failure is not None
    assert report.failure.problem == "bundle.platform_key"


@settings(max_examples=300, deadline=None)
@given(position=st.integers(0, len(BUNDLE) - 1), flip=st.integers(1, 255))
def test_changing_any_byte_of_a_bundle_fails_it(position: int, flip: int) -> None:
    altered = bytearray(BUNDLE)
    altered[position] ^= flip
    report, _ = bundle.verify_bundle(bytes(altered), PLATFORM_KEY.public_key())
    assert not report.ok
    assert report.failure is not None


def test_a_bundle_without_its_checkpoint_fails() -> None:
    decoded = msgspec.json.decode(BUNDLE, type=bundle.Bundle)
    cut = msgspec.structs.replace(decoded, records=decoded.records[:-1])
    report, _ = bundle.verify_bundle(bundle.encode(cut), PLATFORM_KEY.public_key())
    assert report.failure is not None
    assert report.failure.problem == "bundle.unsigned"


def test_a_bundle_without_a_trusted_key_does_not_verify() -> None:
    """Issue 15: the key inside the bundle was trusted, so a forger's re-signed bundle was
    'ok'. Now no trusted key, no verdict."""
    report, fingerprint = bundle.verify_bundle(BUNDLE)
    assert report.failure is not None
    assert report.failure.problem == "bundle.untrusted"
    assert fingerprint == chain.key_fingerprint(PLATFORM_KEY.public_key())


def test_a_forged_bundle_re_signed_with_another_key_fails() -> None:
    forger = ed25519.Ed25519PrivateKey.from_private_bytes(b"\x09" * 32)
    decoded = msgspec.json.decode(BUNDLE, type=bundle.Bundle)
    # the forger changes a record, re-chains the segment and signs a new checkpoint
    records = chain_of(16)
    forged_records = [
        msgspec.structs.replace(r, actor="party:forged") if r.seq == 3 else r for r in records
    ]
    resealed: list[Record] = []
    head = chain.GENESIS
    for r in forged_records:
        if r.kind == "checkpoint":
            sealed = chain.checkpoint(forger, r.seq, head, T0)
        else:
            digest = chain.content_digest(
                r.seq, r.at, r.kind, r.subjects, r.payload_digest, r.signature, r.actor
            )
            sealed = msgspec.structs.replace(r, prev_hash=head, hash=chain.link_hash(head, digest))
        resealed.append(sealed)
        head = sealed.hash
    seqs = {r.seq for r in resealed if "F2" in r.subject_ids and r.kind != "checkpoint"}
    segment = [r for r in resealed if r.seq >= min(seqs)]
    forged = bundle.build("F2", segment, seqs, forger.public_key())
    assert decoded.records != msgspec.json.decode(forged, type=bundle.Bundle).records
    alone, _ = bundle.verify_bundle(forged, forger.public_key())
    assert alone.ok  # it holds for the forger's own key...
    report, fingerprint = bundle.verify_bundle(forged, PLATFORM_KEY.public_key())
    assert report.failure is not None  # ... not for the platform's
    assert report.failure.problem == "bundle.platform_key"
    assert fingerprint == chain.key_fingerprint(forger.public_key())
