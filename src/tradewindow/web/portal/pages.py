"""Rendering the signed-in pages inside the shared shell, and their errors as pages.

An error of a portal page answers with the *same status and code* the API gives for the same
refusal (``problems.as_api_error`` maps both), written as a page in the visitor's language:
another party's filing is the not-found page, a role lacking an action the forbidden page.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template

from tradewindow.web import i18n
from tradewindow.web.hant import in_script
from tradewindow.web.pages.shell import language_of, page
from tradewindow.web.portal.session import CsrfRefused, SignedIn, SignInNeeded, sign_in_url
from tradewindow.web.problems import ApiError, as_api_error

log = logging.getLogger("tradewindow.web.portal")


def portal_page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    who: SignedIn | None = None,
    *,
    status_code: int = 200,
) -> Template:
    """``template`` in the shell, with the signed-in person and their CSRF token."""
    extra: dict[str, Any] = {"me": None, "csrf": None}
    if who is not None:
        extra = {
            "me": {
                "name": who.session.account.display_name,
                "username": who.session.account.username,
                "party": who.party,
                "officer": who.session.account.officer,
                "informed": _only_informed(request, who),
            },
            "csrf": who.csrf_token,
        }
    response = page(request, template, extra | context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # signed-in pages are nobody else's
    return response


def _only_informed(request: Request[Any, Any, Any], who: SignedIn) -> bool:
    """Whether the person works for an agency the policy informs but never asks to decide
    (its workbench is its notices, not a queue)."""
    agency = who.principal.agency
    granted = request.app.state.window.policy.agency(agency) if agency else None
    return granted is not None and not granted.decides


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def coded_text(language: str, en: str, zh: str) -> str:
    """A core message (English / Simplified Chinese) in the page's language and script."""
    return en if language == "en" else in_script(zh, language)


def portal_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """The portal routers' exception handler."""
    if isinstance(error, SignInNeeded):
        target = sign_in_url(_here(request), expired=error.expired)
        if is_htmx(request):
            return Response(content=b"", status_code=401, headers={"HX-Redirect": target})
        return Redirect(path=target, status_code=303)
    if isinstance(error, CsrfRefused):
        found = ApiError(
            403,
            "auth.csrf",
            "the form is out of date or came from another site; reload the page and try again",
            "表单已过期或来自其他网站，请刷新页面后重试",
        )
    else:
        found = as_api_error(error)  # type: ignore[assignment]
        if found is None:
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            found = ApiError(500, "server.error", "an internal error occurred", "服务器内部错误")
    language = language_of(request)
    context = {
        "status": found.status,
        "code": found.code,
        "title": i18n.message(language, f"portal.error.{_title(found.status)}"),
        "detail": coded_text(language, found.en, found.zh),
        "violations": found.violations if len(found.violations) > 1 else [],
    }
    return portal_page(request, "portal/error.html", context, status_code=found.status)


def _title(status: int) -> str:
    return str(status) if status in (400, 401, 403, 404, 409, 422) else "other"


def _here(request: Request[Any, Any, Any]) -> str:
    if request.method == "GET" and not is_htmx(request):
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    return request.headers.get("hx-current-url-path") or "/portal"
