"""Encryption at rest: one AES-256-GCM key per dataset version, sealed by the master keys.

The sealing is the callback secrets' (``logistics.guard.SecretBox``): a ``MultiFernet`` over the
configured master keys, the first seals and every one opens, so the master key rotates by putting
a new one first and :meth:`MasterKeys.reseal` re-wraps a stored key. A dataset key never leaves
the process unsealed. Each chunk is encrypted with a fresh 96-bit nonce and the transfer, the chunk
index and the SHA-256 of its plaintext as associated data, so a chunk moved to another place or
transfer fails to open, and so does one opened against another digest than the one it was sealed
with: the channel seals a chunk only once its SHA-256 is checked, so a chunk that opens against
the manifest's digest is the chunk the manifest names (the tag is the check: no second SHA-256
over the plaintext on the way out). Chunks sealed before the digest was bound (no ``digest``)
open as before and are hashed by the caller.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

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


def _context(transfer: str, index: int, digest: str) -> bytes:
    bound = f"/{digest}" if digest else ""
    return f"tradewindow-data/{transfer}/{index}{bound}".encode()


def sealed_size(plain: int) -> int:
    return NONCE + plain + TAG


class Buffers:
    """Buffers lent for one chunk and given back: at most ``keep`` are kept between uses, so
    the memory stays that of the chunks in flight."""

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._free: list[bytearray] = []
        self._lock = threading.Lock()

    @contextmanager
    def lent(self, size: int) -> Iterator[memoryview]:
        with self._lock:
            buffer = self._free.pop() if self._free else bytearray(size)
        if len(buffer) < size:
            buffer = bytearray(size)
        try:
            with memoryview(buffer) as view:
                yield view[:size]
        finally:
            with self._lock:
                if len(self._free) < self._keep:
                    self._free.append(buffer)


def encrypt_chunk(
    key: bytes, transfer: str, index: int, plaintext: Buffer, digest: str = ""
) -> bytearray:
    """``nonce || ciphertext || tag`` in a buffer of its own."""
    stored = bytearray(sealed_size(memoryview(plaintext).nbytes))
    encrypt_chunk_into(key, transfer, index, plaintext, memoryview(stored), digest)
    return stored


def encrypt_chunk_into(
    key: bytes, transfer: str, index: int, plaintext: Buffer, into: memoryview, digest: str = ""
) -> memoryview:
    """``nonce || ciphertext || tag``, encrypted straight into ``into`` (of
    :func:`sealed_size`; no 8 MiB allocation, concatenation or slice on the way)."""
    data = memoryview(plaintext)
    if into.nbytes != sealed_size(data.nbytes):
        raise ValueError(f"a sealed chunk of {data.nbytes} bytes needs {sealed_size(data.nbytes)}")
    nonce = os.urandom(NONCE)
    into[:NONCE] = nonce
    AESGCM(key).encrypt_into(nonce, data, _context(transfer, index, digest), into[NONCE:])
    return into


def decrypt_chunk(key: bytes, transfer: str, index: int, stored: Buffer, digest: str = "") -> bytes:
    """The plaintext of a chunk sealed with the same transfer, index and ``digest``
    (:class:`Tampered` otherwise)."""
    view = memoryview(stored)  # the ciphertext is not copied out of what was read
    context = _context(transfer, index, digest)
    try:
        return AESGCM(key).decrypt(view[:NONCE], view[NONCE:], context)
    except (InvalidTag, ValueError):
        raise Tampered(f"chunk {index} of {transfer} does not open") from None
