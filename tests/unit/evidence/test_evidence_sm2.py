"""SM2 signatures with SM3 (GB/T 32918.2, GB/T 32905) and the SM2 key files, cross-checked
against gmssl's own verifier and, where installed, OpenSSL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from gmssl import sm2 as gmssl_sm2  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.evidence import certificates
from tradewindow.evidence.certificates import KeyAlgorithm
from tradewindow.formats import xmldsig_sm2
from tradewindow.formats.xmldsig_sm2 import Sm2PrivateKey, Sm2PublicKey

KEY = Sm2PrivateKey(0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8)


def test_sm3_of_abc_is_the_gb_t_32905_example() -> None:
    assert xmldsig_sm2.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_a_signature_is_64_bytes_and_holds_only_for_the_signed_bytes() -> None:
    signature = xmldsig_sm2.sign(KEY, b"CEB621 message")
    assert len(signature) == 64
    assert xmldsig_sm2.verify(KEY.public_key(), signature, b"CEB621 message")
    assert not xmldsig_sm2.verify(KEY.public_key(), signature, b"CEB621 messagf")
    other = Sm2PrivateKey.generate().public_key()
    assert not xmldsig_sm2.verify(other, signature, b"CEB621 message")


def test_gmssl_verifies_our_signature_with_its_own_z_value() -> None:
    public = KEY.public_key()
    signature = xmldsig_sm2.sign(KEY, b"hello")
    curve = gmssl_sm2.CryptSM2(private_key=None, public_key="")
    curve.public_key = f"{public.x:064x}{public.y:064x}"
    assert curve.verify_with_sm3(signature.hex(), b"hello")


def test_the_der_form_of_a_signature_is_accepted_too() -> None:
    signature = xmldsig_sm2.sign(KEY, b"data")
    encoded = xmldsig_sm2.der_signature(signature)
    assert encoded[0] == 0x30
    assert xmldsig_sm2.verify(KEY.public_key(), encoded, b"data")


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=80))
def test_garbage_signatures_are_refused_without_raising(garbage: bytes) -> None:
    assert not xmldsig_sm2.verify(KEY.public_key(), garbage, b"data")


def test_a_point_off_the_curve_is_not_a_public_key() -> None:
    good = KEY.public_key()
    with pytest.raises(ValueError, match="not a point on the curve"):
        Sm2PublicKey(good.x, good.y + 1)
    assert Sm2PublicKey.from_bytes(good.to_bytes()) == good


def test_the_private_key_never_shows_in_its_repr() -> None:
    assert f"{KEY.d:x}" not in repr(KEY)


@pytest.mark.parametrize("algorithm", list(KeyAlgorithm))
def test_new_key_pairs_read_back_and_are_named_by_the_certificate_serial(
    algorithm: KeyAlgorithm,
) -> None:
    pair = certificates.new_key_pair(algorithm)
    private = certificates.load_private_key(pair.private_pem)
    assert certificates.algorithm_of(private) is algorithm
    from_certificate = certificates.load_public_key(pair.certificate_pem)
    assert from_certificate == certificates.load_public_key(pair.public_pem)
    assert certificates.certificate_serial(pair.certificate_pem) == pair.key_id
    assert len(pair.key_id) == 16


OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")


@needs_openssl
def test_openssl_verifies_our_self_signed_sm2_certificate(tmp_path: Path) -> None:
    pair = certificates.new_key_pair(KeyAlgorithm.SM2, "Shenzhen Test Trading Co.")
    (tmp_path / "cert.pem").write_bytes(pair.certificate_pem)
    (tmp_path / "key.pem").write_bytes(pair.private_pem)
    cert = str(tmp_path / "cert.pem")
    result = _openssl("verify", "-CAfile", cert, cert)
    assert result.endswith(": OK")
    text = _openssl("x509", "-in", cert, "-noout", "-text")
    assert "SM2-with-SM3" in text
    assert "Shenzhen Test Trading Co." in text
    # the private key file holds the same key as the certificate
    public = _openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout")
    assert certificates.load_public_key(public.encode()) == certificates.load_public_key(
        pair.certificate_pem
    )


@needs_openssl
def test_an_openssl_sm2_key_signs_and_verifies_here(tmp_path: Path) -> None:
    path = tmp_path / "openssl.pem"
    _openssl("genpkey", "-algorithm", "SM2", "-out", str(path))
    key = certificates.load_private_key(path.read_bytes())
    assert isinstance(key, Sm2PrivateKey)
    public = certificates.load_public_key(_openssl("pkey", "-in", str(path), "-pubout").encode())
    assert public == key.public_key()
    assert xmldsig_sm2.verify(public, xmldsig_sm2.sign(key, b"x"), b"x")


def _openssl(*args: str) -> str:
    assert OPENSSL is not None
    done = subprocess.run([OPENSSL, *args], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip()
