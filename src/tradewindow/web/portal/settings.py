"""The portal's settings, read from the environment like ``tradewindow.settings``.

=========================================  ==========  ======================================
variable                                   default     meaning
=========================================  ==========  ======================================
``TRADEWINDOW_PORTAL_ALLOW_HTTP``          ``0``       ``1``: session cookies lose ``Secure``
                                                       on plain-http requests *to a loopback
                                                       host* (tests, ``make demo``); never
                                                       elsewhere
``TRADEWINDOW_PORTAL_SESSION_MINUTES``     ``480``     a session ends this long after sign-in
``TRADEWINDOW_PORTAL_IDLE_MINUTES``        ``30``      … or after this long without a request
``TRADEWINDOW_PORTAL_LOCKOUT_FAILURES``    ``5``       wrong passwords in a row that lock
``TRADEWINDOW_PORTAL_LOCKOUT_MINUTES``     ``15``      how long the lock holds
=========================================  ==========  ======================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta

import msgspec

from tradewindow.settings import SettingsError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "[::1]", "localhost"})


class PortalSettings(msgspec.Struct, frozen=True, kw_only=True):
    allow_http: bool = False
    session_lifetime: timedelta = timedelta(hours=8)
    idle_timeout: timedelta = timedelta(minutes=30)
    lockout_failures: int = 5
    lockout_duration: timedelta = timedelta(minutes=15)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PortalSettings:
        env = os.environ if env is None else env
        allow = env.get("TRADEWINDOW_PORTAL_ALLOW_HTTP", "0").strip().lower()
        if allow not in ("0", "1", "true", "false", ""):
            raise SettingsError(f"TRADEWINDOW_PORTAL_ALLOW_HTTP must be 0 or 1, got {allow!r}")
        return cls(
            allow_http=allow in ("1", "true"),
            session_lifetime=timedelta(minutes=_minutes(env, "SESSION_MINUTES", 480)),
            idle_timeout=timedelta(minutes=_minutes(env, "IDLE_MINUTES", 30)),
            lockout_failures=int(_minutes(env, "LOCKOUT_FAILURES", 5)),
            lockout_duration=timedelta(minutes=_minutes(env, "LOCKOUT_MINUTES", 15)),
        )

    def secure_cookie(self, scheme: str, host: str | None) -> bool:
        """Whether cookies carry ``Secure``: always, but for plain http to a loopback host
        when ``allow_http`` is set."""
        if scheme == "https" or not self.allow_http:
            return True
        return (host or "").rsplit(":", 1)[0] not in LOOPBACK_HOSTS


def _minutes(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(f"TRADEWINDOW_PORTAL_{name}")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"TRADEWINDOW_PORTAL_{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"TRADEWINDOW_PORTAL_{name} must be positive, got {value}")
    return value
