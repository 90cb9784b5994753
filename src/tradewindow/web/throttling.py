"""The web edge of :mod:`tradewindow.parties.throttle`: whom an attempt comes from, and the
429 an attempt inside its wait gets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request

from tradewindow.web.limits import retry_after
from tradewindow.web.problems import ApiError


def source_of(request: Request[Any, Any, Any]) -> str:
    """The client address the attempt came from (the peer; a proxy in front names itself)."""
    return request.client.host if request.client else "unknown"


def throttled(wait: timedelta) -> ApiError:
    return ApiError(
        429,
        "auth.throttled",
        "too many failed attempts from this address; retry later",
        "此地址认证失败次数过多，请稍后重试",
        headers={"Retry-After": retry_after(wait.total_seconds())},
    )
