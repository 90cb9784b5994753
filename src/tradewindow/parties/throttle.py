"""Throttling of failed authentication without lock-out and without an oracle.

Failures are counted per *key*: the pair (client address, account) and the client address
alone. Up to ``free_failures`` − 1 failures of a key cost nothing; the ``free_failures``-th
and each one after it make the key wait ``base_delay``, then twice as long each time, capped
at ``max_delay``, and an attempt inside the wait
is refused with the time left (HTTP 429 with ``Retry-After``). A success clears the pair, so
the officer signing in from their usual place is never slowed by a stranger guessing their
password elsewhere (the stranger's address is throttled, not the account), and an unknown
account is counted exactly like a known one, so the answers do not tell them apart
(OWASP ASVS 2.2.1, 3.x; issue 15).

The counts are kept in the process (a dict under a lock); records older than ``forget_after``
are forgotten. Several API processes each keep their own counts, so the effective allowance
is multiplied by their number; that bounds guessing no less, only less tightly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import msgspec

from tradewindow.clock import utc_now


class ThrottleSettings(msgspec.Struct, frozen=True, kw_only=True):
    free_failures: int = 5  # failures of one (address, account) before any wait
    source_free_failures: int = 50  # failures of one address over every account
    base_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=24)

    @classmethod
    def from_portal(cls, free_failures: int, max_delay: timedelta) -> ThrottleSettings:
        """From the settings object's ``portal.lockout_failures`` and ``lockout_duration``."""
        return cls(
            free_failures=free_failures,
            source_free_failures=10 * free_failures,
            max_delay=max_delay,
        )


class _Record(msgspec.Struct):
    failures: int
    until: datetime
    seen: datetime


class Throttle:
    def __init__(
        self,
        settings: ThrottleSettings | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings or ThrottleSettings()
        self._clock = clock
        self._records: dict[tuple[str, ...], _Record] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(scope: str, source: str, account: str) -> tuple[tuple[str, ...], ...]:
        """The keys one attempt counts against: (scope, address, account) and (scope, address)."""
        return (scope, source, account.strip().lower()), (scope, source)

    def wait(self, keys: Sequence[tuple[str, ...]]) -> timedelta | None:
        """How long before an attempt under ``keys`` may be made; None when it may now."""
        now = self._clock()
        with self._lock:
            waits = [r.until - now for k in keys if (r := self._records.get(k)) and r.until > now]
        return max(waits) if waits else None

    def failed(self, keys: Sequence[tuple[str, ...]]) -> None:
        """Count a failed attempt against every key."""
        now = self._clock()
        with self._lock:
            self._forget(now)
            for key in keys:
                record = self._records.setdefault(key, _Record(0, now, now))
                record.failures += 1
                record.seen = now
                free = self.settings.free_failures if len(key) > 2 else self._source_free()
                excess = record.failures - free
                if excess >= 0:
                    delay = min(
                        self.settings.base_delay * (1 << min(excess, 30)),
                        self.settings.max_delay,
                    )
                    record.until = now + delay

    def succeeded(self, keys: Sequence[tuple[str, ...]]) -> None:
        """A success clears the (address, account) key; the address's own count stays."""
        with self._lock:
            for key in keys:
                if len(key) > 2:
                    self._records.pop(key, None)

    def _source_free(self) -> int:
        return self.settings.source_free_failures

    def _forget(self, now: datetime) -> None:
        if len(self._records) < 10_000:
            return
        old = now - self.settings.forget_after
        for key in [k for k, r in self._records.items() if r.seen < old and r.until < now]:
            del self._records[key]
