"""Who is signed in on this request, the session cookie, and CSRF checks.

A signed-in request carries the cookie ``__Host-tw_session`` (``tw_session`` on plain-http
loopback when the settings allow it): HttpOnly, SameSite=Lax, Path=/, Secure. Its secret
finds the server-side session row; the session's party is read afresh on every request, so
a party's new roles or deactivation take effect at once, exactly as for its API keys.

Every state-changing form carries the session's CSRF token (``csrf_token`` field, or the
``X-CSRF-Token`` header that htmx and the upload script send): a synchroniser token kept
server-side, compared in constant time. The sign-in form, which has no session yet, uses a
double-submit cookie instead.
"""

from __future__ import annotations

import dataclasses
import hmac
import secrets
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request
from litestar.datastructures import Cookie

from tradewindow.parties.errors import Forbidden
from tradewindow.parties.model import Party
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.settings import PortalLimits
from tradewindow.store.web.accounts import SqlAccountRecords
from tradewindow.web.portal.accounts import Accounts, Session
from tradewindow.web.window import Window

STATE_KEY = "portal_accounts"
SECURE_COOKIE = "__Host-tw_session"
PLAIN_COOKIE = "tw_session"
SIGN_IN_COOKIE = "tw_sign_in"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "[::1]", "localhost"})


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    session: Session
    party: Party
    principal: Principal

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token


class SignInNeeded(Exception):
    """No live session: the visitor is sent to sign in (``expired`` when a cookie was sent
    but its session has ended)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("sign-in needed")
        self.expired = expired


class CsrfRefused(Exception):
    """A state-changing request without the right CSRF token (403 ``auth.csrf``)."""


def accounts_of(request: Request[Any, Any, Any]) -> Accounts:
    """The request's ``Accounts`` (made once per application, from its window)."""
    state = request.app.state
    found: Accounts | None = state.get(STATE_KEY)
    if found is None:
        window: Window = state.window
        found = Accounts(
            SqlAccountRecords(window.app.store.engine),
            window.registry,
            window.app.settings.portal,
            clock=window.clock,
        )
        state[STATE_KEY] = found
    return found


def is_secure(request: Request[Any, Any, Any]) -> bool:
    return secure_cookie(
        accounts_of(request).settings, request.url.scheme, request.headers.get("host")
    )


def secure_cookie(portal: PortalLimits, scheme: str, host: str | None) -> bool:
    """Whether cookies carry ``Secure``: always, but for plain http to a loopback host
    when ``portal.allow_http`` is set."""
    if scheme == "https" or not portal.allow_http:
        return True
    return (host or "").rsplit(":", 1)[0] not in LOOPBACK_HOSTS


def cookie_name(request: Request[Any, Any, Any]) -> str:
    return SECURE_COOKIE if is_secure(request) else PLAIN_COOKIE


def signed_in(request: Request[Any, Any, Any]) -> SignedIn | None:
    """The signed-in person of the request, or None."""
    accounts = accounts_of(request)
    session = accounts.session(request.cookies.get(cookie_name(request)))
    if session is None:
        return None
    window: Window = request.app.state.window
    party = window.registry.party(session.account.party_id)
    principal = Principal(
        party_id=party.id,
        kind=party.kind,
        roles=party.roles,
        agency=party.agency,
        credential_id=f"portal:{session.account.username}",
    )
    return SignedIn(session=session, party=party, principal=principal)


def require_signed_in(request: Request[Any, Any, Any]) -> SignedIn:
    found = signed_in(request)
    if found is None:
        raise SignInNeeded(expired=bool(request.cookies.get(cookie_name(request))))
    return found


def require_enterprise(request: Request[Any, Any, Any]) -> SignedIn:
    """A signed-in enterprise's staff member (an officer here is refused 403)."""
    found = require_signed_in(request)
    if found.party.kind is not PartyKind.ENTERPRISE:
        raise Forbidden(found.party.id, "portal")
    return found


def require_officer(request: Request[Any, Any, Any]) -> SignedIn:
    """A signed-in agency officer (an enterprise's staff is refused 403)."""
    found = require_signed_in(request)
    if not found.session.account.officer or found.principal.agency is None:
        raise Forbidden(found.party.id, "workbench")
    return found


def check_csrf(request: Request[Any, Any, Any], who: SignedIn, form: dict[str, Any]) -> None:
    sent = request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD) or "")
    if not hmac.compare_digest(sent.encode(), who.csrf_token.encode()):
        raise CsrfRefused


def session_cookie(request: Request[Any, Any, Any], secret: str, max_age: int) -> Cookie:
    return Cookie(
        key=cookie_name(request),
        value=secret,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_secure(request),
    )


def cleared_session_cookie(request: Request[Any, Any, Any]) -> Cookie:
    return dataclasses.replace(session_cookie(request, "", 0), expires=0)


def sign_in_token() -> str:
    return secrets.token_urlsafe(24)


def sign_in_cookie(request: Request[Any, Any, Any], token: str) -> Cookie:
    return Cookie(
        key=SIGN_IN_COOKIE,
        value=token,
        max_age=3600,
        path="/sign-in",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def sign_in_csrf_ok(request: Request[Any, Any, Any], form: dict[str, Any]) -> bool:
    cookie = request.cookies.get(SIGN_IN_COOKIE) or ""
    sent = str(form.get(CSRF_FIELD) or "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a path of this site (never another host: ``//x``, ``/\\x``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def sign_in_url(next_path: str, *, expired: bool = False) -> str:
    url = f"/sign-in?next={quote(next_path, safe='/')}"
    return url + "&expired=1" if expired else url
