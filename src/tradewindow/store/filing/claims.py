"""``filing.ports.ClaimRecords`` over SQLAlchemy Core, inside the transaction it joins.

The statements are built once (SQLAlchemy then only binds them); the claims recorded are kept
and written at the transaction's end (``flush``, one statement per table for every filer a
group commit merged), as nothing in the unit of work reads them back before it commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.filing.ports import Claim
from tradewindow.store.filing.tables import api_messages, filings
from tradewindow.store.order_keys import order_no_of

_CHUNK = 500  # keys per IN (…): well below SQLite's and PostgreSQL's parameter limits

_SENDERS = select(api_messages.c.guid, api_messages.c.party_id).where(
    api_messages.c.guid.in_(bindparam("guids", expanding=True))
)
_OWNERS = select(filings.c.key, filings.c.party_id).where(
    filings.c.kind == bindparam("kind"), filings.c.key.in_(bindparam("keys", expanding=True))
)


@cache
def _inserts(dialect: str) -> tuple[Any, Any]:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(api_messages).on_conflict_do_nothing(index_elements=["guid"]),
        insert(filings).on_conflict_do_nothing(index_elements=["order_no", "kind", "key"]),
    )


def _order_no(claim: Claim, kind: str, key: str) -> str:
    """A claim's partition key: the orderNo its key embeds, a waybill's from the claim."""
    if kind == "waybill":
        return claim.waybill_orders.get(key, "")
    return order_no_of(kind, key)


class SqlClaimRecords:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._messages: list[dict[str, Any]] = []
        self._filings: list[dict[str, Any]] = []

    def senders(self, guids: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        wanted = sorted(set(guids))
        for start in range(0, len(wanted), _CHUNK):
            rows = self._connection.execute(_SENDERS, {"guids": wanted[start : start + _CHUNK]})
            found.update({row.guid: row.party_id for row in rows})
        return found

    def owners(self, documents: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        by_kind: dict[str, list[str]] = {}
        for kind, key in sorted(set(documents)):
            by_kind.setdefault(kind, []).append(key)
        found: dict[tuple[str, str], str] = {}
        for kind, keys in by_kind.items():
            for start in range(0, len(keys), _CHUNK):
                chunk = {"kind": kind, "keys": keys[start : start + _CHUNK]}
                rows = self._connection.execute(_OWNERS, chunk)
                found.update({(kind, r.key): r.party_id for r in rows})
        return found

    def record(self, claims: Sequence[Claim]) -> None:
        self._messages += [
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
        ]
        self._filings += [
            {
                "kind": kind,
                "key": key,
                "party_id": c.party_id,
                "credential_id": c.credential_id,
                "message_guid": c.guid,
                "filed_at": c.received_at,
                "order_no": _order_no(c, kind, key),
            }
            for c in claims
            for kind, key in c.documents
        ]

    def reassign(self, claim: Claim) -> None:
        for kind, key in claim.documents:
            self._connection.execute(
                update(filings)
                .where(
                    filings.c.order_no == _order_no(claim, kind, key),
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

    def flush(self) -> None:
        """Write the claims recorded (called before the transaction commits)."""
        messages, documents = _inserts(self._connection.dialect.name)
        if self._messages:
            self._connection.execute(messages, self._messages)
        if self._filings:
            self._connection.execute(documents, self._filings)
        self._messages, self._filings = [], []
