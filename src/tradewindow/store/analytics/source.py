"""``analytics.ports.LakeSource`` over the clearance store's ``documents``, ``tax_bills`` and
``cbec_returned_lines`` tables. Every read is read-only: on SQLite a deferred transaction, so
the loader never takes the writer's lock from clearance (WAL lets both run at once)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Engine, and_, select

from tradewindow.analytics.ports import (
    CancelledList,
    ChangedList,
    ExportFiled,
    ExportSaved,
    ReleasedList,
    ReturnedLine,
    ReturnsOnFile,
)
from tradewindow.cbec.ports import DocKind, DocStatus
from tradewindow.store.cbec.tables import returned_lines
from tradewindow.store.engine import READ_ONLY
from tradewindow.store.export import lake as export_lake
from tradewindow.store.schema import documents, tax_bills

_CHUNK = 500
_INVENTORY = DocKind.INVENTORY.value
_RELEASED = DocStatus.RELEASED.value


class SqlLakeSource:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def released(self, received: tuple[datetime, datetime] | None = None) -> Iterator[ReleasedList]:
        condition: ColumnElement[bool]
        if received is None:
            condition = documents.c.received_at.is_not(None)
        else:
            start, end = received
            condition = and_(documents.c.received_at >= start, documents.c.received_at < end)
        query = (
            select(documents.c.key, documents.c.version, documents.c.body, documents.c.received_at)
            .where(documents.c.kind == _INVENTORY, documents.c.status == _RELEASED, condition)
            .order_by(documents.c.received_at, documents.c.key)
        )
        with self._reader() as connection:
            for row in connection.execution_options(yield_per=2_000).execute(query):
                yield ReleasedList(row.key, row.version, row.body, row.received_at)

    def changed_since(self, since: datetime) -> list[ChangedList]:
        query = select(
            documents.c.key,
            documents.c.status,
            documents.c.received_at,
            documents.c.updated_at,
            documents.c.version,
        ).where(documents.c.kind == _INVENTORY, documents.c.updated_at >= since)
        with self._reader() as connection:
            return [ChangedList(*row) for row in connection.execute(query)]

    def latest_bills(self, keys: Sequence[str]) -> dict[str, bytes]:
        latest: dict[str, tuple[datetime, bytes]] = {}
        with self._reader() as connection:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                query = select(tax_bills.c.doc_key, tax_bills.c.created_at, tax_bills.c.body).where(
                    tax_bills.c.doc_key.in_(chunk)
                )
                for key, created_at, body in connection.execute(query):
                    if key not in latest or created_at > latest[key][0]:
                        latest[key] = (created_at, body)
        return {key: body for key, (_, body) in latest.items()}

    def exports_filed(
        self, statuses: Collection[str], filed: tuple[datetime, datetime] | None = None
    ) -> Iterator[ExportFiled]:
        start, end = filed if filed is not None else (None, None)
        for key, filed_at, body in export_lake.filed_between(self.engine, statuses, start, end):
            yield ExportFiled(key, filed_at, body)

    def exports_saved_since(self, since: datetime) -> list[ExportSaved]:
        return [ExportSaved(*row) for row in export_lake.saved_since(self.engine, since)]

    def returns(self) -> ReturnsOnFile:
        with self._reader() as connection:
            returned = [
                ReturnedLine(
                    list_key=row.list_key,
                    refund_key=row.refund_key,
                    gnum=row.gnum,
                    value=row.value,
                    at=row.at,
                )
                for row in connection.execute(
                    select(returned_lines).where(returned_lines.c.status == _RELEASED)
                )
            ]
            cancelled = [
                CancelledList(*row)
                for row in connection.execute(
                    select(documents.c.key, documents.c.body, documents.c.updated_at).where(
                        documents.c.kind == _INVENTORY,
                        documents.c.status == DocStatus.CANCELLED.value,
                    )
                )
            ]
            keys = sorted({row.list_key for row in returned})
            lists: dict[str, bytes] = {}
            for start in range(0, len(keys), _CHUNK):
                for key, body in connection.execute(
                    select(documents.c.key, documents.c.body).where(
                        documents.c.kind == _INVENTORY,
                        documents.c.key.in_(keys[start : start + _CHUNK]),
                    )
                ):
                    lists[key] = body
        return ReturnsOnFile(returned=returned, lists=lists, cancelled=cancelled)

    @contextmanager
    def _reader(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})
            yield connection
