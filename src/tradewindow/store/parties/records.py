"""The party registry's records over SQLAlchemy Core (``parties.ports``): rows in and out
of the tables, inside one transaction; ``SqlPartyStore`` opens them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from tradewindow.parties.commissions import Commission, Scope
from tradewindow.parties.credentials import Credential, CredentialKind
from tradewindow.parties.identifiers import Identifier, Scheme
from tradewindow.parties.keys import KeyAlgorithm, RegisteredKey
from tradewindow.parties.model import Party
from tradewindow.parties.ports import CredentialCheck
from tradewindow.parties.principal import PartyKind
from tradewindow.store.errors import DuplicateRecord
from tradewindow.store.parties.tables import (
    access_tokens,
    commissions,
    credentials,
    parties,
    party_identifiers,
    registered_keys,
)
from tradewindow.store.parts import PARTS
from tradewindow.store.transaction import SqlTransaction, reader, writer


def _party(row: Row[Any], identifiers: list[Identifier]) -> Party:
    return Party(
        id=row.id,
        name_zh=row.name_zh,
        name_en=row.name_en,
        kind=PartyKind(row.kind),
        roles=tuple(row.roles.split()),
        identifiers=tuple(sorted(identifiers, key=lambda i: (i.scheme.value, i.value))),
        jurisdictions=tuple(row.jurisdictions.split()),
        city=row.city,
        sector=row.sector,
        registered_at=row.registered_at,
        active=bool(row.active),
    )


def _credential(row: Row[Any]) -> Credential:
    return Credential(
        id=row.id,
        party_id=row.party_id,
        kind=CredentialKind(row.kind),
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        rotated_at=row.rotated_at,
        previous_valid_until=row.previous_valid_until,
        revoked_at=row.revoked_at,
    )


_AUTH_COLUMNS = (
    credentials.c.id.label("credential_id"),
    credentials.c.kind,
    credentials.c.secret_hash,
    credentials.c.previous_hash,
    credentials.c.previous_valid_until,
    credentials.c.expires_at,
    credentials.c.revoked_at,
    credentials.c.last_used_at,
    parties.c.id.label("party_id"),
    parties.c.kind.label("party_kind"),
    parties.c.roles,
    parties.c.active,
)

# the API's per-request look-ups, built once (SQLAlchemy then only binds them)
_AUTHENTICATION = (
    select(*_AUTH_COLUMNS)
    .join_from(credentials, parties, credentials.c.party_id == parties.c.id)
    .where(credentials.c.id == bindparam("credential_id"))
)
_PARTY = select(parties).where(parties.c.id == bindparam("party_id"))
_IDENTIFIERS = select(party_identifiers.c.scheme, party_identifiers.c.value).where(
    party_identifiers.c.party_id == bindparam("party_id")
)
_KEYS = (
    select(registered_keys)
    .where(registered_keys.c.party_id == bindparam("party_id"))
    .order_by(registered_keys.c.valid_from, registered_keys.c.id)
)

_OWNERS_CHUNK = 500  # identifier values per IN list (SQLite's bound-parameter limit)


def _check(row: Row[*tuple[Any, ...]] | None) -> CredentialCheck | None:
    if row is None:
        return None
    values = row._asdict()
    values["active"] = bool(values["active"])
    return CredentialCheck(**values)


def _key(row: Row[Any]) -> RegisteredKey:
    return RegisteredKey(
        id=row.id,
        party_id=row.party_id,
        algorithm=KeyAlgorithm(row.algorithm),
        material=bytes(row.material),
        fingerprint=row.fingerprint,
        label=row.label,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        registered_at=row.registered_at,
        revoked_at=row.revoked_at,
    )


def _commission(row: Row[Any]) -> Commission:
    return Commission(
        id=row.id,
        principal_id=row.principal_id,
        agent_id=row.agent_id,
        scope=tuple(Scope(s) for s in row.scope.split()),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        granted_at=row.granted_at,
        granted_by=row.granted_by,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )


class SqlPartyRecords(SqlTransaction):
    """``PartyRecords`` on one connection (see ``parties.ports``)."""

    def insert_party(self, party: Party) -> None:
        self.connection.execute(
            insert(parties).values(
                id=party.id,
                name_zh=party.name_zh,
                name_en=party.name_en,
                kind=party.kind.value,
                roles=" ".join(party.roles),
                jurisdictions=" ".join(party.jurisdictions),
                city=party.city,
                sector=party.sector,
                registered_at=party.registered_at,
                active=party.active,
            )
        )
        self.insert_identifiers(party.id, party.identifiers)

    def insert_identifiers(self, party_id: str, identifiers: Iterable[Identifier]) -> None:
        rows = [
            {"scheme": i.scheme.value, "value": i.value, "party_id": party_id} for i in identifiers
        ]
        if rows:
            self.connection.execute(insert(party_identifiers), rows)

    def update_party(self, party_id: str, values: Mapping[str, Any]) -> None:
        self.connection.execute(update(parties).where(parties.c.id == party_id).values(**values))

    def owners(self, identifiers: Iterable[Identifier]) -> dict[Identifier, str]:
        """The party holding each of ``identifiers`` that is registered already."""
        wanted = set(identifiers)
        found: dict[Identifier, str] = {}
        values = sorted({identifier.value for identifier in wanted})
        schemes = sorted({identifier.scheme.value for identifier in wanted})
        for start in range(0, len(values), _OWNERS_CHUNK):  # one query per chunk, not per id
            query = select(
                party_identifiers.c.scheme, party_identifiers.c.value, party_identifiers.c.party_id
            ).where(
                party_identifiers.c.scheme.in_(schemes),
                party_identifiers.c.value.in_(values[start : start + _OWNERS_CHUNK]),
            )
            for scheme, value, party_id in self.connection.execute(query):
                identifier = Identifier(Scheme(scheme), value)
                if identifier in wanted:
                    found[identifier] = party_id
        return found

    def owner_of(self, identifier: Identifier) -> str | None:
        query = select(party_identifiers.c.party_id).where(
            party_identifiers.c.scheme == identifier.scheme.value,
            party_identifiers.c.value == identifier.value,
        )
        owner: str | None = self.connection.execute(query).scalar_one_or_none()
        return owner

    def holders_of_value(self, value: str) -> list[str]:
        """The parties holding an identifier spelled ``value`` in any scheme (at most one per
        scheme), as CEB messages name parties by a bare code."""
        query = (
            select(party_identifiers.c.party_id)
            .where(
                # every scheme named, so the (scheme, value) primary key answers: the filing path
                party_identifiers.c.scheme.in_([s.value for s in Scheme]),
                party_identifiers.c.value == value.strip().upper(),
            )
            .order_by(party_identifiers.c.scheme)
        )
        return list(dict.fromkeys(self.connection.execute(query).scalars()))

    def load_party(self, party_id: str) -> Party | None:
        bound = {"party_id": party_id}
        row = self.connection.execute(_PARTY, bound).one_or_none()
        if row is None:
            return None
        found = self.connection.execute(_IDENTIFIERS, bound)
        return _party(row, [Identifier(Scheme(s), v) for s, v in found])

    def load_parties(self, kind: PartyKind | None = None) -> list[Party]:
        query = select(parties).order_by(parties.c.id)
        if kind is not None:
            query = query.where(parties.c.kind == kind.value)
        rows = self.connection.execute(query).all()
        held: dict[str, list[Identifier]] = defaultdict(list)
        for party_id, scheme, value in self.connection.execute(
            select(
                party_identifiers.c.party_id, party_identifiers.c.scheme, party_identifiers.c.value
            )
        ):
            held[party_id].append(Identifier(Scheme(scheme), value))
        return [_party(row, held[row.id]) for row in rows]

    def insert_credential(self, credential: Credential, secret_hash: bytes) -> None:
        self.connection.execute(
            insert(credentials).values(
                id=credential.id,
                party_id=credential.party_id,
                kind=credential.kind.value,
                label=credential.label,
                secret_hash=secret_hash,
                created_at=credential.created_at,
                expires_at=credential.expires_at,
            )
        )

    def load_credential(self, credential_id: str) -> Credential | None:
        query = select(credentials).where(credentials.c.id == credential_id)
        row = self.connection.execute(query).one_or_none()
        return None if row is None else _credential(row)

    def load_credentials(self, party_id: str) -> list[Credential]:
        query = (
            select(credentials)
            .where(credentials.c.party_id == party_id)
            .order_by(credentials.c.created_at, credentials.c.id)
        )
        return [_credential(row) for row in self.connection.execute(query)]

    def secret_hash_of(self, credential_id: str) -> bytes | None:
        query = select(credentials.c.secret_hash).where(credentials.c.id == credential_id)
        found: bytes | None = self.connection.execute(query).scalar_one_or_none()
        return found

    def update_credential(self, credential_id: str, values: Mapping[str, Any]) -> None:
        self.connection.execute(
            update(credentials).where(credentials.c.id == credential_id).values(**values)
        )

    def credential_for_authentication(self, credential_id: str) -> CredentialCheck | None:
        """The credential and its party's kind, roles and state: one lookup by primary keys."""
        found = self.connection.execute(_AUTHENTICATION, {"credential_id": credential_id})
        return _check(found.one_or_none())

    def token_for_authentication(self, token_id: str) -> CredentialCheck | None:
        """The token with its client credential and party, in one lookup by primary keys."""
        query = (
            select(
                access_tokens.c.secret_hash.label("token_hash"),
                access_tokens.c.expires_at.label("token_expires_at"),
                *_AUTH_COLUMNS,
            )
            .join_from(
                access_tokens, credentials, access_tokens.c.credential_id == credentials.c.id
            )
            .join(parties, credentials.c.party_id == parties.c.id)
            .where(access_tokens.c.id == token_id)
        )
        return _check(self.connection.execute(query).one_or_none())

    def insert_token(
        self,
        token_id: str,
        credential_id: str,
        secret_hash: bytes,
        issued_at: datetime,
        expires_at: datetime,
    ) -> None:
        self.connection.execute(
            insert(access_tokens).values(
                id=token_id,
                credential_id=credential_id,
                secret_hash=secret_hash,
                issued_at=issued_at,
                expires_at=expires_at,
            )
        )

    def delete_expired_tokens(self, now: datetime) -> int:
        result = self.connection.execute(
            access_tokens.delete().where(access_tokens.c.expires_at <= now)
        )
        return result.rowcount

    def insert_key(self, key: RegisteredKey) -> None:
        self.connection.execute(
            insert(registered_keys).values(
                id=key.id,
                party_id=key.party_id,
                algorithm=key.algorithm.value,
                material=key.material,
                fingerprint=key.fingerprint,
                label=key.label,
                valid_from=key.valid_from,
                valid_until=key.valid_until,
                registered_at=key.registered_at,
            )
        )

    def key_id_by_fingerprint(self, fingerprint: str) -> str | None:
        query = select(registered_keys.c.id).where(registered_keys.c.fingerprint == fingerprint)
        found: str | None = self.connection.execute(query).scalar_one_or_none()
        return found

    def load_key(self, key_id: str) -> RegisteredKey | None:
        query = select(registered_keys).where(registered_keys.c.id == key_id)
        row = self.connection.execute(query).one_or_none()
        return None if row is None else _key(row)

    def load_keys(self, party_id: str) -> list[RegisteredKey]:
        return [_key(row) for row in self.connection.execute(_KEYS, {"party_id": party_id})]

    def revoke_key(self, key_id: str, now: datetime) -> None:
        self.connection.execute(
            update(registered_keys).where(registered_keys.c.id == key_id).values(revoked_at=now)
        )

    def insert_commission(self, commission: Commission) -> None:
        self.connection.execute(
            insert(commissions).values(
                id=commission.id,
                principal_id=commission.principal_id,
                agent_id=commission.agent_id,
                scope=" ".join(commission.scope),
                valid_from=commission.valid_from,
                valid_until=commission.valid_until,
                granted_at=commission.granted_at,
                granted_by=commission.granted_by,
            )
        )

    def load_commission(self, commission_id: str) -> Commission | None:
        query = select(commissions).where(commissions.c.id == commission_id)
        row = self.connection.execute(query).one_or_none()
        return None if row is None else _commission(row)

    def load_commissions(
        self, *, principal_id: str | None = None, agent_id: str | None = None
    ) -> list[Commission]:
        """Commissions given by ``principal_id`` and/or held by ``agent_id``, oldest first."""
        query = select(commissions).order_by(commissions.c.granted_at, commissions.c.id)
        if principal_id is not None:
            query = query.where(commissions.c.principal_id == principal_id)
        if agent_id is not None:
            query = query.where(commissions.c.agent_id == agent_id)
        return [_commission(row) for row in self.connection.execute(query)]

    def revoke_commission(self, commission_id: str, at: datetime, by: str) -> None:
        self.connection.execute(
            update(commissions)
            .where(commissions.c.id == commission_id, commissions.c.revoked_at.is_(None))
            .values(revoked_at=at, revoked_by=by)
        )


class SqlPartyStore:
    """A ``PartyStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def writing(self) -> Iterator[SqlPartyRecords]:
        try:
            with writer(self.engine) as connection:
                yield SqlPartyRecords(connection, PARTS)
        except IntegrityError as error:  # a concurrent transaction took the identity first
            raise DuplicateRecord(str(error.orig)) from error

    @contextmanager
    def reading(self) -> Iterator[SqlPartyRecords]:
        with reader(self.engine) as connection:
            yield SqlPartyRecords(connection, PARTS)
