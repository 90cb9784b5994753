"""The demo's research-data channel, illustrative: two campuses of one university — Guangzhou
Nansha (a mainland GBA city) and the Hong Kong main campus — a few projects and datasets with
and without personal information, moved through the same use cases the API serves:

- a genome run (general data, no personal information) released, downloaded and verified;
- a cohort study whose second dataset is **refused**: 80,000 persons already sent this year
  plus 40,000 cross 100,000 with no (GBA) standard contract on file;
- a clinical imaging set (sensitive personal information, standard contract on file) waiting
  for its second sender officer (the two-person rule);
- a coastal survey map (important data) waiting for its recorded security-assessment approval.

Each person is a credential of a demo party; their API keys are written to
``research-data-keys.txt`` so ``tradewindow data pull`` can be tried.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

import msgspec

from tradewindow.bootstrap import App
from tradewindow.datachannel.channel import Channel
from tradewindow.datachannel.lawfulness import Mechanism
from tradewindow.datachannel.model import (
    ApprovalKind,
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Region,
    Role,
)
from tradewindow.violations import Rejected

SENDER = "BAYU-NANSHA"  # Bay University (Guangzhou Nansha campus), illustrative
RECIPIENT = "BAYU-HK"  # Bay University (Hong Kong main campus)
PEOPLE = {
    "li.wei": (SENDER, Role.PRINCIPAL_INVESTIGATOR),
    "wang.fang": (SENDER, Role.DATA_OFFICER),
    "zhao.min": (SENDER, Role.DATA_OFFICER),
    "chan.kaming": (RECIPIENT, Role.MEMBER),
    "wong.siuling": (RECIPIENT, Role.DATA_OFFICER),
}
CHUNK = 256 * 1024


class ResearchDemo(msgspec.Struct, frozen=True, kw_only=True):
    projects: int
    transfers: dict[str, str]  # transfer id → state
    refused: list[str]  # the codes of the refused request
    keys: dict[str, str]  # person → API key


def seed_research_data(app: App, party: str, folder: Path, *, today: date) -> ResearchDemo:
    """Projects, datasets and transfers of the two campuses; ``party`` holds the people's
    credentials (one each)."""
    channel = app.data
    keys, ids = {}, {}
    for person in PEOPLE:
        issued = app.parties.issue_key(party, label=f"research data: {person}")
        keys[person], ids[person] = issued.api_key, issued.credential.id
    members = tuple(
        Member(person=ids[person], institution=institution, role=role)
        for person, (institution, role) in PEOPLE.items()
    )
    valid = {"valid_from": today - timedelta(days=90), "valid_until": today + timedelta(days=640)}
    approvals = (
        ProjectApproval(kind="ethics", reference="BAYU-IRB-2026-031", **valid),
        ProjectApproval(kind="data_office", reference="BAYU-DO-2026-007", **valid),
    )
    projects = {
        "P-GENOME": ("Coastal mangrove genomes", "joint assembly on the HK cluster"),
        "P-COHORT": ("Bay Area ageing cohort", "pooled survival analysis"),
        "P-IMAGING": ("Retinal imaging", "model validation on HK images"),
        "P-SURVEY": ("Pearl River estuary survey", "sediment transport modelling"),
    }
    for code, (title, purpose) in projects.items():
        channel.save_project(
            Project(
                code=code,
                title=title,
                purpose=purpose,
                sender=SENDER,
                recipient=RECIPIENT,
                sender_region=Region.MAINLAND_GBA,
                recipient_region=Region.HONG_KONG,
                members=members,
                approvals=approvals,
            )
        )
    li, wang, zhao, chan, wong = (ids[p] for p in PEOPLE)
    retain = today + timedelta(days=365)
    rng = random.Random(19)

    def dataset(code: str, project: str, text: str, c: Classification, pi: str, n: int) -> None:
        channel.save_dataset(
            li,
            Dataset(
                code=code,
                project=project,
                owner=li,
                description=text,
                format="tar",
                classification=c,
                personal_information=PersonalInformation(pi),
                persons=n,
            ),
        )

    general, important = Classification.GENERAL, Classification.IMPORTANT
    dataset("D-GENOME-RUN1", "P-GENOME", "Illumina run 1, 48 samples", general, "none", 0)
    dataset("D-COHORT-W1", "P-COHORT", "wave 1 questionnaires", general, "personal", 80_000)
    dataset("D-COHORT-W2", "P-COHORT", "wave 2 questionnaires", general, "personal", 40_000)
    dataset("D-RETINA", "P-IMAGING", "fundus images with diagnoses", general, "sensitive", 2_000)
    dataset("D-ESTUARY", "P-SURVEY", "bathymetry of the estuary", important, "none", 0)

    _upload(channel, li, "T-GENOME-1", "D-GENOME-RUN1", [chan], retain, rng.randbytes(CHUNK * 5))
    channel.approve(wang, "T-GENOME-1", ApprovalKind.SENDER_OFFICER)
    channel.approve(wong, "T-GENOME-1", ApprovalKind.RECIPIENT_OFFICER)
    channel.release(wang, "T-GENOME-1")
    found = channel.manifest_for(chan, "T-GENOME-1")
    received = hashlib.sha256()
    for piece in channel.read(chan, "T-GENOME-1"):
        received.update(piece)
    channel.record_verification(chan, "T-GENOME-1", found.root, True)

    channel.request(li, "T-COHORT-1", "D-COHORT-W1", [chan], retain)  # 80,000: exempt
    refused: list[str] = []
    try:
        channel.request(li, "T-COHORT-2", "D-COHORT-W2", [chan], retain)
    except Rejected as refusal:
        refused = [v.code for v in refusal.violations]

    # after the refusal the data office files the GBA standard contract, and for the survey map
    # a security assessment is passed (mechanisms are kept per data handler)
    channel.file_mechanism(SENDER, Mechanism.GBA_STANDARD_CONTRACT, "GD-GBA-SC-2026-118 (demo)")
    channel.file_mechanism(SENDER, Mechanism.SECURITY_ASSESSMENT, "CAC-SA-2026-0042 (demo)")
    _upload(channel, li, "T-RETINA-1", "D-RETINA", [chan], retain, rng.randbytes(CHUNK * 2))
    channel.approve(wang, "T-RETINA-1", ApprovalKind.SENDER_OFFICER)
    channel.approve(wong, "T-RETINA-1", ApprovalKind.RECIPIENT_OFFICER)

    _upload(channel, li, "T-ESTUARY-1", "D-ESTUARY", [chan], retain, rng.randbytes(CHUNK))
    channel.approve(zhao, "T-ESTUARY-1", ApprovalKind.SENDER_OFFICER)
    channel.approve(wong, "T-ESTUARY-1", ApprovalKind.RECIPIENT_OFFICER)

    lines = [
        f"{person}\t{PEOPLE[person][0]}\t{PEOPLE[person][1].value}\t{keys[person]}"
        for person in PEOPLE
    ]
    (folder / "research-data-keys.txt").write_text("\n".join(lines) + "\n", "utf-8")
    states = {t.id: t.state.value for t in channel.records.transfers()}
    return ResearchDemo(projects=len(projects), transfers=states, refused=refused, keys=keys)


def _upload(
    channel: Channel,
    person: str,
    id: str,
    dataset: str,
    recipients: list[str],
    retain: date,
    data: bytes,
) -> None:
    channel.request(person, id, dataset, recipients, retain)
    channel.begin_upload(person, id, len(data), CHUNK)
    for index in range(0, len(data), CHUNK):
        piece = data[index : index + CHUNK]
        channel.put_chunk(person, id, index // CHUNK, piece, hashlib.sha256(piece).hexdigest())
    channel.finish_upload(person, id)
