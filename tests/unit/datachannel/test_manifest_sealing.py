"""The manifest (RFC 6962 Merkle root, Ed25519 signature) and the sealing of dataset keys."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.datachannel import manifest as manifests
from tradewindow.datachannel.manifest import build, chunk_count, chunk_digest, merkle_root
from tradewindow.datachannel.sealing import (
    MasterKeys,
    Tampered,
    decrypt_chunk,
    encrypt_chunk,
    new_dataset_key,
)


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_merkle_root_follows_rfc_6962() -> None:
    a, b, c = (chunk_digest(x) for x in (b"a", b"b", b"c"))
    leaf = {d: _h(b"\x00" + bytes.fromhex(d)) for d in (a, b, c)}
    assert merkle_root([a]) == leaf[a].hex()
    assert merkle_root([a, b]) == _h(b"\x01" + leaf[a] + leaf[b]).hex()
    # three leaves split at the largest power of two below: (a b) c
    assert merkle_root([a, b, c]) == _h(b"\x01" + _h(b"\x01" + leaf[a] + leaf[b]) + leaf[c]).hex()
    assert merkle_root([]) == hashlib.sha256(b"").hexdigest()


@given(st.lists(st.binary(min_size=1, max_size=8), min_size=1, max_size=12), st.data())
def test_any_changed_chunk_changes_the_root(chunks: list[bytes], data: st.DataObject) -> None:
    digests = [chunk_digest(c) for c in chunks]
    index = data.draw(st.integers(0, len(chunks) - 1))
    changed = list(digests)
    changed[index] = chunk_digest(chunks[index] + b"!")
    assert merkle_root(changed) != merkle_root(digests)
    swapped = digests[::-1]
    if swapped != digests:
        assert merkle_root(swapped) != merkle_root(digests)


def test_chunk_count_and_ranges() -> None:
    assert chunk_count(0, 10) == 1
    assert chunk_count(10, 10) == 1
    assert chunk_count(11, 10) == 2
    found = build("T", "D", 25, 10, [chunk_digest(b"x")] * 3)
    assert [found.chunk_range(i) for i in range(3)] == [(0, 10), (10, 20), (20, 25)]
    with pytest.raises(ValueError, match="do not cover"):
        build("T", "D", 25, 10, [chunk_digest(b"x")] * 2)


def test_a_signed_manifest_verifies_and_any_change_is_caught() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signed = manifests.sign(build("T", "D", 3, 2, [chunk_digest(b"ab"), chunk_digest(b"c")]), key)
    assert manifests.problems(signed, key.public_key()) == []
    for change in ({"size": 4}, {"transfer": "T2"}, {"chunks": (chunk_digest(b"x"),) * 2}):
        forged = manifests.Manifest(**{**_fields(signed), **change})
        assert "DATA.manifest.signature" in manifests.problems(forged, key.public_key())
    unrooted = manifests.sign(manifests.Manifest(**{**_fields(signed), "root": "00" * 32}), key)
    assert manifests.problems(unrooted, key.public_key()) == ["DATA.manifest.root"]


def _fields(found: manifests.Manifest) -> dict[str, object]:
    return {name: getattr(found, name) for name in found.__struct_fields__}


def test_dataset_keys_are_sealed_and_master_keys_rotate() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    dataset_key = new_dataset_key()
    sealed = MasterKeys([old]).seal(dataset_key)
    assert dataset_key not in sealed
    rotated = MasterKeys([new, old])
    assert rotated.open(sealed) == dataset_key
    resealed = rotated.reseal(sealed)
    assert MasterKeys([new]).open(resealed) == dataset_key
    with pytest.raises(ValueError, match="no longer set"):
        MasterKeys([new]).open(sealed)


def test_a_chunk_opens_only_with_its_key_transfer_and_place() -> None:
    key = new_dataset_key()
    stored = encrypt_chunk(key, "T-1", 3, b"research data")
    assert b"research data" not in stored
    assert decrypt_chunk(key, "T-1", 3, stored) == b"research data"
    for other_key, transfer, index, blob in (
        (new_dataset_key(), "T-1", 3, stored),
        (key, "T-2", 3, stored),
        (key, "T-1", 4, stored),
        (key, "T-1", 3, stored[:-1] + bytes([stored[-1] ^ 1])),
    ):
        with pytest.raises(Tampered):
            decrypt_chunk(other_key, transfer, index, blob)


def test_a_chunk_sealed_with_its_digest_opens_only_against_that_digest() -> None:
    key = new_dataset_key()
    digest = chunk_digest(b"research data")
    stored = encrypt_chunk(key, "T-1", 3, b"research data", digest)
    assert decrypt_chunk(key, "T-1", 3, stored, digest) == b"research data"
    for other in ("", chunk_digest(b"other data")):
        with pytest.raises(Tampered):
            decrypt_chunk(key, "T-1", 3, stored, other)
    unbound = encrypt_chunk(key, "T-1", 3, b"research data")
    with pytest.raises(Tampered):
        decrypt_chunk(key, "T-1", 3, unbound, digest)
