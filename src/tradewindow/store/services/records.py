"""The service-trade records over SQLAlchemy Core (``services.ports``): rows in and out of the
tables inside one transaction; ``SqlRegistryStore`` and ``SqlRecognitionStore`` open them.
(Over 400 lines: the two registries' records share the folded search and the stores' shape;
each method is one statement.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Engine, Row, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tradewindow.services.ports import RegistryQuery
from tradewindow.services.recognition import Application, Event, Profession, State
from tradewindow.services.registry import (
    Action,
    HistoryEntry,
    ItemContent,
    Revision,
    Workflow,
)
from tradewindow.services.search import fold, words
from tradewindow.store.errors import DuplicateRecord
from tradewindow.store.parts import PARTS
from tradewindow.store.services.tables import (
    applications,
    documents,
    events,
    professions,
    rule_history,
    rule_revisions,
)
from tradewindow.store.transaction import SqlTransaction, dialect_insert, reader, writer

_SHOWN = (Workflow.PUBLISHED.value,)
_REGISTER = (State.RECOGNISED.value, State.SUSPENDED.value)


def _bars(values: tuple[str, ...]) -> str:
    return "|" + "|".join(values) + "|"


def _item_text(content: ItemContent) -> str:
    texts = (
        content.key,
        content.title_en,
        content.title_zh,
        content.mainland_rule,
        content.counterpart_rule,
        content.measure_en,
        content.measure_zh,
        *content.departments,
    )
    return fold("\n".join(texts))


def _revision(row: Row[Any]) -> Revision:
    return Revision(
        item_id=row.item_id,
        revision=row.revision,
        content=msgspec.json.decode(row.body, type=ItemContent),
        state=Workflow(row.state),
        author=row.author,
        author_department=row.author_department,
        created_at=row.created_at,
        reviewer=row.reviewer,
        published_at=row.published_at,
    )


class SqlRegistryRecords(SqlTransaction):
    def revisions(self, item_id: str) -> list[Revision]:
        query = (
            select(rule_revisions)
            .where(rule_revisions.c.item_id == item_id)
            .order_by(rule_revisions.c.revision)
        )
        return [_revision(row) for row in self.connection.execute(query)]

    def insert_revision(self, revision: Revision) -> None:
        self.connection.execute(insert(rule_revisions).values(**self._values(revision)))

    def update_revision(self, revision: Revision) -> None:
        self.connection.execute(
            update(rule_revisions)
            .where(
                rule_revisions.c.item_id == revision.item_id,
                rule_revisions.c.revision == revision.revision,
            )
            .values(**self._values(revision))
        )

    @staticmethod
    def _values(revision: Revision) -> dict[str, Any]:
        content = revision.content
        return {
            "item_id": revision.item_id,
            "revision": revision.revision,
            "list_code": content.list_code,
            "number": content.number,
            "field": content.field.value,
            "status": content.status.value,
            "state": revision.state.value,
            "departments": _bars(content.departments),
            "cities": _bars(content.cities),
            "search_text": _item_text(content),
            "body": msgspec.json.encode(content).decode(),
            "author": revision.author,
            "author_department": revision.author_department,
            "created_at": revision.created_at,
            "reviewer": revision.reviewer,
            "published_at": revision.published_at,
        }

    def insert_history(self, entry: HistoryEntry) -> None:
        self.connection.execute(
            insert(rule_history).values(
                item_id=entry.item_id,
                revision=entry.revision,
                action=entry.action.value,
                actor=entry.actor,
                department=entry.department,
                at=entry.at,
                note=entry.note,
            )
        )

    def history(self, item_id: str) -> list[HistoryEntry]:
        query = (
            select(rule_history)
            .where(rule_history.c.item_id == item_id)
            .order_by(rule_history.c.id)
        )
        return [
            HistoryEntry(
                item_id=row.item_id,
                revision=row.revision,
                action=Action(row.action),
                actor=row.actor,
                department=row.department,
                at=row.at,
                note=row.note,
            )
            for row in self.connection.execute(query)
        ]

    def published(self, query: RegistryQuery) -> tuple[list[Revision], int]:
        table = rule_revisions
        conditions: list[ColumnElement[bool]] = [table.c.state.in_(_SHOWN)]
        if query.field:
            conditions.append(table.c.field == query.field)
        if query.status:
            conditions.append(table.c.status == query.status.value)
        if query.list_code:
            conditions.append(table.c.list_code == query.list_code)
        if query.city:
            conditions.append(table.c.cities.contains(f"|{query.city}|", autoescape=True))
        if query.department:
            conditions.append(
                table.c.departments.contains(f"|{query.department}|", autoescape=True)
            )
        if query.text:
            for word in words(query.text):
                conditions.append(table.c.search_text.contains(word, autoescape=True))
        where = and_(*conditions)
        total = self.connection.execute(select(func.count()).where(where)).scalar_one()
        rows = self.connection.execute(
            select(table)
            .where(where)
            .order_by(table.c.list_code, func.length(table.c.number), table.c.number)
            .limit(query.limit)
            .offset(query.offset)
        )
        return [_revision(row) for row in rows], int(total)

    def unpublished(self, department: str) -> list[Revision]:
        table = rule_revisions
        query = (
            select(table)
            .where(
                table.c.state.in_((Workflow.DRAFT.value, Workflow.IN_REVIEW.value)),
                table.c.departments.contains(f"|{department}|", autoescape=True),
            )
            .order_by(table.c.created_at)
        )
        return [_revision(row) for row in self.connection.execute(query)]

    def published_counts(self) -> list[tuple[str, str, int]]:
        table = rule_revisions
        query = (
            select(table.c.field, table.c.status, func.count())
            .where(table.c.state.in_(_SHOWN))
            .group_by(table.c.field, table.c.status)
            .order_by(table.c.field, table.c.status)
        )
        return [(f, s, int(n)) for f, s, n in self.connection.execute(query)]

    def publications(self) -> list[tuple[datetime, str, str]]:
        table = rule_revisions
        query = (
            select(table.c.published_at, table.c.field, table.c.status)
            .where(table.c.published_at.is_not(None))
            .order_by(table.c.published_at)
        )
        return [(at, f, s) for at, f, s in self.connection.execute(query)]


def _application_text(app: Application) -> str:
    form = app.form
    texts = (
        form.name_en,
        form.name_zh,
        form.licence.number,
        app.filing_number or "",
        form.employer.name,
    )
    return fold("\n".join(texts))


def _application(row: Row[Any]) -> Application:
    return msgspec.json.decode(row.body, type=Application)


class SqlRecognitionRecords(SqlTransaction):
    def upsert_profession(self, profession: Profession) -> None:
        body = msgspec.json.encode(profession).decode()
        statement = dialect_insert(self.connection)(professions).values(
            code=profession.code, body=body
        )
        self.connection.execute(
            statement.on_conflict_do_update(index_elements=["code"], set_={"body": body})
        )

    def professions(self) -> list[Profession]:
        query = select(professions.c.body).order_by(professions.c.code)
        return [
            msgspec.json.decode(body, type=Profession) for (body,) in self.connection.execute(query)
        ]

    def insert_application(self, application: Application, contents: list[bytes]) -> None:
        self.connection.execute(
            insert(applications).values(
                id=application.id,
                owner=application.owner,
                submitted_at=application.submitted_at,
                **self._values(application),
            )
        )
        if contents:
            self.connection.execute(
                insert(documents),
                [
                    {"application_id": application.id, "position": index, "content": content}
                    for index, content in enumerate(contents, start=1)
                ],
            )

    def update_application(self, application: Application) -> None:
        self.connection.execute(
            update(applications)
            .where(applications.c.id == application.id)
            .values(**self._values(application))
        )

    @staticmethod
    def _values(app: Application) -> dict[str, Any]:
        return {
            "department": app.department,
            "state": app.state.value,
            "filing_number": app.filing_number,
            "profession": app.form.profession,
            "home": app.home.value,
            "city": app.form.city,
            "search_text": _application_text(app),
            "body": msgspec.json.encode(app).decode(),
            "updated_at": app.updated_at,
            "decided_at": app.decided_at,
        }

    def application(self, application_id: str) -> Application | None:
        row = self.connection.execute(
            select(applications.c.body).where(applications.c.id == application_id)
        ).first()
        return None if row is None else _application(row)

    def by_filing_number(self, filing_number: str) -> Application | None:
        row = self.connection.execute(
            select(applications.c.body).where(applications.c.filing_number == filing_number)
        ).first()
        return None if row is None else _application(row)

    def applications_of(self, owner: str) -> list[Application]:
        query = (
            select(applications.c.body)
            .where(applications.c.owner == owner)
            .order_by(applications.c.submitted_at.desc(), applications.c.id)
        )
        return [_application(row) for row in self.connection.execute(query)]

    def applications_for(
        self, department: str, states: frozenset[State] | None, limit: int, offset: int
    ) -> list[Application]:
        conditions: list[ColumnElement[bool]] = [applications.c.department == department]
        if states:
            conditions.append(applications.c.state.in_(sorted(s.value for s in states)))
        query = (
            select(applications.c.body)
            .where(*conditions)
            .order_by(applications.c.submitted_at, applications.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_application(row) for row in self.connection.execute(query)]

    def in_states(self, states: frozenset[State], limit: int, after: str) -> list[Application]:
        query = (
            select(applications.c.body)
            .where(
                applications.c.state.in_(sorted(s.value for s in states)),
                applications.c.id > after,
            )
            .order_by(applications.c.id)
            .limit(limit)
        )
        return [_application(row) for row in self.connection.execute(query)]

    def register(self, text: str | None, limit: int, offset: int) -> list[Application]:
        conditions: list[ColumnElement[bool]] = [applications.c.state.in_(_REGISTER)]
        for word in words(text or ""):
            conditions.append(applications.c.search_text.contains(word, autoescape=True))
        query = (
            select(applications.c.body)
            .where(*conditions)
            .order_by(applications.c.filing_number)
            .limit(limit)
            .offset(offset)
        )
        return [_application(row) for row in self.connection.execute(query)]

    def document_content(self, application_id: str, index: int) -> bytes | None:
        row = self.connection.execute(
            select(documents.c.content).where(
                documents.c.application_id == application_id, documents.c.position == index
            )
        ).first()
        return None if row is None else row.content

    def erase_documents(self, application_id: str) -> None:
        self.connection.execute(
            update(documents)
            .where(documents.c.application_id == application_id)
            .values(content=None)
        )

    def insert_event(self, event: Event) -> None:
        self.connection.execute(
            insert(events).values(
                application_id=event.application_id,
                at=event.at,
                actor=event.actor,
                action=event.action,
                before=None if event.before is None else event.before.value,
                after=event.after.value,
                note=event.note,
            )
        )

    def events(self, application_id: str) -> list[Event]:
        query = (
            select(events).where(events.c.application_id == application_id).order_by(events.c.id)
        )
        return [
            Event(
                application_id=row.application_id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                before=None if row.before is None else State(row.before),
                after=State(row.after),
                note=row.note,
            )
            for row in self.connection.execute(query)
        ]

    def recognition_counts(self) -> list[tuple[str, str, str, str, int]]:
        table = applications
        columns = (table.c.profession, table.c.home, table.c.city, table.c.state)
        query = select(*columns, func.count()).group_by(*columns).order_by(*columns)
        return [(p, h, c, s, int(n)) for p, h, c, s, n in self.connection.execute(query)]

    def recognitions_by_month(self) -> list[tuple[str, str, int]]:
        # decided_at is read back as a time and cut to its month here: the same on both databases
        query = select(applications.c.decided_at, applications.c.profession).where(
            applications.c.decided_at.is_not(None),
            applications.c.filing_number.is_not(None),
        )
        months: dict[tuple[str, str], int] = {}
        for decided_at, profession in self.connection.execute(query):
            key = (decided_at.strftime("%Y-%m"), profession)
            months[key] = months.get(key, 0) + 1
        return [(month, profession, n) for (month, profession), n in sorted(months.items())]


class SqlRegistryStore:
    """A ``RegistryStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def writing(self) -> Iterator[SqlRegistryRecords]:
        try:
            with writer(self.engine) as connection:
                yield SqlRegistryRecords(connection, PARTS)
        except IntegrityError as error:  # a concurrent editor stored the same revision first
            raise DuplicateRecord(str(error.orig)) from error

    @contextmanager
    def reading(self) -> Iterator[SqlRegistryRecords]:
        with reader(self.engine) as connection:
            yield SqlRegistryRecords(connection, PARTS)


class SqlRecognitionStore:
    """A ``RecognitionStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def writing(self) -> Iterator[SqlRecognitionRecords]:
        try:
            with writer(self.engine) as connection:
                yield SqlRecognitionRecords(connection, PARTS)
        except IntegrityError as error:
            raise DuplicateRecord(str(error.orig)) from error

    @contextmanager
    def reading(self) -> Iterator[SqlRecognitionRecords]:
        with reader(self.engine) as connection:
            yield SqlRecognitionRecords(connection, PARTS)
