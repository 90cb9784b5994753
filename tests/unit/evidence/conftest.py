"""Fixtures for the evidence tests: software key pairs registered for a party."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tradewindow.evidence import certificates
from tradewindow.evidence.certificates import KeyAlgorithm, KeyPair
from tradewindow.evidence.signatures import SoftwareKey

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def registered(pair: KeyPair, **changes: object) -> SoftwareKey:
    values: dict[str, object] = {
        "key_id": pair.key_id,
        "algorithm": pair.algorithm.value,
        "public_key_pem": pair.certificate_pem,
        "valid_from": datetime(2025, 1, 1, tzinfo=UTC),
        "valid_to": datetime(2027, 1, 1, tzinfo=UTC),
    }
    values.update(changes)
    return SoftwareKey(**values)  # type: ignore[arg-type]


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
