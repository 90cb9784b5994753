"""Rules an event must meet beyond the TNT schema (pure). Each returns every violation it finds.

Paths are the event's own JSON property paths in the 2.2 shape (``transportCall.vessel.
vesselIMONumber``); the intake puts the event's position in front (``$[3].…``) and the 3.0
intake translates them to 3.0 property paths. Codes are ``TNT.<field>.<rule>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import msgspec

from tradewindow.logistics import codes
from tradewindow.logistics.codes import EventType
from tradewindow.logistics.identifiers import container_problem, is_imo_number
from tradewindow.logistics.model import (
    EquipmentEvent,
    Event,
    Location,
    ShipmentEvent,
    TransportCall,
    TransportEvent,
    event_type,
    type_code,
)
from tradewindow.reference.locode import is_locode
from tradewindow.violations import Violation

# how far a producer's clock may run ahead of ours before its times count as "in the future"
CLOCK_SKEW = timedelta(minutes=5)

LocationCheck = Callable[[str], bool]


def _violation(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)


def event_type_code_valid(event: Event) -> list[Violation]:
    """The event type code belongs to the event's type (DCSA code lists; TNT 2.2 enums)."""
    kind = EventType(event_type(event))
    code = type_code(event)
    if code in codes.type_codes(kind):
        return []
    field = f"{kind.value.lower()}EventTypeCode"
    return [
        _violation(
            field,
            f"TNT.{field}.invalid",
            f"{code!r} is not a {kind.value.lower()} event type code",
            f"{code!r} 不是有效的{_KIND_ZH[kind]}事件类型代码",
        )
    ]


_KIND_ZH = {EventType.SHIPMENT: "货运", EventType.TRANSPORT: "运输", EventType.EQUIPMENT: "箱"}


def classifier_valid(event: Event) -> list[Violation]:
    """eventClassifierCode is ACT, PLN or EST (TNT 2.2 baseEvent specialisations)."""
    if event.event_classifier_code in codes.CLASSIFIERS:
        return []
    return [
        _violation(
            "eventClassifierCode",
            "TNT.eventClassifierCode.invalid",
            f"{event.event_classifier_code!r} is not ACT, PLN or EST",
            f"{event.event_classifier_code!r} 不是 ACT、PLN 或 EST",
        )
    ]


def document_type_valid(event: Event) -> list[Violation]:
    """A shipment event's documentTypeCode is a DCSA document type."""
    if not isinstance(event, ShipmentEvent) or event.document_type_code in (
        codes.document_type_codes()
    ):
        return []
    return [
        _violation(
            "documentTypeCode",
            "TNT.documentTypeCode.invalid",
            f"{event.document_type_code!r} is not a DCSA document type code",
            f"{event.document_type_code!r} 不是有效的单证类型代码",
        )
    ]


DOCUMENT_REFERENCE_TYPES = ("BKG", "TRD")


def document_references_valid(event: Event) -> list[Violation]:
    """Each documentReferenceType is BKG or TRD (TNT 2.2 ``documentReferences_inner`` enum)."""
    if isinstance(event, ShipmentEvent):
        return []
    return [
        _violation(
            f"documentReferences[{index}].documentReferenceType",
            "TNT.documentReferenceType.invalid",
            f"{reference.document_reference_type[:20]!r} is not BKG or TRD",
            f"{reference.document_reference_type[:20]!r} 不是 BKG 或 TRD",
        )
        for index, reference in enumerate(event.document_references)
        if reference.document_reference_type not in DOCUMENT_REFERENCE_TYPES
    ]


