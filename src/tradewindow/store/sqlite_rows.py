"""Many rows into one SQLite table through the sqlite3 connection itself.

SQLAlchemy processes every parameter of every row (its type's bind processor), which was most
of the cost of the bulk writes on the clearance path (measured with ``tradewindow bench
clearance``). Here the values go to sqlite3 as they are, in the connection's open transaction:
:func:`insert_rows` takes them in their SQLite form already; :func:`insert_values` writes
:class:`~.types.Instant` columns as ``utc_text`` first, as SQLAlchemy would, and leaves every
other value to sqlite3 (text, integers, booleans as 0 / 1, bytes, None).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table

from tradewindow.store.types import Instant, Money, utc_text

SQLITE_BULK = 20  # rows from which the raw path pays (below, SQLAlchemy's is as fast)


def insert_rows(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    skip_conflicts_on: Sequence[str] = (),
) -> None:
    """One ``executemany`` of ``rows`` into ``table``; ``sqlite3.IntegrityError`` as raised.
    ``skip_conflicts_on``: a row whose values of these (unique) columns are on file already
    is skipped (``ON CONFLICT … DO NOTHING``, as SQLAlchemy's ``on_conflict_do_nothing``)."""
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - the caller's fixed names
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    if skip_conflicts_on:
        statement += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
    raw = connection.connection.driver_connection
    assert raw is not None  # noqa: S101 - an open transaction has its connection
    raw.executemany(statement, rows)


def insert_values(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts_on: Sequence[str] = (),
) -> None:
    """:func:`insert_rows` of ``rows`` given as SQLAlchemy parameters (column → value, every
    row naming the same columns)."""
    if not rows:
        return
    names = list(rows[0])
    convert = [_sqlite_form(table.c[name].type) for name in names]
    insert_rows(
        connection,
        table.name,
        names,
        [
            tuple(
                row[name] if f is None else f(row[name])
                for name, f in zip(names, convert, strict=True)
            )
            for row in rows
        ],
        skip_conflicts_on=skip_conflicts_on,
    )


def _sqlite_form(kind: Any) -> Callable[[Any], Any] | None:
    if isinstance(kind, Money):
        raise TypeError("Money needs its own conversion; write it through SQLAlchemy")
    if isinstance(kind, Instant):
        return time_texts()
    return None


def time_texts() -> Callable[[datetime | None], str | None]:
    """``utc_text`` remembered per instant: a batch's rows share a handful of times."""
    seen: dict[datetime, str] = {}

    def text(value: datetime | None) -> str | None:
        if value is None:
            return None
        found = seen.get(value)
        if found is None:
            found = seen[value] = utc_text(value)
        return found

    return text
