"""Settings of callbacks, as the logistics services take them, from ``tradewindow.settings``.

The variables are read (and checked) by :class:`tradewindow.settings.Settings`:
``TRADEWINDOW_CALLBACK_SECRET_KEYS`` (Fernet keys; the first seals subscription secrets, every
one opens), ``TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK`` (tests and local development only),
``TRADEWINDOW_CALLBACK_RETRY_FIRST``, ``TRADEWINDOW_CALLBACK_RETRY_CAP`` and
``TRADEWINDOW_EGRESS_ALLOW`` (the egress guard's allow-list of private networks). With no keys set,
the embedded default keeps one key in ``data_dir`` (``callback-secret-key``, created on first
use, readable by the owner only), so every process over the same data shares it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

import msgspec
from cryptography.fernet import Fernet

from tradewindow.settings import Settings


class CallbackSettings(msgspec.Struct, frozen=True, kw_only=True):
    secret_keys: tuple[bytes, ...]
    allow_loopback: bool = False
    retry_first: timedelta = timedelta(seconds=60)
    retry_cap: timedelta = timedelta(hours=24)
    max_bundle: int = 100
    timeout_seconds: float = 10.0
    egress_allow: tuple[str, ...] = ()  # CIDR networks reachable although not global

    def __repr__(self) -> str:
        return (
            f"CallbackSettings(secret_keys=<{len(self.secret_keys)} masked>, allow_loopback="
            f"{self.allow_loopback}, retry_first={self.retry_first}, retry_cap={self.retry_cap})"
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> CallbackSettings:
        keys = tuple(key.encode() for key in settings.callback_secret_keys)
        return cls(
            secret_keys=keys or (embedded_key(settings),),
            allow_loopback=settings.callback_allow_loopback,
            retry_first=settings.callback_retry_first,
            retry_cap=settings.callback_retry_cap,
            egress_allow=settings.egress_allow,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CallbackSettings:
        return cls.from_settings(Settings.from_env(env))


def embedded_key(settings: Settings) -> bytes:
    """The key kept in ``data_dir`` when none is configured (created on first use)."""
    path = settings.data_dir / "callback-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".callback-secret-key.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key())
        try:  # a link appears whole or not at all: no process reads a half-written key
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first; theirs is the key
        finally:
            draft.unlink()
    return path.read_bytes().strip()
