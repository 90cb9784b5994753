"""Helpers for the evidence tests: registering a software key pair for a party."""

from __future__ import annotations

from datetime import UTC, datetime

from tradewindow.evidence.certificates import KeyPair
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
