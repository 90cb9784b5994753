"""``SqlTransaction``: one open transaction on one connection, offering the other
capabilities' adapters that join it (``tradewindow.transaction.Part``), and the readers and
writers every adapter opens."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.store.engine import READ_ONLY
from tradewindow.transaction import Part

T = TypeVar("T")

# what serves each part: a factory of its adapter over the transaction's connection
PartAdapters = Mapping[str, Callable[[Connection], object]]


class SqlTransaction:
    """A transaction other capabilities' writes may join (``part``); see ``store.parts``."""

    def __init__(self, connection: Connection, parts: PartAdapters) -> None:
        self._connection = connection
        self._adapters = parts
        self._joined: dict[str, object] = {}

    @property
    def connection(self) -> Connection:
        return self._connection

    def part(self, part: Part[T]) -> T:
        joined = self._joined.get(part.name)
        if joined is None:
            make = self._adapters.get(part.name)
            if make is None:
                raise LookupError(f"no adapter serves {part!r} (see tradewindow.store.parts)")
            joined = self._joined[part.name] = make(self.connection)
        # the adapter of a part implements the part's Protocol (store.parts pairs them)
        return cast(T, joined)

    def flush_parts(self) -> None:
        """Let every joined part write what it kept (e.g. the agencies' routing, set-based):
        called before the transaction commits."""
        for joined in self._joined.values():
            flush = getattr(joined, "flush", None)
            if flush is not None:
                flush()


@contextmanager
def reader(engine: Engine) -> Iterator[Connection]:
    """A connection whose transactions only read (no writer lock on SQLite)."""
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY: True})
        yield connection


@contextmanager
def writer(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on an error."""
    with engine.begin() as connection:
        yield connection


def dialect_insert(connection: Connection) -> Any:
    """``insert`` of the connection's dialect (for ON CONFLICT … DO NOTHING / UPDATE)."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