def equipment_valid(event: Event) -> list[Violation]:
    """ISO 6346: container number shape, equipment category (U, J, Z) and check digit;
    ISOEquipmentCode a size/type code or type group on the DCSA ISO 6346 list; empty/laden."""
    if not isinstance(event, EquipmentEvent):
        return []
    found: list[Violation] = []
    if event.equipment_reference is not None:
        problem = container_problem(event.equipment_reference)
        found.extend(
            _container_violations("equipmentReference", event.equipment_reference, problem)
        )
    if event.iso_equipment_code is not None and not codes.is_iso_equipment_code(
        event.iso_equipment_code
    ):
        found.append(
            _violation(
                "ISOEquipmentCode",
                "TNT.ISOEquipmentCode.unknown",
                f"{event.iso_equipment_code!r} is not an ISO 6346 size/type code",
                f"{event.iso_equipment_code!r} 不是 ISO 6346 箱型尺寸代码",
            )
        )
    if event.empty_indicator_code not in codes.EMPTY_INDICATORS:
        found.append(
            _violation(
                "emptyIndicatorCode",
                "TNT.emptyIndicatorCode.invalid",
                f"{event.empty_indicator_code!r} is not EMPTY or LADEN",
                f"{event.empty_indicator_code!r} 不是 EMPTY 或 LADEN",
            )
        )
    for index, reference in enumerate(getattr(event, "references", ())):
        if reference.reference_type == "EQ":
            problem = container_problem(reference.reference_value)
            path = f"references[{index}].referenceValue"
            found.extend(_container_violations(path, reference.reference_value, problem))
    return found


def _container_violations(path: str, reference: str, problem: str | None) -> Iterator[Violation]:
    if problem == "shape":
        yield _violation(
            path,
            "TNT.equipmentReference.shape",
            f"{reference!r} is not four letters and seven digits (ISO 6346)",
            f"{reference!r} 不是四个字母加七位数字的箱号（ISO 6346）",
        )
    elif problem == "category":
        yield _violation(
            path,
            "TNT.equipmentReference.category",
            f"{reference!r}: the fourth letter must be the category U, J or Z (ISO 6346)",
            f"{reference!r}：第四个字母须为设备类别 U、J 或 Z（ISO 6346）",
        )
    elif problem == "check-digit":
        yield _violation(
            path,
            "TNT.equipmentReference.checkDigit",
            f"{reference!r}: the check digit does not match (ISO 6346)",
            f"{reference!r}：箱号校验位不符（ISO 6346）",
        )


def vessel_valid(event: Event) -> list[Violation]:
    """The vessel's IMO number has seven digits and a matching check digit."""
    call = _transport_call(event)
    if call is None or call.vessel is None:
        return []
    number = call.vessel.vessel_imo_number
    if is_imo_number(number):
        return []
    return [
        _violation(
            "transportCall.vessel.vesselIMONumber",
            "TNT.vesselIMONumber.checkDigit",
            f"{number!r} is not an IMO number (seven digits, the last a check digit)",
            f"{number!r} 不是有效的 IMO 船舶编号（七位数字，末位为校验位）",
        )
    ]


def locations_known(event: Event, is_location: LocationCheck = is_locode) -> list[Violation]:
    """Every UNLocationCode is on UN/LOCODE."""
    found: list[Violation] = []
    for path, code in _location_codes(event):
        if not is_location(code):
            found.append(
                _violation(
                    path,
                    "TNT.UNLocationCode.unknown",
                    f"{code!r} is not a UN/LOCODE location",
                    f"{code!r} 不是联合国贸易和运输地点代码（UN/LOCODE）",
                )
            )
    return found


def times_sane(event: Event, now: datetime) -> list[Violation]:
    """Times carry a zone; nothing was created in the future; an actual (ACT) event has
    happened: its eventDateTime is neither in the future nor after the event was created."""
    found: list[Violation] = []
    for path, value in (
        ("eventCreatedDateTime", event.event_created_date_time),
        ("eventDateTime", event.event_date_time),
    ):
        if value.tzinfo is None or value.utcoffset() is None:
            found.append(
                _violation(
                    path,
                    f"TNT.{path}.noTimeZone",
                    "the time has no UTC offset",
                    "时间缺少时区（UTC 偏移）",
                )
            )
    if found:
        return found
    if event.event_created_date_time > now + CLOCK_SKEW:
        found.append(
            _violation(
                "eventCreatedDateTime",
                "TNT.eventCreatedDateTime.future",
                "the event is said to be created in the future",
                "事件创建时间晚于当前时间",
            )
        )
    if event.event_classifier_code == "ACT":
        if event.event_date_time > now + CLOCK_SKEW:
            found.append(
                _violation(
                    "eventDateTime",
                    "TNT.eventDateTime.actualInFuture",
                    "an actual (ACT) event cannot take place in the future",
                    "实际（ACT）事件的发生时间不能晚于当前时间",
                )
            )
        elif event.event_date_time > event.event_created_date_time + CLOCK_SKEW:
            found.append(
                _violation(
                    "eventDateTime",
                    "TNT.eventDateTime.afterCreated",
                    "an actual (ACT) event cannot take place after it was reported",
                    "实际（ACT）事件的发生时间不能晚于事件创建时间",
                )
            )
    return found


