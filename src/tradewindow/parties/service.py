"""``PartyRegistry``: register parties, hold their credentials and keys, authenticate calls.

Over a ``parties.ports.PartyStore`` (``store/parties``: SQLite or PostgreSQL). Every write
is one transaction; every check reads the database, never a cache, so a revoked key or deactivated
party fails at once in every API process. ``authenticate`` is one indexed read, plus at most
one write a minute per key to keep ``last_used_at`` (a write per request would serialise
SQLite writers and cost PostgreSQL a WAL flush for every call).

(Over 400 lines: one registry use case per method over the one port, each a transaction;
authentication must read what the writes beside it wrote, and splitting would separate them.)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import msgspec

from tradewindow.clock import utc_now
from tradewindow.parties.credentials import (
    ROTATION_GRACE,
    TOKEN_LIFETIME,
    Credential,
    CredentialKind,
    IssuedSecret,
    SecretHasher,
    Token,
    expiry_violations,
    format_token,
    new_credential_id,
    new_secret,
    parse_api_key,
    parse_token,
    secret_accepted,
    valid_until,
)
from tradewindow.parties.errors import (
    CertificateNotFound,
    CredentialExpired,
    CredentialNotFound,
    CredentialRevoked,
    IdentifierTaken,
    InvalidClient,
    InvalidCredential,
    InvalidKeyMaterial,
    InvalidParty,
    PartyInactive,
    PartyNotFound,
)
from tradewindow.parties.identifiers import Identifier, Scheme, normalise, parse_identifier
from tradewindow.parties.keys import KeyAlgorithm, RegisteredKey, key_fingerprint
from tradewindow.parties.model import Party, RegisterParty, prepare_party, role_violations
from tradewindow.parties.ports import CredentialCheck, KeyEvidence, PartyRecords, PartyStore
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.parties.roles import check_agency_codes
from tradewindow.text import forbidden_violations
from tradewindow.transaction import ConcurrentWrite
from tradewindow.violations import Violation

LAST_USED_RESOLUTION = timedelta(minutes=1)


class PartyRegistry:
    """The registry of parties and their machine credentials (see module docstring).

    ``pepper`` keys the HMAC of stored secrets: keep it out of the database, and keep it —
    changing it invalidates every issued key and client secret. ``agencies`` are agency
    codes added by configuration beside the five standard ones.
    """

    def __init__(
        self,
        store: PartyStore,
        *,
        pepper: bytes,
        agencies: Iterable[str] = (),
        clock: Callable[[], datetime] = utc_now,
        token_lifetime: timedelta = TOKEN_LIFETIME,
        key_evidence: KeyEvidence | None = None,
    ) -> None:
        self._store = store
        self._key_evidence = key_evidence
        self._hasher = SecretHasher(pepper)
        self._agencies = check_agency_codes(agencies)
        self._clock = clock
        self._token_lifetime = token_lifetime

    # --- parties ------------------------------------------------------------------------

    def register(self, command: RegisterParty) -> Party:
        """Register a party; raises ``InvalidParty`` (every violation) or ``IdentifierTaken``."""
        party_id = command.id or f"p-{secrets.token_hex(6)}"
        party = prepare_party(command, party_id, self._clock(), self._agencies)
        try:
            with self._store.writing() as records:
                if records.load_party(party_id) is not None:
                    raise InvalidParty([_id_taken(party_id)])
                self._claim(records, party.id, party.identifiers)
                records.insert_party(party)
        except ConcurrentWrite as error:  # a concurrent registration won the race
            raise IdentifierTaken(", ".join(map(str, party.identifiers))) from error
        return party

    def party(self, party_id: str) -> Party:
        with self._store.reading() as records:
            found = records.load_party(party_id)
        if found is None:
            raise PartyNotFound(party_id)
        return found

    def party_and_keys(self, party_id: str) -> tuple[Party, list[RegisteredKey]]:
        """The party (as :meth:`party`) and all its registered keys (as
        :meth:`certificates_of`), in one read: what a signed filing reads of its sender."""
        with self._store.reading() as records:
            return self._existing(records, party_id), records.load_keys(party_id)

    def find(self, scheme: Scheme | str, value: str) -> Party | None:
        """The party holding this identifier (in any spelling ``normalise`` accepts)."""
        try:
            known = Scheme(scheme)
        except ValueError:
            return None
        identifier = Identifier(known, normalise(known, value))
        with self._store.reading() as records:
            owner = records.owner_of(identifier)
            return None if owner is None else records.load_party(owner)

    def ids_by_code(self, codes: Iterable[str], schemes: Iterable[Scheme]) -> dict[str, str | None]:
        """For each code, the id of the party holding it under the first of ``schemes`` that
        has one (None: none does) — :meth:`find` for many codes, in one read."""
        order = tuple(schemes)
        wanted = {
            (code, scheme): Identifier(scheme, normalise(scheme, code))
            for code in set(codes)
            for scheme in order
        }
        with self._store.reading() as records:
            owners = records.owners(wanted.values())
        return {
            code: next(
                (owners[i] for scheme in order if (i := wanted[code, scheme]) in owners), None
            )
            for code, _ in wanted
        }

    def parties(self, kind: PartyKind | None = None, role: str | None = None) -> list[Party]:
        with self._store.reading() as records:
            found = records.load_parties(kind)
        return [p for p in found if role is None or role in p.roles]

    def add_identifier(self, party_id: str, scheme: str, value: str) -> Party:
        """Give a party one more identifier; ``InvalidIdentifier`` or ``IdentifierTaken``."""
        identifier = parse_identifier(scheme, value)
        try:
            with self._store.writing() as records:
                party = self._existing(records, party_id)
                if identifier in party.identifiers:
                    return party
                self._claim(records, party_id, [identifier])
                records.insert_identifiers(party_id, [identifier])
                jurisdictions = sorted({*party.jurisdictions, identifier.jurisdiction})
                records.update_party(party_id, {"jurisdictions": " ".join(jurisdictions)})
                return self._existing(records, party_id)
        except ConcurrentWrite as error:  # a concurrent registration won the race
            raise IdentifierTaken(str(identifier)) from error

    def set_roles(self, party_id: str, roles: Iterable[str]) -> Party:
        """Replace a party's roles; takes effect on its next request."""
        roles = sorted(set(roles))
        with self._store.writing() as records:
            party = self._existing(records, party_id)
            violations = role_violations(party.kind, roles, self._agencies)
            if violations:
                raise InvalidParty(violations)
            records.update_party(party_id, {"roles": " ".join(roles)})
            return self._existing(records, party_id)

    def set_active(self, party_id: str, active: bool) -> Party:
        """Deactivate (or reactivate) a party: none of its credentials work while inactive."""
        with self._store.writing() as records:
            self._existing(records, party_id)
            records.update_party(party_id, {"active": active})
            return self._existing(records, party_id)

    # --- API keys and OAuth2 clients ----------------------------------------------------

    def issue_key(
        self,
        party_id: str,
        *,
        label: str = "",
        expires_at: datetime | None = None,
        kind: CredentialKind = CredentialKind.API_KEY,
        actor: str | None = None,
        valid_for: timedelta | None = None,
    ) -> IssuedSecret:
        """A new API key (or OAuth2 client, ``kind=OAUTH_CLIENT``); the secret is shown once.
        It is valid for at least a day, or (``expires_at`` None) explicitly without expiry;
        either way a ``key_issued`` evidence record names it, its party, its expiry and
        ``actor`` (the party itself when not given) in the same transaction. Raises
        ``InvalidCredential`` (``credential.expiry.*``) for a shorter validity. ``valid_for``
        gives the expiry from the registry's own clock instead of ``expires_at``."""
        now = self._clock()
        if valid_for is not None:
            expires_at = valid_until(now, valid_for)
        violations = expiry_violations(expires_at, now)
        violations += forbidden_violations([("label", label)])
        if violations:
            raise InvalidCredential(violations)
        secret = new_secret()
        credential = Credential(
            id=new_credential_id(),
            party_id=party_id,
            kind=kind,
            label=label,
            created_at=now,
            expires_at=expires_at,
        )
        with self._store.writing() as records:
            party = self._existing(records, party_id)
            if not party.active:
                raise PartyInactive(party_id)
            records.insert_credential(credential, self._hasher.digest(secret))
            if self._key_evidence is not None:
                who = actor or f"party:{party_id}"
                self._key_evidence.record_issued(records, credential, who, now)
        return IssuedSecret(credential=credential, secret=secret)

    def register_client(
        self, party_id: str, *, label: str = "", expires_at: datetime | None = None
    ) -> IssuedSecret:
        """An OAuth2 client: ``client_id`` and ``client_secret`` for ``issue_token``."""
        return self.issue_key(
            party_id, label=label, expires_at=expires_at, kind=CredentialKind.OAUTH_CLIENT
        )

    def rotate_key(self, credential_id: str, *, grace: timedelta = ROTATION_GRACE) -> IssuedSecret:
        """A new secret for the credential; the old one keeps working for ``grace``."""
        secret = new_secret()
        now = self._clock()
        keep_old = grace > timedelta(0)
        with self._store.writing() as records:
            self._live_credential(records, credential_id, now)
            old_hash = records.secret_hash_of(credential_id)
            records.update_credential(
                credential_id,
                {
                    "secret_hash": self._hasher.digest(secret),
                    "previous_hash": old_hash if keep_old else None,
                    "previous_valid_until": now + grace if keep_old else None,
                    "rotated_at": now,
                },
            )
            rotated = self._credential(records, credential_id)
        return IssuedSecret(credential=rotated, secret=secret)

    def revoke_key(self, credential_id: str) -> Credential:
        """Revoke at once (with every bearer token of an OAuth2 client); idempotent."""
        now = self._clock()
        with self._store.writing() as records:
            if self._credential(records, credential_id).revoked_at is not None:
                return self._credential(records, credential_id)
            records.update_credential(credential_id, {"revoked_at": now})
            return self._credential(records, credential_id)

    def credentials_of(self, party_id: str) -> list[Credential]:
        with self._store.reading() as records:
            self._existing(records, party_id)
            return records.load_credentials(party_id)

    def authenticate(self, api_key: str) -> Principal | None:
        """The principal an API key stands for, or None (malformed, unknown, wrong secret,
        revoked, expired, an OAuth2 client's secret, or the party deactivated)."""
        parsed = parse_api_key(api_key)
        if parsed is None:
            return None
        credential_id, secret = parsed
        now = self._clock()
        with self._store.reading() as records:
            row = records.credential_for_authentication(credential_id)
        if row is None or row.kind != CredentialKind.API_KEY.value:
            return None
        if not self._usable(row, now) or not secret_accepted(
            self._hasher,
            secret,
            row.secret_hash,
            row.previous_hash,
            row.previous_valid_until,
            now,
        ):
            return None
        self._touch(credential_id, row.last_used_at, now)
        return _principal(row)

    def issue_token(self, client_id: str, client_secret: str) -> Token:
        """OAuth2 client credentials grant: a bearer token for ``token_lifetime``; raises
        ``InvalidClient`` for any failure."""
        now = self._clock()
        with self._store.reading() as records:
            row = records.credential_for_authentication(client_id)
        if (
            row is None
            or row.kind != CredentialKind.OAUTH_CLIENT.value
            or not self._usable(row, now)
            or not secret_accepted(
                self._hasher,
                client_secret,
                row.secret_hash,
                row.previous_hash,
                row.previous_valid_until,
                now,
            )
        ):
            raise InvalidClient
        token_id, secret = new_credential_id(), new_secret()
        expires_at = now + self._token_lifetime
        with self._store.writing() as records:
            records.insert_token(token_id, client_id, self._hasher.digest(secret), now, expires_at)
            records.update_credential(client_id, {"last_used_at": now})
        return Token(
            access_token=format_token(token_id, secret),
            expires_at=expires_at,
            expires_in=int(self._token_lifetime.total_seconds()),
        )

    def authenticate_bearer(self, token: str) -> Principal | None:
        """The principal of a live bearer token, or None (also once its client is revoked
        or expired, or its party deactivated)."""
        parsed = parse_token(token)
        if parsed is None:
            return None
        token_id, secret = parsed
        now = self._clock()
        with self._store.reading() as records:
            row = records.token_for_authentication(token_id)
        if row is None or row.token_expires_at is None or now >= row.token_expires_at:
            return None
        if not self._usable(row, now):
            return None
        if not self._hasher.matches(secret, row.token_hash):
            return None
        return _principal(row)

    def purge_expired_tokens(self) -> int:
        """Delete bearer tokens past their expiry; returns how many."""
        with self._store.writing() as records:
            return records.delete_expired_tokens(self._clock())

    # --- signing keys and certificates --------------------------------------------------

    def register_certificate(
        self,
        party_id: str,
        algorithm: KeyAlgorithm | str,
        material: bytes,
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        label: str = "",
    ) -> RegisteredKey:
        """Register a public key or certificate (see ``parties.keys`` for the accepted forms);
        raises ``InvalidKeyMaterial`` (certificate.invalid) for a malformed or reused key."""
        try:
            known = KeyAlgorithm(algorithm)
        except ValueError:
            raise InvalidKeyMaterial(
                f"unknown key algorithm {algorithm!r}", f"未知的密钥算法 {algorithm!r}"
            ) from None
        fingerprint = key_fingerprint(known, material)
        if fingerprint is None:
            raise InvalidKeyMaterial(
                f"not a {known.value} key in an accepted form (PEM certificate or public key;"
                " 32 raw bytes for Ed25519)",
                f"不是可接受格式的 {known.value} 密钥",
            )
        now = self._clock()
        start = valid_from or now
        if valid_until is not None and valid_until <= start:
            raise InvalidKeyMaterial("valid_until must be after valid_from", "有效期截止须晚于起始")
        key = RegisteredKey(
            id=new_credential_id(),
            party_id=party_id,
            algorithm=known,
            material=material,
            fingerprint=fingerprint,
            label=label,
            valid_from=start,
            valid_until=valid_until,
            registered_at=now,
        )
        taken = InvalidKeyMaterial("this key is registered already", "该密钥已登记")
        try:
            with self._store.writing() as records:
                self._existing(records, party_id)
                if records.key_id_by_fingerprint(fingerprint) is not None:
                    raise taken
                records.insert_key(key)
        except ConcurrentWrite as error:  # registered concurrently
            raise taken from error
        return key

    def revoke_certificate(self, key_id: str) -> RegisteredKey:
        with self._store.writing() as records:
            key = records.load_key(key_id)
            if key is None:
                raise CertificateNotFound(key_id)
            if key.revoked_at is not None:
                return key
            now = self._clock()
            records.revoke_key(key_id, now)
            return msgspec.structs.replace(key, revoked_at=now)

    def certificates_of(
        self, party_id: str, usable_at: datetime | None = None
    ) -> list[RegisteredKey]:
        """The party's registered keys, oldest first; only those usable at ``usable_at``
        (within validity, not yet revoked) when it is given."""
        with self._store.reading() as records:
            keys = records.load_keys(party_id)
        return [k for k in keys if usable_at is None or k.usable_at(usable_at)]

    # --- inside -------------------------------------------------------------------------

    def _existing(self, records: PartyRecords, party_id: str) -> Party:
        party = records.load_party(party_id)
        if party is None:
            raise PartyNotFound(party_id)
        return party

    @staticmethod
    def _claim(records: PartyRecords, party_id: str, identifiers: Iterable[Identifier]) -> None:
        """Refuse identifiers another party holds (the primary key refuses a racing one)."""
        for identifier, owner in records.owners(identifiers).items():
            if owner != party_id:
                raise IdentifierTaken(str(identifier))

    @staticmethod
    def _credential(records: PartyRecords, credential_id: str) -> Credential:
        credential = records.load_credential(credential_id)
        if credential is None:
            raise CredentialNotFound(credential_id)
        return credential

    def _live_credential(
        self, records: PartyRecords, credential_id: str, now: datetime
    ) -> Credential:
        credential = self._credential(records, credential_id)
        if credential.revoked_at is not None:
            raise CredentialRevoked(credential_id)
        if credential.expires_at is not None and now >= credential.expires_at:
            raise CredentialExpired(credential_id)
        return credential

    @staticmethod
    def _usable(row: CredentialCheck, now: datetime) -> bool:
        return (
            row.active
            and row.revoked_at is None
            and (row.expires_at is None or now < row.expires_at)
        )

    def _touch(self, credential_id: str, last_used_at: datetime | None, now: datetime) -> None:
        if last_used_at is not None and now - last_used_at < LAST_USED_RESOLUTION:
            return
        with self._store.writing() as records:
            records.update_credential(credential_id, {"last_used_at": now})


def _principal(row: CredentialCheck) -> Principal:
    kind = PartyKind(row.party_kind)
    roles = tuple(row.roles.split())
    return Principal(
        party_id=row.party_id,
        kind=kind,
        roles=roles,
        agency=roles[0] if kind is PartyKind.AGENCY and roles else None,
        credential_id=row.credential_id,
    )


def _id_taken(party_id: str) -> Violation:
    return Violation(
        path="id",
        code="party.id.taken",
        en=f"party id {party_id} is taken",
        zh=f"主体标识 {party_id} 已被使用",
    )
