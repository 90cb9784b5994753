"""Signing keys and certificates a party registers, for verifying its signatures.

The registry stores them and says which were usable when; checking signatures is the
evidence package's job (``PartyRegistry.certificates_of``). Accepted forms:

* RSA or SM2: PEM, an X.509 ``CERTIFICATE`` or a ``PUBLIC KEY`` (SubjectPublicKeyInfo);
  only the armour and the DER outer SEQUENCE are checked here, the evidence package parses
  (SM2 keys need gmssl rather than ``cryptography``).
* Ed25519: the raw 32-byte public key (RFC 8032), as JSON submissions are signed with it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime
from enum import StrEnum

import msgspec

_PEM = re.compile(
    rb"-----BEGIN (?P<label>CERTIFICATE|PUBLIC KEY)-----\s*(?P<body>[A-Za-z0-9+/=\s]+?)"
    rb"\s*-----END (?P=label)-----\s*"
)
ED25519_KEY_BYTES = 32


class KeyAlgorithm(StrEnum):
    RSA = "rsa"  # XMLDSig RSA-SHA1 (older CEB keys)
    SM2 = "sm2"  # XMLDSig SM2 with SM3 (CEB 202205)
    ED25519 = "ed25519"  # JSON submissions


class RegisteredKey(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    party_id: str
    algorithm: KeyAlgorithm
    material: bytes  # PEM text (RSA, SM2) or 32 raw bytes (Ed25519)
    fingerprint: str  # SHA-256 of the DER (PEM) or of the raw key, hex
    label: str
    valid_from: datetime
    valid_until: datetime | None
    registered_at: datetime
    revoked_at: datetime | None = None

    def usable_at(self, instant: datetime) -> bool:
        """Within its validity and not revoked by then (a signature made before revocation
        stays verifiable against the key)."""
        if instant < self.valid_from:
            return False
        if self.valid_until is not None and instant >= self.valid_until:
            return False
        return self.revoked_at is None or instant < self.revoked_at


def key_fingerprint(algorithm: KeyAlgorithm, material: bytes) -> str | None:
    """The key's fingerprint, or None when ``material`` is not an accepted form (module doc)."""
    if algorithm is KeyAlgorithm.ED25519:
        if len(material) != ED25519_KEY_BYTES:
            return None
        return hashlib.sha256(material).hexdigest()
    match = _PEM.fullmatch(material)
    if not match:
        return None
    try:
        der = base64.b64decode(b"".join(match["body"].split()), validate=True)
    except binascii.Error:
        return None
    if len(der) < 2 or der[0] != 0x30:  # DER SEQUENCE
        return None
    return hashlib.sha256(der).hexdigest()
