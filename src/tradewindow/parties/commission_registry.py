"""``CommissionRegistry``: grant, revoke and read commissions; the filing check's lookups.

Over a ``parties.ports.PartyStore`` (``store/parties``). Each grant or revocation is one
transaction that also appends its record to the evidence log (``CommissionEvidence``),
so a commission never stands without its evidence. Reads go to the database every time: a
revocation holds in every API process on its next request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import msgspec

from tradewindow.clock import utc_now
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
from tradewindow.parties.ports import (
    CommissionEvent,
    CommissionEvidence,
    PartyRecords,
    PartyStore,
)
from tradewindow.violations import Violation

OPERATOR = "operator"  # who acts through the CLI: the registry's operator, not a party


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
        store: PartyStore,
        *,
        evidence: CommissionEvidence | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._evidence = evidence
        self._clock = clock

    def grant(self, principal_id: str, command: GrantCommission, *, by: str) -> Commission:
        """Register the commission; raises ``PartyNotFound`` for an unknown principal and
        ``InvalidCommission`` with every violation. ``by``: the acting party, or OPERATOR."""
        now = self._clock()
        with self._store.writing() as records:
            principal = self._existing(records, principal_id)
            agent = _resolve(records, command.agent)
            commission = prepare_commission(
                command,
                principal,
                agent,
                commission_id=f"c-{secrets.token_hex(6)}",
                now=now,
                granted_by=by,
            )
            records.insert_commission(commission)
            self._record(records, CommissionEvent.GRANTED, commission, by, now)
        return commission

    def revoke(self, commission_id: str, *, principal_id: str | None = None, by: str) -> Commission:
        """Revoke at once; idempotent (a revoked commission is returned as it is, nothing new
        recorded). With ``principal_id``, another principal's commission is not found."""
        now = self._clock()
        with self._store.writing() as records:
            commission = records.load_commission(commission_id)
            if commission is None or principal_id not in (None, commission.principal_id):
                raise CommissionNotFound(commission_id)
            if commission.revoked_at is not None:
                return commission
            records.revoke_commission(commission_id, now, by)
            revoked = msgspec.structs.replace(commission, revoked_at=now, revoked_by=by)
            self._record(records, CommissionEvent.REVOKED, revoked, by, now)
        return revoked

    def commission(self, commission_id: str, *, party_id: str | None = None) -> Commission:
        """One commission; with ``party_id``, only when that party is its principal or agent
        (otherwise ``CommissionNotFound``, exactly as for one that does not exist)."""
        with self._store.reading() as records:
            found = records.load_commission(commission_id)
        if found is None or party_id not in (None, found.principal_id, found.agent_id):
            raise CommissionNotFound(commission_id)
        return found

    def given(self, principal_id: str) -> list[Commission]:
        """The commissions ``principal_id`` has granted, revoked and lapsed ones included."""
        with self._store.reading() as records:
            return records.load_commissions(principal_id=principal_id)

    def held(self, agent_id: str) -> list[Commission]:
        """The commissions ``agent_id`` has been given, revoked and lapsed ones included."""
        with self._store.reading() as records:
            return records.load_commissions(agent_id=agent_id)

    def resolve(self, reference: str) -> Party:
        """The party ``reference`` names: a party id, ``SCHEME:VALUE``, or a bare code in any
        scheme; raises ``PartyNotFound``."""
        with self._store.reading() as records:
            found = _resolve(records, reference)
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
        with self._store.reading() as records:
            for document in declared:
                code = document.ebc_code
                ebc: Party | None = None
                held: list[Commission] = []
                if code.upper() not in codes:
                    if code not in principals:
                        principals[code] = _principal(records, code, filer)
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

    def principals(
        self, agent: Party, codes: Iterable[str]
    ) -> dict[str, tuple[Party | None, list[Commission]]]:
        """For each code: the party holding it (None: none, or an ambiguous code) and the
        commissions it gave ``agent``, revoked and lapsed ones included; one read."""
        with self._store.reading() as records:
            return {code: _principal(records, code, agent) for code in sorted(set(codes))}

    # --- inside -------------------------------------------------------------------------

    def _record(
        self,
        records: PartyRecords,
        event: CommissionEvent,
        commission: Commission,
        actor: str,
        at: datetime,
    ) -> None:
        if self._evidence is not None:
            self._evidence.record(records, event, commission, actor, at)

    @staticmethod
    def _existing(records: PartyRecords, party_id: str) -> Party:
        party = records.load_party(party_id)
        if party is None:
            raise PartyNotFound(party_id)
        return party


def _resolve(records: PartyRecords, reference: str) -> Party | None:
    found = records.load_party(reference)
    if found is not None:
        return found
    scheme, separator, value = reference.partition(":")
    if separator:
        try:
            known = Scheme(scheme)
        except ValueError:
            return None
        owner = records.owner_of(Identifier(known, normalise(known, value)))
        return None if owner is None else records.load_party(owner)
    return _by_code(records, reference)


def _principal(
    records: PartyRecords, code: str, agent: Party
) -> tuple[Party | None, list[Commission]]:
    """The party an ebcCode names, and the commissions it gave ``agent`` (none if no one)."""
    party = _by_code(records, code)
    if party is None:
        return None, []
    return party, records.load_commissions(principal_id=party.id, agent_id=agent.id)


def _by_code(records: PartyRecords, code: str) -> Party | None:
    """The party a CEB code names: the holder of that identifier value. Two parties holding
    the same value in different schemes name no one (ambiguous codes commission nothing)."""
    holders = records.holders_of_value(code)
    return records.load_party(holders[0]) if len(holders) == 1 else None
