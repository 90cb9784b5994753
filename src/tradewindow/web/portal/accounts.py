"""People who sign in to the portals, and their sessions.

``Accounts`` over ``web.ports.AccountRecords`` (``store/web/accounts.py``): add an account (a
party's staff member, or an agency's officer), check a password (argon2id), and open, find and
end server-side sessions. Every check reads the database, so any number of web processes
agree; the browser holds only a random secret whose SHA-256 keys the session row.

Failures are typed (:class:`SignInRefused`) with a stable code and English / Chinese text:
``auth.sign_in_failed`` for an unknown user or a wrong password alike (no oracle of which
usernames exist). Repeated failures never lock an account (anyone could lock an officer
out): the web edge throttles them per client address and account
(:mod:`tradewindow.parties.throttle`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tradewindow.clock import utc_now
from tradewindow.parties.principal import PartyKind
from tradewindow.parties.service import PartyRegistry
from tradewindow.settings import PortalLimits
from tradewindow.violations import Violation
from tradewindow.web.ports import AccountRecords, AccountRow

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MIN_PASSWORD = 12
TOUCH_RESOLUTION = timedelta(minutes=1)
_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))  # equal work for unknown usernames


class Account(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    username: str
    display_name: str
    party_id: str
    officer: bool  # an agency's officer (works the agency's queue)
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    disabled_at: datetime | None


class Session(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # the SHA-256 of the cookie's secret
    account: Account
    csrf_token: str
    created_at: datetime
    expires_at: datetime


class OpenedSession(msgspec.Struct, frozen=True, kw_only=True):
    secret: str  # goes in the cookie, never stored
    session: Session


class AccountError(Exception):
    def __init__(self, code: str, en: str, zh: str, path: str = "") -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.en, self.zh, self.path = code, en, zh, path

    @property
    def violation(self) -> Violation:
        return Violation(path=self.path, code=self.code, en=self.en, zh=self.zh)


class SignInRefused(AccountError):
    def __init__(self, code: str, en: str, zh: str, until: datetime | None = None) -> None:
        super().__init__(code, en, zh)
        self.until = until


class InvalidAccount(AccountError):
    pass


def new_password() -> str:
    """A random password to print once (about 120 bits, no look-alike characters)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def session_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(
        self,
        records: AccountRecords,
        registry: PartyRegistry,
        settings: PortalLimits | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._records = records
        self._registry = registry
        self.settings = settings or PortalLimits()
        self._clock = clock

    # --- accounts ----------------------------------------------------------------------

    def add(
        self, party_id: str, username: str, password: str, *, display_name: str = ""
    ) -> Account:
        """A new account of ``party_id`` (an officer when the party is an agency); raises
        ``InvalidAccount`` for a bad or taken username or a short password, and the registry's
        ``PartyNotFound`` for an unknown party."""
        party = self._registry.party(party_id)
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise InvalidAccount(
                "account.username.invalid",
                "a username is 3-64 characters: a-z, 0-9, '.', '_' or '-'",
                "用户名须为3至64个字符：a-z、0-9、“.”、“_”或“-”",
                "username",
            )
        if len(password) < MIN_PASSWORD:
            raise InvalidAccount(
                "account.password.too_short",
                f"a password has at least {MIN_PASSWORD} characters",
                f"密码至少{MIN_PASSWORD}个字符",
                "password",
            )
        account = Account(
            id=f"u-{secrets.token_hex(6)}",
            username=username,
            display_name=display_name.strip() or username,
            party_id=party.id,
            officer=party.kind is PartyKind.AGENCY,
            failed_attempts=0,
            locked_until=None,
            created_at=self._clock(),
            disabled_at=None,
        )
        row = AccountRow(**msgspec.structs.asdict(account), password_hash=_HASHER.hash(password))
        if not self._records.add(row):
            raise InvalidAccount(
                "account.username.taken",
                f"username {username} is taken",
                f"用户名 {username} 已被使用",
                "username",
            )
        return account

    def set_password(self, username: str, password: str) -> Account:
        """A new password (and no lock); raises ``InvalidAccount`` for an unknown username or
        a short password."""
        if len(password) < MIN_PASSWORD:
            raise InvalidAccount(
                "account.password.too_short",
                f"a password has at least {MIN_PASSWORD} characters",
                f"密码至少{MIN_PASSWORD}个字符",
                "password",
            )
        found = self.account(username)
        if found is None:
            raise InvalidAccount(
                "account.username.unknown", f"no account {username}", f"无账户 {username}"
            )
        self._records.set_password_hash(found.id, _HASHER.hash(password), unlock=True)
        return found

    def account(self, username: str) -> Account | None:
        row = self._records.by_username(username.strip().lower())
        return None if row is None else _account(row)

    def accounts_of(self, party_id: str) -> list[Account]:
        return [_account(row) for row in self._records.of_party(party_id)]

    # --- signing in ----------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> OpenedSession:
        """A new session for the account when the password is right; raises
        ``SignInRefused`` (``auth.sign_in_failed``) otherwise, the same for an unknown
        account, a disabled one and a wrong password, after the same password hashing."""
        now = self._clock()
        row = self._records.by_username(username.strip().lower())
        if row is None:
            _verify(_DUMMY_HASH, password)
            raise _failed()
        account = _account(row)
        if account.disabled_at is not None or not self._party_active(account.party_id):
            _verify(row.password_hash, password)
            raise _failed()
        if not _verify(row.password_hash, password):
            raise _failed()
        if _HASHER.check_needs_rehash(row.password_hash):
            self._set_hash(account.id, _HASHER.hash(password))
        return self._open(account, now)

    def _open(self, account: Account, now: datetime) -> OpenedSession:
        secret = secrets.token_urlsafe(32)
        session = Session(
            id=session_key(secret),
            account=account,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + self.settings.session_lifetime,
        )
        self._records.open_session(
            account.id, session.id, session.csrf_token, now, session.expires_at
        )
        return OpenedSession(secret=secret, session=session)

    def session(self, secret: str | None) -> Session | None:
        """The live session of a cookie's secret: not signed out, not past its lifetime nor
        idle too long, its account enabled and its party active; else None."""
        if not secret:
            return None
        now = self._clock()
        key = session_key(secret)
        row = self._records.session(key)
        if row is None or row.revoked_at is not None or now >= row.expires_at:
            return None
        if now - row.last_seen_at >= self.settings.idle_timeout:
            return None
        account = _account(row.account)
        if account.disabled_at is not None or not self._party_active(account.party_id):
            return None
        if now - row.last_seen_at >= TOUCH_RESOLUTION:
            self._records.touch(key, now)
        return Session(
            id=key,
            account=account,
            csrf_token=row.csrf_token,
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    def sign_out(self, session_id: str) -> None:
        """End the session now (idempotent)."""
        self._records.revoke(session_id, self._clock())

    # --- inside ----------------------------------------------------------------------------

    def _party_active(self, party_id: str) -> bool:
        return self._registry.party(party_id).active

    def _set_hash(self, account_id: str, password_hash: str) -> None:
        self._records.set_password_hash(account_id, password_hash, unlock=False)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _account(row: AccountRow) -> Account:
    return Account(**{name: getattr(row, name) for name in Account.__struct_fields__})


def _failed() -> SignInRefused:
    return SignInRefused(
        "auth.sign_in_failed",
        "the username or the password is wrong",
        "用户名或密码错误",
    )
