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

    def __repr__(self) -> str:
        return (
            f"Settings(database_url={mask(self.database_url)!r}, bus_url="
            f"{mask(self.bus_url) if self.bus_url else None!r}, match_timeout={self.match_timeout},"
            f" max_message_bytes={self.max_message_bytes}, data_dir={str(self.data_dir)!r},"
            f" credential_pepper={'***' if self.credential_pepper else None})"
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
        return cls(**values)  # type: ignore[arg-type]


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
