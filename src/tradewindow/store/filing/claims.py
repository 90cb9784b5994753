"""``filing.ports.ClaimRecords`` over SQLAlchemy Core, inside the transaction it joins."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Connection, select, update

from tradewindow.filing.ports import Claim
from tradewindow.store.filing.tables import api_messages, filings
from tradewindow.store.order_keys import order_no_of
from tradewindow.store.transaction import dialect_insert

_CHUNK = 500  # keys per IN (…): well below SQLite's and PostgreSQL's parameter limits


class SqlClaimRecords:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def senders(self, guids: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        wanted = sorted(set(guids))
        for start in range(0, len(wanted), _CHUNK):
            query = select(api_messages.c.guid, api_messages.c.party_id).where(
                api_messages.c.guid.in_(wanted[start : start + _CHUNK])
            )
            found.update({row.guid: row.party_id for row in self._connection.execute(query)})
        return found

    def owners(self, documents: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        by_kind: dict[str, list[str]] = {}
        for kind, key in sorted(set(documents)):
            by_kind.setdefault(kind, []).append(key)
        found: dict[tuple[str, str], str] = {}
        for kind, keys in by_kind.items():
            for start in range(0, len(keys), _CHUNK):
                query = select(filings.c.key, filings.c.party_id).where(
                    filings.c.kind == kind, filings.c.key.in_(keys[start : start + _CHUNK])
                )
                found.update({(kind, r.key): r.party_id for r in self._connection.execute(query)})
        return found

    def record(self, claims: Sequence[Claim]) -> None:
        if not claims:
            return
        insert = dialect_insert(self._connection)
        self._connection.execute(
            insert(api_messages).on_conflict_do_nothing(index_elements=["guid"]),
            [
                {
                    "guid": c.guid,
                    "party_id": c.party_id,
                    "credential_id": c.credential_id,
                    "message_type": c.message_type,
                    "format": c.format,
                    "digest": c.digest,
                    "received_at": c.received_at,
                }
                for c in claims
            ],
        )
        rows = [
            {
                "kind": kind,
                "key": key,
                "party_id": c.party_id,
                "credential_id": c.credential_id,
                "message_guid": c.guid,
                "filed_at": c.received_at,
                "order_no": order_no_of(kind, key),
            }
            for c in claims
            for kind, key in c.documents
        ]
        if rows:
            self._connection.execute(
                insert(filings).on_conflict_do_nothing(index_elements=["order_no", "kind", "key"]),
                rows,
            )

    def reassign(self, claim: Claim) -> None:
        for kind, key in claim.documents:
            self._connection.execute(
                update(filings)
                .where(
                    filings.c.order_no == order_no_of(kind, key),
                    filings.c.kind == kind,
                    filings.c.key == key,
                )
                .values(
                    party_id=claim.party_id,
                    credential_id=claim.credential_id,
                    message_guid=claim.guid,
                    filed_at=claim.received_at,
                )
            )
