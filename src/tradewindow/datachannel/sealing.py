"""Encryption at rest: one AES-256-GCM key per dataset version, sealed by the master keys.

The sealing is the callback secrets' (``logistics.guard.SecretBox``): a ``MultiFernet`` over the
configured master keys, the first seals and every one opens, so the master key rotates by putting
a new one first and :meth:`MasterKeys.reseal` re-wraps a stored key. A dataset key never leaves
the process unsealed. Each chunk is encrypted with a fresh 96-bit nonce and the transfer and chunk
index as associated data, so a chunk moved to another place or transfer fails to open.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = 12
TAG = 16

Buffer = bytes | bytearray | memoryview


class Tampered(Exception):
    """A stored chunk does not open with its key (changed, moved or cut)."""


class MasterKeys:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("MasterKeys needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def generate(cls) -> MasterKeys:
        return cls([Fernet.generate_key()])

    def seal(self, dataset_key: bytes) -> bytes:
        return self._fernet.encrypt(dataset_key)

    def open(self, sealed: bytes) -> bytes:
        try:
            return self._fernet.decrypt(sealed)
        except InvalidToken:
            raise ValueError("the dataset key was sealed with a master key no longer set") from None

    def reseal(self, sealed: bytes) -> bytes:
        """The same dataset key sealed by the first master key (after a rotation)."""
        return self._fernet.rotate(sealed)


def new_dataset_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _context(transfer: str, index: int) -> bytes:
    return f"tradewindow-data/{transfer}/{index}".encode()


def encrypt_chunk(key: bytes, transfer: str, index: int, plaintext: Buffer) -> bytearray:
    """``nonce || ciphertext || tag``, encrypted straight into the one buffer it answers (no
    8 MiB concatenation or slice on the way)."""
    data = memoryview(plaintext)
    stored = bytearray(NONCE + data.nbytes + TAG)
    nonce = os.urandom(NONCE)
    stored[:NONCE] = nonce
    AESGCM(key).encrypt_into(nonce, data, _context(transfer, index), memoryview(stored)[NONCE:])
    return stored


def decrypt_chunk(key: bytes, transfer: str, index: int, stored: Buffer) -> bytes:
    view = memoryview(stored)  # the ciphertext is not copied out of what was read
    try:
        return AESGCM(key).decrypt(view[:NONCE], view[NONCE:], _context(transfer, index))
    except (InvalidTag, ValueError):
        raise Tampered(f"chunk {index} of {transfer} does not open") from None
