"""The paperless last mile through the real clearance path (``bootstrap``: customs, then the
single window's agencies): a CBEC list's decisions become customs events on its billNo, and
the terminal gate opens only once the list is released."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from tradewindow.parties.model import RegisterParty

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "logistics"))  # tnt_samples

from tnt_samples import container, equipment

import builders as b
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import Message
from tradewindow.cbec.ports import DocStatus, ListDecided
from tradewindow.logistics.customs import timeline
from tradewindow.logistics.events import Viewer
from tradewindow.logistics.model import DocumentReference, EquipmentEvent, ShipmentEvent
from tradewindow.settings import Settings

BILL = "784-12345675"  # the builders' billNo: the transport document the parcels travel under
KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"
BOX = container(501)
TERMINAL = Viewer(party_id="terminal-ytn")


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Iterator[App]:
    opened = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path), clock=lambda: b.NOW)
    yield opened
    opened.close()


def submit(app: App, *messages: Message) -> None:
    app.clearance.submit(
        [
            Submission(
                message=m,
                digest=hashlib.sha256(msgspec.json.encode(m)).hexdigest(),
                received_at=b.NOW,
            )
            for m in messages
        ]
    )


def discharged(app: App) -> None:
    """The terminal discharged the container carrying the parcel's billNo; it is entitled."""
    app.logistics.events.entitle(TERMINAL.party_id, "EQ", BOX)
    event = equipment(
        equipment_event_type_code="DISC",
        equipment_reference=BOX,
        event_created_date_time=b.NOW - timedelta(hours=2),
        event_date_time=b.NOW - timedelta(hours=3),
        document_references=(
            DocumentReference(document_reference_type="TRD", document_reference_value=BILL),
        ),
    )
    [outcome] = app.logistics.events.publish([event], publisher=TERMINAL.party_id)
    assert outcome.status == "stored"


def gate_out(app: App, event_id: str) -> list[str]:
    event = equipment(
        event_id=event_id,
        equipment_event_type_code="GTOT",
        equipment_reference=BOX,
        event_created_date_time=b.NOW,
        event_date_time=b.NOW - timedelta(minutes=1),
    )
    [outcome] = app.logistics.events.publish([event], publisher=TERMINAL.party_id)
    return [v.code for v in outcome.violations]


def release_by_agencies(app: App) -> None:
    for agency in ("inspection_quarantine",):
        for task in app.desk.list_tasks(agency).tasks:
            app.desk.claim(agency, "officer", task.id)
            app.desk.decide(agency, "officer", task.id, Decision.RELEASE, None)
            app.clearance.settle([KEY], reason=f"decision:{task.id}")


def test_held_for_the_agencies_then_released_opens_the_gate(app: App) -> None:
    discharged(app)
    submit(app, *b.import_set().messages)

    # customs concluded (399), the other agencies still decide: held
    seen = timeline(app.logistics.events, TERMINAL, equipment=BOX)
    customs = [e for e in seen if isinstance(e, ShipmentEvent)]
    assert [(e.shipment_event_type_code, e.document_type_code) for e in customs] == [
        ("HOLD", "CUS")
    ]
    invt_no = customs[0].document_id
    assert invt_no == "53492026I000000001"  # the list number customs gave, not the order key
    assert not app.logistics.customs.may_gate_out(BOX).allowed
    assert gate_out(app, "gate-1") == ["TNT.gateOut.notReleased"]
    [alert] = app.logistics.customs.alerts()
    assert (alert.equipment_reference, alert.event_id, alert.reason) == (BOX, "gate-1", "held")

    # the agency's decision settles the list: released, CUSR for the container, gate open
    release_by_agencies(app)
    decision = app.logistics.customs.may_gate_out(BOX)
    assert decision.allowed
    assert decision.document_id == invt_no
    codes = [
        e.shipment_event_type_code if isinstance(e, ShipmentEvent) else e.equipment_event_type_code
        for e in timeline(app.logistics.events, TERMINAL, transport_document=BILL)
        if isinstance(e, ShipmentEvent | EquipmentEvent)
    ]
    assert codes == ["DISC", "HOLD", "RELS", "CUSR"]
    assert gate_out(app, "gate-2") == []


def test_a_list_without_known_containers_still_gets_its_customs_event(app: App) -> None:
    submit(app, *b.import_set().messages)
    customs = Viewer(party_id="officer", agency="customs")
    [held] = timeline(app.logistics.events, customs, transport_document=BILL)
    assert isinstance(held, ShipmentEvent)
    assert held.shipment_event_type_code == "HOLD"
    assert held.references == ()
    assert not app.logistics.customs.may_gate_out(BOX).allowed


def test_an_unrelated_party_sees_none_of_it(app: App) -> None:
    discharged(app)
    submit(app, *b.import_set().messages)
    release_by_agencies(app)
    assert (
        timeline(app.logistics.events, Viewer(party_id="stranger"), transport_document=BILL) == []
    )


@pytest.mark.parametrize(
    ("status", "codes", "gate"),
    [
        (DocStatus.RELEASED, ["RELS", "CUSR"], "released"),
        (DocStatus.INSPECTION, ["HOLD", "CUSI"], "inspection"),
        (DocStatus.REVIEW, ["HOLD"], "held"),
        (DocStatus.AGENCIES, ["HOLD"], "held"),
        (DocStatus.RETURNED, [], None),
    ],
)
def test_each_list_decision_maps_to_its_customs_events(
    app: App, status: DocStatus, codes: list[str], gate: str | None
) -> None:
    discharged(app)
    app.logistics.follow_clearance(
        [
            ListDecided(
                key=KEY, invt_no="53492026I000000009", status=status, info="", at=b.NOW,
                bill_no=BILL, logistics_code=b.LOGISTICS_CODE, logistics_no=b.LOGISTICS_NO,
                port_code="5349",
            )
        ]
    )  # fmt: skip
    customs = Viewer(party_id="officer", agency="customs")
    made = [
        e.shipment_event_type_code if isinstance(e, ShipmentEvent) else e.equipment_event_type_code
        for e in timeline(app.logistics.events, customs, transport_document=BILL)
        if isinstance(e, ShipmentEvent | EquipmentEvent)
    ]
    assert made == ["DISC", *codes]
    assert app.logistics.customs.may_gate_out(BOX).customs == gate


def test_the_enterprises_a_list_names_follow_its_shipment(app: App) -> None:
    """A registered party named on the list (here the e-commerce enterprise, by its customs
    code) sees the shipment's events; an unnamed registered party does not."""

    def register(party_id: str, customs_code: str) -> None:
        app.parties.register(
            RegisterParty(
                id=party_id, name_zh="湾区优选", name_en="Bay Select", kind="enterprise",
                roles=("ecommerce_enterprise",),
                identifiers=(("cn.customs", customs_code),),
                city="shenzhen", sector="retail",
            )
        )  # fmt: skip

    register("bay-select", b.EBC_CODE)
    register("someone-else", "4403969999")
    discharged(app)
    submit(app, *b.import_set().messages)
    release_by_agencies(app)
    named = timeline(app.logistics.events, Viewer(party_id="bay-select"), transport_document=BILL)
    codes = [e.shipment_event_type_code for e in named if isinstance(e, ShipmentEvent)]
    assert codes == ["HOLD", "RELS"]
    other = Viewer(party_id="someone-else")
    assert timeline(app.logistics.events, other, transport_document=BILL) == []
