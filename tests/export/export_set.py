"""A coherent CBEC export set for tests, written from the field tables of the CEB spec (202205,
chapter 2) and valid against both export XSDs as built.

One 9610 retail order of a Shenzhen seller to a buyer in the United States, flown out of
Guangzhou Baiyun airport: order EXP20260310000001 of two lines (蓝牙耳机 2 个 × 120.00 =
240.00, gcode 8518300000; 针织毛衣 1 件 × 160.00 = 160.00, gcode 6110200090), freight 35.00,
so the receipt of payment is 435.00 CNY; waybill SZX2603100001 of 0.9 kg; the list lines as
the order with the lawful quantity in kilograms (0.3 and 0.4).

Functions take ``**fields`` to replace head fields (or message fields for ``*_message``) so a
test changes only what it is about.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from typing import Any

import msgspec

from tradewindow.cbec.documents import BaseTransfer
from tradewindow.export import documents as d

EBP_CODE = "4403960101"  # 湾区出海跨境电商平台有限公司
EBC_CODE = "4403960102"  # 深圳湾区好物出口贸易有限公司 (the seller, consignor)
AGENT_CODE = "4403980199"  # the declaring agent
LOGISTICS_CODE = "4403980188"
PAY_CODE = "4403160103"
OPERATOR_CODE = "4403980777"  # the supervised site's operator
EBP_NAME = "湾区出海跨境电商平台有限公司"
EBC_NAME = "深圳湾区好物出口贸易有限公司"
ORDER_NO = "EXP20260310000001"
LOGISTICS_NO = "SZX2603100001"
BILL_NO = "784-26031001"
INVT_NO = "514120261000000001"  # 4 office + 4 year + 1 flag digit + 9 serial


def guid(*parts: str) -> str:
    """A stable 36-character upper-case guid from ``parts``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("export", *parts)))).upper()


def base_transfer(
    cop_code: str = EBC_CODE, cop_name: str = "深圳湾区好物出口贸易有限公司"
) -> BaseTransfer:
    return BaseTransfer(
        cop_code=cop_code, cop_name=cop_name, dxp_mode="DXP", dxp_id="DXPENT0000000001"
    )


def _replace(struct: Any, fields: dict[str, Any]) -> Any:
    return msgspec.structs.replace(struct, **fields) if fields else struct


def order(**fields: Any) -> d.Order:
    head = d.OrderHead(
        guid=guid("order", ORDER_NO), app_type="1", app_time="20260310091500", app_status="2",
        order_type="E", order_no=ORDER_NO, ebp_code=EBP_CODE, ebp_name=EBP_NAME,
        ebc_code=EBC_CODE, ebc_name=EBC_NAME, goods_value=Decimal("400.00"),
        freight=Decimal("35.00"), currency="142",
    )  # fmt: skip
    items = [
        d.OrderItem(gnum=1, item_no="BT-EAR-01", item_name="蓝牙耳机", unit="007", currency="142",
                    qty=Decimal("2"), price=Decimal("120.00"), total_price=Decimal("240.00")),
        d.OrderItem(gnum=2, item_no="KN-SWT-02", item_name="针织毛衣", unit="011", currency="142",
                    qty=Decimal("1"), price=Decimal("160.00"), total_price=Decimal("160.00")),
    ]  # fmt: skip
    return d.Order(head=_replace(head, fields), items=items)


def receipt(**fields: Any) -> d.Receipt:
    base = d.Receipt(
        guid=guid("receipt", ORDER_NO), app_type="1", app_time="20260310093000", app_status="2",
        ebp_code=EBP_CODE, ebp_name=EBP_NAME, ebc_code=EBC_CODE,
        ebc_name=EBC_NAME, order_no=ORDER_NO, pay_code=PAY_CODE,
        pay_name="湾区支付科技有限公司", pay_no="PAYE2026031009300001", charge=Decimal("435.00"),
        currency="142", accounting_date="20260310092800",
    )  # fmt: skip
    return _replace(base, fields)


def waybill(**fields: Any) -> d.Waybill:
    base = d.Waybill(
        guid=guid("waybill", LOGISTICS_NO), app_type="1", app_time="20260310100000",
        app_status="2", logistics_code=LOGISTICS_CODE, logistics_name="湾区国际快递有限公司",
        logistics_no=LOGISTICS_NO, freight=Decimal("35.00"), insured_fee=Decimal("0"),
        currency="142", gross_weight=Decimal("0.9"), pack_no=1, goods_info="蓝牙耳机、针织毛衣",
        ebc_code=EBC_CODE, ebc_name=EBC_NAME,
    )  # fmt: skip
    return _replace(base, fields)


