"""``CommissionRegistry``: grant, revoke and read commissions; the filing check's lookups.

Over SQLAlchemy Core with the store's engine (SQLite or PostgreSQL). Each grant or revocation
is one transaction that also appends its record to the evidence log (``CommissionEvidence``),
so a commission never stands without its evidence. Reads go to the database every time: a
revocation holds in every API process on its next request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import msgspec
from sqlalchemy import Connection, Engine

from tradewindow.clock import utc_now
from tradewindow.parties import repository as sql
from tradewindow.parties.commissions import (
    Commission,
    GrantCommission,
    Scope,
    filing_violation,
    prepare_commission,
)
from tradewindow.parties.errors import CommissionNotFound, PartyNotFound
from tradewindow.parties.identifiers import Identifier, Scheme, normalise
from tradewindow.parties.model import Party
from tradewindow.store.engine import READ_ONLY
from tradewindow.violations import Violation

OPERATOR = "operator"  # who acts through the CLI: the registry's operator, not a party


class CommissionEvent(StrEnum):
    GRANTED = "commission_granted"
    REVOKED = "commission_revoked"


class CommissionEvidence(Protocol):
    """Where grants and revocations are recorded, in the caller's transaction."""

    def record(
        self,
        connection: Connection,
        event: CommissionEvent,
        commission: Commission,
        actor: str,
        at: datetime,
    ) -> None: ...


class Declared(msgspec.Struct, frozen=True, kw_only=True):
    """A document a message declares for an e-commerce enterprise: where its head is, and
    the ebcCode and agentCode it names."""

    path: str
    ebc_code: str
    agent_code: str


class CommissionRegistry:
    """The registry of commissions (see module docstring). ``evidence`` None records nothing:
    only for tests of the registry alone."""

    def __init__(
        self,
        engine: Engine,
        *,
        evidence: CommissionEvidence | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._engine = engine
        self._evidence = evidence
        self._clock = clock

    def grant(self, principal_id: str, command: GrantCommission, *, by: str) -> Commission:
        """Register the commission; raises ``PartyNotFound`` for an unknown principal and
        ``InvalidCommission`` with every violation. ``by``: the acting party, or OPERATOR."""
        now = self._clock()
        with self._writer() as connection:
            principal = self._existing(connection, principal_id)
            agent = _resolve(connection, command.agent)
            commission = prepare_commission(
                command,
                principal,
                agent,
                commission_id=f"c-{secrets.token_hex(6)}",
                now=now,
                granted_by=by,
            )
            sql.insert_commission(connection, commission)
            self._record(connection, CommissionEvent.GRANTED, commission, by, now)
        return commission

    def revoke(self, commission_id: str, *, principal_id: str | None = None, by: str) -> Commission:
        """Revoke at once; idempotent (a revoked commission is returned as it is, nothing new
        recorded). With ``principal_id``, another principal's commission is not found."""
        now = self._clock()
        with self._writer() as connection:
            commission = sql.load_commission(connection, commission_id)
            if commission is None or principal_id not in (None, commission.principal_id):
                raise CommissionNotFound(commission_id)
            if commission.revoked_at is not None:
                return commission
            sql.revoke_commission(connection, commission_id, now, by)
            revoked = msgspec.structs.replace(commission, revoked_at=now, revoked_by=by)
            self._record(connection, CommissionEvent.REVOKED, revoked, by, now)
        return revoked

    def commission(self, commission_id: str, *, party_id: str | None = None) -> Commission:
        """One commission; with ``party_id``, only when that party is its principal or agent
        (otherwise ``CommissionNotFound``, exactly as for one that does not exist)."""
        with self._reader() as connection:
            found = sql.load_commission(connection, commission_id)
        if found is None or party_id not in (None, found.principal_id, found.agent_id):
            raise CommissionNotFound(commission_id)
        return found

    def given(self, principal_id: str) -> list[Commission]:
        """The commissions ``principal_id`` has granted, revoked and lapsed ones included."""
        with self._reader() as connection:
            return sql.load_commissions(connection, principal_id=principal_id)

    def held(self, agent_id: str) -> list[Commission]:
        """The commissions ``agent_id`` has been given, revoked and lapsed ones included."""
        with self._reader() as connection:
            return sql.load_commissions(connection, agent_id=agent_id)

    def resolve(self, reference: str) -> Party:
        """The party ``reference`` names: a party id, ``SCHEME:VALUE``, or a bare code in any
        scheme; raises ``PartyNotFound``."""
        with self._reader() as connection:
            found = _resolve(connection, reference)
        if found is None:
            raise PartyNotFound(reference)
        return found

    def filing_violations(
        self, filer: Party, declared: Sequence[Declared], scope: Scope, at: datetime
    ) -> list[Violation]:
        """Every document ``filer`` may not file for its e-commerce enterprise at ``at`` (the
        receipt time), by :func:`parties.commissions.filing_violation`; one read."""
        codes = {i.value.upper() for i in filer.identifiers}
        found: list[Violation] = []
        # a message's lists mostly name a few enterprises: each is looked up once
        principals: dict[str, tuple[Party | None, list[Commission]]] = {}
        with self._reader() as connection:
            for document in declared:
                code = document.ebc_code
                ebc: Party | None = None
                held: list[Commission] = []
                if code.upper() not in codes:
                    if code not in principals:
                        principals[code] = _principal(connection, code, filer)
                    ebc, held = principals[code]
                violation = filing_violation(
                    path=document.path,
                    ebc_code=code,
                    agent_code=document.agent_code,
                    filer_id=filer.id,
                    filer_codes=codes,
                    ebc_party=ebc,
                    commissions=held,
                    scope=scope,
                    at=at,
                )
                if violation is not None:
                    found.append(violation)
        return found

    # --- inside -------------------------------------------------------------------------

    def _record(
        self,
        connection: Connection,
        event: CommissionEvent,
        commission: Commission,
        actor: str,
        at: datetime,
    ) -> None:
        if self._evidence is not None:
            self._evidence.record(connection, event, commission, actor, at)

    @contextmanager
    def _writer(self) -> Iterator[Connection]:
        with self._engine.begin() as connection:
            yield connection

    @contextmanager
    def _reader(self) -> Iterator[Connection]:
        with self._engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})
            yield connection

    @staticmethod
    def _existing(connection: Connection, party_id: str) -> Party:
        party = sql.load_party(connection, party_id)
        if party is None:
            raise PartyNotFound(party_id)
        return party


def _resolve(connection: Connection, reference: str) -> Party | None:
    found = sql.load_party(connection, reference)
    if found is not None:
        return found
    scheme, separator, value = reference.partition(":")
    if separator:
        try:
            known = Scheme(scheme)
        except ValueError:
            return None
        owner = sql.owner_of(connection, Identifier(known, normalise(known, value)))
        return None if owner is None else sql.load_party(connection, owner)
    return _by_code(connection, reference)


def _principal(
    connection: Connection, code: str, agent: Party
) -> tuple[Party | None, list[Commission]]:
    """The party an ebcCode names, and the commissions it gave ``agent`` (none if no one)."""
    party = _by_code(connection, code)
    if party is None:
        return None, []
    return party, sql.load_commissions(connection, principal_id=party.id, agent_id=agent.id)


def _by_code(connection: Connection, code: str) -> Party | None:
    """The party a CEB code names: the holder of that identifier value. Two parties holding
    the same value in different schemes name no one (ambiguous codes commission nothing)."""
    holders = sql.holders_of_value(connection, code)
    return sql.load_party(connection, holders[0]) if len(holders) == 1 else None
