"""A research-data project in an API ``World``: a sender, a data officer on each side and a
recipient, each a credential of its own (added to ``world.keys``), and a released transfer."""

from __future__ import annotations

import hashlib
from datetime import date

from api_world import World

from tradewindow.datachannel.model import (
    ApprovalKind,
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Role,
)

PEOPLE = ("data-sender", "data-sender-officer", "data-recipient", "data-recipient-officer")


def seed_data(world: World) -> dict[str, str]:
    """The resources' path parameters: ``project_code``, ``transfer_id``, ``chunk_index``."""
    ids = {}
    for person in PEOPLE:
        issued = world.window.registry.issue_key("enterprise", label=person)
        world.keys[person] = issued.api_key
        ids[person] = issued.credential.id
    channel = world.window.app.data
    valid = {"valid_from": date(2026, 1, 1), "valid_until": date(2099, 12, 31)}
    channel.save_project(
        Project(
            code="P-DATA",
            title="Coastal genomes",
            purpose="joint analysis",
            sender="NANSHA",
            recipient="HKMAIN",
            members=(
                Member(person=ids[PEOPLE[0]], institution="NANSHA", role=Role.MEMBER),
                Member(person=ids[PEOPLE[1]], institution="NANSHA", role=Role.DATA_OFFICER),
                Member(person=ids[PEOPLE[2]], institution="HKMAIN", role=Role.MEMBER),
                Member(person=ids[PEOPLE[3]], institution="HKMAIN", role=Role.DATA_OFFICER),
            ),
            approvals=(
                ProjectApproval(kind="ethics", reference="E-1", **valid),
                ProjectApproval(kind="data_office", reference="D-1", **valid),
            ),
        )
    )
    channel.save_dataset(
        ids[PEOPLE[0]],
        Dataset(
            code="D-DATA",
            project="P-DATA",
            owner=ids[PEOPLE[0]],
            description="reads",
            format="fastq",
            classification=Classification.GENERAL,
            personal_information=PersonalInformation.NONE,
        ),
    )
    channel.request(ids[PEOPLE[0]], "T-DATA", "D-DATA", [ids[PEOPLE[2]]], date(2099, 1, 1))
    content = b"research data, never shown to a stranger"
    channel.begin_upload(ids[PEOPLE[0]], "T-DATA", len(content), 1024)
    digest = hashlib.sha256(content).hexdigest()
    channel.put_chunk(ids[PEOPLE[0]], "T-DATA", 0, content, digest)
    channel.finish_upload(ids[PEOPLE[0]], "T-DATA")
    channel.approve(ids[PEOPLE[1]], "T-DATA", ApprovalKind.SENDER_OFFICER)
    channel.approve(ids[PEOPLE[3]], "T-DATA", ApprovalKind.RECIPIENT_OFFICER)
    channel.release(ids[PEOPLE[1]], "T-DATA")
    return {"project_code": "P-DATA", "transfer_id": "T-DATA", "chunk_index": "0"}
