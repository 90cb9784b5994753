"""The filing rights as a generated matrix, through the use case every channel calls, on
SQLite and PostgreSQL: sender role × message type × who holds the principal code (the
sender, another registered firm, nobody) × the commission that firm gave the sender (none,
live, expired, revoked, wrong scope) → accepted, or refused with the exact code. A refused
message leaves no sender row and no owner row; an accepted one is the sender's.

The expectations are written here from the XSD's "who sends" notes, not read from the code's
tables (``parties.roles``, ``filing.rights``), so a change to those tables fails this test.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import select

import builders
from tradewindow import intake
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import Message, SpecVersion
from tradewindow.filing.use_case import Sender
from tradewindow.formats import ceb_json
from tradewindow.parties.commissions import GrantCommission
from tradewindow.parties.errors import InvalidCommission
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings
from tradewindow.store.filing.tables import api_messages, filings

START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
DAY = timedelta(days=1)
FILED_AT = START + 3 * DAY  # every message arrives after all the grants, expiries, revocations

ROLES = ("ecommerce_platform", "ecommerce_enterprise", "payment_firm", "logistics_firm", "broker")
TYPES = ("CEB311", "CEB411", "CEB511", "CEB621")
# who may send each message at all (the XSD's xs:documentation of each root element)
MAY_SEND = {
    "CEB311": {"ecommerce_platform", "ecommerce_enterprise", "logistics_firm"},
    "CEB411": {"payment_firm", "logistics_firm"},
    "CEB511": {"logistics_firm"},
    "CEB621": {"ecommerce_enterprise", "broker"},
}
# who may be commissioned for each (受委托 express / postal firms; an enterprise's declarants;
# a waybill's line-haul partner)
MAY_BE_COMMISSIONED = {
    "CEB311": {"logistics_firm"},
    "CEB411": {"logistics_firm"},
    "CEB511": {"logistics_firm"},
    "CEB621": {"broker"},
}
WRONG_SCOPE = {"CEB311": "CEB411", "CEB411": "CEB311", "CEB511": "CEB311", "CEB621": "CEB625"}
HOLDERS = ("sender", "other", "nobody")
STATES = ("none", "live", "expired", "revoked", "wrong scope")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def cases() -> Iterator[tuple[str, str, str, str]]:
    for role, kind, holder in itertools.product(ROLES, TYPES, HOLDERS):
        for state in STATES if holder == "other" else ("none",):
            yield role, kind, holder, state


def expected(role: str, kind: str, holder: str, state: str) -> str:
    if role not in MAY_SEND[kind]:
        return "auth.forbidden"
    if holder == "sender":
        return "accepted"
    if kind == "CEB621" and holder == "nobody":
        return "auth.ebc_unregistered"
    if holder == "other" and state == "live" and role in MAY_BE_COMMISSIONED[kind]:
        return "accepted"
    return "auth.not_commissioned"


def message(kind: str, number: int, principal: str, sender: str) -> Message:
    order_no = f"SOMX{number:06d}"
    logistics_no = f"LX{number:09d}"
    source = builders.order(order_no=order_no)
    built: Message
    if kind == "CEB311":
        built = builders.order_message(builders.order(order_no=order_no, ebp_code=principal))
    elif kind == "CEB411":
        built = builders.payment_message(builders.payment(source=source, pay_code=principal))
    elif kind == "CEB511":
        built = builders.waybill_message(
            builders.waybill(source=source, logistics_code=principal, logistics_no=logistics_no)
        )
    else:
        built = builders.inventory_message(
            builders.inventory(
                source=source,
                ebc_code=principal,
                agent_code=sender,
                logistics_no=logistics_no,
                cop_no=None,
                guid=builders.guid("inventory", order_no),
            )
        )
    return msgspec.structs.replace(
        built,
        guid=builders.guid("matrix", kind, str(number)),
        base_transfer=builders.base_transfer(cop_code=sender),
    )


def register(app: App, party_id: str, roles: tuple[str, ...], code: str) -> None:
    app.parties.register(
        RegisterParty(
            id=party_id,
            name_zh=party_id,
            name_en=party_id,
            kind="enterprise",
            roles=roles,
            identifiers=(("cn.customs", code),),
        )
    )


def commission(app: App, clock: Clock, principal: str, agent: str, kind: str, state: str) -> None:
    """The commission of ``state`` from ``principal`` to ``agent`` (none when the roles do not
    allow it: then no commission can exist)."""
    if state == "none":
        return
    scope = WRONG_SCOPE[kind] if state == "wrong scope" else kind
    until = START + DAY if state == "expired" else None
    try:
        granted = app.commissions.grant(
            principal, GrantCommission(agent=agent, scope=(scope,), valid_until=until), by=principal
        )
    except InvalidCommission:
        return
    if state == "revoked":
        clock.now = START + DAY
        app.commissions.revoke(granted.id, by=principal)
        clock.now = START


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[App, Clock]]:
    clock = Clock()
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, credential_pepper="matrix-pepper-0123456789"
    )
    app = bootstrap(settings, clock=clock)
    for index, role in enumerate(ROLES):
        register(app, f"s-{role.replace('_', '-')}", (role,), f"44039700{index:02d}")
    try:
        yield app, clock
    finally:
        app.close()


def rows(app: App, guid: str, submitted: Message) -> tuple[list[str], list[str]]:
    keys = _keys(submitted)
    with app.store.engine.connect() as connection:
        senders = connection.execute(
            select(api_messages.c.party_id).where(api_messages.c.guid == guid)
        ).scalars()
        owners = connection.execute(
            select(filings.c.party_id).where(filings.c.key.in_(keys))
        ).scalars()
        return list(senders), list(owners)


def _keys(submitted: Message) -> list[str]:
    found = []
    for document in submitted.documents:
        head = document.head
        ebp = getattr(head, "ebp_code", None)
        if ebp is not None:
            found.append(f"{ebp}|{head.order_no}")
        else:
            found.append(f"{head.logistics_code}|{head.logistics_no}")
    return found


class Case(msgspec.Struct, frozen=True):
    role: str
    kind: str
    holder: str
    state: str
    sender_id: str
    message: Message
    want: str


def prepared(app: App, clock: Clock) -> list[Case]:
    """Every case's parties and commissions registered, and its message built."""
    made = []
    for number, (role, kind, holder, state) in enumerate(cases()):
        sender_id = f"s-{role.replace('_', '-')}"
        sender_code = f"44039700{ROLES.index(role):02d}"
        principal_code = {
            "sender": sender_code,
            "other": f"45{number:08d}",
            "nobody": f"46{number:08d}",
        }[holder]
        if holder == "other":
            principal_id = f"p-{number}"
            register(
                app,
                principal_id,
                ("ecommerce_platform", "ecommerce_enterprise", "payment_firm", "logistics_firm"),
                principal_code,
            )
            commission(app, clock, principal_id, sender_id, kind, state)
        submitted = message(kind, number, principal_code, sender_code)
        want = expected(role, kind, holder, state)
        made.append(Case(role, kind, holder, state, sender_id, submitted, want))
    assert len(made) == len(ROLES) * len(TYPES) * (2 + len(STATES))
    return made


