"""A CEB509 departure that concludes its lists becomes DCSA events (issue 13 item 7): a
``LOAD`` equipment event per parcel on its waybill and master bill, a ``DEPA`` transport
event of the conveyance where DCSA has its mode; the carrier and the consignor are entitled
to them and their subscriptions are called. Pure events, then on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import export_set as s
import msgspec
import pytest

from tradewindow.bootstrap import App, bootstrap
from tradewindow.export.model import ListsDeparted, ParcelDeparted
from tradewindow.logistics.departures import events_of
from tradewindow.logistics.events import Viewer
from tradewindow.logistics.filters import facts
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.model import EquipmentEvent, TransportEvent, type_code
from tradewindow.logistics.subscriptions import NewSubscription, SubscriptionService
from tradewindow.logistics.validation import validate_event
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings
from tradewindow.store import open_store

LEFT = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)  # leaveTime 20260311013000 China time
NOW = LEFT + timedelta(hours=2)


def departure(traf_mode: str, *parcels: str) -> ListsDeparted:
    return ListsDeparted(
        cop_no="DEP1", customs_code="5141", logistics_code=s.LOGISTICS_CODE,
        traf_mode=traf_mode, traf_name="粤港1号", voyage_no="V2603", bill_no=s.BILL_NO,
        left_at=LEFT,
        parcels=tuple(ParcelDeparted(logistics_no=n, invt_no=f"I{n}", ebc_code=s.EBC_CODE)
                      for n in parcels),
    )  # fmt: skip


def test_a_waterway_departure_is_a_load_per_parcel_and_the_vessels_depa() -> None:
    made = list(events_of(departure("2", "P1", "P2"), NOW))
    assert [type_code(e) for e, _ in made] == ["LOAD", "LOAD", "DEPA"]
    for event, _ in made:
        assert validate_event(event, now=NOW) == []
        assert event.event_date_time == LEFT
    load, _ = made[0]
    assert isinstance(load, EquipmentEvent)
    assert load.empty_indicator_code == "LADEN"
    assert {("TRD", "P1"), ("TRD", s.BILL_NO)} <= facts(load).references
    depa, related = made[-1]
    assert isinstance(depa, TransportEvent)
    assert depa.transport_call.mode_of_transport == "VESSEL"
    assert related == [("TRD", "P1"), ("TRD", "P2")]
    again = [e.event_id for e, _ in events_of(departure("2", "P1", "P2"), NOW + timedelta(1))]
    assert again == [e.event_id for e, _ in made]  # told twice, the same events


def test_an_air_departure_has_no_transport_call_dcsa_has_no_air_mode() -> None:
    made = [e for e, _ in events_of(departure("5", "P1"), NOW)]
    assert [type_code(e) for e in made] == ["LOAD"]
    assert isinstance(made[0], EquipmentEvent)
    assert made[0].transport_call is None


def test_a_departure_reported_before_it_happened_is_dated_now() -> None:
    early = NOW - timedelta(hours=3)  # the platform's clock behind the leaveTime
    (event, _), *_ = events_of(departure("4", "P1"), early)
    assert event.event_date_time == early
    assert validate_event(event, now=early) == []


# --- through clearance --------------------------------------------------------------------

PUBLIC = EgressGuard(resolver=lambda host: ["93.184.216.34"])
SECRET = base64.b64encode(b"s" * 32).decode()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    settings = msgspec.structs.replace(
        Settings.from_env(), database_url=database_url, data_dir=tmp_path / "var"
    )
    built = bootstrap(settings, store=open_store(database_url), clock=lambda: NOW)
    for party, code, role in (("carrier", s.LOGISTICS_CODE, "logistics_firm"),
                              ("seller", s.EBC_CODE, "ecommerce_enterprise")):  # fmt: skip
        built.parties.register(
            RegisterParty(id=party, name_zh=party, name_en=party, kind="enterprise",
                          roles=(role,), identifiers=(("cn.customs", code),))
        )  # fmt: skip
    try:
        yield built
    finally:
        built.close()


def test_departure_events_reach_the_carriers_subscription(app: App) -> None:
    subscriptions = SubscriptionService(
        app.store.logistics.subscriptions,
        secrets=SecretBox.generate(),
        guard=PUBLIC,
        clock=lambda: NOW,
    )
    carrier = Viewer(party_id="carrier")
    body = NewSubscription(callback_url="https://tnt.example.com/cb", secret=SECRET,
                           transport_document_reference=s.LOGISTICS_NO)  # fmt: skip
    wanted = subscriptions.create(carrier, body).subscription_id
    at = NOW - timedelta(hours=6)
    for code, documents in (
        ("CEB303", ()), ("CEB403", ()), ("CEB505", ()), ("CEB603", (s.inventory(traf_mode="2"),)),
        ("CEB507", (s.arrival(),)),
    ):  # fmt: skip
        app.export(s.message(code, *documents), "operator:test", at)
    assert app.logistics.events.timeline("TRD", s.LOGISTICS_NO, carrier) == []  # not yet left
    app.export(s.message("CEB509", s.departure(traf_mode="2")), "operator:test", at)

    seen = app.logistics.events.timeline("TRD", s.LOGISTICS_NO, carrier)
    assert sorted(type_code(e) for e in seen) == ["DEPA", "LOAD"]
    for party in ("seller", "carrier"):  # both entitled, a stranger not
        assert app.logistics.events.timeline("TRD", s.BILL_NO, Viewer(party_id=party))
    assert app.logistics.events.timeline("TRD", s.LOGISTICS_NO, Viewer(party_id="x")) == []
    load = next(e for e in seen if type_code(e) == "LOAD")
    assert load.event_id is not None
    audience = app.logistics.events.audience(load.event_id)
    assert audience is not None
    targets = subscriptions.targets(facts(load), audience)
    assert [t.subscription_id for t in targets] == [wanted]


def test_a_refused_departure_publishes_nothing(app: App) -> None:
    """A departure of a parcel whose list is not released concludes nothing."""
    app.export(s.message("CEB603"), "operator:test", NOW - timedelta(hours=6))  # waiting
    answer = app.export(s.message("CEB509", s.departure()), "operator:test", NOW)
    assert answer.receipts[0].receipt.returns[0].return_status == "100"  # type: ignore[union-attr]
    assert app.logistics.events.timeline("TRD", s.LOGISTICS_NO, Viewer(party_id="carrier")) == []
