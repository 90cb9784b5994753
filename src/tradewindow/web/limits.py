"""Retry-After for a refused request; the per-party rate limits themselves are counted in the
database (``web.ports.RateLimits``: ``store/web/rate_limits.py``), so every API process counts
the same requests."""

from __future__ import annotations

import math


def retry_after(wait: float) -> str:
    """The Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
