"""``web.ports.StatusReads`` over SQLAlchemy Core: the status page's figures, read when asked
(nothing cached), on read-only connections."""

from __future__ import annotations

import time
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Engine, and_, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from tradewindow.agencies.ports import TaskStatus
from tradewindow.cbec.ports import DocKind
from tradewindow.store.agencies.tables import agency_tasks
from tradewindow.store.engine import READ_ONLY, current_revision, head_revisions
from tradewindow.store.schema import documents, messages
from tradewindow.store.web.records import DatabaseProbe


class SqlStatusReads:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def probe(self) -> DatabaseProbe:
        started = time.perf_counter()
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            milliseconds = round((time.perf_counter() - started) * 1000)
            current = current_revision(self._engine)
        except SQLAlchemyError:  # an unreachable database is a figure here, not an error
            return DatabaseProbe(
                reachable=False,
                dialect=self._engine.dialect.name,
                milliseconds=None,
                current_revision=None,
            )
        return DatabaseProbe(
            reachable=True,
            dialect=self._engine.dialect.name,
            milliseconds=milliseconds,
            current_revision=current,
        )

    def shipped_heads(self) -> str:
        return _shipped_heads()

    def list_counts(self, statuses: Collection[str]) -> dict[str, int]:
        query = (
            select(documents.c.status, func.count())
            .where(documents.c.kind == DocKind.INVENTORY.value)
            .where(documents.c.status.in_(list(statuses)))
            .group_by(documents.c.status)
        )
        with self._reader() as connection:
            return {row[0]: row[1] for row in connection.execute(query)}

    def task_counts(self) -> dict[tuple[str, str], int]:
        query = (
            select(agency_tasks.c.agency, agency_tasks.c.status, func.count())
            .where(agency_tasks.c.status != TaskStatus.DECIDED.value)
            .group_by(agency_tasks.c.agency, agency_tasks.c.status)
        )
        with self._reader() as connection:
            return {(a, s): count for a, s, count in connection.execute(query)}

    def received_per_minute(
        self, starts: list[datetime], end: datetime
    ) -> tuple[list[int], list[int]]:
        counted: dict[str, list[int]] = {}
        with self._reader() as connection:
            for table in (messages, documents):
                column = table.c.received_at
                buckets = [
                    func.count().filter(
                        and_(column >= start, column < start + timedelta(minutes=1))
                    )
                    for start in starts
                ]
                query = select(*buckets).where(column >= starts[0], column < end)
                counted[table.name] = list(connection.execute(query).one())
        return counted["messages"], counted["documents"]

    def _reader(self) -> Connection:
        connection = self._engine.connect()
        connection.execution_options(**{READ_ONLY: True})
        return connection


@cache
def _shipped_heads() -> str:
    return head_revisions()  # the migrations shipped with this process never change
