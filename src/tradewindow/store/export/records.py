"""The export records over SQLAlchemy Core (``export.ports``): rows in and out of the ``exp_``
tables inside one transaction; ``SqlExportStore`` opens them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from tradewindow.clock import utc_now
from tradewindow.export.flow import DocKind, Status
from tradewindow.export.model import Addressed, ExportAnswer, ExportList, SummaryRecord
from tradewindow.export.warehouses import Warehouse
from tradewindow.store.errors import DuplicateRecord
from tradewindow.store.export.tables import (
    answers,
    bill_links,
    documents,
    early_arrivals,
    lists,
    number_series,
    receipts,
    summaries,
    warehouses,
)
from tradewindow.store.transaction import SqlTransaction, dialect_insert, reader, writer

# pg_advisory_xact_lock key of the export writers: the first 8 bytes of
# sha256("tradewindow.export") read as a signed integer
EXPORT_LOCK = 2255297084502032357
_LIST = msgspec.json.Decoder(ExportList)
_ANSWER = msgspec.json.Decoder(ExportAnswer)
decode_answer = _ANSWER.decode
_ADDRESSED = msgspec.json.Decoder(Addressed)


class SqlExportRecords(SqlTransaction):
    """The export records on one connection, a transaction other capabilities' writes join
    (``part``: the agencies' tasks of a list commit with it)."""

    def __init__(self, connection: Connection) -> None:
        from tradewindow.store.parts import PARTS  # its adapters import the store's modules

        super().__init__(connection, PARTS)

    # answers

    def answer(self, message_guid: str) -> tuple[str, ExportAnswer] | None:
        row = self.connection.execute(
            select(answers.c.sender, answers.c.body).where(answers.c.message_guid == message_guid)
        ).one_or_none()
        return None if row is None else (row.sender, _ANSWER.decode(row.body))

    def record_answer(
        self, message_guid: str, message_type: str, sender: str, answer: ExportAnswer
    ) -> None:
        self.connection.execute(
            insert(answers).values(
                message_guid=message_guid,
                message_type=message_type,
                sender=sender,
                body=msgspec.json.encode(answer),
            )
        )

    # receipts by the party they are for

    def add_receipts(self, found: list[Addressed], at: datetime) -> None:
        if found:
            self.connection.execute(
                insert(receipts),
                [
                    {
                        "party_id": item.party_id,
                        "message_type": str(item.receipt.__struct_config__.tag),
                        "created_at": at,
                        "body": msgspec.json.encode(item),
                    }
                    for item in found
                ],
            )

    def receipts_for(self, party_id: str, after: int, limit: int) -> list[tuple[int, Addressed]]:
        rows = self.connection.execute(
            select(receipts.c.id, receipts.c.body)
            .where(receipts.c.party_id == party_id, receipts.c.id > after)
            .order_by(receipts.c.id)
            .limit(limit)
        ).all()
        return [(row.id, _ADDRESSED.decode(row.body)) for row in rows]

    # documents

    def document(self, kind: str, key: str) -> tuple[str, bytes] | None:
        row = self.connection.execute(
            select(documents.c.owner, documents.c.body).where(
                documents.c.kind == kind, documents.c.key == key
            )
        ).one_or_none()
        return None if row is None else (row.owner, bytes(row.body))

    def put_document(self, kind: str, key: str, owner: str, body: bytes) -> None:
        by_order = kind in (DocKind.ORDER, DocKind.RECEIPT)  # keyed ebpCode|orderNo
        statement = dialect_insert(self.connection)(documents).values(
            kind=kind, key=key, owner=owner, body=body,
            order_no=key.partition("|")[2] if by_order else "",
        )  # fmt: skip
        self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[documents.c.kind, documents.c.key],
                set_={"owner": owner, "body": body},
            )
        )

    def lock_waybills(self, keys: Sequence[str]) -> None:
        """Nothing: the whole-store writer excludes every other (``writing``)."""

    # lists

    def _lists(self, *where: Any) -> list[ExportList]:
        query = select(lists.c.body).where(*where).order_by(lists.c.order_key)
        return [_LIST.decode(body) for body in self.connection.scalars(query)]

    def list_by_order(self, order_key: str) -> ExportList | None:
        return next(iter(self._lists(lists.c.order_key == order_key)), None)

    def list_by_invt_no(self, invt_no: str) -> ExportList | None:
        return next(iter(self._lists(lists.c.invt_no == invt_no)), None)

    def list_by_waybill(self, waybill_key: str) -> ExportList | None:
        found = self._lists(lists.c.waybill_key == waybill_key, lists.c.status != Status.CANCELLED)
        return next(iter(found), None)

    def waiting_lists(self, *, order_key: str | None, waybill_key: str | None) -> list[ExportList]:
        keys = [lists.c.order_key == order_key] if order_key else []
        keys += [lists.c.waybill_key == waybill_key] if waybill_key else []
        if not keys:
            return []
        return self._lists(lists.c.status == Status.WAITING, or_(*keys))

    def waiting_for_agency(self, agency: str) -> list[ExportList]:
        found = self._lists(lists.c.status.in_([Status.ACCEPTED, Status.ARRIVED]))
        return [x for x in found if agency in x.facts.agencies_pending]

    def save_list(self, record: ExportList) -> None:
        values = {
            "waybill_key": record.waybill_key,
            "invt_no": record.invt_no,
            "status": record.status.value,
            "ebc_code": record.inventory.head.ebc_code,
            "departed_on": None if record.departed_on is None else record.departed_on.isoformat(),
            "sum_no": record.sum_no,
            "filed_at": record.filed_at,
            "body": msgspec.json.encode(record),
            "owner": record.owner,
            "updated_at": utc_now(),  # the statistics loader's watermark reads it
        }
        statement = dialect_insert(self.connection)(lists).values(
            order_key=record.order_key, order_no=record.order_key.partition("|")[2], **values
        )
        self.connection.execute(
            statement.on_conflict_do_update(index_elements=[lists.c.order_key], set_=values)
        )

    def departed_lists(self, ebc_code: str, start: date, end: date) -> list[ExportList]:
        return self._lists(
            lists.c.status == Status.DEPARTED,
            lists.c.ebc_code == ebc_code,
            lists.c.sum_no.is_(None),
            and_(lists.c.departed_on >= start.isoformat(), lists.c.departed_on <= end.isoformat()),
        )

    def lists_of(
        self, owner: str, ebc_codes: Sequence[str], *, limit: int, status: Status | None = None
    ) -> list[ExportList]:
        """The lists ``owner`` filed or that name one of ``ebc_codes`` as consignor, newest
        filed first, at most ``limit``."""
        mine = or_(lists.c.owner == owner, lists.c.ebc_code.in_(list(ebc_codes)))
        where = [mine] + ([lists.c.status == status.value] if status is not None else [])
        query = (
            select(lists.c.body)
            .where(*where)
            .order_by(lists.c.filed_at.desc(), lists.c.order_key)
            .limit(limit)
        )
        return [_LIST.decode(body) for body in self.connection.scalars(query)]

    def unsummarised(self, ebc_code: str | None = None) -> list[ExportList]:
        """Departed lists not in a summary (of one consignor, or of all)."""
        where = [lists.c.status == Status.DEPARTED, lists.c.sum_no.is_(None)]
        if ebc_code is not None:
            where.append(lists.c.ebc_code == ebc_code)
        return self._lists(*where)

    def next_number(self, series: str) -> int:
        statement = dialect_insert(self.connection)(number_series).values(
            series=series, next_value=2
        )
        after: int = self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[number_series.c.series],
                set_={"next_value": number_series.c.next_value + 1},
            ).returning(number_series.c.next_value)
        ).scalar_one()
        return after - 1

    # arrivals before their list, bill links

    def add_early_arrival(self, waybill_key: str) -> None:
        statement = dialect_insert(self.connection)(early_arrivals).values(waybill_key=waybill_key)
        self.connection.execute(statement.on_conflict_do_nothing())

    def take_early_arrival(self, waybill_key: str) -> bool:
        gone = self.connection.execute(
            delete(early_arrivals).where(early_arrivals.c.waybill_key == waybill_key)
        )
        return bool(gone.rowcount)

    def link(self, bill_no: str, waybill_key: str, invt_no: str) -> None:
        statement = dialect_insert(self.connection)(bill_links).values(
            bill_no=bill_no, waybill_key=waybill_key, invt_no=invt_no
        )
        self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[bill_links.c.bill_no, bill_links.c.waybill_key],
                set_={"invt_no": invt_no},
            )
        )

    def lists_on_bill(self, bill_no: str) -> list[ExportList]:
        numbers = select(bill_links.c.invt_no).where(bill_links.c.bill_no == bill_no)
        return self._lists(lists.c.invt_no.in_(numbers))

    # summaries and warehouses

    def save_summary(self, record: SummaryRecord) -> None:
        self.connection.execute(
            insert(summaries).values(
                sum_no=record.sum_no, owner=record.owner, body=msgspec.json.encode(record)
            )
        )

    def summary(self, sum_no: str) -> SummaryRecord | None:
        body = self.connection.execute(
            select(summaries.c.body).where(summaries.c.sum_no == sum_no)
        ).scalar_one_or_none()
        return None if body is None else msgspec.json.decode(body, type=SummaryRecord)

    def add_warehouse(self, warehouse: Warehouse) -> None:
        self.connection.execute(
            insert(warehouses).values(
                enterprise_code=warehouse.enterprise_code,
                warehouse_code=warehouse.warehouse_code,
                body=msgspec.json.encode(warehouse),
            )
        )

    def replace_warehouse(self, warehouse: Warehouse) -> None:
        self.connection.execute(
            update(warehouses)
            .where(
                warehouses.c.enterprise_code == warehouse.enterprise_code,
                warehouses.c.warehouse_code == warehouse.warehouse_code,
            )
            .values(body=msgspec.json.encode(warehouse))
        )

    def warehouse(self, enterprise_code: str, warehouse_code: str) -> Warehouse | None:
        body = self.connection.execute(
            select(warehouses.c.body).where(
                warehouses.c.enterprise_code == enterprise_code,
                warehouses.c.warehouse_code == warehouse_code,
            )
        ).scalar_one_or_none()
        return None if body is None else msgspec.json.decode(body, type=Warehouse)

    def warehouses_of(self, enterprise_code: str) -> list[Warehouse]:
        """The overseas warehouses an enterprise registered, by warehouse code."""
        query = (
            select(warehouses.c.body)
            .where(warehouses.c.enterprise_code == enterprise_code)
            .order_by(warehouses.c.warehouse_code)
        )
        return [
            msgspec.json.decode(body, type=Warehouse) for body in self.connection.scalars(query)
        ]


class SqlExportStore:
    """An ``ExportStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def writing(self) -> Iterator[SqlExportRecords]:
        """One write transaction. On PostgreSQL the writers take one transaction-scoped
        advisory lock first: a list reads its order, receipt and waybill while another
        transaction may be storing the last of them, and under READ COMMITTED each would miss
        the other's uncommitted half (a list left waiting with every document on file). On
        SQLite ``BEGIN IMMEDIATE`` already orders them."""
        try:
            with writer(self.engine) as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": EXPORT_LOCK}
                    )
                records = SqlExportRecords(connection)
                yield records
                records.flush_parts()  # what the joined parts kept, before the commit
        except IntegrityError as error:  # a concurrent filing stored the same key first
            raise DuplicateRecord(str(error.orig)) from error

    @contextmanager
    def reading(self) -> Iterator[SqlExportRecords]:
        with reader(self.engine) as connection:
            yield SqlExportRecords(connection)
