"""Fixtures for the evidence tests: software key pairs (made once per session)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tradewindow.evidence import certificates
from tradewindow.evidence.certificates import KeyAlgorithm, KeyPair


@pytest.fixture(scope="session")
def sm2_pair() -> KeyPair:
    return certificates.new_key_pair(KeyAlgorithm.SM2, now=datetime(2025, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="session")
def ed25519_pair() -> KeyPair:
    return certificates.new_key_pair(KeyAlgorithm.ED25519)


@pytest.fixture(scope="session")
def other_ed25519_pair() -> KeyPair:
    return certificates.new_key_pair(KeyAlgorithm.ED25519)


@pytest.fixture(scope="session")
def rsa_pair() -> KeyPair:
    return certificates.new_key_pair(KeyAlgorithm.RSA)
