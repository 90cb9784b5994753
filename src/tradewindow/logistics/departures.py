"""Export departures become DCSA Track & Trace events (``ClearExport(on_departed=…)``).

When a CEB509 departure (离境单) concludes its lists, the parcels have left the customs
supervised site on the conveyance it names. That is published as:

- one equipment event ``LOAD`` (laden) per parcel, its transport documents the parcel's
  waybill and the master bill (``TRD``), so whoever follows either sees the parcel leave;
- one transport event ``DEPA`` of the conveyance when DCSA has a mode of transport for it
  (waterway ``VESSEL``, rail ``RAIL``, road ``TRUCK``: customs transport modes 2, 3, 4 of
  JGS-20); the master bill is its document, every parcel's waybill a related link. DCSA has
  no air or post mode, so an air departure (mode 5) has the parcels' events only, without a
  transport call.

Event IDs derive from the logistics firm and parcel (or departure), so a departure told twice
publishes nothing twice. The logistics firm and each list's consignor are entitled to the
events of their parcels and bill. Published after the export commit: a failure is logged and
never undoes the answer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime

from tradewindow.export.model import ListsDeparted
from tradewindow.logistics.events import EventService
from tradewindow.logistics.lastmile import PartiesOf
from tradewindow.logistics.model import (
    DocumentReference,
    EquipmentEvent,
    Event,
    TransportCall,
    TransportEvent,
)

log = logging.getLogger("tradewindow.logistics")
PUBLISHER = "cbec-export"
MODES = {"2": "VESSEL", "3": "RAIL", "4": "TRUCK"}  # customs JGS-20 → DCSA modeOfTransport
_NAMESPACE = uuid.UUID("0d4f7c2e-5a61-4b9e-8f3a-1c6e2b7d9a40")


class FollowDepartures:
    """``parties_of``: the party of each of many customs codes, in one read (the codes of a
    batch of departures are looked up together)."""

    def __init__(self, events: EventService, parties_of: PartiesOf | None = None) -> None:
        self.events = events
        self.parties_of = parties_of

    def __call__(self, departures: Sequence[ListsDeparted]) -> None:
        try:
            now = self.events.clock()
            made: list[Event] = []
            links: list[list[tuple[str, str]]] = []
            for departure in departures:
                for event, related in events_of(departure, now):
                    made.append(event)
                    links.append(related)
            self.events.publish(made, publisher=PUBLISHER, related_each=links)
            if self.parties_of is not None:
                self.events.entitle_many(grants(departures, self.parties_of))
        except Exception:
            log.exception("departure events of %d departures not published", len(departures))


def grants(
    departures: Sequence[ListsDeparted], parties_of: PartiesOf
) -> Iterator[tuple[str, str, str]]:
    """(party, "TRD", document) for the carrier and each consignor of ``departures``: their
    parcels' waybills and the master bill; every code looked up in one ``parties_of`` read."""
    codes = {d.logistics_code for d in departures}
    codes |= {p.ebc_code for d in departures for p in d.parcels}
    party = parties_of(codes)
    for departure in departures:
        carrier = party.get(departure.logistics_code)
        for parcel in departure.parcels:
            documents = [d for d in (parcel.logistics_no, departure.bill_no) if d]
            for holder in (carrier, party.get(parcel.ebc_code)):
                if holder is not None:
                    yield from ((holder, "TRD", document) for document in documents)


def events_of(
    departure: ListsDeparted, now: datetime
) -> Iterator[tuple[Event, list[tuple[str, str]]]]:
    """The departure's events, each with its related links (see the module)."""
    at = min(departure.left_at, now)  # an actual event is never in the future
    call = transport_call(departure)
    bill = [_trd(departure.bill_no)] if departure.bill_no else []
    for parcel in departure.parcels:
        key = f"{departure.logistics_code}|{parcel.logistics_no}|LOAD"
        yield (
            EquipmentEvent(
                event_id=str(uuid.uuid5(_NAMESPACE, key)),
                event_created_date_time=now,
                event_date_time=at,
                event_classifier_code="ACT",
                equipment_event_type_code="LOAD",
                empty_indicator_code="LADEN",
                transport_call=call,
                document_references=(_trd(parcel.logistics_no), *bill),
            ),
            [],
        )
    if call is not None:
        key = f"{departure.logistics_code}|{departure.cop_no}|DEPA"
        yield (
            TransportEvent(
                event_id=str(uuid.uuid5(_NAMESPACE, key)),
                event_created_date_time=now,
                event_date_time=at,
                event_classifier_code="ACT",
                transport_event_type_code="DEPA",
                transport_call=call,
                document_references=tuple(bill),
            ),
            [("TRD", parcel.logistics_no) for parcel in departure.parcels],
        )


def transport_call(departure: ListsDeparted) -> TransportCall | None:
    """The conveyance as a DCSA transport call (None for a mode DCSA does not have). Its id
    is the customs office, mode, conveyance and voyage, so every departure of one call
    shares it."""
    mode = MODES.get(departure.traf_mode)
    if mode is None:
        return None
    name = (
        f"{departure.customs_code}|{mode}|{departure.traf_name or ''}|{departure.voyage_no or ''}"
    )
    return TransportCall(
        transport_call_id=str(uuid.uuid5(_NAMESPACE, name)),
        mode_of_transport=mode,
        export_voyage_number=departure.voyage_no[:50] if departure.voyage_no else None,
    )


def _trd(value: str) -> DocumentReference:
    return DocumentReference(document_reference_type="TRD", document_reference_value=value)
