"""Two campuses, one project and a channel over a real database and the local object store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine

from tradewindow.datachannel.channel import Channel
from tradewindow.datachannel.model import (
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Role,
)
from tradewindow.datachannel.sealing import MasterKeys
from tradewindow.store.datachannel.objects import LocalObjects
from tradewindow.store.datachannel.records import SqlChannelRecords
from tradewindow.store.engine import create_store_engine, migrate_engine

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))

PROJECT = Project(
    code="P-GENOME",
    title="Coastal genomes",
    purpose="joint analysis of sequencing runs",
    sender="NANSHA",
    recipient="HKMAIN",
    members=(
        Member(person="li", institution="NANSHA", role=Role.PRINCIPAL_INVESTIGATOR),
        Member(person="wang", institution="NANSHA", role=Role.DATA_OFFICER),
        Member(person="zhao", institution="NANSHA", role=Role.DATA_OFFICER),
        Member(person="chan", institution="HKMAIN", role=Role.MEMBER),
        Member(person="wong", institution="HKMAIN", role=Role.DATA_OFFICER),
    ),
    approvals=(
        ProjectApproval(kind="ethics", reference="E-7", valid_from=YEAR[0], valid_until=YEAR[1]),
        ProjectApproval(
            kind="data_office", reference="D-7", valid_from=YEAR[0], valid_until=YEAR[1]
        ),
    ),
)

OTHER = Project(
    code="P-OTHER",
    title="Air quality",
    purpose="sensors",
    sender="NANSHA",
    recipient="HKMAIN",
    members=(
        Member(person="outsider", institution="NANSHA", role=Role.PRINCIPAL_INVESTIGATOR),
        Member(person="hk-outsider", institution="HKMAIN", role=Role.DATA_OFFICER),
    ),
    approvals=PROJECT.approvals,
)


def dataset(
    code: str = "D-READS",
    classification: Classification = Classification.GENERAL,
    kind: PersonalInformation = PersonalInformation.NONE,
    persons: int = 0,
) -> Dataset:
    return Dataset(
        code=code,
        project=PROJECT.code,
        owner="li",
        description="sequencing reads",
        format="fastq.gz",
        classification=classification,
        personal_information=kind,
        persons=persons,
    )


def open_channel(url: str, objects: Path) -> tuple[Channel, Engine]:
    engine = create_store_engine(url)
    migrate_engine(engine)
    channel = Channel(
        SqlChannelRecords(engine),
        LocalObjects(objects),
        MasterKeys.generate(),
        ed25519.Ed25519PrivateKey.generate(),
        clock=lambda: NOW,
    )
    channel.save_project(PROJECT)
    channel.save_project(OTHER)
    return channel, engine


def joined(pieces: Iterator[bytes]) -> bytes:
    return b"".join(pieces)
