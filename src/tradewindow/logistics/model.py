"""DCSA Track & Trace 2.2 events as msgspec Structs (pure).

Field names on the wire are the spec's (``components/schemas`` of TNT_v2.2.0): camelCase, with
the spec's own capitals where it has them (``eventID``, ``UNLocationCode``, ``vesselIMONumber``,
``ISOEquipmentCode``). Codes are plain strings here so that every wrong code is reported by the
rules in ``logistics.validation`` at once, with its own error code, instead of the decoder
stopping at the first.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from tradewindow.formats import strict_json


class Address(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True):
    name: str | None = None
    street: str | None = None
    street_number: str | None = None
    floor: str | None = None
    post_code: str | None = None
    city: str | None = None
    state_region: str | None = None
    country: str | None = None


class Location(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True):
    location_name: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    un_location_code: str | None = msgspec.field(default=None, name="UNLocationCode")
    facility_code: str | None = None
    facility_code_list_provider: str | None = None
    address: Address | None = None


class Vessel(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True):
    vessel_imo_number: str = msgspec.field(name="vesselIMONumber")
    vessel_name: str | None = None
    vessel_flag: str | None = None
    vessel_call_sign_number: str | None = None
    vessel_operator_carrier_code: str | None = None
    vessel_operator_carrier_code_list_provider: str | None = None


class TransportCall(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True):
    transport_call_id: str = msgspec.field(name="transportCallID")
    mode_of_transport: str
    carrier_service_code: str | None = None
    export_voyage_number: str | None = None
    import_voyage_number: str | None = None
    transport_call_sequence_number: int | None = None
    un_location_code: str | None = msgspec.field(default=None, name="UNLocationCode")
    facility_code: str | None = None
    facility_code_list_provider: str | None = None
    facility_type_code: str | None = None
    other_facility: str | None = None
    location: Location | None = None
    vessel: Vessel | None = None


class DocumentReference(
    msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True
):
    document_reference_type: str  # BKG or TRD
    document_reference_value: str


class Reference(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True):
    reference_type: str  # FF SI PO CR AAO EQ
    reference_value: str


class Seal(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True):
    seal_number: str
    seal_type: str
    seal_source: str | None = None


class BaseEvent(
    msgspec.Struct,
    tag_field="eventType",
    rename="camel",
    kw_only=True,
    omit_defaults=True,
    frozen=True,
):
    event_created_date_time: datetime
    event_classifier_code: str
    event_date_time: datetime
    event_id: str | None = msgspec.field(default=None, name="eventID")


class ShipmentEvent(BaseEvent, tag="SHIPMENT", kw_only=True, frozen=True):
    shipment_event_type_code: str
    document_id: str = msgspec.field(name="documentID")
    document_type_code: str
    reason: str | None = None
    references: tuple[Reference, ...] = ()


class TransportEvent(BaseEvent, tag="TRANSPORT", kw_only=True, frozen=True):
    transport_event_type_code: str
    transport_call: TransportCall
    delay_reason_code: str | None = None
    change_remark: str | None = None
    document_references: tuple[DocumentReference, ...] = ()
    references: tuple[Reference, ...] = ()


class EquipmentEvent(BaseEvent, tag="EQUIPMENT", kw_only=True, frozen=True):
    equipment_event_type_code: str
    empty_indicator_code: str
    equipment_reference: str | None = None
    iso_equipment_code: str | None = msgspec.field(default=None, name="ISOEquipmentCode")
    event_location: Location | None = None
    transport_call: TransportCall | None = None
    document_references: tuple[DocumentReference, ...] = ()
    references: tuple[Reference, ...] = ()
    seals: tuple[Seal, ...] = ()


Event = ShipmentEvent | TransportEvent | EquipmentEvent

_event_decoder = msgspec.json.Decoder(Event)
_encoder = msgspec.json.Encoder()


def event_type(event: Event) -> str:
    """``SHIPMENT``, ``TRANSPORT`` or ``EQUIPMENT``."""
    return str(type(event).__struct_config__.tag)


def type_code(event: Event) -> str:
    """The event's type code: its shipment, transport or equipment event type code."""
    if isinstance(event, ShipmentEvent):
        return event.shipment_event_type_code
    if isinstance(event, TransportEvent):
        return event.transport_event_type_code
    return event.equipment_event_type_code


def decode_event(raw: bytes) -> Event:
    """One 2.2 event from JSON: :class:`~tradewindow.formats.strict_json.JsonRefused` when
    the JSON itself is refused (a duplicate member, a NUL in a string …),
    ``msgspec.ValidationError`` when it does not fit the schema."""
    strict_json.check(raw)
    event: Event = _event_decoder.decode(raw)
    return event


def decode_raw_list(raw: bytes) -> list[bytes]:
    """A JSON array split into its undecoded items, so each can fail on its own; the whole
    must be UTF-8 JSON of bounded depth (else ``JsonRefused``; ``json.structure`` when it
    is not an array)."""
    return strict_json.split(raw) or []


def encode(value: object) -> bytes:
    return _encoder.encode(value)
