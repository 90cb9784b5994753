"""What is filed after release, built from the documents as filed: a broker's CEB623
cancellation and CEB625 return (whole, or some lines), sent by the list's declaring agent
(its agentCode is the sender's code); a site operator's CEB711 delivery and a logistics
firm's CEB513 signature. Used by the demo day (``demo.after_release``) and by ``tradewindow
bench clearance``'s lifecycle mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tradewindow.cbec.documents import (
    CHINA_TZ,
    Delivery,
    DeliveryHead,
    DeliveryList,
    DeliveryMessage,
    LogisticsStatus,
    Waybill,
    WaybillStatusMessage,
)
from tradewindow.cbec.lifecycle.applications import (
    app_time,
    cancel_messages,
    cancel_of,
    chunks,
    guid,
    refund_messages,
    return_of,
    sender,
)

__all__ = [
    "cancel_messages",
    "cancel_of",
    "delivery_message",
    "delivery_of",
    "refund_messages",
    "return_of",
    "status_messages",
    "status_of",
]

# --- the demo day after release -----------------------------------------------------------


def delivery_of(
    waybills: Sequence[Waybill], operator: tuple[str, str], customs_code: str, at: datetime,
    number: int,
) -> Delivery:  # fmt: skip
    """A CEB711 of parcels that arrived together under one master bill."""
    first = waybills[0].head
    return Delivery(
        head=DeliveryHead(
            guid=guid("delivery", str(number), *(w.head.logistics_no for w in waybills)),
            app_type="1",
            app_time=app_time(at),
            app_status="2",
            customs_code=customs_code,
            cop_no=f"RKD{number:010d}",
            operator_code=operator[0],
            operator_name=operator[1],
            ie_flag="I",
            traf_mode="5",
            traf_no="CX5021",
            voyage_no=at.astimezone(CHINA_TZ).strftime("%Y%m%d"),
            bill_no=first.bill_no or "NOBILL",
            logistics_code=first.logistics_code,
            logistics_name=first.logistics_name,
        ),
        items=[
            DeliveryList(gnum=index, logistics_no=w.head.logistics_no)
            for index, w in enumerate(waybills, 1)
        ],
    )


def status_of(waybill: Waybill, at: datetime) -> LogisticsStatus:
    """A CEB513: the parcel signed for by its consignee at ``at``."""
    head = waybill.head
    return LogisticsStatus(
        guid=guid("status", head.logistics_code, head.logistics_no),
        app_type="1",
        app_time=app_time(at),
        app_status="2",
        logistics_code=head.logistics_code,
        logistics_name=head.logistics_name,
        logistics_no=head.logistics_no,
        logistics_status="S",
        logistics_time=app_time(at),
    )


def delivery_message(delivery: Delivery) -> DeliveryMessage:
    head = delivery.head
    return DeliveryMessage(
        guid=guid("CEB711", head.guid),
        base_transfer=sender(head.operator_code, head.operator_name),
        deliveries=[delivery],
    )


def status_messages(statuses: Sequence[LogisticsStatus]) -> list[WaybillStatusMessage]:
    by_firm: dict[tuple[str, str], list[LogisticsStatus]] = {}
    for status in statuses:
        by_firm.setdefault((status.logistics_code, status.logistics_name), []).append(status)
    return [
        WaybillStatusMessage(
            guid=guid("CEB513", *(s.guid for s in chunk)),
            base_transfer=sender(code, name),
            statuses=chunk,
        )
        for (code, name), group in by_firm.items()
        for chunk in chunks(group, 100)
    ]
