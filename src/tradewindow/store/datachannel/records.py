"""``datachannel.ports.ChannelRecords`` over SQLAlchemy Core (SQLite and PostgreSQL).

Evidence records are chained: each one's digest is the SHA-256 of the previous digest and its own
fields, so a changed or removed step breaks every digest after it (:func:`chain_breaks`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import msgspec
from sqlalchemy import Engine, Table, delete, func, select, update

from tradewindow.datachannel.lawfulness import Mechanism, Totals
from tradewindow.datachannel.manifest import Manifest
from tradewindow.datachannel.model import (
    Dataset,
    PersonalInformation,
    Project,
    Transfer,
    TransferState,
)
from tradewindow.datachannel.ports import EvidenceRecord, StoredChunk, TransferContext
from tradewindow.store.datachannel.tables import (
    data_chunks,
    data_datasets,
    data_evidence,
    data_keys,
    data_manifests,
    data_mechanisms,
    data_projects,
    data_transfers,
)
from tradewindow.store.transaction import dialect_insert, reader, writer

GENESIS = "0" * 64


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


class SqlChannelRecords:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _upsert(self, table: Table, keys: list[str], row: Mapping[str, object]) -> None:
        with writer(self._engine) as connection:
            insert = dialect_insert(connection)(table).values(**row)
            changes = {name: value for name, value in row.items() if name not in keys}
            statement = (
                insert.on_conflict_do_update(index_elements=keys, set_=changes)
                if changes
                else insert.on_conflict_do_nothing(index_elements=keys)
            )
            connection.execute(statement)

    def save_project(self, project: Project) -> None:
        self._upsert(data_projects, ["code"], {"code": project.code, "body": _json(project)})

    def project(self, code: str) -> Project | None:
        with reader(self._engine) as connection:
            body = connection.scalar(
                select(data_projects.c.body).where(data_projects.c.code == code)
            )
        return msgspec.json.decode(body, type=Project) if body else None

    def projects(self) -> Sequence[Project]:
        with reader(self._engine) as connection:
            bodies = connection.scalars(select(data_projects.c.body).order_by(data_projects.c.code))
            return [msgspec.json.decode(body, type=Project) for body in bodies]

    def save_dataset(self, dataset: Dataset) -> None:
        row = {"code": dataset.code, "project": dataset.project, "body": _json(dataset)}
        self._upsert(data_datasets, ["code"], row)

    def dataset(self, code: str) -> Dataset | None:
        with reader(self._engine) as connection:
            body = connection.scalar(
                select(data_datasets.c.body).where(data_datasets.c.code == code)
            )
        return msgspec.json.decode(body, type=Dataset) if body else None

    def datasets(self, project: str) -> Sequence[Dataset]:
        with reader(self._engine) as connection:
            bodies = connection.scalars(
                select(data_datasets.c.body)
                .where(data_datasets.c.project == project)
                .order_by(data_datasets.c.code)
            )
            return [msgspec.json.decode(body, type=Dataset) for body in bodies]

    def file_mechanism(self, handler: str, mechanism: Mechanism, reference: str) -> None:
        row = {"handler": handler, "mechanism": mechanism.value, "reference": reference}
        self._upsert(data_mechanisms, ["handler", "mechanism"], row)

    def mechanisms(self, handler: str) -> frozenset[Mechanism]:
        with reader(self._engine) as connection:
            names = connection.scalars(
                select(data_mechanisms.c.mechanism).where(data_mechanisms.c.handler == handler)
            )
            return frozenset(Mechanism(name) for name in names)

    def totals(self, handler: str, since: date, until: date) -> Totals:
        t = data_transfers.c
        with reader(self._engine) as connection:
            rows = connection.execute(
                select(t.personal_information, func.sum(t.persons))
                .where(
                    t.handler == handler,
                    t.day >= since,
                    t.day <= until,
                    t.state != TransferState.REFUSED.value,
                )
                .group_by(t.personal_information)
            ).all()
        sums = {kind: int(total or 0) for kind, total in rows}
        return Totals(
            persons=sums.get(PersonalInformation.PERSONAL.value, 0),
            sensitive_persons=sums.get(PersonalInformation.SENSITIVE.value, 0),
        )

    def save_transfer(self, transfer: Transfer, handler: str, day: date, dataset: Dataset) -> None:
        row = {
            "id": transfer.id,
            "project": transfer.project,
            "handler": handler,
            "day": day,
            "personal_information": dataset.personal_information.value,
            "persons": dataset.persons,
            "state": transfer.state.value,
            "body": _json(transfer),
        }
        with writer(self._engine) as connection:
            # the request's day and persons stay as first recorded; later saves move the state
            changed = connection.execute(
                update(data_transfers)
                .where(data_transfers.c.id == transfer.id)
                .values(state=row["state"], body=row["body"])
            ).rowcount
            if not changed:
                connection.execute(data_transfers.insert().values(**row))

    def transfer(self, id: str) -> Transfer | None:
        with reader(self._engine) as connection:
            body = connection.scalar(select(data_transfers.c.body).where(data_transfers.c.id == id))
        return msgspec.json.decode(body, type=Transfer) if body else None

    def transfers(self) -> Sequence[Transfer]:
        with reader(self._engine) as connection:
            bodies = connection.scalars(select(data_transfers.c.body).order_by(data_transfers.c.id))
            return [msgspec.json.decode(body, type=Transfer) for body in bodies]

    def context(self, transfer: str) -> TransferContext | None:
        # one connection and transaction for the four rows each chunk of an upload or a
        # download needs (it was four: ~10 ms a chunk under load)
        with reader(self._engine) as connection:
            body = connection.scalar(
                select(data_transfers.c.body).where(data_transfers.c.id == transfer)
            )
            if not body:
                return None
            found = msgspec.json.decode(body, type=Transfer)
            project = connection.scalar(
                select(data_projects.c.body).where(data_projects.c.code == found.project)
            )
            dataset = connection.scalar(
                select(data_datasets.c.body).where(data_datasets.c.code == found.dataset)
            )
            sealed = connection.scalar(
                select(data_keys.c.sealed).where(data_keys.c.transfer == transfer)
            )
        return TransferContext(
            transfer=found,
            project=msgspec.json.decode(project, type=Project) if project else None,
            dataset=msgspec.json.decode(dataset, type=Dataset) if dataset else None,
            sealed_key=bytes(sealed) if sealed is not None else None,
        )

    def save_key(self, transfer: str, sealed: bytes) -> None:
        self._upsert(data_keys, ["transfer"], {"transfer": transfer, "sealed": sealed})

    def sealed_key(self, transfer: str) -> bytes | None:
        with reader(self._engine) as connection:
            value = connection.scalar(
                select(data_keys.c.sealed).where(data_keys.c.transfer == transfer)
            )
        return bytes(value) if value is not None else None

    def save_chunk(self, transfer: str, chunk: StoredChunk) -> None:
        self.save_chunks([(transfer, chunk)])

    def save_chunks(self, chunks: Sequence[tuple[str, StoredChunk]]) -> None:
        c = data_chunks.c
        with writer(self._engine) as connection:
            insert = dialect_insert(connection)
            for transfer, chunk in chunks:  # one statement each: a chunk may come twice
                row = {
                    "transfer": transfer,
                    "idx": chunk.index,
                    "digest": chunk.digest,
                    "object_name": chunk.object_name,
                    "size": chunk.size,
                }
                connection.execute(
                    insert(data_chunks)
                    .values(**row)
                    .on_conflict_do_update(
                        index_elements=[c.transfer, c.idx],
                        set_={k: v for k, v in row.items() if k not in ("transfer", "idx")},
                    )
                )

    def chunks(
        self, transfer: str, first: int = 0, last: int | None = None
    ) -> Sequence[StoredChunk]:
        c = data_chunks.c
        query = select(c.idx, c.digest, c.object_name, c.size).where(
            c.transfer == transfer, c.idx >= first
        )
        if last is not None:
            query = query.where(c.idx <= last)
        with reader(self._engine) as connection:
            rows = connection.execute(query.order_by(c.idx)).all()
        return [
            StoredChunk(index=r.idx, digest=r.digest, object_name=r.object_name, size=r.size)
            for r in rows
        ]

    def forget_chunks(self, transfer: str) -> None:
        with writer(self._engine) as connection:
            connection.execute(delete(data_chunks).where(data_chunks.c.transfer == transfer))
            connection.execute(delete(data_keys).where(data_keys.c.transfer == transfer))

    def save_manifest(self, manifest: Manifest) -> None:
        row = {"transfer": manifest.transfer, "body": _json(manifest)}
        self._upsert(data_manifests, ["transfer"], row)

    def manifest(self, transfer: str) -> Manifest | None:
        with reader(self._engine) as connection:
            body = connection.scalar(
                select(data_manifests.c.body).where(data_manifests.c.transfer == transfer)
            )
        return msgspec.json.decode(body, type=Manifest) if body else None

    def record(self, transfer: str, step: str, person: str, at: datetime, detail: str) -> str:
        e = data_evidence.c
        with writer(self._engine) as connection:
            previous = connection.scalar(
                select(e.digest).where(e.transfer == transfer).order_by(e.id.desc()).limit(1)
            )
            previous = previous or GENESIS
            digest = evidence_digest(previous, transfer, step, person, at, detail)
            connection.execute(
                data_evidence.insert().values(
                    transfer=transfer,
                    step=step,
                    person=person,
                    at=at,
                    detail=detail,
                    digest=digest,
                    previous=previous,
                )
            )
        return digest

    def evidence(self, transfer: str) -> Sequence[EvidenceRecord]:
        e = data_evidence.c
        with reader(self._engine) as connection:
            rows = connection.execute(
                select(data_evidence).where(e.transfer == transfer).order_by(e.id)
            ).all()
        return [
            EvidenceRecord(
                id=r.id,
                transfer=r.transfer,
                step=r.step,
                person=r.person,
                at=r.at,
                detail=r.detail,
                digest=r.digest,
                previous=r.previous,
            )
            for r in rows
        ]


def evidence_digest(
    previous: str, transfer: str, step: str, person: str, at: datetime, detail: str
) -> str:
    text = "\n".join((previous, transfer, step, person, at.isoformat(), detail))
    return hashlib.sha256(text.encode()).hexdigest()


def chain_breaks(records: Sequence[EvidenceRecord]) -> list[int]:
    """The ids of records whose digest or link does not hold."""
    broken = []
    previous = GENESIS
    for r in records:
        expected = evidence_digest(previous, r.transfer, r.step, r.person, r.at, r.detail)
        if r.previous != previous or r.digest != expected:
            broken.append(r.id)
        previous = r.digest
    return broken
