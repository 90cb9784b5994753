"""Machine credentials: API keys, OAuth2 client credentials and the bearer tokens they buy.

Formats: an API key is ``tw_<credential id>_<secret>``; an OAuth2 client authenticates with
``client_id`` (the credential id) and ``client_secret``; a bearer token is
``twt_<token id>_<secret>``. Secrets are 256 random bits (``secrets.token_urlsafe(32)``) and
are shown once; the store keeps only ``HMAC-SHA256(pepper, secret)``.

Why a fast keyed hash and not argon2id or scrypt: a slow hash exists to make *guessing* a
low-entropy password expensive. A 256-bit random secret cannot be guessed, so a slow hash adds
nothing but cost — argon2id at its recommended parameters spends tens of milliseconds and
64 MiB per call, and every API request authenticates, which would blow the p99 < 50 ms budget
at 32 clients by itself. HMAC-SHA256 costs about a microsecond, and its key (the server's
pepper, a setting kept out of the database) means a stolen database alone cannot even test
a candidate secret. Comparison is constant-time (``hmac.compare_digest``).

Bearer tokens are opaque and stored hashed (not self-contained signed tokens): checking one is
a single indexed lookup that also sees the client's revocation and the party's deactivation
at once, in every API process, with no token cache to disagree.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from tradewindow.violations import Violation

API_KEY_PREFIX = "tw"
TOKEN_PREFIX = "twt"  # noqa: S105 — a prefix, not a secret
_CREDENTIAL_ID = re.compile(r"[a-z2-7]{16}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")
TOKEN_LIFETIME = timedelta(minutes=15)
ROTATION_GRACE = timedelta(0)


class CredentialKind(StrEnum):
    API_KEY = "api_key"
    OAUTH_CLIENT = "oauth_client"


class Credential(msgspec.Struct, frozen=True, kw_only=True):
    """An API key or OAuth2 client as the registry shows it: never its secret or hash."""

    id: str
    party_id: str
    kind: CredentialKind
    label: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    rotated_at: datetime | None = None
    previous_valid_until: datetime | None = None  # the pre-rotation secret works until then
    revoked_at: datetime | None = None

    def live_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class IssuedSecret(msgspec.Struct, frozen=True, kw_only=True):
    """A credential with its new secret, returned once at issue or rotation."""

    credential: Credential
    secret: str

    @property
    def api_key(self) -> str:
        return format_api_key(self.credential.id, self.secret)

    @property
    def client_id(self) -> str:
        return self.credential.id


class Token(msgspec.Struct, frozen=True, kw_only=True):
    """An OAuth2 bearer token (RFC 6749 §5.1 fields) and when it stops working."""

    access_token: str
    expires_at: datetime
    expires_in: int  # seconds
    token_type: str = "Bearer"  # noqa: S105 — RFC 6749 token type


def new_credential_id() -> str:
    """16 characters of lower-case base32 (80 bits): no ``_``, so key parsing is unambiguous."""
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(16))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def format_api_key(credential_id: str, secret: str) -> str:
    return f"{API_KEY_PREFIX}_{credential_id}_{secret}"


def format_token(token_id: str, secret: str) -> str:
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def parse_api_key(text: str) -> tuple[str, str] | None:
    """``(credential id, secret)`` of a well-formed API key, else None."""
    return _parse(text, API_KEY_PREFIX)


def parse_token(text: str) -> tuple[str, str] | None:
    """``(token id, secret)`` of a well-formed bearer token, else None."""
    return _parse(text, TOKEN_PREFIX)


def _parse(text: str, prefix: str) -> tuple[str, str] | None:
    head, _, rest = text.partition("_")
    identifier, _, secret = rest.partition("_")  # the secret itself may contain "_"
    if head != prefix or not _CREDENTIAL_ID.fullmatch(identifier) or not _SECRET.fullmatch(secret):
        return None
    return identifier, secret


class SecretHasher:
    """HMAC-SHA256 under the server's pepper (see the module docstring for why not argon2)."""

    def __init__(self, pepper: bytes) -> None:
        self._pepper = pepper

    def digest(self, secret: str) -> bytes:
        return hmac.new(self._pepper, secret.encode("ascii"), hashlib.sha256).digest()

    def matches(self, secret: str, stored: bytes | None) -> bool:
        return stored is not None and hmac.compare_digest(self.digest(secret), stored)


def secret_accepted(
    hasher: SecretHasher,
    secret: str,
    current: bytes,
    previous: bytes | None,
    previous_valid_until: datetime | None,
    now: datetime,
) -> bool:
    """The current secret, or the one it replaced while the rotation grace lasts."""
    if hasher.matches(secret, current):
        return True
    in_grace = previous_valid_until is not None and now < previous_valid_until
    return in_grace and hasher.matches(secret, previous)


MIN_VALIDITY = timedelta(days=1)


def valid_until(now: datetime, valid_for: timedelta) -> datetime:
    """``now`` + ``valid_for``, the last representable instant when that lies beyond it."""
    try:
        return now + valid_for
    except OverflowError:
        return datetime.max.replace(tzinfo=now.tzinfo)


def expiry_violations(expires_at: datetime | None, now: datetime) -> list[Violation]:
    """A key is issued for at least :data:`MIN_VALIDITY` (a day), or explicitly for ever
    (``expires_at`` None, recorded as such in the evidence log). An expiry of zero days, or in
    the past, is refused: it used to be read as "never expires" (issue 15)."""
    if expires_at is None:
        return []
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        return [
            Violation(
                path="expires_at",
                code="credential.expiry.naive",
                en="the expiry needs a time zone",
                zh="有效期须带时区",
            )
        ]
    if expires_at - now < MIN_VALIDITY:
        return [
            Violation(
                path="expires_at",
                code="credential.expiry.too_soon",
                en="a key is valid for at least one day (or issue it without expiry explicitly)",
                zh="密钥有效期至少一天（如需永久有效，须明确声明不设有效期）",
            )
        ]
    return []
