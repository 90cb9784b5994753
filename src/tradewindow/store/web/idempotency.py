"""``web.ports.IdempotencyRecords`` over SQLAlchemy Core: one row per (party, Idempotency-Key)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from tradewindow.filing.ports import KeptAnswer
from tradewindow.store.filing.requests import SqlRequestRecords
from tradewindow.store.transaction import reader
from tradewindow.store.web.records import IdempotencyRow
from tradewindow.store.web.tables import idempotency_keys

_FIND = select(idempotency_keys).where(
    idempotency_keys.c.party_id == bindparam("party_id"),
    idempotency_keys.c.key == bindparam("key"),
)


class SqlIdempotencyRecords:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def try_start(self, party_id: str, key: str, digest: str, at: datetime) -> bool:
        try:
            with self._engine.begin() as connection:
                _start(connection, party_id, key, digest, at)
        except IntegrityError:
            return False
        return True

    def find(self, party_id: str, key: str) -> IdempotencyRow | None:
        with reader(self._engine) as connection:
            found = connection.execute(_FIND, {"party_id": party_id, "key": key}).first()
        return None if found is None else _row(found)

    def keep(self, party_id: str, key: str, answer: KeptAnswer, at: datetime) -> KeptAnswer | None:
        with self._engine.begin() as connection:
            records = SqlRequestRecords(connection)
            records.keep(party_id, key, answer, at)
            records.flush()
            first = records.kept(party_id, key)
        return None if first is None or first == answer else first

    @contextmanager
    def transaction(self) -> Iterator[SqlIdempotencyTransaction]:
        with self._engine.begin() as connection:
            yield SqlIdempotencyTransaction(connection)

    def finish(
        self,
        party_id: str,
        key: str,
        *,
        status_code: int,
        media_type: str,
        headers: bytes,
        body: bytes,
    ) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.party_id == party_id, idempotency_keys.c.key == key)
                .values(
                    state="done",
                    status_code=status_code,
                    media_type=media_type,
                    headers=headers,
                    body=body,
                )
            )

    def abandon(self, party_id: str, key: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.party_id == party_id, idempotency_keys.c.key == key
                )
            )


class SqlIdempotencyTransaction:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def find(self, party_id: str, key: str) -> IdempotencyRow | None:
        found = self._connection.execute(_FIND, {"party_id": party_id, "key": key}).first()
        return None if found is None else _row(found)

    def start(self, party_id: str, key: str, digest: str, at: datetime) -> None:
        _start(self._connection, party_id, key, digest, at)

    def take_over(self, party_id: str, key: str, at: datetime) -> None:
        self._connection.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.party_id == party_id, idempotency_keys.c.key == key)
            .values(created_at=at)
        )


def _row(found: Row[Any]) -> IdempotencyRow:
    return IdempotencyRow(
        request_digest=found.request_digest,
        state=found.state,
        created_at=found.created_at,
        status_code=found.status_code,
        media_type=found.media_type,
        headers=found.headers,
        body=found.body,
    )


def _start(connection: Connection, party_id: str, key: str, digest: str, at: datetime) -> None:
    connection.execute(
        insert(idempotency_keys).values(
            party_id=party_id, key=key, request_digest=digest, state="in_flight", created_at=at
        )
    )
