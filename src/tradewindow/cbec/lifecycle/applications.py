"""A broker's applications after release, built from its list as filed: a CEB623
cancellation and a CEB625 return (whole, or some lines), sent by the list's declaring agent
(its agentCode is the sender's code), grouped into messages of at most 100 documents. Used by
the portal's cancel and return actions, the demo day and the benchmark's lifecycle mix.
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
    Inventory,
    InvtCancel,
    InvtRefund,
    InvtRefundHead,
    InvtRefundList,
    RefundMessage,
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
        app_time=app_time(at),
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
            app_time=app_time(at),
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
            base_transfer=sender(code, name),
            cancels=chunk,
        )
        for (code, name), group in by_agent.items()
        for chunk in chunks(group, per_message)
    ]


def refund_messages(refunds: Sequence[InvtRefund], per_message: int = 100) -> list[RefundMessage]:
    by_agent: dict[tuple[str, str], list[InvtRefund]] = {}
    for refund in refunds:
        by_agent.setdefault((refund.head.agent_code, refund.head.agent_name), []).append(refund)
    return [
        RefundMessage(
            guid=guid("CEB625", *(r.head.guid for r in chunk)),
            base_transfer=sender(code, name),
            refunds=chunk,
        )
        for (code, name), group in by_agent.items()
        for chunk in chunks(group, per_message)
    ]


def sender(code: str, name: str) -> BaseTransfer:
    return BaseTransfer(cop_code=code, cop_name=name, dxp_mode="DXP", dxp_id=f"DXP{code}")


def chunks(items: list[_T], size: int) -> list[list[_T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def app_time(at: datetime) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y%m%d%H%M%S")
