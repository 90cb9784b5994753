"""``POST /v1/oauth/token``: the OAuth2 client credentials grant (RFC 6749 §4.4).

The client authenticates with HTTP Basic or with ``client_id`` / ``client_secret`` in the
body, which may be a form (``application/x-www-form-urlencoded``, as the RFC has it) or JSON.
Any failure of the client is one 401 ``credential.invalid_client``; a body that is not strict
JSON (or not UTF-8) is 400 before any client is looked up.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Controller, Request, post

from tradewindow.formats import strict_json
from tradewindow.formats.characters import refuse_forbidden
from tradewindow.parties.errors import InvalidClient
from tradewindow.web.openapi_docs import document
from tradewindow.web.problems import ApiError
from tradewindow.web.throttling import source_of, throttled
from tradewindow.web.window import Window


class TokenAnswer(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    token_type: str
    expires_in: int


class OAuthController(Controller):
    path = "/v1/oauth"
    tags = ["auth"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @post(
        "/token",
        sync_to_thread=True,
        status_code=200,
        security=[],
        summary="A bearer token for an OAuth2 client (client_credentials grant)",
        responses=document({200: (TokenAnswer, "the access token")}),
    )
    def token(self, request: Request[Any, Any, Any], body: bytes) -> TokenAnswer:
        window: Window = request.app.state.window
        fields = _fields(request.headers.get("content-type", ""), body)
        if fields.get("grant_type") != "client_credentials":
            raise ApiError(
                400,
                "oauth.unsupported_grant_type",
                "grant_type must be client_credentials",
                "grant_type 须为 client_credentials",
            )
        client_id, client_secret = _basic(request.headers.get("authorization"))
        client_id = client_id or fields.get("client_id", "")
        client_secret = client_secret or fields.get("client_secret", "")
        refuse_forbidden([("client_id", client_id), ("client_secret", client_secret)])
        keys = window.throttle.keys("oauth", source_of(request), client_id)
        if (wait := window.throttle.wait(keys)) is not None:
            raise throttled(wait)
        try:
            token = window.registry.issue_token(client_id, client_secret)
        except InvalidClient:
            window.throttle.failed(keys)
            raise
        window.throttle.succeeded(keys)
        return TokenAnswer(
            access_token=token.access_token,
            token_type="Bearer",  # noqa: S106 - the RFC 6749 token type, not a secret
            expires_in=token.expires_in,
        )


def _fields(content_type: str, body: bytes) -> dict[str, str]:
    media = content_type.split(";")[0].strip().lower()
    try:
        if media == "application/json":
            strict_json.charset(content_type)
            strict_json.check(body)  # refusals are 400 json.* (web.problems)
            decoded = msgspec.json.decode(body)
            if isinstance(decoded, dict):
                return {str(k): str(v) for k, v in decoded.items()}
            return {}
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            400, "oauth.invalid_request", "the body cannot be read", "请求体无法解析"
        ) from None
    return {k: v[0] for k, v in parse_qs(text).items()}


def _basic(header: str | None) -> tuple[str, str]:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password
