"""Who sees which field of a recognition: the disclosure policy (``data/disclosure.toml``).

``RecognitionView`` holds every field a viewer could be shown; ``cut`` keeps only those the
policy grants the viewer (the others are absent, not empty). ``personal_read`` names the
personal-data fields a cut view holds, so the use case records the read. Parsing is pure
(``parse_disclosure``); ``shipped_disclosure`` reads the file shipped in the package.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import msgspec

from tradewindow.services.documents import Document
from tradewindow.services.recognition import Application, State, Verification
from tradewindow.violations import Rejected, Violation


class Viewer(StrEnum):
    PUBLIC = "public"
    EMPLOYER = "employer"
    OFFICER = "officer"
    APPLICANT = "applicant"


class RecognitionView(
    msgspec.Struct, frozen=True, kw_only=True, rename="camel", omit_defaults=True
):
    """An application as one viewer may see it: absent fields are not granted to them."""

    id: str | None = None  # only to the applicant and the officer (their handle on it)
    filing_number: str | None = None
    state: State | None = None
    profession: str | None = None
    home: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    identity_kind: str | None = None
    identity_number: str | None = None
    licence_authority: str | None = None
    licence_number: str | None = None
    licence_valid_until: date | None = None
    recognised_until: date | None = None
    employer_name: str | None = None
    employer_uscc: str | None = None
    city: str | None = None
    decided_at: datetime | None = None
    documents: list[Document] | None = None
    verification: Verification | None = None


FIELDS = frozenset(
    field.encode_name for field in msgspec.structs.fields(RecognitionView) if field.name != "id"
)
_ATTRIBUTE = {field.encode_name: field.name for field in msgspec.structs.fields(RecognitionView)}


class Disclosure(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    viewers: dict[Viewer, frozenset[str]]
    personal_data: frozenset[str]
    retention_days: dict[State, int]


def parse_disclosure(text: str) -> Disclosure:
    """The policy in TOML ``text``; ``Rejected`` with every problem (``services.disclosure.*``)."""
    data = tomllib.loads(text)
    problems: list[Violation] = []

    def bad(path: str, what: str) -> None:
        problems.append(
            Violation(
                path=path, code="services.disclosure.invalid", en=what, zh=f"披露政策有误：{what}"
            )
        )

    unknown_keys = set(data) - {"policy_version", "viewers", "personal_data", "retention"}
    for key in sorted(unknown_keys):
        bad(key, f"unknown key {key!r}")
    viewers: dict[Viewer, frozenset[str]] = {}
    for name, fields in data.get("viewers", {}).items():
        if name not in Viewer.__members__.values():
            bad(f"viewers/{name}", f"unknown viewer {name!r}")
            continue
        for field in set(fields) - FIELDS:
            bad(f"viewers/{name}", f"unknown field {field!r}")
        viewers[Viewer(name)] = frozenset(fields) & FIELDS
    for viewer in Viewer:
        if viewer not in viewers:
            bad("viewers", f"no fields listed for viewer {viewer.value!r}")
    personal = data.get("personal_data", {}).get("fields", [])
    for field in set(personal) - FIELDS:
        bad("personal_data", f"unknown field {field!r}")
    retention: dict[State, int] = {}
    for state, days in data.get("retention", {}).items():
        if state not in (State.REFUSED, State.WITHDRAWN, State.EXPIRED) or not isinstance(
            days, int
        ):
            bad(
                f"retention/{state}",
                f"retention is days (an integer) of refused, withdrawn or expired, not {state!r}",
            )
            continue
        retention[State(state)] = days
    if problems:
        raise Rejected(problems)
    return Disclosure(
        version=str(data.get("policy_version", "")),
        viewers=viewers,
        personal_data=frozenset(personal),
        retention_days=retention,
    )


@cache
def shipped_disclosure() -> Disclosure:
    text = (
        resources.files("tradewindow.services").joinpath("data/disclosure.toml").read_text("utf-8")
    )
    return parse_disclosure(text)


def full_view(app: Application) -> RecognitionView:
    """Every field of ``app`` (before any cut)."""
    form = app.form
    return RecognitionView(
        id=app.id,
        filing_number=app.filing_number,
        state=app.state,
        profession=form.profession,
        home=app.home.value,
        name_en=form.name_en,
        name_zh=form.name_zh,
        identity_kind=form.identity_kind,
        identity_number=form.identity_number,
        licence_authority=form.licence.authority,
        licence_number=form.licence.number,
        licence_valid_until=form.licence.valid_until,
        recognised_until=app.recognised_until,
        employer_name=form.employer.name,
        employer_uscc=form.employer.uscc,
        city=form.city,
        decided_at=app.decided_at,
        documents=list(app.documents),
        verification=app.verification,
    )


def cut(policy: Disclosure, viewer: Viewer, app: Application) -> RecognitionView:
    """The view of ``app`` that ``viewer`` is granted (the id only to applicant and officer)."""
    granted = policy.viewers[viewer]
    full = full_view(app)
    kept: dict[str, Any] = {_ATTRIBUTE[name]: getattr(full, _ATTRIBUTE[name]) for name in granted}
    if viewer in (Viewer.APPLICANT, Viewer.OFFICER):
        kept["id"] = app.id
    return RecognitionView(**kept)


def personal_read(policy: Disclosure, viewer: Viewer) -> list[str]:
    """The personal-data fields a ``viewer`` reads in a cut view (sorted); none for the
    applicant's own reads, which are no disclosure."""
    if viewer is Viewer.APPLICANT:
        return []
    return sorted(policy.viewers[viewer] & policy.personal_data)


def retention_due(policy: Disclosure, app: Application, on: date) -> bool:
    """A closed application kept past its retention period (its documents to be erased)."""
    days = policy.retention_days.get(app.state)
    return days is not None and (on - app.updated_at.date()).days > days
