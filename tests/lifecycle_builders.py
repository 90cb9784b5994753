"""CEB623 cancellations, CEB625 returns, CEB513 waybill statuses and CEB711 deliveries for
tests, valid as built, made from the documents of ``builders.import_set()``.

A list's ``invtNo`` is given by clearance; pass the one it gave (``invt_no=``), as a real
enterprise copies it from the CEB622 receipt.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

import builders
from tradewindow.cbec.documents import (
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

AGENT_CODE = "4403980099"  # the builders' lists' declaring agent
OPERATOR_CODE = "4403980777"  # a supervised site's operator


def cancel(inventory: Inventory, invt_no: str, **fields: Any) -> InvtCancel:
    head = inventory.head
    base = InvtCancel(
        guid=builders.guid("cancel", head.order_no, invt_no), app_type="1",
        app_time="20260301150000", app_status="2", customs_code=head.customs_code,
        order_no=head.order_no, ebp_code=head.ebp_code, ebp_name=head.ebp_name,
        ebc_code=head.ebc_code, ebc_name=head.ebc_name, logistics_no=head.logistics_no,
        logistics_code=head.logistics_code, logistics_name=head.logistics_name,
        cop_no="CXL202603010001", invt_no=invt_no, buyer_id_type=head.buyer_id_type,
        buyer_id_number=head.buyer_id_number, buyer_name=head.buyer_name,
        buyer_telephone=head.buyer_telephone, agent_code=head.agent_code,
        agent_name=head.agent_name, reason="买家取消订单",
    )  # fmt: skip
    return msgspec.structs.replace(base, **fields)


def refund(
    inventory: Inventory,
    invt_no: str,
    lines: dict[int, Decimal] | None = None,
    *,
    tag: str = "1",
    **head_fields: Any,
) -> InvtRefund:
    """A return of ``lines`` (gnum → quantity; default: every line whole)."""
    head = inventory.head
    wanted = lines if lines is not None else {i.gnum: i.qty for i in inventory.items}
    items = {i.gnum: i for i in inventory.items}
    base = InvtRefundHead(
        guid=builders.guid("refund", head.order_no, invt_no, tag), app_type="1",
        app_time="20260301170000", app_status="2", customs_code=head.customs_code,
        order_no=head.order_no, ebp_code=head.ebp_code, ebp_name=head.ebp_name,
        ebc_code=head.ebc_code, ebc_name=head.ebc_name, logistics_no=head.logistics_no,
        logistics_code=head.logistics_code, logistics_name=head.logistics_name,
        cop_no=f"RFD2026030{tag}"[:20], invt_no=invt_no, buyer_id_type=head.buyer_id_type,
        buyer_id_number=head.buyer_id_number, buyer_name=head.buyer_name,
        buyer_telephone=head.buyer_telephone, agent_code=head.agent_code,
        agent_name=head.agent_name, reason="商品不满意，七天无理由退货",
    )  # fmt: skip
    return InvtRefund(
        head=msgspec.structs.replace(base, **head_fields),
        items=[
            InvtRefundList(
                gnum=gnum,
                gcode=items[gnum].gcode if gnum in items else "3304990099",
                gname=items[gnum].gname if gnum in items else "保湿面霜",
                qty=qty,
                unit=items[gnum].unit if gnum in items else "122",
            )
            for gnum, qty in wanted.items()
        ],
    )


def waybill_status(waybill: Waybill, **fields: Any) -> LogisticsStatus:
    head = waybill.head
    base = LogisticsStatus(
        guid=builders.guid("status", head.logistics_no, fields.get("app_type", "1")),
        app_type="1", app_time="20260301115000", app_status="2",
        logistics_code=head.logistics_code, logistics_name=head.logistics_name,
        logistics_no=head.logistics_no, logistics_status="S", logistics_time="20260301113000",
    )  # fmt: skip
    return msgspec.structs.replace(base, **fields)


def delivery(*waybills: Waybill, tag: str = "1", **fields: Any) -> Delivery:
    first = waybills[0].head
    base = DeliveryHead(
        guid=builders.guid("delivery", tag, *(w.head.logistics_no for w in waybills)),
        app_type="1", app_time="20260301090000", app_status="2", customs_code="5349",
        cop_no=f"RKD20260301{tag}"[:20], operator_code=OPERATOR_CODE,
        operator_name="深圳前海跨境电商监管中心", ie_flag="I", traf_mode="5", traf_no="CX5021",
        voyage_no="20260301", bill_no="784-12345675", logistics_code=first.logistics_code,
        logistics_name=first.logistics_name,
    )  # fmt: skip
    return Delivery(
        head=msgspec.structs.replace(base, **fields),
        items=[
            DeliveryList(gnum=index, logistics_no=w.head.logistics_no)
            for index, w in enumerate(waybills, 1)
        ],
    )


def cancel_message(*cancels: InvtCancel, guid_: str | None = None) -> CancelMessage:
    return CancelMessage(
        guid=guid_ or builders.guid("CEB623", *(c.guid for c in cancels)),
        base_transfer=builders.base_transfer(
            cop_code=AGENT_CODE, cop_name="深圳前海报关服务有限公司"
        ),
        cancels=list(cancels),
    )


def refund_message(*refunds: InvtRefund, guid_: str | None = None) -> RefundMessage:
    return RefundMessage(
        guid=guid_ or builders.guid("CEB625", *(r.head.guid for r in refunds)),
        base_transfer=builders.base_transfer(
            cop_code=AGENT_CODE, cop_name="深圳前海报关服务有限公司"
        ),
        refunds=list(refunds),
    )


def status_message(*statuses: LogisticsStatus, guid_: str | None = None) -> WaybillStatusMessage:
    return WaybillStatusMessage(
        guid=guid_ or builders.guid("CEB513", *(s.guid for s in statuses)),
        base_transfer=builders.base_transfer(
            cop_code=builders.LOGISTICS_CODE, cop_name="顺丰速运有限公司"
        ),
        statuses=list(statuses),
    )


def delivery_message(one: Delivery, guid_: str | None = None) -> DeliveryMessage:
    return DeliveryMessage(
        guid=guid_ or builders.guid("CEB711", one.head.guid),
        base_transfer=builders.base_transfer(
            cop_code=OPERATOR_CODE, cop_name="深圳前海跨境电商监管中心"
        ),
        deliveries=[one],
    )