def inventory(**fields: Any) -> d.Inventory:
    head = d.InventoryHead(
        guid=guid("inventory", ORDER_NO), app_type="1", app_time="20260310103000",
        app_status="2", customs_code="5141", ebp_code=EBP_CODE, ebp_name=EBP_NAME,
        order_no=ORDER_NO, logistics_code=LOGISTICS_CODE, logistics_name="湾区国际快递有限公司",
        logistics_no=LOGISTICS_NO, cop_no="EXPCOP202603100001", ie_flag="E", port_code="5141",
        ie_date="20260310", statistics_flag="B", agent_code=AGENT_CODE,
        agent_name="湾区报关服务有限公司", ebc_code=EBC_CODE, ebc_name=EBC_NAME,
        owner_code=EBC_CODE, owner_name=EBC_NAME, trade_mode="9610",
        traf_mode="5", traf_name="CZ327", voyage_no="CZ327", bill_no=BILL_NO, country="502",
        pod="5020", freight=Decimal("35.00"), f_currency="142", f_flag="3",
        insured_fee=Decimal("0"), i_currency="142", i_flag="3", wrap_type="2", pack_no=1,
        gross_weight=Decimal("0.9"), net_weight=Decimal("0.7"),
    )  # fmt: skip
    items = [
        d.InventoryItem(gnum=1, item_no="BT-EAR-01", item_name="蓝牙耳机", gcode="8518300000",
                        gname="蓝牙耳机", gmodel="无线|入耳式|蓝牙5.3", bar_code="6901234567892",
                        country="502", currency="142", qty=Decimal("2"), qty1=Decimal("0.3"),
                        unit="007", unit1="035", price=Decimal("120.00"),
                        total_price=Decimal("240.00")),
        d.InventoryItem(gnum=2, item_no="KN-SWT-02", item_name="针织毛衣", gcode="6110200090",
                        gname="针织毛衣", gmodel="棉制|女式|M码", bar_code="无", country="502",
                        currency="142", qty=Decimal("1"), qty1=Decimal("0.4"), unit="011",
                        unit1="035", price=Decimal("160.00"), total_price=Decimal("160.00")),
    ]  # fmt: skip
    return d.Inventory(head=_replace(head, fields), items=items)


