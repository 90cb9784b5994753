"""``logistics.ports.EventRecords`` over SQLAlchemy Core: the events table (the relay's outbox
too), their references, the entitlements, the customs decisions on containers and the alerts
of refused gate-outs. Visibility is decided by the services (``logistics.visibility``); this
module only turns it, and a query's filters, into WHERE clauses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from tradewindow.logistics.filters import EventQuery
from tradewindow.logistics.ports import (
    Change,
    CustomsOnFile,
    EventOnFile,
    EventRow,
    GateAlert,
    Restriction,
    StoredVersion,
    Visibility,
)
from tradewindow.store import sqlite_rows
from tradewindow.store.logistics import where
from tradewindow.store.logistics.tables import (
    customs_decisions,
    entitlements,
    event_refs,
    events,
    gate_alerts,
    relay_marks,
)
from tradewindow.store.transaction import dialect_insert

_CHUNK = 500  # keys per IN (…): well below SQLite's and PostgreSQL's parameter limits


class SqlEventRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- writing ------------------------------------------------------------------------

    @contextmanager
    def publishing(self) -> Iterator[SqlPublishing]:
        with self.engine.begin() as connection:
            _serialise_writers(connection)
            yield SqlPublishing(connection)

    def retract(self, event_id: str, publisher: str, at: datetime) -> bool:
        with self.engine.begin() as connection:
            _serialise_writers(connection)
            row = connection.execute(
                select(events).where(events.c.event_id == event_id, events.c.publisher == publisher)
            ).first()
            if row is None:
                return False
            values = dict(row._mapping)
            del values["seq"]  # a new seq: the retraction is a change the feed must carry
            values.update(retracted=True, received_at=at)
            connection.execute(delete(events).where(events.c.event_id == event_id))
            connection.execute(insert(events).values(**values))
        return True

    def entitle(self, grants: Collection[tuple[str, str, str]]) -> None:
        rows = [
            {"party_id": party_id, "kind": kind, "value": value}
            for party_id, kind, value in sorted(set(grants))
        ]
        if not rows:
            return
        with self.engine.begin() as connection:
            connection.execute(
                dialect_insert(connection)(entitlements).on_conflict_do_nothing(
                    index_elements=["party_id", "kind", "value"]
                ),
                rows,
            )

    def record_decisions(self, decisions: Sequence[tuple[str, str, str, datetime]]) -> None:
        if not decisions:
            return
        with self.engine.begin() as connection:
            for equipment_reference, decision, document_id, at in decisions:
                connection.execute(
                    delete(customs_decisions).where(
                        customs_decisions.c.equipment_reference == equipment_reference
                    )
                )
                connection.execute(
                    insert(customs_decisions).values(
                        equipment_reference=equipment_reference,
                        decision=decision,
                        document_id=document_id,
                        decided_at=at,
                    )
                )

    def set_relay_mark(self, relay: str, seq: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                dialect_insert(connection)(relay_marks)
                .values(relay=relay, last_seq=seq)
                .on_conflict_do_nothing()
            )
            connection.execute(
                update(relay_marks)
                .where(relay_marks.c.relay == relay, relay_marks.c.last_seq < seq)
                .values(last_seq=seq)
            )

    # --- reading ------------------------------------------------------------------------

    def first_publisher(self, kind: str, value: str) -> str | None:
        naming = event_refs.join(events, events.c.event_id == event_refs.c.event_id)
        first = (
            select(events.c.publisher)
            .select_from(naming)
            .where(event_refs.c.kind == kind, event_refs.c.value == value)
            .order_by(events.c.seq)
            .limit(1)
        )
        with self.engine.connect() as connection:
            found: str | None = connection.execute(first).scalar()
        return found

    def is_entitled(self, party_id: str, kind: str, value: str) -> bool:
        follows = select(entitlements.c.party_id).where(
            entitlements.c.party_id == party_id,
            entitlements.c.kind == kind,
            entitlements.c.value == value,
        )
        with self.engine.connect() as connection:
            return connection.execute(follows).first() is not None

    def page(
        self,
        query: EventQuery,
        visible: Visibility,
        *,
        after: int,
        limit: int,
        restriction: Restriction | None,
    ) -> list[tuple[int, bytes]]:
        conditions = [events.c.seq > after, *where.visible(visible), *where.conditions(query)]
        if restriction is not None:
            conditions.append(events.c.type_code.in_(sorted(restriction.type_codes)))
            conditions.append(
                or_(
                    events.c.document_type_code.is_(None),
                    events.c.document_type_code.in_(sorted(restriction.document_type_codes)),
                )
            )
        statement = (
            select(events.c.seq, events.c.body)
            .where(*conditions)
            .order_by(events.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [(row.seq, row.body) for row in connection.execute(statement)]

    def body(self, event_id: str, visible: Visibility) -> bytes | None:
        statement = select(events.c.body).where(
            events.c.event_id == event_id, *where.visible(visible)
        )
        with self.engine.connect() as connection:
            found: bytes | None = connection.execute(statement).scalar_one_or_none()
        return found

    def timeline(self, kind: str, value: str, visible: Visibility) -> list[bytes]:
        statement = (
            select(events.c.body)
            .where(where.has_reference(kind, value), *where.visible(visible))
            .order_by(events.c.event_datetime, events.c.seq)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(statement).scalars())

    def changes_after(self, seq: int, limit: int) -> list[Change]:
        statement = (
            select(
                events.c.seq,
                events.c.event_id,
                events.c.publisher,
                events.c.retracted,
                events.c.body,
            )
            .where(events.c.seq > seq)
            .order_by(events.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                Change(
                    seq=r.seq,
                    event_id=r.event_id,
                    publisher=r.publisher,
                    retracted=r.retracted,
                    body=r.body,
                )
                for r in connection.execute(statement)
            ]

    def newest_seq(self) -> int:
        with self.engine.connect() as connection:
            newest = connection.execute(select(func.max(events.c.seq))).scalar_one_or_none()
        return int(newest or 0)

    def on_file(self, event_id: str) -> EventOnFile | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(events.c.publisher, events.c.event_type, events.c.seq).where(
                    events.c.event_id == event_id, events.c.retracted == false()
                )
            ).first()
            if row is None:
                return None
            parties = connection.execute(
                select(entitlements.c.party_id)
                .select_from(where.refs_entitled())
                .where(event_refs.c.event_id == event_id)
            ).scalars()
            return EventOnFile(
                seq=row.seq,
                publisher=row.publisher,
                event_type=row.event_type,
                entitled=frozenset(parties),
            )

    def relay_mark(self, relay: str) -> int:
        with self.engine.connect() as connection:
            mark = connection.execute(
                select(relay_marks.c.last_seq).where(relay_marks.c.relay == relay)
            ).scalar_one_or_none()
        return int(mark or 0)

    def decision_on_file(self, equipment_reference: str) -> CustomsOnFile | None:
        with self.engine.connect() as connection:
            return _decision_on_file(connection, equipment_reference)

    def gate_alerts(self) -> list[GateAlert]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(gate_alerts).order_by(gate_alerts.c.alert_id))
            return [
                GateAlert(
                    equipment_reference=row.equipment_reference,
                    event_id=row.event_id,
                    publisher=row.publisher,
                    reason=row.reason,
                    raised_at=row.raised_at,
                )
                for row in rows
            ]

    def equipment_of(self, transport_documents: Collection[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        documents = sorted(transport_documents)
        trd, eq = event_refs.alias("trd"), event_refs.alias("eq")
        with self.engine.connect() as connection:
            for start in range(0, len(documents), _CHUNK):
                rows = connection.execute(
                    select(trd.c.value, eq.c.value)
                    .select_from(
                        trd.join(eq, eq.c.event_id == trd.c.event_id).join(
                            events, events.c.event_id == trd.c.event_id
                        )
                    )
                    .where(
                        trd.c.kind == "TRD",
                        trd.c.value.in_(documents[start : start + _CHUNK]),
                        eq.c.kind == "EQ",
                        events.c.retracted == false(),
                    )
                )
                for document, container in rows:
                    found.setdefault(document, set()).add(container)
        return found


class SqlPublishing:
    """``logistics.ports.PublishingTransaction``: one publication's reads and writes."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def stored_versions(self, event_ids: Sequence[str]) -> dict[str, StoredVersion]:
        found: dict[str, StoredVersion] = {}
        ids = list(event_ids)
        for start in range(0, len(ids), _CHUNK):
            rows = self._connection.execute(
                select(
                    events.c.event_id, events.c.publisher, events.c.event_created, events.c.body
                ).where(events.c.event_id.in_(ids[start : start + _CHUNK]))
            )
            for row in rows:
                found[row.event_id] = StoredVersion(row.publisher, row.event_created, row.body)
        return found

    def decision_on_file(self, equipment_reference: str) -> CustomsOnFile | None:
        return _decision_on_file(self._connection, equipment_reference)

    def raise_alert(self, alert: GateAlert) -> None:
        self._connection.execute(
            insert(gate_alerts).values(
                equipment_reference=alert.equipment_reference,
                event_id=alert.event_id,
                publisher=alert.publisher,
                reason=alert.reason,
                raised_at=alert.raised_at,
            )
        )

    def write(self, rows: Sequence[EventRow], replacing: Collection[str]) -> None:
        """A few statements per call instead of four per event: one bulk insert per table."""
        replaced = list(replacing)
        for start in range(0, len(replaced), _CHUNK):
            chunk = replaced[start : start + _CHUNK]
            self._connection.execute(delete(events).where(events.c.event_id.in_(chunk)))
            self._connection.execute(delete(event_refs).where(event_refs.c.event_id.in_(chunk)))
        self._insert(events, [_event_values(row) for row in rows])
        self._insert(
            event_refs,
            [
                {"event_id": row.event_id, "kind": kind, "value": value}
                for row in rows
                for kind, value in row.references
            ],
        )

    def _insert(self, table: Table, rows: list[dict[str, object]]) -> None:
        """Through sqlite3 itself from ``SQLITE_BULK`` rows on SQLite (the last mile publishes
        every concluded list's customs events in one call), through SQLAlchemy otherwise."""
        if not rows:
            return
        if self._connection.dialect.name != "sqlite" or len(rows) < sqlite_rows.SQLITE_BULK:
            self._connection.execute(insert(table), rows)
            return
        try:
            sqlite_rows.insert_values(self._connection, table, rows)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(f"INSERT INTO {table.name}", None, error) from error


