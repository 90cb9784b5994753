"""The event store on SQLite and PostgreSQL: every GET /v2/events filter, alone and
combined, cursor pagination, visibility, versions, the 3.0 intake and the spec's schema."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import msgspec
import pytest
import yaml
from sqlalchemy import select, text
from tnt_samples import CONTAINER, IMO, NOW, call, container, equipment, shipment, transport

from tradewindow.logistics.events import EventService, Viewer
from tradewindow.logistics.filters import parse_query
from tradewindow.logistics.model import DocumentReference, Event, Vessel
from tradewindow.store import SqlStore
from tradewindow.store.logistics.tables import event_refs, events
from tradewindow.store.sqlite_rows import SQLITE_BULK
from tradewindow.violations import Rejected

CARRIER = Viewer(party_id="carrier-1", roles=frozenset({"carrier"}))
CUSTOMS = Viewer(party_id="customs-gd", agency="customs")


def ids(events: list[Event]) -> list[str | None]:
    return [e.event_id for e in events]


def find(service: EventService, **params: str) -> list[str | None]:
    return ids(service.query(parse_query(params), CUSTOMS).events)


@pytest.fixture
def loaded(service: EventService) -> dict[str, Event]:
    """Eight events of two calls, two containers and two bookings."""
    other_call = call(
        transport_call_id="CALL-SHK-002",
        carrier_service_code="AE7",
        export_voyage_number="099E",
        un_location_code="CNSHK",
        vessel=Vessel(vessel_imo_number="9319466"),
    )
    second = container(123456)
    made = {
        "s_conf": shipment(event_id="s_conf", event_created_date_time=NOW - timedelta(hours=8)),
        "s_issu": shipment(
            event_id="s_issu",
            shipment_event_type_code="ISSU",
            document_type_code="TRD",
            document_id="TRD-0001",
            event_created_date_time=NOW - timedelta(hours=7),
        ),
        "s_drft": shipment(
            event_id="s_drft",
            shipment_event_type_code="DRFT",
            document_type_code="SHI",
            document_id="SI-9",
            event_created_date_time=NOW - timedelta(hours=6),
        ),
        "t_arri": transport(event_id="t_arri", event_created_date_time=NOW - timedelta(hours=5)),
        "t_depa": transport(
            event_id="t_depa",
            transport_event_type_code="DEPA",
            transport_call=other_call,
            document_references=(),
            event_created_date_time=NOW - timedelta(hours=4),
        ),
        "q_load": equipment(event_id="q_load", event_created_date_time=NOW - timedelta(hours=3)),
        "q_gtin": equipment(
            event_id="q_gtin",
            equipment_event_type_code="GTIN",
            equipment_reference=second,
            transport_call=other_call,
            event_location=None,
            document_references=(
                DocumentReference(document_reference_type="BKG", document_reference_value="BKG-2"),
            ),
            event_created_date_time=NOW - timedelta(hours=2),
        ),
        "q_disc": equipment(
            event_id="q_disc",
            equipment_event_type_code="DISC",
            event_created_date_time=NOW - timedelta(hours=1),
        ),
    }
    made = {
        name: msgspec.structs.replace(
            event, event_date_time=event.event_created_date_time - timedelta(minutes=1)
        )
        for name, event in made.items()
    }
    outcomes = service.publish(list(made.values()), publisher="carrier-1")
    assert [o.status for o in outcomes] == ["stored"] * 8
    return made


ALL = ["s_conf", "s_issu", "s_drft", "t_arri", "t_depa", "q_load", "q_gtin", "q_disc"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL),
        ({"eventType": "SHIPMENT"}, ["s_conf", "s_issu", "s_drft"]),
        ({"eventType": "TRANSPORT,EQUIPMENT"}, ALL[3:]),
        ({"shipmentEventTypeCode": "CONF,DRFT"}, ["s_conf", "s_drft"]),
        ({"documentTypeCode": "TRD"}, ["s_issu"]),
        ({"carrierBookingReference": "BKG-0001"}, ["s_conf", "t_arri", "q_load", "q_disc"]),
        ({"bookingReference": "BKG-2"}, ["q_gtin"]),
        ({"transportDocumentReference": "TRD-0001"}, ["s_issu", "q_load", "q_disc"]),
        ({"transportEventTypeCode": "DEPA"}, ["t_depa"]),
        ({"transportCallID": "CALL-SHK-002"}, ["t_depa", "q_gtin"]),
        ({"vesselIMONumber": IMO}, ["t_arri", "q_load", "q_disc"]),
        ({"exportVoyageNumber": "099E"}, ["t_depa", "q_gtin"]),
        ({"carrierVoyageNumber": "2411W"}, ["t_arri", "q_load", "q_disc"]),
        ({"carrierServiceCode": "AE7"}, ["t_depa", "q_gtin"]),
        ({"UNLocationCode": "CNSHK"}, ["t_depa", "q_gtin"]),
        ({"equipmentEventTypeCode": "LOAD,DISC"}, ["q_load", "q_disc"]),
        ({"equipmentReference": CONTAINER}, ["q_load", "q_disc"]),
        ({"eventCreatedDateTime": (NOW - timedelta(hours=5)).isoformat()}, ["t_arri"]),
        ({"eventCreatedDateTime:eq": (NOW - timedelta(hours=5)).isoformat()}, ["t_arri"]),
        (
            {"eventCreatedDateTime:gte": (NOW - timedelta(hours=2)).isoformat()},
            ["q_gtin", "q_disc"],
        ),
        ({"eventCreatedDateTime:gt": (NOW - timedelta(hours=2)).isoformat()}, ["q_disc"]),
        (
            {"eventCreatedDateTime:lte": (NOW - timedelta(hours=7)).isoformat()},
            ["s_conf", "s_issu"],
        ),
        ({"eventCreatedDateTime:lt": (NOW - timedelta(hours=7)).isoformat()}, ["s_conf"]),
        # combinations: AND across filters, OR within one
        ({"eventType": "EQUIPMENT", "carrierBookingReference": "BKG-0001"}, ["q_load", "q_disc"]),
        ({"equipmentEventTypeCode": "GTIN,DISC", "UNLocationCode": "CNYTN"}, ["q_disc"]),
        (
            {
                "vesselIMONumber": IMO,
                "eventCreatedDateTime:gte": (NOW - timedelta(hours=4)).isoformat(),
                "eventCreatedDateTime:lt": NOW.isoformat(),
            },
            ["q_load", "q_disc"],
        ),
        ({"transportCallID": "CALL-YTN-001", "equipmentReference": container(123456)}, []),
        (
            {"eventType": "SHIPMENT,TRANSPORT", "carrierBookingReference": "BKG-0001"},
            ["s_conf", "t_arri"],
        ),
    ],
)
def test_filters(
    service: EventService, loaded: dict[str, Event], params: dict[str, str], expected: list[str]
) -> None:
    assert find(service, **params) == expected


def test_cursor_pages_are_stable_under_concurrent_inserts(
    service: EventService, loaded: dict[str, Event]
) -> None:
    first = service.query(parse_query({"limit": "3"}), CUSTOMS)
    assert ids(first.events) == ALL[:3]
    assert first.next_cursor is not None
    service.publish(
        [shipment(event_id="late", shipment_event_type_code="APPR")], publisher="carrier-1"
    )
    seen = ids(first.events)
    cursor = first.next_cursor
    while cursor:
        page = service.query(parse_query({"limit": "3", "cursor": cursor}), CUSTOMS)
        seen.extend(ids(page.events))
        cursor = page.next_cursor
    assert seen == [*ALL, "late"]  # nothing skipped, nothing twice, the newcomer at the end


def test_a_cursor_is_bound_to_its_query(service: EventService, loaded: dict[str, Event]) -> None:
    page = service.query(parse_query({"limit": "2", "eventType": "EQUIPMENT"}), CUSTOMS)
    assert page.next_cursor
    with pytest.raises(Rejected) as caught:
        service.query(parse_query({"limit": "2", "cursor": page.next_cursor}), CUSTOMS)
    assert caught.value.violations[0].code == "TNT.query.invalidCursor"
    with pytest.raises(Rejected):
        service.query(parse_query({"cursor": "not-a-cursor"}), CUSTOMS)


def test_visibility(service: EventService, loaded: dict[str, Event]) -> None:
    def seen_by(viewer: Viewer) -> list[str | None]:
        return ids(service.query(parse_query({}), viewer).events)

    assert seen_by(CARRIER) == ALL  # its own publications
    assert seen_by(Viewer(party_id="nobody")) == []
    assert seen_by(Viewer(party_id="hq-port", agency="maritime")) == []  # no policy, nothing
    service.entitle("terminal-shk", "CALL", "CALL-SHK-002")
    assert seen_by(Viewer(party_id="terminal-shk")) == ["t_depa", "q_gtin"]
    service.entitle("shipper-1", "BKG", "BKG-0001")
    assert seen_by(Viewer(party_id="shipper-1")) == ["s_conf", "t_arri", "q_load", "q_disc"]
    service.entitle("haulier-1", "EQ", CONTAINER)
    assert seen_by(Viewer(party_id="haulier-1")) == ["q_load", "q_disc"]
    assert service.get("q_gtin", Viewer(party_id="haulier-1")) is None
    assert service.get("q_load", Viewer(party_id="haulier-1")) is not None


def test_duplicate_is_idempotent(service: EventService) -> None:
    event = equipment(event_id="dup")
    assert service.publish([event], publisher="t")[0].status == "stored"
    assert service.publish([event], publisher="t")[0].status == "duplicate"
    assert len(service.changes_after(0)) == 1


def test_later_version_supersedes_and_earlier_is_stale(service: EventService) -> None:
    first = equipment(event_id="v", equipment_event_type_code="LOAD")
    later = equipment(
        event_id="v",
        equipment_event_type_code="DISC",
        event_created_date_time=NOW + timedelta(minutes=1),
    )
    older = equipment(
        event_id="v",
        equipment_event_type_code="GTIN",
        event_created_date_time=NOW - timedelta(minutes=1),
    )
    assert [o.status for o in service.publish([first, later, older], publisher="t")] == [
        "stored",
        "superseded",
        "stale",
    ]
    [only] = service.query(parse_query({}), Viewer(party_id="t")).events
    assert only.equipment_event_type_code == "DISC"  # type: ignore[union-attr]


def test_someone_elses_event_id_is_refused(service: EventService) -> None:
    service.publish([equipment(event_id="mine")], publisher="a")
    [outcome] = service.publish([equipment(event_id="mine")], publisher="b")
    assert [v.code for v in outcome.violations] == ["TNT.eventID.taken"]


def test_retraction_withdraws(service: EventService) -> None:
    service.publish([equipment(event_id="r")], publisher="t")
    assert service.retract("r", publisher="other") is False
    assert service.retract("r", publisher="t") is True
    assert service.query(parse_query({}), CUSTOMS).events == []
    assert [c.retracted for c in service.changes_after(0)] == [True]


def test_v2_array_with_a_bad_item_keeps_the_good_ones(service: EventService) -> None:
    good = msgspec.json.encode(equipment(event_id="g"))
    bad_rule = msgspec.json.encode(equipment(event_id="b", equipment_reference="CSQU3054384"))
    body = b"[" + good + b"," + b'{"eventType":"EQUIPMENT"}' + b"," + bad_rule + b"]"
    outcomes = service.publish_v2(body, publisher="t")
    assert [o.status for o in outcomes] == ["stored", "rejected", "rejected"]
    assert outcomes[1].violations[0].code == "TNT.event.schema"
    assert [(v.path, v.code) for v in outcomes[2].violations] == [
        ("$[2].equipmentReference", "TNT.equipmentReference.checkDigit")
    ]


def test_v3_post_events_partial_acceptance(service: EventService) -> None:
    def event3(event_id: str, reference: str) -> dict[str, Any]:
        return {
            "eventID": event_id,
            "eventDateTime": "2025-03-14T07:00:00Z",
            "eventUpdatedDateTime": "2025-03-14T07:01:00Z",
            "eventClassification": {
                "eventTypeCode": "EQUIPMENT",
                "eventClassifierCode": "ACT",
                "equipmentEventTypeCode": "DISC",
            },
            "equipmentDetails": {"equipmentReference": reference, "emptyIndicatorCode": "LADEN"},
        }

    body = msgspec.json.encode(
        {"events": [event3("ok-1", CONTAINER), event3("bad-1", "CSQU3054384"), {"eventID": 5}]}
    )
    response = service.publish_v3(body, publisher="terminal-1")
    paths = sorted(f.property_path or "" for f in response.feedback_elements)
    assert paths == ["$.events[1].equipmentDetails.equipmentReference", "$.events[2]"]
    assert all(f.severity == "ERROR" for f in response.feedback_elements)
    assert ids(service.query(parse_query({}), CUSTOMS, v2_only=False).events) == ["ok-1"]
    # a retraction in 3.0 form withdraws it
    service.publish_v3(
        msgspec.json.encode({"events": [{"eventID": "ok-1", "isRetracted": True}]}),
        publisher="terminal-1",
    )
    assert service.query(parse_query({}), CUSTOMS, v2_only=False).events == []


def test_3_0_codes_stay_out_of_v2_answers(service: EventService) -> None:
    service.publish([equipment(event_id="cusr", equipment_event_type_code="CUSR")], publisher="c")
    assert service.query(parse_query({}), CUSTOMS).events == []
    assert ids(service.query(parse_query({}), CUSTOMS, v2_only=False).events) == ["cusr"]


@cache
def _event_schema() -> dict[str, Any]:
    text = resources.files("tradewindow.logistics").joinpath("specs", "TNT_v2.2.0-resolved.yaml")
    spec = yaml.safe_load(text.read_text("utf-8"))
    answer = spec["paths"]["/v2/events"]["get"]["responses"]["200"]["content"]
    return {"components": spec["components"], **answer["application/json"]["schema"]}


def test_answers_validate_against_the_2_2_schema(
    service: EventService, loaded: dict[str, Event]
) -> None:
    answer = msgspec.json.decode(
        msgspec.json.encode(service.query(parse_query({}), CUSTOMS).events)
    )
    assert len(answer) == 8
    jsonschema.validate(answer, _event_schema())
    broken = [dict(answer[0], eventCreatedDateTime=None)]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, _event_schema())


def test_a_bulk_publication_stores_what_one_event_at_a_time_does(
    service: EventService, store: SqlStore
) -> None:
    """From ``sqlite_rows.SQLITE_BULK`` events SQLite's rows are written through sqlite3
    itself (the last mile's path): the same rows, times, flags and references as one by one."""
    kinds = [
        shipment(),
        transport(),
        equipment(),
        equipment(equipment_event_type_code="GTIN", event_location=None),
        shipment(shipment_event_type_code="ISSU", document_type_code="TRD", document_id="T-1"),
    ]
    made = [
        msgspec.structs.replace(
            kinds[n % len(kinds)],
            event_created_date_time=NOW - timedelta(minutes=n),
            event_date_time=NOW - timedelta(minutes=n + 1),
        )
        for n in range(SQLITE_BULK + 5)
    ]
    related = [[("BKG", f"BKG-{n}")] for n in range(len(made))]
    bulk = [msgspec.structs.replace(e, event_id=f"bulk-{n}") for n, e in enumerate(made)]
    outcomes = service.publish(bulk, publisher="carrier-1", related_each=related)
    assert [o.status for o in outcomes] == ["stored"] * len(made)
    for n, event in enumerate(made):
        one = msgspec.structs.replace(event, event_id=f"one-{n}")
        assert service.publish([one], publisher="carrier-1", related=related[n])[0].status == (
            "stored"
        )
    with store.engine.connect() as connection:
        rows = [r._asdict() for r in connection.execute(select(events).order_by(events.c.seq))]
        # and as the database holds them (SQLite compares times as their text)
        held = {
            r[0]: tuple(r[1:])
            for r in connection.execute(
                text(
                    "SELECT event_id, event_created, event_datetime, received_at, retracted"
                    " FROM logistics_events"
                )
            )
        }
        refs = [tuple(r) for r in connection.execute(select(event_refs))]

    def stored(prefix: str) -> list[dict[str, Any]]:
        found = []
        for row in rows:
            if row["event_id"].startswith(prefix):
                row = {**row, "event_id": row["event_id"].removeprefix(prefix)}
                row["body"] = bytes(row["body"]).replace(f'"{prefix}'.encode(), b'"')
                del row["seq"]
                found.append(row)
        return found

    assert stored("bulk-") == stored("one-")
    assert {k.removeprefix("bulk-"): v for k, v in held.items() if k.startswith("bulk-")} == {
        k.removeprefix("one-"): v for k, v in held.items() if k.startswith("one-")
    }
    assert len(stored("bulk-")) == len(made)
    assert sorted((e.removeprefix("bulk-"), k, v) for e, k, v in refs if e.startswith("bulk-")) == (
        sorted((e.removeprefix("one-"), k, v) for e, k, v in refs if e.startswith("one-"))
    )
