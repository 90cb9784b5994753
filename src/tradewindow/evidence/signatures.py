"""Verifying the signature on a submission: CEB XML (XMLDSig) or JSON (detached Ed25519).

:func:`verify_submission` is the one entry the HTTP layer calls. It returns :class:`Verified`
or raises :class:`~tradewindow.formats.xmldsig.SignatureError` with one of these codes:

=============================  =======================================================
``signature.missing``          no ``ds:Signature`` / no ``Signature`` header
``signature.malformed``        a signature or signature header that cannot be read
``signature.unknown_key``      the key named is not registered for the party
``signature.key_revoked``      the key is registered but revoked
``signature.key_expired``      now is outside the key's validity (CEB error 1002)
``signature.unsupported_algorithm``  an algorithm other than SM2-SM3, RSA-SHA1, Ed25519
``signature.digest_mismatch``  the content changed after signing (CEB error 1004)
``signature.invalid``          the signature does not hold for the key (CEB error 1001)
``signature.replayed``         a signature used on another request; a JSON timestamp ±5 min off
=============================  =======================================================

**JSON signature scheme** (``tradewindow-sig-v1``). The client sends four headers::

    Signature-Key: <key id: the certificate serial, lower-case hex>
    Signature-Timestamp: 2025-06-01T08:00:00Z        (RFC 3339, with zone)
    Content-Digest: sha-256=:<base64 SHA-256 of the body>:   (RFC 9530)
    Signature: ed25519=<base64 of the 64-byte Ed25519 signature>

and the signature is over the exact bytes
``b"tradewindow-sig-v1\\n" + key_id + b"\\n" + timestamp + b"\\n" + body`` (the header values
as sent, ASCII). The Content-Digest lets an altered body show as ``digest_mismatch``.

**Replay rule.** A JSON signature's timestamp must lie within :data:`REPLAY_WINDOW` of the
server's clock. For both formats, the SHA-256 of the signature value is remembered with the
request id (the ``Idempotency-Key`` for JSON, the caller-supplied CEB guid for XML, else the
body's SHA-256): the same signature arriving with another request id is refused; a retry of
the same request passes, so idempotent retries are answered by the idempotency layer.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from lxml import etree

from tradewindow.clock import utc_now
from tradewindow.evidence.certificates import (
    KeyAlgorithm,
    KeyFileError,
    PublicKey,
    certificate_public_key_info,
    load_public_key,
)
from tradewindow.evidence.der import DerError
from tradewindow.formats import hardened_xml, strict_json, xmldsig, xmldsig_sm2
from tradewindow.formats.xmldsig import SignatureError

REPLAY_WINDOW = timedelta(minutes=5)
_MAX_XML_BYTES = 10 * 1024 * 1024  # as formats.xmldsig
_MAX_XML_DEPTH = 32
SCHEME = b"tradewindow-sig-v1"
_DS = f"{{{xmldsig.DS}}}"
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")

__all__ = [
    "REPLAY_WINDOW",
    "RegisteredKey",
    "SeenSignatures",
    "SignatureError",
    "SoftwareKey",
    "SubmissionFormat",
    "Verified",
    "sign_json",
    "verify_submission",
]

assert xmldsig_sm2.SM2_SM3_URI in xmldsig.signature_methods()  # noqa: S101 - importing registers


class RegisteredKey(Protocol):
    """What a party's registered key must offer (the party registry's certificates do)."""

    @property
    def key_id(self) -> str: ...
    @property
    def algorithm(self) -> str: ...  # "sm2", "rsa" or "ed25519"
    @property
    def public_key_pem(self) -> bytes: ...  # an X.509 certificate or SubjectPublicKeyInfo PEM
    @property
    def valid_from(self) -> datetime: ...
    @property
    def valid_to(self) -> datetime | None: ...
    @property
    def revoked(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class SoftwareKey:
    """A plain :class:`RegisteredKey` (tests, the ``keys`` command, the demo)."""

    key_id: str
    algorithm: str
    public_key_pem: bytes
    valid_from: datetime
    valid_to: datetime | None = None
    revoked: bool = False


class SeenSignatures(Protocol):
    def remember(self, signature_digest: str, request_id: str, at: datetime) -> str:
        """Record the signature for ``request_id`` unless known; return its first request id."""
        ...


class SubmissionFormat(enum.StrEnum):
    XML = "xml"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Verified:
    key_id: str
    algorithm: KeyAlgorithm
    signature: str  # base64, as it goes into the evidence record
    body_digest: str  # SHA-256 hex of the exact body bytes
    signed_at: datetime | None  # JSON: the signed timestamp; XML: none is signed


def verify_submission(
    body: bytes,
    fmt: SubmissionFormat,
    headers: Mapping[str, str],
    keys: Sequence[RegisteredKey],
    *,
    now: datetime | None = None,
    seen: SeenSignatures | None = None,
    request_id: str | None = None,
) -> Verified:
    """The signature on ``body`` checked against the party's ``keys``; raises SignatureError."""
    now = now or utc_now()
    body_digest = hashlib.sha256(body).hexdigest()
    lowered = {name.lower(): value for name, value in headers.items()}
    if fmt is SubmissionFormat.XML:
        verified = _verify_xml(body, keys, now, body_digest)
        request = request_id or body_digest
    else:
        _unambiguous(body)
        verified = _verify_json(body, lowered, keys, now, body_digest)
        request = request_id or lowered.get("idempotency-key") or body_digest
    if seen is not None:
        signature_digest = hashlib.sha256(verified.signature.encode("ascii")).hexdigest()
        if seen.remember(signature_digest, request, now) != request:
            raise replayed_signature()
    return verified


