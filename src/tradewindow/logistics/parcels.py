"""Parcels after release become DCSA-style shipment events (``Clearance(on_parcels=…)``).

A parcel that arrived at the supervised site (CEB711) is a ``RECE`` (received) shipment event
on its transport document (document type ``TRD``, the parcel's waybill number); one signed
for by its consignee (CEB513 status S) is ``CMPL`` (completed). Both reference the master
bill (``TRD``) it travels under, when known, so whoever follows that bill sees its parcels;
the firms the parcel names (logistics firm, site operator) are entitled to its events.
Published after the clearance commit: a failure is logged and never undoes the answer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from tradewindow.cbec.ports import ParcelNoted
from tradewindow.logistics.events import EventService
from tradewindow.logistics.lastmile import PartiesOf
from tradewindow.logistics.model import Event, ShipmentEvent

log = logging.getLogger("tradewindow.logistics")
PUBLISHER = "cbec-lifecycle"
CODES = {"arrived": "RECE", "signed": "CMPL"}
_NAMESPACE = uuid.UUID("3b0c9a52-6f1e-4d7a-9c2b-8e5f1a4d7c30")


class FollowParcels:
    def __init__(self, events: EventService, parties_of: PartiesOf | None = None) -> None:
        self.events = events
        self.parties_of = parties_of

    def __call__(self, noted: Sequence[ParcelNoted]) -> None:
        try:
            now = self.events.clock()
            made: list[Event] = [event_of(parcel, now) for parcel in noted]
            links = [[("TRD", p.bill_no)] if p.bill_no else [] for p in noted]
            self.events.publish(made, publisher=PUBLISHER, related_each=links)
            if self.parties_of is not None:  # each code once, all in one read
                parties = self.parties_of({code for p in noted for code in p.parties})
                self.events.entitle_many(
                    (party, "TRD", parcel.logistics_no)
                    for parcel in noted
                    for code in parcel.parties
                    if (party := parties.get(code)) is not None
                )
        except Exception:
            log.exception("shipment events of %d parcels not published", len(noted))


def event_of(parcel: ParcelNoted, now: datetime) -> ShipmentEvent:
    code = CODES[parcel.kind]
    key = f"{parcel.logistics_code}|{parcel.logistics_no}|{code}"
    return ShipmentEvent(
        event_id=str(uuid.uuid5(_NAMESPACE, key)),
        event_created_date_time=now,
        event_date_time=min(parcel.at, now),  # an actual event is never in the future
        event_classifier_code="ACT",
        shipment_event_type_code=code,
        document_id=parcel.logistics_no,
        document_type_code="TRD",
    )
