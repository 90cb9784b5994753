"""``logistics.ports.SubscriptionRecords`` and ``DeliveryRecords`` over SQLAlchemy Core.

A delivery is a row per (subscription, eventID): owing it twice changes nothing, and a newer
version of the event re-arms the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, delete, insert, select, update

from tradewindow.logistics.ports import Due, Retry, SubscriptionRow
from tradewindow.store.logistics.tables import deliveries, events, subscriptions
from tradewindow.store.transaction import dialect_insert

_CHUNK = 500  # keys per IN (…)
_ROW = (
    subscriptions.c.subscription_id,
    subscriptions.c.owner,
    subscriptions.c.owner_agency,
    subscriptions.c.callback_url,
    subscriptions.c.filters,
    subscriptions.c.sealed_secret,
)


class SqlSubscriptionRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, row: SubscriptionRow, at: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(subscriptions).values(
                    subscription_id=row.subscription_id,
                    owner=row.owner,
                    owner_agency=row.owner_agency,
                    callback_url=row.callback_url,
                    filters=row.filters,
                    sealed_secret=row.sealed_secret,
                    created_at=at,
                    updated_at=at,
                )
            )

    def filters_of(self, owner: str, limit: int, offset: int) -> list[tuple[str, bytes]]:
        statement = (
            select(subscriptions.c.subscription_id, subscriptions.c.filters)
            .where(subscriptions.c.owner == owner)
            .order_by(subscriptions.c.created_at, subscriptions.c.subscription_id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as connection:
            return [(row.subscription_id, row.filters) for row in connection.execute(statement)]

    def filters(self, owner: str, subscription_id: str) -> bytes | None:
        with self.engine.connect() as connection:
            found: bytes | None = connection.execute(
                select(subscriptions.c.filters).where(
                    subscriptions.c.subscription_id == subscription_id,
                    subscriptions.c.owner == owner,
                )
            ).scalar_one_or_none()
        return found

    def change(
        self, owner: str, subscription_id: str, callback_url: str, filters: bytes, at: datetime
    ) -> bool:
        return self._update(
            owner, subscription_id, callback_url=callback_url, filters=filters, updated_at=at
        )

    def reseal(self, owner: str, subscription_id: str, sealed: bytes, at: datetime) -> bool:
        return self._update(owner, subscription_id, sealed_secret=sealed, updated_at=at)

    def remove(self, owner: str, subscription_id: str) -> bool:
        with self.engine.begin() as connection:
            removed = connection.execute(
                delete(subscriptions).where(
                    subscriptions.c.subscription_id == subscription_id,
                    subscriptions.c.owner == owner,
                )
            ).rowcount
        return bool(removed)

    def every(self) -> list[SubscriptionRow]:
        with self.engine.connect() as connection:
            return [_row(row) for row in connection.execute(select(*_ROW))]

    def by_id(self, subscription_ids: Sequence[str]) -> list[SubscriptionRow]:
        found: list[SubscriptionRow] = []
        ids = list(subscription_ids)
        with self.engine.connect() as connection:
            for start in range(0, len(ids), _CHUNK):
                rows = connection.execute(
                    select(*_ROW).where(
                        subscriptions.c.subscription_id.in_(ids[start : start + _CHUNK])
                    )
                )
                found.extend(_row(row) for row in rows)
        return found

    def _update(self, owner: str, subscription_id: str, **values: object) -> bool:
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(subscriptions)
                .where(
                    subscriptions.c.subscription_id == subscription_id,
                    subscriptions.c.owner == owner,
                )
                .values(**values)
            ).rowcount
        return bool(changed)


def _row(row: Row[Any, Any, Any, Any, Any, Any]) -> SubscriptionRow:
    return SubscriptionRow(
        subscription_id=row.subscription_id,
        owner=row.owner,
        owner_agency=row.owner_agency,
        callback_url=row.callback_url,
        filters=row.filters,
        sealed_secret=row.sealed_secret,
    )


class SqlDeliveryRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def owe(self, event_id: str, seq: int, subscription_ids: Sequence[str], at: datetime) -> None:
        if not subscription_ids:
            return
        rows = [
            {
                "subscription_id": subscription_id,
                "event_id": event_id,
                "event_seq": seq,
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": at,
            }
            for subscription_id in subscription_ids
        ]
        with self.engine.begin() as connection:
            connection.execute(
                dialect_insert(connection)(deliveries).on_conflict_do_nothing(), rows
            )
            # a newer version of an event already owed or delivered is owed again
            connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.event_id == event_id,
                    deliveries.c.subscription_id.in_(list(subscription_ids)),
                    deliveries.c.event_seq < seq,
                )
                .values(event_seq=seq, state="pending", attempts=0, next_attempt_at=at)
            )

    def due(self, now: datetime, limit: int) -> list[Due]:
        statement = (
            select(
                deliveries.c.subscription_id,
                deliveries.c.event_id,
                deliveries.c.event_seq,
                deliveries.c.attempts,
                events.c.body,
                events.c.retracted,
            )
            .select_from(
                deliveries.outerjoin(events, and_(events.c.event_id == deliveries.c.event_id))
            )
            .where(deliveries.c.state == "pending", deliveries.c.next_attempt_at <= now)
            .order_by(deliveries.c.event_seq)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                Due(
                    row.subscription_id,
                    row.event_id,
                    row.event_seq,
                    row.attempts,
                    None if row.body is None or row.retracted else row.body,
                )
                for row in connection.execute(statement)
            ]

    def settle(
        self,
        *,
        delivered: Sequence[tuple[Due, int]],
        deferred: Sequence[Retry],
        withdrawn: Sequence[Due],
        at: datetime,
    ) -> None:
        if not (delivered or deferred or withdrawn):
            return
        with self.engine.begin() as connection:
            for row, status in delivered:
                _settle(connection, row, state="delivered", last_status=status, delivered_at=at)
            for retry in deferred:
                _settle(
                    connection,
                    retry.due,
                    attempts=retry.due.attempts + 1,
                    last_status=retry.last_status,
                    next_attempt_at=retry.next_attempt_at,
                )
            for row in withdrawn:
                _settle(connection, row, state="withdrawn")

    def states(self) -> dict[tuple[str, str], str]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(deliveries.c.subscription_id, deliveries.c.event_id, deliveries.c.state)
            )
            return {(r.subscription_id, r.event_id): r.state for r in rows}


def _settle(connection: Connection, row: Due, **values: object) -> None:
    connection.execute(
        update(deliveries)
        .where(
            deliveries.c.subscription_id == row.subscription_id,
            deliveries.c.event_id == row.event_id,
            deliveries.c.event_seq == row.seq,  # a newer version re-armed it meanwhile
        )
        .values(**values)
    )
