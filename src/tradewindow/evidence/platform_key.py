"""The platform's Ed25519 key, which signs evidence checkpoints, kept in a PEM file.

The file is ``TRADEWINDOW_PLATFORM_KEY_FILE`` if set, else ``<data_dir>/platform-ed25519.pem``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.settings import Settings

ENV = "TRADEWINDOW_PLATFORM_KEY_FILE"


def platform_key_path(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    if env is not None and env.get(ENV):
        return Path(env[ENV])
    return settings.platform_key_file or settings.data_dir / "platform-ed25519.pem"


def load_platform_key(path: Path, *, create: bool = False) -> ed25519.Ed25519PrivateKey:
    """The key in ``path``; with ``create``, a new one written there (mode 600) if absent."""
    if create and not path.exists():
        key = ed25519.Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return loaded


def load_trusted_keys(path: Path) -> list[ed25519.Ed25519PublicKey]:
    """The platform public keys a verifier trusts: every PEM block of the file ``path``, or of
    every ``*.pem`` in the folder ``path``. Raises ``ValueError`` for a key that is not Ed25519."""
    files = sorted(path.glob("*.pem")) if path.is_dir() else [path]
    keys = []
    for file in files:
        text = file.read_bytes()
        for block in text.split(b"-----END PUBLIC KEY-----")[:-1]:
            key = serialization.load_pem_public_key(block + b"-----END PUBLIC KEY-----\n")
            if not isinstance(key, ed25519.Ed25519PublicKey):
                raise ValueError(f"{file} holds a key that is not an Ed25519 public key")
            keys.append(key)
    return keys


def public_pem(key: ed25519.Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
