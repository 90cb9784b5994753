"""The records the web edge's stores exchange with it (``web.ports``): plain Structs, defined
here so that ``store`` never imports ``web``."""

from __future__ import annotations

from datetime import datetime

import msgspec


class IdempotencyRow(msgspec.Struct, frozen=True, kw_only=True):
    request_digest: str
    state: str  # in_flight / done
    created_at: datetime
    status_code: int | None = None
    media_type: str | None = None
    headers: bytes | None = None  # JSON object of the response headers to replay
    body: bytes | None = None


class AccountRow(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    username: str
    display_name: str
    party_id: str
    officer: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    disabled_at: datetime | None
    password_hash: str


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    account: AccountRow
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class DatabaseProbe(msgspec.Struct, frozen=True, kw_only=True):
    reachable: bool
    dialect: str
    milliseconds: int | None  # how long SELECT 1 took
    current_revision: str | None