def replayed_signature() -> SignatureError:
    """The refusal of a signature already used on another request."""
    return SignatureError(
        "signature.replayed",
        "this signature was already used on another request",
        "该签名已在另一笔申报中使用过（重放）",
    )


def sign_json(
    body: bytes, private_key: ed25519.Ed25519PrivateKey, key_id: str, at: datetime
) -> dict[str, str]:
    """The four signature headers for ``body`` (see the module docstring)."""
    timestamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = private_key.sign(_signing_input(key_id, timestamp, body))
    return {
        "Signature-Key": key_id,
        "Signature-Timestamp": timestamp,
        "Content-Digest": f"sha-256=:{_b64(hashlib.sha256(body).digest())}:",
        "Signature": f"ed25519={_b64(signature)}",
    }


# --- JSON ------------------------------------------------------------------------------------


def _verify_json(
    body: bytes,
    headers: Mapping[str, str],
    keys: Sequence[RegisteredKey],
    now: datetime,
    body_digest: str,
) -> Verified:
    header = headers.get("signature")
    if header is None:
        raise SignatureError(
            "signature.missing",
            "the request carries no Signature header",
            "请求缺少 Signature 签名头",
        )
    scheme, _, encoded = header.strip().partition("=")
    if scheme.strip().lower() != "ed25519":
        raise SignatureError(
            "signature.unsupported_algorithm",
            "JSON submissions are signed ed25519=<base64>",
            "JSON 申报须使用 ed25519=<base64> 签名",
        )
    signature = _strict_b64(encoded.strip(), "Signature")
    if len(signature) != 64:
        raise _malformed("an Ed25519 signature is 64 bytes")
    key_id = _required(headers, "signature-key")
    timestamp = _required(headers, "signature-timestamp")
    signed_at = _timestamp(timestamp)
    digest_header = _required(headers, "content-digest")
    match = re.fullmatch(r"\s*sha-256=:([A-Za-z0-9+/=]+):\s*", digest_header)
    if match is None:
        raise _malformed("Content-Digest must be sha-256=:<base64>:")
    key = _usable_key(_find_key(keys, key_id), now)
    if _strict_b64(match[1], "Content-Digest") != bytes.fromhex(body_digest):
        raise SignatureError(
            "signature.digest_mismatch",
            "the body does not match its Content-Digest: it changed after signing",
            "请求体与 Content-Digest 不符，签名后被修改",
        )
    public_key = _public_key(key)
    if not isinstance(public_key, ed25519.Ed25519PublicKey):
        raise _invalid(f"key {key_id} is not an Ed25519 key")
    try:
        public_key.verify(signature, _signing_input(key_id, timestamp, body))
    except InvalidSignature:
        raise _invalid("the signature does not hold for the registered key") from None
    if abs(now - signed_at) > REPLAY_WINDOW:
        raise SignatureError(
            "signature.replayed",
            f"the signature timestamp {timestamp} is more than 5 minutes from the server clock",
            f"签名时间 {timestamp} 与服务器时间相差超过 5 分钟",
        )
    return Verified(key_id, KeyAlgorithm.ED25519, _b64(signature), body_digest, signed_at)


def _unambiguous(body: bytes) -> None:
    """A signed JSON body must mean one thing to every reader: strict I-JSON (RFC 7493), so
    no member named twice (parsers differ on which value wins: the signature check would vouch
    for one reading and a consumer act on another). ``signature.json.<rule>``."""
    try:
        strict_json.check(body)
    except strict_json.JsonRefused as refused:
        where = f" at {refused.pointer}" if refused.where else ""
        raise SignatureError(
            f"signature.{refused.code}",
            f"a signed JSON body must be unambiguous: {refused.en}{where}",
            f"签名的 JSON 请求体须无歧义：{refused.zh}{where}",
        ) from None