def _serialise_writers(connection: Connection) -> None:
    # seq must follow commit order or a cursor could skip a row committed late; SQLite's
    # BEGIN IMMEDIATE already serialises writers, PostgreSQL needs the lock
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('tw.logistics'))"))


def _decision_on_file(connection: Connection, equipment_reference: str) -> CustomsOnFile | None:
    row = connection.execute(
        select(customs_decisions.c.decision, customs_decisions.c.document_id).where(
            customs_decisions.c.equipment_reference == equipment_reference
        )
    ).first()
    return None if row is None else CustomsOnFile(row.decision, row.document_id)


def _event_values(row: EventRow) -> dict[str, object]:
    return {
        "event_id": row.event_id,
        "event_type": row.event_type,
        "type_code": row.type_code,
        "classifier": row.classifier,
        "document_type_code": row.document_type_code,
        "transport_call_id": row.transport_call_id,
        "vessel_imo_number": row.vessel_imo_number,
        "export_voyage_number": row.export_voyage_number,
        "carrier_service_code": row.carrier_service_code,
        "equipment_reference": row.equipment_reference,
        "event_created": row.event_created,
        "event_datetime": row.event_datetime,
        "publisher": row.publisher,
        "retracted": False,
        "body": row.body,
        "received_at": row.received_at,
    }