def row_mismatch(app: App, case: Case) -> tuple[object, ...] | None:
    """Why the rows of ``case`` are wrong: none for a refusal, the sender's for an acceptance."""
    senders, owners = rows(app, case.message.guid, case.message)
    where = (case.role, case.kind, case.holder, case.state)
    if case.want != "accepted" and (senders or owners):
        return (*where, "no rows", (senders, owners))
    if case.want == "accepted" and (senders != [case.sender_id] or set(owners) - {case.sender_id}):
        return (*where, "the sender's rows", (senders, owners))
    return None


def test_every_sender_role_type_holder_and_commission_state(
    world: tuple[App, Clock],
) -> None:
    app, clock = world
    mismatches = []
    cases_ = prepared(app, clock)
    for case in cases_:
        submitted = case.message
        item = Submission(
            message=submitted,
            digest=hashlib.sha256(submitted.guid.encode()).hexdigest(),
            received_at=FILED_AT,
        )
        sender = Sender(party_id=case.sender_id, credential_id="test", channel="test")
        [outcome] = app.filing.file(sender, [item])
        got = "accepted" if outcome.refusal is None else outcome.refusal.code
        if got != case.want:
            mismatches.append((case.role, case.kind, case.holder, case.state, case.want, got))
        elif (wrong := row_mismatch(app, case)) is not None:
            mismatches.append(wrong)
    assert mismatches == []
    # the evidence log holds each message's fate: accepted, or refused with its code
    fate = {}
    for record in app.evidence.records():
        subjects = record.subject_ids
        if record.kind == "message_accepted":
            fate[subjects[0]] = ("accepted", record.actor)
        elif record.kind == "message_refused":
            fate[subjects[0]] = (subjects[2].removeprefix("refused:"), record.actor)
    assert {c.message.guid: (c.want, c.sender_id) for c in cases_} == fate


def test_the_cli_applies_the_same_matrix(world: tuple[App, Clock], tmp_path: Path) -> None:
    """``tradewindow clear --as`` (``intake.clear`` with the use case), one run per sender:
    the refusals it counts by code are the matrix's, and so are the rows."""
    app, clock = world
    cases_ = prepared(app, clock)
    decoder = intake.Decoder(app.settings, spec=SpecVersion.V202205, xsd=False)
    mismatches = []
    for role in ROLES:
        mine = [c for c in cases_ if c.role == role]
        sender = Sender(party_id=mine[0].sender_id, credential_id="cli", channel="cli")
        summary = intake.clear(
            [
                intake.Incoming(c.message.guid, ceb_json.write_message(c.message), "json")
                for c in mine
            ],
            clearance=app.clearance,
            decoder=decoder,
            writer=intake.ReceiptWriter(tmp_path / role, "xml"),
            clock=lambda: FILED_AT,
            filing=(app.filing, sender),
        )
        want = Counter(c.want for c in mine if c.want != "accepted")
        if summary.refused != want:
            mismatches.append((role, "refusals", dict(want), dict(summary.refused)))
        mismatches += [w for c in mine if (w := row_mismatch(app, c)) is not None]
    assert mismatches == []


def test_the_matrix_has_every_answer() -> None:
    answers = {expected(*case) for case in cases()}
    assert answers == {
        "accepted",
        "auth.forbidden",
        "auth.not_commissioned",
        "auth.ebc_unregistered",
    }
    accepted_by_commission = [c for c in cases() if c[2] == "other" and expected(*c) == "accepted"]
    assert {c[1] for c in accepted_by_commission} == set(TYPES)
