"""The platform's one clock: ``utc_now``, and ``Clock``, the type of the clock every service
takes (tests and the demo inject their own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)
