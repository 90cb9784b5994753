"""``/sign-in`` and ``/sign-out``: translation only (see ``accounts`` and ``session``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.web import i18n
from tradewindow.web.limits import retry_after
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.accounts import SignInRefused
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import (
    accounts_of,
    check_csrf,
    cleared_session_cookie,
    local_path,
    require_signed_in,
    session_cookie,
    sign_in_cookie,
    sign_in_csrf_ok,
    sign_in_token,
    signed_in,
)
from tradewindow.web.throttling import source_of
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class SignInController(Controller):
    path = "/"
    include_in_schema = False

    @get("/sign-in", sync_to_thread=True)
    def form(
        self,
        request: Request[Any, Any, Any],
        next: str | None = None,
        expired: bool = False,
        signed_out: bool = False,
    ) -> Template | Redirect:
        who = signed_in(request)
        if who is not None:
            return Redirect(path=local_path(next, _home(who.session.account.officer)))
        notice = "expired" if expired else "signed_out" if signed_out else None
        return _form(request, next, notice=notice)

    @post("/sign-in", sync_to_thread=True, status_code=303)
    def sign_in(self, request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        target = data.get("next")
        if not sign_in_csrf_ok(request, data):
            return _form(request, target, error=("auth.csrf", _csrf_text(request)), status=403)
        accounts = accounts_of(request)
        window: Window = request.app.state.window
        username = data.get("username", "")
        keys = window.throttle.keys("portal", source_of(request), username)
        wait = window.throttle.wait(keys)
        if wait is not None:  # the same for every account, known or not
            language = language_of(request)
            text = i18n.message(
                language,
                "portal.sign_in.throttled",
                time=i18n.moment(window.clock() + wait, language),
            )
            answer = _form(request, target, error=("auth.throttled", text), status=429,
                           username=username)  # fmt: skip
            answer.headers["Retry-After"] = retry_after(wait.total_seconds())
            return answer
        try:
            opened = accounts.sign_in(username, data.get("password", ""))
        except SignInRefused as refused:
            window.throttle.failed(keys)
            text = coded_text(language_of(request), refused.en, refused.zh)
            return _form(request, target, error=(refused.code, text), status=401,
                         username=username)  # fmt: skip
        window.throttle.succeeded(keys)
        lifetime = int(accounts.settings.session_lifetime.total_seconds())
        home = _home(opened.session.account.officer)
        return Redirect(
            path=local_path(target, home),
            status_code=303,
            cookies=[
                session_cookie(request, opened.secret, lifetime),
                _spent_sign_in_cookie(request),
            ],
        )

    @post("/sign-out", sync_to_thread=True, status_code=303)
    def sign_out(self, request: Request[Any, Any, Any], data: Form) -> Redirect:
        who = require_signed_in(request)
        check_csrf(request, who, data)
        accounts_of(request).sign_out(who.session.id)
        return Redirect(
            path="/sign-in?signed_out=1",
            status_code=303,
            cookies=[cleared_session_cookie(request)],
        )


def _home(officer: bool) -> str:
    return "/workbench" if officer else "/portal"


def _form(
    request: Request[Any, Any, Any],
    target: str | None,
    *,
    notice: str | None = None,
    error: tuple[str, str] | None = None,
    status: int = 200,
    username: str = "",
) -> Template:
    token = sign_in_token()
    context = {
        "next": local_path(target, ""),
        "notice": notice,
        "error": error,
        "username": username,
        "sign_in_token": token,
    }
    response = portal_page(request, "portal/sign_in.html", context, status_code=status)
    response.cookies.append(sign_in_cookie(request, token))
    return response


def _spent_sign_in_cookie(request: Request[Any, Any, Any]) -> Any:
    cookie = sign_in_cookie(request, "")
    cookie.max_age = 0
    return cookie


def _csrf_text(request: Request[Any, Any, Any]) -> str:
    return i18n.message(language_of(request), "portal.sign_in.stale")
