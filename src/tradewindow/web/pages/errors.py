"""Refused page requests, in the visitor's language; refused API requests as problem+json."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response
from litestar.response import Template

from tradewindow.violations import Rejected
from tradewindow.web.pages.shell import page

PROBLEM_JSON = "application/problem+json"


def rejected_page(request: Request[Any, Any, Any], error: Exception) -> Template:
    assert isinstance(error, Rejected)  # noqa: S101 - registered for Rejected only
    context = {"violations": error.violations}
    return page(request, "errors/rejected.html", context, status_code=400)


def rejected_problem(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    """The shape of the API's problems (RFC 9457 with ``code`` and every violation)."""
    assert isinstance(error, Rejected)  # noqa: S101 - registered for Rejected only
    first = error.violations[0]
    body = {
        "type": f"urn:tradewindow:problem:{first.code}",
        "title": "Bad Request",
        "status": 400,
        "detail": f"{first.en} / {first.zh}",
        "instance": request.url.path,
        "code": first.code,
        "violations": [msgspec.to_builtins(v) for v in error.violations],
    }
    return Response(content=msgspec.json.encode(body), status_code=400, media_type=PROBLEM_JSON)
