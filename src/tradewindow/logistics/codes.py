"""DCSA code lists (one home for each): event type codes, document types, ISO 6346 size/type.

Loaded from the copies in ``logistics/data`` (DCSA Information Model, CC0-1.0, and the DCSA
Conformance Gateway's ISO 6346 list, Apache-2.0); each file starts with ``#`` source lines.
The DCSA lists are a superset of Track & Trace 2.2's enums (they carry the 3.0 codes such as
``CUSR``); the 2.2 enums themselves are spelled out here because they are the API contract of
``GET /v2/events`` (TNT_v2.2.0 ``components/schemas``), not reference data.
"""

from __future__ import annotations

import csv
import enum
import io
from functools import cache
from importlib import resources


class EventType(enum.StrEnum):
    SHIPMENT = "SHIPMENT"
    TRANSPORT = "TRANSPORT"
    EQUIPMENT = "EQUIPMENT"


# TNT 2.2 enums (components/schemas/*EventTypeCode, documentTypeCode)
SHIPMENT_CODES_V2 = frozenset(
    [
        "RECE",
        "DRFT",
        "PENA",
        "PENU",
        "REJE",
        "APPR",
        "ISSU",
        "SURR",
        "SUBM",
        "VOID",
        "CONF",
        "REQS",
        "CMPL",
        "HOLD",
        "RELS",
    ]
)
TRANSPORT_CODES_V2 = frozenset({"ARRI", "DEPA"})
EQUIPMENT_CODES_V2 = frozenset(
    ["LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP", "RSEA", "RMVD"]
)
DOCUMENT_TYPES_V2 = frozenset(
    ["CBR", "BKG", "SHI", "SRM", "TRD", "ARN", "VGM", "CAS", "CUS", "DGD", "OOG"]
)
CLASSIFIERS = frozenset({"ACT", "PLN", "EST"})
EMPTY_INDICATORS = frozenset({"EMPTY", "LADEN"})


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("tradewindow.logistics").joinpath("data", name).read_text("utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


@cache
def _column(name: str, column: str) -> frozenset[str]:
    return frozenset(row[column].strip() for row in _rows(name))


def shipment_event_codes() -> frozenset[str]:
    """Every shipment event type code: TNT 2.2's and the DCSA list's (e.g. ``CANC``)."""
    return SHIPMENT_CODES_V2 | _column("shipmenteventtypecodes.csv", "shipment_event_type_code")


def transport_event_codes() -> frozenset[str]:
    return TRANSPORT_CODES_V2 | _column("transporteventtypecodes.csv", "transport_event_type_code")


def equipment_event_codes() -> frozenset[str]:
    """Every equipment event type code, with the 3.0 customs codes CUSS, CUSI and CUSR."""
    return EQUIPMENT_CODES_V2 | _column("equipmenteventtypecodes.csv", "equipment_event_type_code")


def document_type_codes() -> frozenset[str]:
    return DOCUMENT_TYPES_V2 | _column("documenttypecodes.csv", "document_type_code")


def type_codes(event_type: EventType) -> frozenset[str]:
    """The event type codes valid for an event type."""
    if event_type is EventType.SHIPMENT:
        return shipment_event_codes()
    if event_type is EventType.TRANSPORT:
        return transport_event_codes()
    return equipment_event_codes()


@cache
def _iso_equipment() -> frozenset[str]:
    rows = _rows("iso-6346-container-codes.csv")
    return frozenset(row["code"] for row in rows) | frozenset(row["group"] for row in rows)


def is_iso_equipment_code(code: str) -> bool:
    """An ISO 6346 size/type code (``22G1``) or type group (``22GP``) on the DCSA list."""
    return code in _iso_equipment()
