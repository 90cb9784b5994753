"""What a recipient verifies: the dataset version's chunks, each by its SHA-256, their Merkle
root, and the platform's Ed25519 signature over the whole.

The Merkle tree is RFC 6962's (Certificate Transparency, section 2.1): a leaf hashes
``0x00 || chunk digest``, a node ``0x01 || left || right``, and a level of odd length splits at
the largest power of two below it — so a proof for one chunk is short and the root of n chunks is
defined for every n. Digests are of the plaintext: a recipient checks what it received, not what
the store keeps encrypted.
"""

from __future__ import annotations

import hashlib

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

CHUNK_SIZE = 8 * 1024 * 1024  # 8 MiB: a 1 GB version is 128 chunks
# chunks a client moves at once by default (``data push|pull --parallel``): a chunk's hashing and
# sealing (CPU) alternate with its fsyncs and commit (waiting on the disk); a third worker keeps
# both cores busy while the others wait on the disk (two left a core idle per fsync)
PARALLEL = 3


def chunk_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _leaf(digest: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(digest)).digest()


def _root(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + _root(leaves[:split]) + _root(leaves[split:])).digest()


def merkle_root(digests: list[str] | tuple[str, ...]) -> str:
    """The RFC 6962 tree head of the chunk digests (the hash of nothing for no chunk)."""
    if not digests:
        return hashlib.sha256(b"").hexdigest()
    return _root([_leaf(d) for d in digests]).hex()


def chunk_count(size: int, chunk_size: int) -> int:
    return max(1, -(-size // chunk_size))


class Manifest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    transfer: str
    dataset: str
    size: int
    chunk_size: int
    chunks: tuple[str, ...]  # SHA-256 of each plaintext chunk, in order
    root: str
    signature: str = ""  # Ed25519 over :func:`signed_bytes`, hex

    def chunk_range(self, index: int) -> tuple[int, int]:
        """The bytes ``[start, end)`` chunk ``index`` covers."""
        start = index * self.chunk_size
        return start, min(start + self.chunk_size, self.size)


def signed_bytes(manifest: Manifest) -> bytes:
    """The manifest without its signature, canonical JSON (fields in declaration order)."""
    return msgspec.json.encode(msgspec.structs.replace(manifest, signature=""))


def build(transfer: str, dataset: str, size: int, chunk_size: int, chunks: list[str]) -> Manifest:
    if len(chunks) != chunk_count(size, chunk_size):
        raise ValueError(f"{len(chunks)} chunks do not cover {size} bytes of {chunk_size}")
    return Manifest(
        transfer=transfer,
        dataset=dataset,
        size=size,
        chunk_size=chunk_size,
        chunks=tuple(chunks),
        root=merkle_root(chunks),
    )


def sign(manifest: Manifest, key: ed25519.Ed25519PrivateKey) -> Manifest:
    return msgspec.structs.replace(manifest, signature=key.sign(signed_bytes(manifest)).hex())


def problems(manifest: Manifest, key: ed25519.Ed25519PublicKey) -> list[str]:
    """Why the manifest is not to be trusted, as codes (empty: it is)."""
    found: list[str] = []
    try:
        key.verify(bytes.fromhex(manifest.signature), signed_bytes(manifest))
    except (InvalidSignature, ValueError):
        found.append("DATA.manifest.signature")
    if merkle_root(manifest.chunks) != manifest.root:
        found.append("DATA.manifest.root")
    if len(manifest.chunks) != chunk_count(manifest.size, manifest.chunk_size):
        found.append("DATA.manifest.chunks")
    return found