# maxLength of every string property that has one in the TNT 2.2 schema
# (TNT_v2.2.0-resolved.yaml, components/schemas), and tradewindow's own bound where the
# schema gives none but a column holds the value (eventID: a uuid in the spec, 500 stored;
# documentReferenceValue and a shipment's documentID: a booking or transport document
# reference, 100 stored).
MAX_LENGTHS: dict[str, int] = {
    "ISOEquipmentCode": 4, "UNLocationCode": 5, "addressName": 100, "bookingReference": 35,
    "carrierBookingReference": 35, "carrierServiceCode": 5, "carrierVoyageNumber": 50,
    "changeRemark": 250, "cityName": 65, "country": 75, "delayReasonCode": 3,
    "documentTypeCode": 3, "equipmentReference": 15, "eventTypeCode": 4,
    "exportVoyageNumber": 50, "facilityCode": 6, "floor": 50, "importVoyageNumber": 50,
    "latitude": 10, "locationName": 100, "longitude": 11, "otherFacility": 50, "postCode": 10,
    "referenceValue": 100, "sealNumber": 15, "shipmentInformationType": 3,
    "stateRegion": 65, "streetName": 100, "streetNumber": 50, "transportCallID": 100,
    "transportDocumentReference": 20, "vesselCallSignNumber": 10, "vesselFlag": 2,
    "vesselIMONumber": 7, "vesselName": 35, "vesselOperatorCarrierCode": 10,
    "vesselScheduleChangeRemark": 250,
    "eventID": 500, "documentReferenceValue": 100, "documentID": 100,
}  # fmt: skip


def lengths_within_schema(event: Event) -> list[Violation]:
    """Every string no longer than the TNT 2.2 schema's ``maxLength`` for its property
    (:data:`MAX_LENGTHS`): a 6-character carrierServiceCode is not one, and would not fit
    the column that indexes it either."""
    return [
        _violation(
            path,
            f"TNT.{path.rsplit('.', 1)[-1].split('[')[0]}.tooLong",
            f"at most {limit} characters, not {length}",
            f"最多 {limit} 个字符，实际为 {length} 个",
        )
        for path, limit, length in _too_long(msgspec.to_builtins(event), "")
    ]


def _too_long(node: object, path: str) -> Iterator[tuple[str, int, int]]:
    if isinstance(node, dict):
        for name, value in node.items():
            where = f"{path}.{name}" if path else str(name)
            limit = MAX_LENGTHS.get(str(name))
            if isinstance(value, str) and limit is not None and len(value) > limit:
                yield where, limit, len(value)
            yield from _too_long(value, where)
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from _too_long(value, f"{path}[{index}]")


def validate_event(
    event: Event, *, now: datetime, is_location: LocationCheck = is_locode
) -> list[Violation]:
    """Every violation of every rule, in rule order."""
    return [
        *lengths_within_schema(event),
        *classifier_valid(event),
        *event_type_code_valid(event),
        *document_type_valid(event),
        *document_references_valid(event),
        *equipment_valid(event),
        *vessel_valid(event),
        *locations_known(event, is_location),
        *times_sane(event, now),
    ]


def _transport_call(event: Event) -> TransportCall | None:
    if isinstance(event, TransportEvent | EquipmentEvent):
        return event.transport_call
    return None


def _location_codes(event: Event) -> Iterator[tuple[str, str]]:
    call = _transport_call(event)
    if call is not None:
        if call.un_location_code is not None:
            yield "transportCall.UNLocationCode", call.un_location_code
        yield from _in_location("transportCall.location", call.location)
    if isinstance(event, EquipmentEvent):
        yield from _in_location("eventLocation", event.event_location)


def _in_location(path: str, location: Location | None) -> Iterator[tuple[str, str]]:
    if location is not None and location.un_location_code is not None:
        yield f"{path}.UNLocationCode", location.un_location_code
