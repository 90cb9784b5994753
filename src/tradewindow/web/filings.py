"""Who filed what: message senders and document owners, and the reads an owner may make.

Object-level authorisation lives here: every read takes the acting party and finds nothing
(None) for another party's message, filing or tax bill, exactly as for one that does not
exist, so the HTTP layer answers 404 either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, and_, select
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.store.engine import READ_ONLY
from tradewindow.store.schema import documents, receipts, tax_bills
from tradewindow.web.tables import api_messages, filings


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    """A message about to be cleared: who sends it and which documents it files."""

    guid: str
    party_id: str
    credential_id: str
    message_type: str
    format: str
    digest: str
    received_at: datetime
    documents: list[tuple[str, str]]  # (kind, key)


class Refused(msgspec.Struct, frozen=True, kw_only=True):
    """Why a claim failed: the guid is another party's, or these documents are."""

    guid_taken: bool
    foreign: list[tuple[str, str]]


class FilingRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    key: str
    status: str
    message_guid: str
    filed_at: datetime
    updated_at: datetime


class StoredFiling(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    key: str
    status: str
    version: int
    invt_no: str | None
    body: bytes
    filed_at: datetime
    updated_at: datetime
    receipts: list[ReceiptRecord]


class _Taken(Exception):
    def __init__(self, refused: Refused) -> None:
        super().__init__("claim refused")
        self.refused = refused


class Filings:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, claim: Claim) -> Refused | None:
        """Record the sender of the message and the owner of each document it files, unless
        the guid or a document is another party's (then nothing is recorded)."""
        try:
            with self._engine.begin() as connection:
                self._claim(connection, claim)
        except _Taken as taken:  # the transaction rolled back: nothing of the claim stays
            return taken.refused
        return None

    def _claim(self, connection: Connection, claim: Claim) -> None:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(
            insert(api_messages)
            .values(
                guid=claim.guid,
                party_id=claim.party_id,
                credential_id=claim.credential_id,
                message_type=claim.message_type,
                format=claim.format,
                digest=claim.digest,
                received_at=claim.received_at,
            )
            .on_conflict_do_nothing(index_elements=["guid"])
        )
        sender = connection.execute(
            select(api_messages.c.party_id).where(api_messages.c.guid == claim.guid)
        ).scalar_one()
        if sender != claim.party_id:
            raise _Taken(Refused(guid_taken=True, foreign=[]))
        if claim.documents:
            connection.execute(
                insert(filings).on_conflict_do_nothing(index_elements=["kind", "key"]),
                [
                    {
                        "kind": kind,
                        "key": key,
                        "party_id": claim.party_id,
                        "credential_id": claim.credential_id,
                        "message_guid": claim.guid,
                        "filed_at": claim.received_at,
                    }
                    for kind, key in claim.documents
                ],
            )
            foreign = [
                (kind, key)
                for kind, key, owner in _owners(connection, claim.documents)
                if owner != claim.party_id
            ]
            if foreign:
                raise _Taken(Refused(guid_taken=False, foreign=foreign))

    def sent_by(self, party_id: str, guid: str) -> bool:
        with self._reader() as connection:
            sender = connection.execute(
                select(api_messages.c.party_id).where(api_messages.c.guid == guid)
            ).scalar()
        return sender == party_id

    def page(
        self,
        party_id: str,
        *,
        after: int = 0,
        size: int,
        kind: str | None = None,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
    ) -> list[FilingRow]:
        """Up to ``size`` of the party's filings with id > ``after``, oldest first; or,
        ``newest_first``, with id < ``after`` (0: from the newest), newest first."""
        query = (
            select(
                filings.c.id,
                filings.c.kind,
                filings.c.key,
                documents.c.status,
                filings.c.message_guid,
                filings.c.filed_at,
                documents.c.updated_at,
            )
            .join(
                documents,
                and_(documents.c.kind == filings.c.kind, documents.c.key == filings.c.key),
            )
            .where(filings.c.party_id == party_id)
        )
        if newest_first:
            query = query.where(filings.c.id < after) if after else query
        else:
            query = query.where(filings.c.id > after)
        if kind is not None:
            query = query.where(filings.c.kind == kind)
        if status is not None:
            query = query.where(documents.c.status == status)
        if since is not None:
            query = query.where(filings.c.filed_at >= since)
        if until is not None:
            query = query.where(filings.c.filed_at < until)
        with self._reader() as connection:
            order = filings.c.id.desc() if newest_first else filings.c.id
            rows = connection.execute(query.order_by(order).limit(size)).all()
        return [FilingRow(**row._asdict()) for row in rows]

    def filing(self, party_id: str, kind: str, key: str) -> StoredFiling | None:
        """The party's document ``kind``/``key`` with its receipts; None if not the party's."""
        query = (
            select(
                documents.c.kind,
                documents.c.key,
                documents.c.status,
                documents.c.version,
                documents.c.invt_no,
                documents.c.body,
                filings.c.filed_at,
                documents.c.updated_at,
            )
            .join(
                filings, and_(documents.c.kind == filings.c.kind, documents.c.key == filings.c.key)
            )
            .where(filings.c.party_id == party_id, filings.c.kind == kind, filings.c.key == key)
        )
        with self._reader() as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            found = connection.execute(
                select(receipts)
                .where(receipts.c.kind == kind, receipts.c.doc_key == key)
                .order_by(receipts.c.id)
            ).all()
        return StoredFiling(**row._asdict(), receipts=[_receipt(r._mapping) for r in found])

    def tax_bill(self, party_id: str, invt_no: str) -> bytes | None:
        """The latest CEB816 of list ``invt_no`` (JSON body) when the party filed the list."""
        query = (
            select(tax_bills.c.body)
            .join(
                filings,
                and_(filings.c.kind == "inventory", filings.c.key == tax_bills.c.doc_key),
            )
            .where(tax_bills.c.invt_no == invt_no, filings.c.party_id == party_id)
            .order_by(tax_bills.c.created_at.desc())
            .limit(1)
        )
        with self._reader() as connection:
            body: bytes | None = connection.execute(query).scalar()
        return body

    def _reader(self) -> Connection:
        return self._engine.connect().execution_options(**{READ_ONLY: True})


def _owners(connection: Connection, keys: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    found = []
    by_kind: dict[str, list[str]] = {}
    for kind, key in keys:
        by_kind.setdefault(kind, []).append(key)
    for kind, wanted in by_kind.items():
        query = select(filings.c.kind, filings.c.key, filings.c.party_id).where(
            filings.c.kind == kind, filings.c.key.in_(wanted)
        )
        found += [(row.kind, row.key, row.party_id) for row in connection.execute(query)]
    return found


def _receipt(row: Any) -> ReceiptRecord:
    return ReceiptRecord(
        receipt_type=row["receipt_type"],
        kind=row["kind"],
        doc_key=row["doc_key"],
        message_guid=row["message_guid"],
        status=row["status"],
        created_at=row["created_at"],
        body=row["body"],
        seq=row["seq"],
        codes=tuple(row["codes"].split()),
    )
