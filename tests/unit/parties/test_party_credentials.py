"""Key and token formats, keyed hashing, rotation grace, and registered key material."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.parties.credentials import (
    SecretHasher,
    format_api_key,
    format_token,
    new_credential_id,
    new_secret,
    parse_api_key,
    parse_token,
    secret_accepted,
)
from tradewindow.parties.keys import KeyAlgorithm, RegisteredKey, key_fingerprint

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_api_key_round_trip_even_with_underscores_in_the_secret() -> None:
    secret = "_" * 8 + "a-b_" * 8 + "xyz"
    assert len(secret) == 43  # as token_urlsafe(32)
    key = format_api_key("abcdefgh234567ab", secret)
    assert key.startswith("tw_abcdefgh234567ab_")
    assert parse_api_key(key) == ("abcdefgh234567ab", secret)
    assert parse_token(key) is None  # an API key is not a bearer token
    assert parse_token(format_token("abcdefgh234567ab", secret)) == ("abcdefgh234567ab", secret)


def test_issued_ids_and_secrets_parse() -> None:
    for _ in range(200):
        identifier, secret = new_credential_id(), new_secret()
        assert parse_api_key(format_api_key(identifier, secret)) == (identifier, secret)
        assert len(base64.urlsafe_b64decode(secret + "=")) == 32  # 256 bits


@given(
    st.text("abcdefghijklmnopqrstuvwxyz234567", min_size=16, max_size=16),
    st.text("ABCXYZabcxyz0189_-", min_size=43, max_size=43),
)
def test_any_well_formed_key_round_trips(identifier: str, secret: str) -> None:
    assert parse_api_key(format_api_key(identifier, secret)) == (identifier, secret)
    assert parse_token(format_token(identifier, secret)) == (identifier, secret)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tw_",
        "tw_abcdefgh234567ab",
        "tw_abcdefgh234567ab_short",
        "TW_abcdefgh234567ab_" + "a" * 43,
        "tw_ABCDEFGH234567AB_" + "a" * 43,  # ids are lower case
        "tw_abcdefgh234567a_" + "a" * 43,  # 15-character id
        "tw_abcdefgh234567ab_" + "a" * 42 + "!",
        "twt_abcdefgh234567ab_" + "a" * 43,
    ],
)
def test_malformed_keys_do_not_parse(text: str) -> None:
    assert parse_api_key(text) is None


def test_keyed_hash_depends_on_the_pepper_and_compares_exactly() -> None:
    secret = new_secret()
    ours, theirs = SecretHasher(b"pepper-1"), SecretHasher(b"pepper-2")
    assert ours.matches(secret, ours.digest(secret))
    assert not theirs.matches(secret, ours.digest(secret))
    assert not ours.matches(secret + "x", ours.digest(secret))
    assert not ours.matches(secret, None)
    assert len(ours.digest(secret)) == 32


def test_previous_secret_only_within_the_grace() -> None:
    hasher = SecretHasher(b"p")
    old, new = new_secret(), new_secret()
    current, previous = hasher.digest(new), hasher.digest(old)
    until = NOW + timedelta(minutes=10)

    def accepted(secret: str, at: datetime) -> bool:
        return secret_accepted(hasher, secret, current, previous, until, at)

    assert accepted(new, NOW)
    assert accepted(new, until + timedelta(days=1))
    assert accepted(old, until - timedelta(microseconds=1))
    assert not accepted(old, until)
    assert not secret_accepted(hasher, old, current, None, None, NOW)


# --- registered keys -------------------------------------------------------------------------


def rsa_pems() -> tuple[bytes, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SF Express signing")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=365))
        .sign(private, hashes.SHA256())
    )
    return public, certificate.public_bytes(serialization.Encoding.PEM)


def test_accepted_key_forms_have_stable_fingerprints() -> None:
    public, certificate = rsa_pems()
    for pem in (public, certificate):
        fingerprint = key_fingerprint(KeyAlgorithm.RSA, pem)
        assert fingerprint is not None
        assert len(fingerprint) == 64
        assert key_fingerprint(KeyAlgorithm.SM2, pem.replace(b"\n", b"\r\n")) == fingerprint
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert key_fingerprint(KeyAlgorithm.ED25519, raw) is not None


@pytest.mark.parametrize(
    ("algorithm", "material"),
    [
        (KeyAlgorithm.ED25519, b"\x01" * 31),
        (KeyAlgorithm.ED25519, b"\x01" * 33),
        (KeyAlgorithm.RSA, b"not a pem"),
        (KeyAlgorithm.RSA, b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        (KeyAlgorithm.SM2, b"-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n"),
        (KeyAlgorithm.RSA, b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"),
        (KeyAlgorithm.RSA, b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END PUBLIC KEY-----\n"),
    ],
)
def test_rejected_key_material(algorithm: KeyAlgorithm, material: bytes) -> None:
    assert key_fingerprint(algorithm, material) is None


def test_key_usable_within_validity_until_revoked() -> None:
    key = RegisteredKey(
        id="k",
        party_id="p",
        algorithm=KeyAlgorithm.ED25519,
        material=b"\x00" * 32,
        fingerprint="f",
        label="",
        valid_from=NOW,
        valid_until=NOW + timedelta(days=30),
        registered_at=NOW,
        revoked_at=NOW + timedelta(days=10),
    )
    assert not key.usable_at(NOW - timedelta(seconds=1))
    assert key.usable_at(NOW)
    assert key.usable_at(NOW + timedelta(days=10) - timedelta(seconds=1))
    assert not key.usable_at(NOW + timedelta(days=10))
