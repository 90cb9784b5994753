"""Track & Trace 3.0 ``POST /events``: the request body, its translation to the 2.2 shape the
platform stores, and ``feedbackElements`` for partial acceptance (pure).

Only the 3.0 properties with a 2.2 counterpart are read; the rest (IoT, reefer, routing)
is accepted and not kept. ``eventUpdatedDateTime`` becomes the stored event's
``eventCreatedDateTime``: in both versions it is the time that orders versions of one eventID.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from tradewindow.formats import strict_json
from tradewindow.logistics import model
from tradewindow.violations import Violation


class DocumentReference(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    type_code: str | None = None
    reference: str | None = None


class ShipmentReference(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    type_code: str | None = None
    reference: str | None = None


class ShipmentDetails(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    document_reference: DocumentReference | None = None
    additional_document_references: tuple[DocumentReference, ...] = ()
    shipment_references: tuple[ShipmentReference, ...] = ()
    reason: str | None = None


class Facility(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    facility_code: str | None = None
    facility_code_list_provider: str | None = None


class Location(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    location_name: str | None = None
    un_location_code: str | None = msgspec.field(default=None, name="UNLocationCode")
    facility: Facility | None = None


class VoyageNumberOrReference(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    carrier_voyage_number: str | None = None


class ServiceCodeOrReference(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    carrier_service_code: str | None = None


class VesselTransport(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    vessel_imo_number: str | None = msgspec.field(default=None, name="vesselIMONumber")
    vessel_name: str | None = None
    vessel_flag: str | None = None
    vessel_call_sign: str | None = None


class TransportCall(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    transport_call_reference: str | None = None
    transport_call_sequence_number: int | None = None
    mode_of_transport: str | None = None
    service_code_or_reference: ServiceCodeOrReference | None = None
    export_voyage_number_or_reference: VoyageNumberOrReference | None = None
    import_voyage_number_or_reference: VoyageNumberOrReference | None = None
    vessel_transport: VesselTransport | None = None


class TransportDetails(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    delay_reason_codes: tuple[str, ...] = ()
    change_remark: str | None = None
    transport_call: TransportCall | None = None


class Seal(msgspec.Struct, kw_only=True, frozen=True):
    number: str | None = None
    source: str | None = None
    type: str | None = None


class EquipmentDetails(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    equipment_reference: str | None = None
    iso_equipment_code: str | None = msgspec.field(default=None, name="ISOEquipmentCode")
    empty_indicator_code: str | None = None
    seals: tuple[Seal, ...] = ()


class EventClassification(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    event_type_code: str | None = None
    event_classifier_code: str | None = None
    shipment_event_type_code: str | None = None
    transport_event_type_code: str | None = None
    equipment_event_type_code: str | None = None


class Event(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    event_id: str | None = msgspec.field(default=None, name="eventID")
    is_retracted: bool = False
    event_date_time: datetime | None = None
    event_updated_date_time: datetime | None = None
    event_location: Location | None = None
    event_classification: EventClassification | None = None
    shipment_details: ShipmentDetails | None = None
    transport_details: TransportDetails | None = None
    equipment_details: EquipmentDetails | None = None


class FeedbackElement(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    severity: str  # ERROR, WARN or INFO
    message: str
    property_path: str | None = None


class PostEventsResponse(msgspec.Struct, rename="camel", kw_only=True, frozen=True):
    feedback_elements: tuple[FeedbackElement, ...] = ()


_event_decoder = msgspec.json.Decoder(Event)


def split_request(body: bytes) -> list[bytes]:
    """The events of a ``PostEventsRequest``, undecoded, so each is judged on its own; the
    whole must be UTF-8 JSON of bounded depth (else ``JsonRefused``; ``json.structure`` when
    it is not an object whose ``events`` is an array)."""
    return strict_json.split(body, member="events") or []


def decode_event(raw: bytes) -> Event:
    """One 3.0 event: ``JsonRefused`` for refused JSON, ``msgspec.ValidationError`` else."""
    strict_json.check(raw)
    event: Event = _event_decoder.decode(raw)
    return event


# 2.2 property path prefix → 3.0 property path prefix, longest first
_PATHS = (
    (
        "transportCall.vessel.vesselIMONumber",
        "transportDetails.transportCall.vesselTransport.vesselIMONumber",
    ),
    ("transportCall.UNLocationCode", "eventLocation.UNLocationCode"),
    ("transportCall", "transportDetails.transportCall"),
    ("eventLocation", "eventLocation"),
    ("eventCreatedDateTime", "eventUpdatedDateTime"),
    ("eventClassifierCode", "eventClassification.eventClassifierCode"),
    ("shipmentEventTypeCode", "eventClassification.shipmentEventTypeCode"),
    ("transportEventTypeCode", "eventClassification.transportEventTypeCode"),
    ("equipmentEventTypeCode", "eventClassification.equipmentEventTypeCode"),
    ("equipmentReference", "equipmentDetails.equipmentReference"),
    ("ISOEquipmentCode", "equipmentDetails.ISOEquipmentCode"),
    ("emptyIndicatorCode", "equipmentDetails.emptyIndicatorCode"),
    ("documentTypeCode", "shipmentDetails.documentReference.typeCode"),
    ("documentID", "shipmentDetails.documentReference.reference"),
    ("references", "shipmentDetails.shipmentReferences"),
)


def property_path(index: int, path_v2: str) -> str:
    """The JSONPath in the 3.0 request of a violation found on the 2.2 form of event ``index``."""
    for old, new in _PATHS:
        if path_v2 == old or path_v2.startswith((old + ".", old + "[")):
            path_v2 = new + path_v2[len(old) :]
            break
    return f"$.events[{index}].{path_v2}" if path_v2 else f"$.events[{index}]"


def feedback(index: int, violations: list[Violation]) -> list[FeedbackElement]:
    """One ERROR feedback element per violation of event ``index``, code first."""
    return [
        FeedbackElement(
            severity="ERROR",
            message=f"[{v.code}] {v.en} / {v.zh}",
            property_path=property_path(index, v.path),
        )
        for v in violations
    ]


def _missing(path: str, what: str, what_zh: str) -> Violation:
    return Violation(
        path=path,
        code=f"TNT.{path.rsplit('.', 1)[-1]}.missing",
        en=f"{what} is required",
        zh=f"缺少{what_zh}",
    )


def to_v2(event: Event) -> tuple[model.Event | None, list[Violation]]:
    """The 2.2 form of a 3.0 event, or None and the reasons it has none.

    A retraction (``isRetracted``) has no 2.2 form; callers check ``is_retracted`` first.
    """
    found: list[Violation] = []
    kind = event.event_classification or EventClassification()
    if event.event_id is None:
        found.append(_missing("eventID", "eventID", "事件标识 eventID"))
    if event.event_updated_date_time is None:
        found.append(_missing("eventCreatedDateTime", "eventUpdatedDateTime", "事件更新时间"))
    if event.event_date_time is None:
        found.append(_missing("eventDateTime", "eventDateTime", "事件发生时间"))
    if kind.event_classifier_code is None:
        found.append(_missing("eventClassifierCode", "eventClassifierCode", "事件分类代码"))
    if kind.event_type_code not in ("SHIPMENT", "TRANSPORT", "EQUIPMENT"):
        found.append(
            Violation(
                path="eventClassification.eventTypeCode",
                code="TNT.eventTypeCode.unsupported",
                en=f"eventTypeCode {kind.event_type_code!r} is not SHIPMENT, TRANSPORT or"
                " EQUIPMENT",
                zh=f"事件类型 {kind.event_type_code!r} 不是 SHIPMENT、TRANSPORT 或 EQUIPMENT",
            )
        )
    if found:
        return None, found
    assert event.event_updated_date_time is not None  # noqa: S101  (checked above, for mypy)
    assert event.event_date_time is not None  # noqa: S101
    common: dict[str, object] = {
        "event_id": event.event_id,
        "event_created_date_time": event.event_updated_date_time,
        "event_date_time": event.event_date_time,
        "event_classifier_code": kind.event_classifier_code or "",
    }
    if kind.event_type_code == "SHIPMENT":
        return _shipment(event, kind, common)
    if kind.event_type_code == "TRANSPORT":
        return _transport(event, kind, common)
    return _equipment(event, kind, common)


def _shipment(
    event: Event, kind: EventClassification, common: dict[str, object]
) -> tuple[model.Event | None, list[Violation]]:
    details = event.shipment_details or ShipmentDetails()
    document = details.document_reference or DocumentReference()
    found: list[Violation] = []
    if kind.shipment_event_type_code is None:
        found.append(_missing("shipmentEventTypeCode", "shipmentEventTypeCode", "货运事件类型"))
    if document.type_code is None or document.reference is None:
        found.append(_missing("documentID", "shipmentDetails.documentReference", "单证引用"))
    if found:
        return None, found
    return model.ShipmentEvent(
        shipment_event_type_code=kind.shipment_event_type_code or "",
        document_id=document.reference or "",
        document_type_code=document.type_code or "",
        reason=details.reason,
        references=_references(details),
        **common,  # type: ignore[arg-type]
    ), []


def _references(details: ShipmentDetails | None) -> tuple[model.Reference, ...]:
    if details is None:
        return ()
    return tuple(
        model.Reference(reference_type=r.type_code, reference_value=r.reference)
        for r in details.shipment_references
        if r.type_code is not None and r.reference is not None
    )


def _document_references(details: ShipmentDetails | None) -> tuple[model.DocumentReference, ...]:
    if details is None:
        return ()
    every = (details.document_reference, *details.additional_document_references)
    return tuple(
        model.DocumentReference(
            document_reference_type=d.type_code, document_reference_value=d.reference
        )
        for d in every
        if d is not None and d.type_code in ("BKG", "TRD") and d.reference is not None
    )


def _transport_call(event: Event) -> tuple[model.TransportCall | None, list[Violation]]:
    details = event.transport_details
    call = details.transport_call if details else None
    if call is None:
        return None, []
    found: list[Violation] = []
    if call.transport_call_reference is None:
        found.append(
            _missing("transportCall.transportCallID", "transportCallReference", "挂靠引用")
        )
    if call.mode_of_transport is None:
        found.append(_missing("transportCall.modeOfTransport", "modeOfTransport", "运输方式"))
    if found:
        return None, found
    vessel = call.vessel_transport
    location = event.event_location
    return model.TransportCall(
        transport_call_id=call.transport_call_reference or "",
        mode_of_transport=call.mode_of_transport or "",
        transport_call_sequence_number=call.transport_call_sequence_number,
        carrier_service_code=call.service_code_or_reference.carrier_service_code
        if call.service_code_or_reference
        else None,
        export_voyage_number=call.export_voyage_number_or_reference.carrier_voyage_number
        if call.export_voyage_number_or_reference
        else None,
        import_voyage_number=call.import_voyage_number_or_reference.carrier_voyage_number
        if call.import_voyage_number_or_reference
        else None,
        un_location_code=location.un_location_code if location else None,
        vessel=model.Vessel(
            vessel_imo_number=vessel.vessel_imo_number,
            vessel_name=vessel.vessel_name,
            vessel_flag=vessel.vessel_flag,
            vessel_call_sign_number=vessel.vessel_call_sign,
        )
        if vessel is not None and vessel.vessel_imo_number is not None
        else None,
    ), []


def _transport(
    event: Event, kind: EventClassification, common: dict[str, object]
) -> tuple[model.Event | None, list[Violation]]:
    call, found = _transport_call(event)
    if call is None and not found:
        found.append(_missing("transportCall", "transportDetails.transportCall", "运输挂靠"))
    if kind.transport_event_type_code is None:
        found.append(_missing("transportEventTypeCode", "transportEventTypeCode", "运输事件类型"))
    if found or call is None:
        return None, found
    details = event.transport_details or TransportDetails()
    return model.TransportEvent(
        transport_event_type_code=kind.transport_event_type_code or "",
        transport_call=call,
        delay_reason_code=details.delay_reason_codes[0] if details.delay_reason_codes else None,
        change_remark=details.change_remark,
        document_references=_document_references(event.shipment_details),
        references=_references(event.shipment_details),
        **common,  # type: ignore[arg-type]
    ), []


def _equipment(
    event: Event, kind: EventClassification, common: dict[str, object]
) -> tuple[model.Event | None, list[Violation]]:
    call, found = _transport_call(event)
    equipment = event.equipment_details or EquipmentDetails()
    if kind.equipment_event_type_code is None:
        found.append(_missing("equipmentEventTypeCode", "equipmentEventTypeCode", "箱事件类型"))
    if equipment.empty_indicator_code is None:
        found.append(_missing("emptyIndicatorCode", "emptyIndicatorCode", "空重箱标识"))
    if found:
        return None, found
    location = event.event_location
    return model.EquipmentEvent(
        equipment_event_type_code=kind.equipment_event_type_code or "",
        empty_indicator_code=equipment.empty_indicator_code or "",
        equipment_reference=equipment.equipment_reference,
        iso_equipment_code=equipment.iso_equipment_code,
        event_location=model.Location(
            location_name=location.location_name,
            un_location_code=location.un_location_code,
            facility_code=location.facility.facility_code if location.facility else None,
            facility_code_list_provider=location.facility.facility_code_list_provider
            if location.facility
            else None,
        )
        if location is not None
        else None,
        transport_call=call,
        document_references=_document_references(event.shipment_details),
        references=_references(event.shipment_details),
        seals=tuple(
            model.Seal(seal_number=s.number, seal_type=s.type, seal_source=s.source)
            for s in equipment.seals
            if s.number is not None and s.type is not None
        ),
        **common,  # type: ignore[arg-type]
    ), []
