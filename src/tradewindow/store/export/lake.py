"""What the statistics loader reads of the export lists (``analytics.loading``): the lists of
given statuses filed in a span, and the lists saved since a watermark. Read-only connections:
the loader never takes the writers' lock."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import Engine, Row, select

from tradewindow.store.export.tables import lists
from tradewindow.store.transaction import reader


def filed_between(
    engine: Engine, statuses: Iterable[str], start: datetime | None, end: datetime | None
) -> Iterator[Row[str, datetime, bytes]]:
    """(order_key, filed_at, body) of the lists in ``statuses`` filed in [start, end) (either
    bound may be open), in filing order."""
    query = select(lists.c.order_key, lists.c.filed_at, lists.c.body).where(
        lists.c.status.in_(list(statuses))
    )
    if start is not None:
        query = query.where(lists.c.filed_at >= start)
    if end is not None:
        query = query.where(lists.c.filed_at < end)
    query = query.order_by(lists.c.filed_at, lists.c.order_key)
    with reader(engine) as connection:
        yield from connection.execution_options(yield_per=2_000).execute(query)


def saved_since(engine: Engine, since: datetime) -> list[Row[str, str, datetime, datetime]]:
    """(order_key, status, filed_at, updated_at) of every list saved at or after ``since``."""
    query = select(lists.c.order_key, lists.c.status, lists.c.filed_at, lists.c.updated_at).where(
        lists.c.updated_at >= since
    )
    with reader(engine) as connection:
        return list(connection.execute(query).all())
