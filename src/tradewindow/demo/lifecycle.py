"""What is filed after release, built from the documents as filed: a broker's CEB623
cancellation and CEB625 return (whole, or some lines), sent by the list's declaring agent
(its agentCode is the sender's code); a site operator's CEB711 delivery and a logistics
firm's CEB513 signature. Used by the demo day (``demo.after_release``) and by ``tradewindow
bench clearance``'s lifecycle mix.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from tradewindow.cbec.documents import (
    CHINA_TZ,
    BaseTransfer,
    CancelMessage,
    Delivery,
    DeliveryHead,
    DeliveryList,
    DeliveryMessage,
    Inventory,
    InvtCancel,
    InvtRefund,
    InvtRefundHead,
    InvtRefundList,
    LogisticsStatus,
    RefundMessage,
    Waybill,
    WaybillStatusMessage,
)

_T = TypeVar("_T")
_NAMESPACE = uuid.UUID("0c5b7d4e-5a8f-4f57-9f1e-8c3b2a6d1e90")
REASONS = ("买家取消订单", "支付异常，订单关闭", "库存不足，无法发货")
RETURN_REASONS = ("商品不满意，七天无理由退货", "商品破损", "发错货")


def guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts))).upper()


def cancel_of(
    inventory: Inventory, invt_no: str, at: datetime, reason: str = REASONS[0]
) -> InvtCancel:
    head = inventory.head
    return InvtCancel(
        guid=guid("cancel", head.ebp_code, head.order_no, invt_no),
        app_type="1",
        app_time=_time(at),
        app_status="2",
        customs_code=head.customs_code,
        order_no=head.order_no,
        ebp_code=head.ebp_code,
        ebp_name=head.ebp_name,
        ebc_code=head.ebc_code,
        ebc_name=head.ebc_name,
        logistics_no=head.logistics_no,
        logistics_code=head.logistics_code,
        logistics_name=head.logistics_name,
        cop_no=head.cop_no,
        invt_no=invt_no,
        buyer_id_type=head.buyer_id_type,
        buyer_id_number=head.buyer_id_number,
        buyer_name=head.buyer_name,
        buyer_telephone=head.buyer_telephone,
        agent_code=head.agent_code,
        agent_name=head.agent_name,
        reason=reason,
    )


def return_of(
    inventory: Inventory,
    invt_no: str,
    at: datetime,
    lines: Mapping[int, Decimal] | None = None,
    reason: str = RETURN_REASONS[0],
) -> InvtRefund:
    """A return of ``lines`` (gnum → quantity; default: the whole list)."""
    head = inventory.head
    wanted = dict(lines) if lines is not None else {i.gnum: i.qty for i in inventory.items}
    return InvtRefund(
        head=InvtRefundHead(
            guid=guid("refund", head.ebp_code, head.order_no, invt_no, *map(str, wanted)),
            app_type="1",
            app_time=_time(at),
            app_status="2",
            customs_code=head.customs_code,
            order_no=head.order_no,
            ebp_code=head.ebp_code,
            ebp_name=head.ebp_name,
            ebc_code=head.ebc_code,
            ebc_name=head.ebc_name,
            logistics_no=head.logistics_no,
            logistics_code=head.logistics_code,
            logistics_name=head.logistics_name,
            cop_no=head.cop_no,
            invt_no=invt_no,
            buyer_id_type=head.buyer_id_type,
            buyer_id_number=head.buyer_id_number,
            buyer_name=head.buyer_name,
            buyer_telephone=head.buyer_telephone,
            agent_code=head.agent_code,
            agent_name=head.agent_name,
            reason=reason,
        ),
        items=[
            InvtRefundList(
                gnum=i.gnum, gcode=i.gcode, gname=i.gname, qty=wanted[i.gnum], unit=i.unit
            )
            for i in inventory.items
            if i.gnum in wanted
        ],
    )


def cancel_messages(cancels: Sequence[InvtCancel], per_message: int = 100) -> list[CancelMessage]:
    """The cancellations, grouped by sender (agentCode), at most ``per_message`` each."""
    by_agent: dict[tuple[str, str], list[InvtCancel]] = {}
    for cancel in cancels:
        by_agent.setdefault((cancel.agent_code, cancel.agent_name), []).append(cancel)
    return [
        CancelMessage(
            guid=guid("CEB623", *(c.guid for c in chunk)),
            base_transfer=_sender(code, name),
            cancels=chunk,
        )
        for (code, name), group in by_agent.items()
        for chunk in _chunks(group, per_message)
    ]


def refund_messages(refunds: Sequence[InvtRefund], per_message: int = 100) -> list[RefundMessage]:
    by_agent: dict[tuple[str, str], list[InvtRefund]] = {}
    for refund in refunds:
        by_agent.setdefault((refund.head.agent_code, refund.head.agent_name), []).append(refund)
    return [
        RefundMessage(
            guid=guid("CEB625", *(r.head.guid for r in chunk)),
            base_transfer=_sender(code, name),
            refunds=chunk,
        )
        for (code, name), group in by_agent.items()
        for chunk in _chunks(group, per_message)
    ]


def _sender(code: str, name: str) -> BaseTransfer:
    return BaseTransfer(cop_code=code, cop_name=name, dxp_mode="DXP", dxp_id=f"DXP{code}")


def _chunks(items: list[_T], size: int) -> list[list[_T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _time(at: datetime) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y%m%d%H%M%S")


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
            app_time=_time(at),
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
        app_time=_time(at),
        app_status="2",
        logistics_code=head.logistics_code,
        logistics_name=head.logistics_name,
        logistics_no=head.logistics_no,
        logistics_status="S",
        logistics_time=_time(at),
    )


def delivery_message(delivery: Delivery) -> DeliveryMessage:
    head = delivery.head
    return DeliveryMessage(
        guid=guid("CEB711", head.guid),
        base_transfer=_sender(head.operator_code, head.operator_name),
        deliveries=[delivery],
    )


def status_messages(statuses: Sequence[LogisticsStatus]) -> list[WaybillStatusMessage]:
    by_firm: dict[tuple[str, str], list[LogisticsStatus]] = {}
    for status in statuses:
        by_firm.setdefault((status.logistics_code, status.logistics_name), []).append(status)
    return [
        WaybillStatusMessage(
            guid=guid("CEB513", *(s.guid for s in chunk)),
            base_transfer=_sender(code, name),
            statuses=chunk,
        )
        for (code, name), group in by_firm.items()
        for chunk in _chunks(group, 100)
    ]
