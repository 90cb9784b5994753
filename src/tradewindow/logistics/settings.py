"""Settings of callbacks, read from the environment (to be folded into ``tradewindow.settings``).

* ``TRADEWINDOW_CALLBACK_SECRET_KEYS``: comma-separated Fernet keys (32 url-safe base64 bytes,
  ``cryptography.fernet.Fernet.generate_key()``). Subscription secrets are stored encrypted
  with the first; every key decrypts, so keys rotate by putting a new one first. Unset, a key
  is generated per process: fine for tests and demos, fatal for secrets across restarts.
* ``TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK=1``: allow callback URLs on 127.0.0.0/8 and ::1
  (tests and local development only).
* ``TRADEWINDOW_CALLBACK_RETRY_FIRST`` (default ``60s``) and ``TRADEWINDOW_CALLBACK_RETRY_CAP``
  (default ``24h``): the back-off starts at the first and doubles up to the cap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

import msgspec
from cryptography.fernet import Fernet

from tradewindow.settings import SettingsError, _duration


class CallbackSettings(msgspec.Struct, frozen=True, kw_only=True):
    secret_keys: tuple[bytes, ...]
    allow_loopback: bool = False
    retry_first: timedelta = timedelta(seconds=60)
    retry_cap: timedelta = timedelta(hours=24)
    max_bundle: int = 100
    timeout_seconds: float = 10.0

    def __repr__(self) -> str:
        return (
            f"CallbackSettings(secret_keys=<{len(self.secret_keys)} masked>, allow_loopback="
            f"{self.allow_loopback}, retry_first={self.retry_first}, retry_cap={self.retry_cap})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CallbackSettings:
        env = os.environ if env is None else env
        raw_keys = env.get("TRADEWINDOW_CALLBACK_SECRET_KEYS", "")
        keys = tuple(k.strip().encode() for k in raw_keys.split(",") if k.strip())
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise SettingsError(
                    "TRADEWINDOW_CALLBACK_SECRET_KEYS must hold Fernet keys "
                    "(32 url-safe base64-encoded bytes)"
                ) from None
        values: dict[str, object] = {"secret_keys": keys or (Fernet.generate_key(),)}
        if raw := env.get("TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK"):
            values["allow_loopback"] = raw.strip().lower() in ("1", "true", "yes")
        if raw := env.get("TRADEWINDOW_CALLBACK_RETRY_FIRST"):
            values["retry_first"] = _duration("TRADEWINDOW_CALLBACK_RETRY_FIRST", raw)
        if raw := env.get("TRADEWINDOW_CALLBACK_RETRY_CAP"):
            values["retry_cap"] = _duration("TRADEWINDOW_CALLBACK_RETRY_CAP", raw)
        return cls(**values)  # type: ignore[arg-type]
