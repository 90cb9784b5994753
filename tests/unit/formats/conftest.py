"""Fixtures for the CEB format tests: the test-only signing key of the sample set."""

from __future__ import annotations

import pytest
from ceb_samples import CEB_DATA
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@pytest.fixture(scope="session")
def signer_key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(
        (CEB_DATA / "test_signer_key.pem").read_bytes(), password=None
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@pytest.fixture(scope="session")
def signer_cert() -> x509.Certificate:
    return x509.load_pem_x509_certificate((CEB_DATA / "test_signer_cert.pem").read_bytes())


@pytest.fixture(scope="session")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