def _signing_input(key_id: str, timestamp: str, body: bytes) -> bytes:
    return b"\n".join((SCHEME, key_id.encode("ascii"), timestamp.encode("ascii"), body))


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _malformed("Signature-Timestamp must be an RFC 3339 time") from None
    if value.tzinfo is None:
        raise _malformed("Signature-Timestamp must carry a zone (e.g. Z)")
    return value


def _required(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value or not value.isascii():
        raise _malformed(f"the {name} header is missing or not ASCII")
    return value


# --- XML -------------------------------------------------------------------------------------


def _verify_xml(
    body: bytes, keys: Sequence[RegisteredKey], now: datetime, body_digest: str
) -> Verified:
    try:
        root = hardened_xml.parse(body, max_bytes=_MAX_XML_BYTES, max_depth=_MAX_XML_DEPTH)
    except hardened_xml.UnsafeXml as error:
        raise _malformed(f"the message cannot be read: {error.en}") from None
    signature = root.find(f"{_DS}Signature")
    if signature is None:
        raise SignatureError(
            "signature.missing", "the message carries no ds:Signature", "报文缺少签名节点"
        )
    value = "".join((signature.findtext(f"{_DS}SignatureValue") or "").split())
    key_name = (signature.findtext(f"{_DS}KeyInfo/{_DS}KeyName") or "").strip()
    # KeyName is often a certificate alias (the spec's example says 0001), not our key id:
    # then the embedded certificate, or failing that every registered key, is tried
    named = [key for key in keys if key_name and key.key_id.lower() == key_name.lower()]
    candidates = [_usable_key(key, now) for key in named or _keys_for_certificate(signature, keys)]
    method = signature.find(f"{_DS}SignedInfo/{_DS}SignatureMethod")
    uri = method.get("Algorithm", "") if method is not None else ""
    last: SignatureError | None = None
    for key in candidates:
        try:
            xmldsig.verify(body, _public_key(key))
        except SignatureError as error:
            if error.code != "signature.invalid":
                raise
            last = error
            continue
        sm2 = uri in xmldsig_sm2.SIGNATURE_METHODS
        algorithm = KeyAlgorithm.SM2 if sm2 else KeyAlgorithm.RSA
        return Verified(key.key_id, algorithm, value, body_digest, None)
    raise last or SignatureError(
        "signature.unknown_key",
        "no registered key matches the message's signature",
        "签名证书未在平台登记",
    )


def _keys_for_certificate(
    signature: etree._Element, keys: Sequence[RegisteredKey]
) -> list[RegisteredKey]:
    """Without a KeyName: the keys matching the embedded certificate, else every key."""
    text = signature.findtext(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate")
    if not text:
        return list(keys)
    try:
        der_certificate = base64.b64decode("".join(text.split()), validate=True)
        wanted = load_public_key(certificate_public_key_info(der_certificate))
    except (ValueError, KeyFileError, DerError):
        raise _malformed("the X509Certificate in KeyInfo cannot be read") from None
    return [key for key in keys if _public_key(key) == wanted]


# --- keys ------------------------------------------------------------------------------------


def _find_key(keys: Sequence[RegisteredKey], key_id: str) -> RegisteredKey:
    for key in keys:
        if key.key_id.lower() == key_id.strip().lower():
            return key
    raise SignatureError(
        "signature.unknown_key",
        f"key {key_id[:64]} is not registered for this party",
        f"签名密钥 {key_id[:64]} 未在本企业名下登记",
    )


def _usable_key(key: RegisteredKey, now: datetime) -> RegisteredKey:
    if key.revoked:
        raise SignatureError(
            "signature.key_revoked",
            f"key {key.key_id} has been revoked",
            f"签名密钥 {key.key_id} 已吊销",
        )
    if now < key.valid_from or (key.valid_to is not None and now > key.valid_to):
        raise SignatureError(
            "signature.key_expired",
            f"key {key.key_id} is not valid at this time",
            f"签名密钥 {key.key_id} 不在有效期内（数字签名过期）",
        )
    return key


def _public_key(key: RegisteredKey) -> PublicKey:
    try:
        return _loaded(key.public_key_pem)
    except KeyFileError as error:
        raise _malformed(f"registered key {key.key_id} cannot be read: {error}") from None


@lru_cache(maxsize=1024)
def _loaded(pem: bytes) -> PublicKey:
    return load_public_key(pem)


# --- small pieces ----------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _strict_b64(text: str, what: str) -> bytes:
    if not _BASE64.fullmatch(text):
        raise _malformed(f"{what} is not base64")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _malformed(f"{what} is not base64") from None


def _malformed(why: str) -> SignatureError:
    return SignatureError("signature.malformed", why, f"签名格式错误：{why}")


def _invalid(why: str) -> SignatureError:
    return SignatureError("signature.invalid", why, f"签名无效：{why}")