def arrival(*logistics_nos: str, **fields: Any) -> d.Arrival:
    head = d.ArrivalHead(
        guid=guid("arrival", *logistics_nos), app_type="1", app_time="20260310140000",
        app_status="2", customs_code="5141", cop_no="ARR202603100001",
        operator_code=OPERATOR_CODE, operator_name="白云机场跨境电商监管中心", ie_flag="E",
        traf_mode="4", bill_no=BILL_NO, domestic_traf_no="粤B12345", logistics_code=LOGISTICS_CODE,
        logistics_name="湾区国际快递有限公司", msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    items = [
        d.ArrivalItem(gnum=n, logistics_no=no)
        for n, no in enumerate(logistics_nos or (LOGISTICS_NO,), 1)
    ]
    return d.Arrival(head=_replace(head, fields), items=items)


def departure(*logistics_nos: str, **fields: Any) -> d.Departure:
    head = d.DepartureHead(
        guid=guid("departure", *logistics_nos), app_type="1", app_time="20260311020000",
        app_status="2", customs_code="5141", cop_no="DEP202603110001",
        logistics_code=LOGISTICS_CODE, logistics_name="湾区国际快递有限公司", traf_mode="5",
        traf_name="CZ327", voyage_no="CZ327", bill_no=BILL_NO, leave_time="20260311013000",
        msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    items = [
        d.DepartureItem(gnum=n, logistics_no=no)
        for n, no in enumerate(logistics_nos or (LOGISTICS_NO,), 1)
    ]
    return d.Departure(head=_replace(head, fields), items=items)


def cancel(invt_no: str = INVT_NO, **fields: Any) -> d.InvtCancel:
    base = d.InvtCancel(
        guid=guid("cancel", invt_no), app_type="1", app_time="20260310150000", app_status="2",
        customs_code="5141", cop_no="CXLE202603100001", invt_no=invt_no, reason="买家取消订单",
        agent_code=AGENT_CODE, agent_name="湾区报关服务有限公司", ebc_code=EBC_CODE,
        ebc_name=EBC_NAME,
    )  # fmt: skip
    return _replace(base, fields)


def waybill_link(*pairs: tuple[str, str], **fields: Any) -> d.WayBill:
    """A CEB607 grouping ``(logisticsNo, invtNo)`` parcels under the master bill."""
    head = d.WayBillHead(
        guid=guid("waybill-link", *(p[0] for p in pairs)), app_type="1",
        app_time="20260310160000", app_status="2", customs_code="5141", cop_no="WB202603100001",
        agent_code=AGENT_CODE, agent_name="湾区报关服务有限公司", traf_mode="5",
        traf_name="CZ327", voyage_no="CZ327", bill_no=BILL_NO, gross_weight=Decimal("0.9"),
        logistics_code=LOGISTICS_CODE, logistics_name="湾区国际快递有限公司", msg_count=1,
        msg_seq_no=1,
    )  # fmt: skip
    items = [
        d.WayBillItem(gnum=n, logistics_no=no, invt_no=invt)
        for n, (no, invt) in enumerate(pairs or ((LOGISTICS_NO, INVT_NO),), 1)
    ]
    return d.WayBill(head=_replace(head, fields), items=items)


def summary_apply(*invt_nos: str, **fields: Any) -> d.SummaryApply:
    head = d.SummaryApplyHead(
        guid=guid("summary", *invt_nos), app_type="1", app_time="20260405100000",
        app_status="2", customs_code="5141", cop_no="SUM202604050001", agent_code=AGENT_CODE,
        agent_name="湾区报关服务有限公司", ebc_code=EBC_CODE, ebc_name=EBC_NAME,
        decl_agent_code=AGENT_CODE, decl_agent_name="湾区报关服务有限公司", summary_flag="1",
        item_name_flag="1", msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    items = [d.SummaryApplyItem(invt_no=n) for n in (invt_nos or (INVT_NO,))]
    return d.SummaryApply(head=_replace(head, fields), items=items)


def refund(invt_no: str = INVT_NO, **fields: Any) -> d.InvtRefund:
    head = d.InvtRefundHead(
        guid=guid("refund", invt_no), app_type="1", app_time="20260420100000", app_status="2",
        customs_code="5141", ebp_code=EBP_CODE, ebp_name=EBP_NAME,
        ebc_code=EBC_CODE, ebc_name=EBC_NAME, logistics_no="RTN2604200001",
        logistics_code=LOGISTICS_CODE, logistics_name="湾区国际快递有限公司",
        co_el_no="RTNE202604200001", invt_no=invt_no, trade_mode="9610", agent_code=AGENT_CODE,
        agent_name="湾区报关服务有限公司", bill_no="784-26042001", ie_flag="I", traf_mode="5",
        traf_name="CZ328", port_code="5141", reason="尺码不合适退回", country="502",
        voyage_no="CZ328",
    )  # fmt: skip
    items = [
        d.InvtRefundItem(gnum=2, gcode="6110200090", gname="针织毛衣", gmodel="棉制|女式|M码",
                         qty=Decimal("1"), qty1=Decimal("0.4"), unit="011", unit1="035"),
    ]  # fmt: skip
    return d.InvtRefund(head=_replace(head, fields), items=items)


def tally(**fields: Any) -> d.InvtRefundDetail:
    base = d.InvtRefundDetail(
        guid=guid("tally", "RTN2604200001"), app_type="1", app_time="20260422090000",
        app_status="2", customs_code="5141", operator_code=OPERATOR_CODE,
        operator_name="白云机场跨境电商监管中心", logistics_code=LOGISTICS_CODE,
        logistics_name="湾区国际快递有限公司", logistics_no="RTN2604200001", invt_no=INVT_NO,
        co_el_no="TLY202604220001", bill_no="784-26042001", ie_flag="I", traf_mode="5",
        traf_name="CZ328", voyage_no="CZ328",
    )  # fmt: skip
    return _replace(base, fields)


def message(code: str, *documents: Any, **fields: Any) -> d.ExportMessage:
    """The ``code`` message (``CEB603`` …) carrying ``documents`` (the sample's one when none)."""
    message_class = d.EXPORT_MESSAGE_TYPES[code]
    default, sender = _DEFAULTS[code]
    chosen = list(documents) or [default()]
    field_name = next(
        f.name
        for f in msgspec.structs.fields(message_class)
        if f.name not in ("guid", "version", "base_transfer")
    )
    values: dict[str, Any] = {
        # content-addressed: the same documents are the same message (filed again, the same
        # answer); changed documents a new one
        "guid": guid("message", code, hashlib.sha256(msgspec.json.encode(chosen)).hexdigest()),
        "base_transfer": base_transfer(*sender),
        field_name: chosen,
    }
    values.update(fields)
    return message_class(**values)


_SELLER = (EBC_CODE, "深圳湾区好物出口贸易有限公司")
_PLATFORM = (EBP_CODE, "湾区出海跨境电商平台有限公司")
_PAYER = (PAY_CODE, "湾区支付科技有限公司")
_CARRIER = (LOGISTICS_CODE, "湾区国际快递有限公司")
_AGENT = (AGENT_CODE, "湾区报关服务有限公司")
_SITE = (OPERATOR_CODE, "白云机场跨境电商监管中心")
_DEFAULTS: dict[str, tuple[Any, tuple[str, str]]] = {
    "CEB303": (order, _PLATFORM),
    "CEB403": (receipt, _PAYER),
    "CEB505": (waybill, _CARRIER),
    "CEB507": (arrival, _SITE),
    "CEB509": (departure, _CARRIER),
    "CEB603": (inventory, _AGENT),
    "CEB605": (cancel, _AGENT),
    "CEB607": (waybill_link, _AGENT),
    "CEB701": (summary_apply, _AGENT),
    "CEB213": (refund, _SELLER),
    "CEB215": (tally, _SITE),
}
