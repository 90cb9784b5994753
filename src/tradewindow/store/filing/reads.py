"""The reads of who filed what: a party's filings, one filing, a tax bill, a message's sender.

Object-level authorisation lives here: every read takes the acting party and finds nothing
(None) for another party's message, filing or tax bill, exactly as for one that does not
exist, so the HTTP layer answers 404 either way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, and_, or_, select

from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.filing.ports import Claim
from tradewindow.store.engine import READ_ONLY
from tradewindow.store.filing.claims import SqlClaimRecords
from tradewindow.store.filing.tables import api_messages, filings
from tradewindow.store.schema import documents, receipts, tax_bills


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


class Filings:
    """The reads of the filing tables, each for one acting party, and the demo's own claims."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, claims: Sequence[Claim]) -> None:
        """Record ``claims`` in a transaction of their own (the demo's loader, which clears
        files as their senders would have filed them)."""
        with self._engine.begin() as connection:
            records = SqlClaimRecords(connection)
            records.record(claims)
            records.flush()

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
            # not the receipts of another party's message under this key (a list squatted
            # before its enterprise took the key back: filing.rights.list_squatted)
            theirs = select(api_messages.c.guid).where(
                api_messages.c.guid == receipts.c.message_guid,
                api_messages.c.party_id != party_id,
            )
            found = connection.execute(
                select(receipts)
                .where(receipts.c.kind == kind, receipts.c.doc_key == key, ~theirs.exists())
                .order_by(receipts.c.id)
            ).all()
            if kind == "inventory":  # the party's own cancellations and returns of the list
                found = sorted([*found, *_after_release(connection, party_id, key)],
                               key=lambda r: r.id)  # fmt: skip
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

    def order_for_list(self, party_id: str, ebc_codes: Collection[str], key: str) -> bytes | None:
        """The order ``key`` (its JSON body) a list may start from: one the party filed, or one
        naming one of ``ebc_codes`` (the party's own customs codes) as its e-commerce
        enterprise — the firm's own sale. None for any other, as for one that does not
        exist."""
        query = select(documents.c.body).where(documents.c.kind == "order", documents.c.key == key)
        filed = select(filings.c.id).where(
            filings.c.party_id == party_id, filings.c.kind == "order", filings.c.key == key
        )
        with self._reader() as connection:
            body = connection.execute(query).scalar()
            if body is None:
                return None
            if connection.execute(filed).first() is not None:
                return bytes(body)
        head = _ORDER_EBC.decode(body).head
        return bytes(body) if head.ebc_code in ebc_codes else None

    def _reader(self) -> Connection:
        return self._engine.connect().execution_options(**{READ_ONLY: True})


class _EbcOf(msgspec.Struct, rename="camel"):
    ebc_code: str = ""


class _OrderEbc(msgspec.Struct):
    head: _EbcOf = msgspec.field(name="OrderHead", default_factory=_EbcOf)


_ORDER_EBC = msgspec.json.Decoder(_OrderEbc)


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


def _after_release(connection: Connection, party_id: str, list_key: str) -> list[Any]:
    """The receipts of the CEB623 cancellations and CEB625 returns the party filed about the
    list (their documents name it as ``order_ref``)."""
    mine = (
        select(documents.c.kind, documents.c.key)
        .join(filings, and_(documents.c.kind == filings.c.kind, documents.c.key == filings.c.key))
        .where(
            documents.c.kind.in_(("cancel", "refund")),
            documents.c.order_ref == list_key,
            filings.c.party_id == party_id,
        )
    )
    related = [(row.kind, row.key) for row in connection.execute(mine)]
    if not related:
        return []
    wanted = or_(*(and_(receipts.c.kind == k, receipts.c.doc_key == v) for k, v in related))
    return list(connection.execute(select(receipts).where(wanted).order_by(receipts.c.id)))
