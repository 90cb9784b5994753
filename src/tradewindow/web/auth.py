"""``Authorization: Bearer <API key | OAuth token>`` → :class:`Principal`, then the party's
rate limit; and the party's registered keys in the form the signature check takes.

401 (with ``WWW-Authenticate: Bearer``) for a missing, malformed, unknown, revoked or expired
credential — one answer for all, so it is no oracle; 429 with ``Retry-After`` past the rate.
Failed credentials are throttled per client address and credential id (``auth.throttled``,
429 with ``Retry-After``; :mod:`tradewindow.parties.throttle`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from litestar import Request

from tradewindow.evidence.certificates import KeyFileError, certificate_serial
from tradewindow.evidence.signatures import SoftwareKey
from tradewindow.parties.credentials import TOKEN_PREFIX, parse_api_key, parse_token
from tradewindow.parties.keys import KeyAlgorithm, RegisteredKey
from tradewindow.parties.principal import Principal
from tradewindow.web.limits import retry_after
from tradewindow.web.problems import ApiError
from tradewindow.web.throttling import source_of, throttled
from tradewindow.web.window import Window

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tradewindow"'}


def authenticate(window: Window, authorization: str | None, source: str = "unknown") -> Principal:
    """The principal of the bearer credential; raises ApiError 401 or 429."""
    scheme, _, credential = (authorization or "").strip().partition(" ")
    credential = credential.strip()
    parsed = parse_token(credential) or parse_api_key(credential)
    keys = window.throttle.keys("api", source, parsed[0] if parsed else "")
    if (wait := window.throttle.wait(keys)) is not None:
        raise throttled(wait)
    if scheme.lower() != "bearer" or not credential:
        window.throttle.failed(keys)
        raise _unauthenticated("send Authorization: Bearer <API key or access token>")
    if credential.startswith(f"{TOKEN_PREFIX}_"):
        principal = window.registry.authenticate_bearer(credential)
    else:
        principal = window.registry.authenticate(credential)
    if principal is None:
        window.throttle.failed(keys)
        raise _unauthenticated("the credential is unknown, revoked or expired")
    window.throttle.succeeded(keys)
    if (seconds := window.limiter.admit(principal.party_id)) is not None:
        raise ApiError(
            429,
            "limits.rate",
            f"too many requests from party {principal.party_id}; retry later",
            "请求过于频繁，请稍后重试",
            headers={"Retry-After": retry_after(seconds)},
        )
    return principal


def principal_dependency(request: Request[Any, Any, Any]) -> Principal:
    """Litestar dependency: the authenticated, rate-limited principal of the request."""
    window: Window = request.app.state.window
    return authenticate(window, request.headers.get("authorization"), source_of(request))


def signing_keys(registered: Iterable[RegisteredKey]) -> list[SoftwareKey]:
    """A party's registered keys as the signature check reads them.

    A key is offered under its registry id and, for a PEM certificate, also under its serial
    number (what ``tradewindow keys sign`` writes as KeyName and Signature-Key)."""
    found: list[SoftwareKey] = []
    for key in registered:
        pem = _public_pem(key)
        if pem is None:
            continue
        names = [key.id]
        if b"CERTIFICATE" in key.material:
            with contextlib.suppress(KeyFileError):
                names.append(certificate_serial(key.material))
        found += [
            SoftwareKey(
                key_id=name,
                algorithm=key.algorithm.value,
                public_key_pem=pem,
                valid_from=key.valid_from,
                valid_to=key.valid_until,
                revoked=key.revoked_at is not None,
            )
            for name in names
        ]
    return found


def _public_pem(key: RegisteredKey) -> bytes | None:
    if key.algorithm is not KeyAlgorithm.ED25519:
        return key.material
    try:
        public = ed25519.Ed25519PublicKey.from_public_bytes(key.material)
    except ValueError:
        return None
    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def _unauthenticated(why: str) -> ApiError:
    return ApiError(
        401,
        "auth.unauthenticated",
        why,
        "未认证：凭证缺失、无效、已吊销或已过期",
        headers=CHALLENGE,
    )
