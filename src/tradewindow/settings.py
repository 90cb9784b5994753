"""One typed settings object, read from the environment, failing fast on a bad value."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import msgspec


class SettingsError(ValueError):
    """A setting has a value tradewindow cannot use; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = "sqlite:///tradewindow.db"
    bus_url: str | None = None
    # how long an inventory list may wait for its order, payment and waybill before it is
    # returned with CEB621.match.timeout
    match_timeout: timedelta = timedelta(hours=24)
    max_message_bytes: int = 10 * 1024 * 1024
    max_xml_depth: int = 32
    data_dir: Path = Path("var")
    # the Ed25519 key that signs evidence checkpoints (created on first use when absent)
    platform_key_file: Path | None = None
    # the server-side key of the HMAC under which API secrets are stored; changing it
    # invalidates every key issued. Unset: the embedded default keeps one in data_dir.
    credential_pepper: str | None = None
    # DCSA callbacks: the Fernet keys subscription secrets are sealed with (the first seals,
    # every one opens, so keys rotate by putting a new one first; unset: the embedded default
    # keeps one in data_dir), loopback callback URLs (tests only) and the retry back-off
    callback_secret_keys: tuple[str, ...] = ()
    callback_allow_loopback: bool = False
    callback_retry_first: timedelta = timedelta(seconds=60)
    callback_retry_cap: timedelta = timedelta(hours=24)

    def __repr__(self) -> str:
        return (
            f"Settings(database_url={mask(self.database_url)!r}, bus_url="
            f"{mask(self.bus_url) if self.bus_url else None!r}, match_timeout={self.match_timeout},"
            f" max_message_bytes={self.max_message_bytes}, data_dir={str(self.data_dir)!r},"
            f" credential_pepper={'***' if self.credential_pepper else None},"
            f" callback_secret_keys=<{len(self.callback_secret_keys)} masked>,"
            f" callback_allow_loopback={self.callback_allow_loopback},"
            f" callback_retry_first={self.callback_retry_first},"
            f" callback_retry_cap={self.callback_retry_cap})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if url := env.get("TRADEWINDOW_DATABASE_URL"):
            if not url.startswith(("sqlite:", "postgresql")):
                raise SettingsError(
                    f"TRADEWINDOW_DATABASE_URL must be a sqlite: or postgresql URL, got {mask(url)}"
                )
            values["database_url"] = url
        if url := env.get("TRADEWINDOW_BUS_URL"):
            values["bus_url"] = url
        if raw := env.get("TRADEWINDOW_MATCH_TIMEOUT"):
            values["match_timeout"] = _duration("TRADEWINDOW_MATCH_TIMEOUT", raw)
        if raw := env.get("TRADEWINDOW_MAX_MESSAGE_BYTES"):
            values["max_message_bytes"] = _positive_int("TRADEWINDOW_MAX_MESSAGE_BYTES", raw)
        if raw := env.get("TRADEWINDOW_DATA_DIR"):
            values["data_dir"] = Path(raw)
        if raw := env.get("TRADEWINDOW_CREDENTIAL_PEPPER"):
            if len(raw) < 16:
                raise SettingsError("TRADEWINDOW_CREDENTIAL_PEPPER must be at least 16 characters")
            values["credential_pepper"] = raw
        if raw := env.get("TRADEWINDOW_PLATFORM_KEY_FILE"):
            values["platform_key_file"] = Path(raw)
        values.update(_callback_values(env))
        return cls(**values)  # type: ignore[arg-type]


def _callback_values(env: Mapping[str, str]) -> dict[str, object]:
    from cryptography.fernet import Fernet

    values: dict[str, object] = {}
    if raw := env.get("TRADEWINDOW_CALLBACK_SECRET_KEYS"):
        keys = tuple(key.strip() for key in raw.split(",") if key.strip())
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise SettingsError(
                    "TRADEWINDOW_CALLBACK_SECRET_KEYS must hold Fernet keys "
                    "(32 url-safe base64-encoded bytes, comma-separated)"
                ) from None
        values["callback_secret_keys"] = keys
    if raw := env.get("TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK"):
        if raw.strip().lower() not in ("1", "true", "yes", "0", "false", "no"):
            raise SettingsError(f"TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK must be 1 or 0, got {raw!r}")
        values["callback_allow_loopback"] = raw.strip().lower() in ("1", "true", "yes")
    first = timedelta(seconds=60)
    if raw := env.get("TRADEWINDOW_CALLBACK_RETRY_FIRST"):
        first = values["callback_retry_first"] = _duration("TRADEWINDOW_CALLBACK_RETRY_FIRST", raw)
    if raw := env.get("TRADEWINDOW_CALLBACK_RETRY_CAP"):
        cap = values["callback_retry_cap"] = _duration("TRADEWINDOW_CALLBACK_RETRY_CAP", raw)
        if cap < first:
            raise SettingsError(
                "TRADEWINDOW_CALLBACK_RETRY_CAP must not be shorter than "
                "TRADEWINDOW_CALLBACK_RETRY_FIRST"
            )
    return values


def mask(url: str) -> str:
    """The URL with any password replaced by ``***``, for logs and errors."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(name: str, raw: str) -> timedelta:
    """``90s``, ``15m``, ``24h`` or ``2d``."""
    match = re.fullmatch(r"(\d+)([smhd])", raw.strip())
    if not match:
        raise SettingsError(f"{name} must look like 90s, 15m, 24h or 2d, got {raw!r}")
    return timedelta(seconds=int(match[1]) * _UNITS[match[2]])
