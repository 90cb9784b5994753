"""AWS Signature Version 4 request signing, for the S3-compatible object store.

Pure: it turns a request (method, URL, headers, payload hash) and a credential into the
``Authorization`` header. Follows "Signature Version 4 signing process" (AWS General Reference)
and, for S3, "Authenticating Requests (AWS Signature Version 4)" (Amazon S3 API Reference): the
payload hash travels as ``x-amz-content-sha256`` and S3 paths are not normalised or re-encoded.
Tested against AWS's published examples.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit

import msgspec

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


class Credential(msgspec.Struct, frozen=True, kw_only=True):
    access_key: str
    secret_key: str
    region: str
    service: str = "s3"
    session_token: str = ""

    def __repr__(self) -> str:
        return f"Credential(access_key={self.access_key!r}, secret_key=***, region={self.region!r})"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")."""
    key = _hmac(f"AWS4{secret_key}".encode(), day)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_query(query: str) -> str:
    pairs = []
    for part in query.split("&") if query else []:
        name, _, value = part.partition("=")
        pairs.append((_encode(_unquote(name)), _encode(_unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def _unquote(text: str) -> str:
    # the query as given may already be percent-encoded; canonical form re-encodes it once
    return unquote(text)


def canonical_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    payload_sha256: str,
    *,
    s3: bool,
) -> tuple[str, str]:
    """The canonical request and its signed-header list. ``headers`` must include ``host``."""
    parts = urlsplit(url)
    path = parts.path or "/"
    # S3 signs the path as sent (each segment URI-encoded once); other services normalise it
    canonical_path = (
        "/".join(_encode(segment) for segment in path.split("/"))
        if not s3
        else quote(path, safe="/-_.~")
    )
    folded = {name.lower().strip(): " ".join(value.split()) for name, value in headers.items()}
    names = sorted(folded)
    canonical_headers = "".join(f"{name}:{folded[name]}\n" for name in names)
    signed = ";".join(names)
    request = "\n".join(
        (
            method.upper(),
            canonical_path,
            canonical_query(parts.query),
            canonical_headers,
            signed,
            payload_sha256,
        )
    )
    return request, signed


def string_to_sign(at: datetime, scope: str, canonical: str) -> str:
    return "\n".join(
        (
            ALGORITHM,
            at.strftime("%Y%m%dT%H%M%SZ"),
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        )
    )


def authorization(
    credential: Credential,
    method: str,
    url: str,
    headers: Mapping[str, str],
    payload_sha256: str,
    at: datetime,
    *,
    s3: bool = True,
) -> str:
    """The ``Authorization`` header value for the request. ``headers`` are the headers to sign
    (``host`` and ``x-amz-date`` at least; for S3 ``x-amz-content-sha256`` too)."""
    day = at.strftime("%Y%m%d")
    scope = f"{day}/{credential.region}/{credential.service}/aws4_request"
    canonical, signed = canonical_request(method, url, headers, payload_sha256, s3=s3)
    key = signing_key(credential.secret_key, day, credential.region, credential.service)
    signature = hmac.new(
        key, string_to_sign(at, scope, canonical).encode(), hashlib.sha256
    ).hexdigest()
    return (
        f"{ALGORITHM} Credential={credential.access_key}/{scope}, SignedHeaders={signed}, "
        f"Signature={signature}"
    )


def signed_headers(
    credential: Credential,
    method: str,
    url: str,
    payload_sha256: str,
    at: datetime,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every header an S3 request needs: host, x-amz-date, x-amz-content-sha256, any ``extra``
    (e.g. ``range``) and the Authorization that signs them."""
    headers = {
        "host": urlsplit(url).netloc,
        "x-amz-content-sha256": payload_sha256,
        "x-amz-date": at.strftime("%Y%m%dT%H%M%SZ"),
        **{name.lower(): value for name, value in (extra or {}).items()},
    }
    if credential.session_token:
        headers["x-amz-security-token"] = credential.session_token
    headers["authorization"] = authorization(credential, method, url, headers, payload_sha256, at)
    return headers
