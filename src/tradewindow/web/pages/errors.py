"""Refused page requests, in the visitor's language; refused API requests as problem+json;
and the application's own exception handler, which answers a browser with a page and every
other client with problem+json (``error_answer``)."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.response import Template

from tradewindow.violations import Rejected
from tradewindow.web import i18n
from tradewindow.web.hant import in_script
from tradewindow.web.pages.shell import language_of, page
from tradewindow.web.problems import ApiError, as_api_error, problem_response

log = logging.getLogger("tradewindow.web")

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


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """Whether the client prefers a page (a browser's ``Accept: text/html,…``) to JSON: it
    names ``text/html`` and ranks it at least as high as any JSON type. ``*/*`` alone (curl,
    most API clients) is not a preference for a page."""
    ranked: dict[str, float] = {}
    for item in request.headers.get("accept", "").split(","):
        kind, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked[kind.strip().lower()] = max(quality, ranked.get(kind.strip().lower(), 0.0))
    html = ranked.get("text/html", 0.0)
    json = max((q for kind, q in ranked.items() if kind.endswith("json")), default=0.0)
    return html > 0 and html >= json


def error_answer(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """The application's exception handler: a page in the visitor's language for a browser
    (an unknown URL is the not-found page), ``application/problem+json`` for everyone else —
    the same status and code either way."""
    if not wants_html(request):
        return problem_response(request, error)
    found = as_api_error(error)
    if found is None:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        found = ApiError(500, "server.error", "an internal error occurred", "服务器内部错误")
    language = language_of(request)
    context = {
        "status": found.status,
        "code": found.code,
        "title": i18n.message(language, f"error.page.{_title(found.status)}"),
        "detail": found.en if language == "en" else in_script(found.zh, language),
        "asked": request.url.path,
    }
    response = page(request, "errors/page.html", context, status_code=found.status)
    response.headers.update(found.headers)
    return response


def _title(status: int) -> str:
    return str(status) if status in (400, 401, 403, 404, 405, 413, 429) else "other"
