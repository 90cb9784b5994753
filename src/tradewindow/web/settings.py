"""The HTTP API's settings, read from the environment like ``tradewindow.settings``.

Limits of the HTTP API (the credential pepper comes from ``Settings`` through bootstrap):

=====================================  =========  ===========================================
variable                               default    meaning
=====================================  =========  ===========================================
``TRADEWINDOW_API_MAX_BODY_BYTES``     10 MiB     request bodies above this get 413 unread
``TRADEWINDOW_API_MAX_BULK``           500        messages in one JSON bulk
``TRADEWINDOW_API_PAGE_SIZE``          100        the most items one page returns
``TRADEWINDOW_API_RATE``               50         requests per second per party, sustained
``TRADEWINDOW_API_BURST``              200        requests a party may make at once
=====================================  =========  ===========================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from tradewindow.settings import SettingsError


class WebSettings(msgspec.Struct, frozen=True, kw_only=True):
    pepper: bytes
    max_body_bytes: int = 10 * 1024 * 1024
    max_bulk: int = 500
    page_size: int = 100
    rate: float = 50.0
    burst: int = 200

    def __repr__(self) -> str:
        return (
            f"WebSettings(pepper=***, max_body_bytes={self.max_body_bytes}, "
            f"max_bulk={self.max_bulk}, page_size={self.page_size}, rate={self.rate}, "
            f"burst={self.burst})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, pepper: str) -> WebSettings:
        """The API's limits in ``env`` (the environment); ``pepper`` is the one bootstrap
        uses (``bootstrap.credential_pepper``: the setting, or the embedded default's file)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {"pepper": pepper.encode()}
        for name, field in (
            ("TRADEWINDOW_API_MAX_BODY_BYTES", "max_body_bytes"),
            ("TRADEWINDOW_API_MAX_BULK", "max_bulk"),
            ("TRADEWINDOW_API_PAGE_SIZE", "page_size"),
            ("TRADEWINDOW_API_BURST", "burst"),
        ):
            if raw := env.get(name):
                values[field] = int(_positive(name, raw))
        if raw := env.get("TRADEWINDOW_API_RATE"):
            values["rate"] = _positive("TRADEWINDOW_API_RATE", raw)
        return cls(**values)  # type: ignore[arg-type]


def _positive(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value
