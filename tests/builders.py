"""Consistent CBEC import documents and messages for tests, valid as built.

``import_set()`` gives an order, its payment, its waybill and its inventory list that pass
every rule of ``cbec.rules`` and match under ``cbec.matching`` at ``NOW``. Each builder takes
overrides of head fields by their snake_case names (``order(goods_value=Decimal(1))``) and
``items=`` to replace the lines. ``Codes`` is a small in-memory ``CodeTables``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from tradewindow.cbec.documents import (
    CHINA_TZ,
    BaseTransfer,
    Inventory,
    InventoryHead,
    InventoryItem,
    InventoryMessage,
    LogisticsHead,
    Order,
    OrderHead,
    OrderItem,
    OrderMessage,
    Payment,
    PaymentHead,
    PaymentMessage,
    Waybill,
    WaybillMessage,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=CHINA_TZ)
BUYER_ID = "11010519491231002X"  # GB 11643-1999's own example; check character X
OTHER_BUYER_ID = "310115200002294567"
ORDER_NO = "SO202603010001"
LOGISTICS_NO = "SF1234567890123"
EBP_CODE = "4403960001"
EBC_CODE = "4403960002"
PAY_CODE = "3120980001"
LOGISTICS_CODE = "4403980001"

_NAMESPACE = uuid.UUID("5f6b1c2e-3d4a-4b5c-8d9e-0a1b2c3d4e5f")


def guid(*parts: str) -> str:
    """A deterministic uppercase 36-character guid."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts))).upper()


# Three lines: face cream, infant formula, vitamins (gcode, unit, qty, price, qty1 in kg).
_GOODS = (
    (
        "3304990099",
        "保湿面霜",
        "50g/瓶，雅漾牌",
        "011",
        Decimal(2),
        Decimal("199.00"),
        Decimal("0.1"),
    ),
    (
        "1901101000",
        "婴儿配方奶粉",
        "800g/罐，爱他美牌，1段",
        "122",
        Decimal(3),
        Decimal("258.00"),
        Decimal("2.4"),
    ),
    (
        "2106909090",
        "维生素软胶囊",
        "60粒/瓶，斯维诗牌",
        "011",
        Decimal(1),
        Decimal("128.00"),
        Decimal("0.2"),
    ),
)


class Codes:
    """An in-memory ``CodeTables`` with the codes the builders use and a few more."""

    def __init__(self, **tables: set[str]) -> None:
        self.countries = tables.get("countries", {"142", "110", "116", "502", "304", "133"})
        self.currencies = tables.get("currencies", {"142", "502", "110", "116"})
        self.units = tables.get("units", {"007", "011", "035", "122", "142"})
        self.offices = tables.get("offices", {"5300", "5301", "5349", "2200", "2244"})
        self.trade_modes = tables.get("trade_modes", {"9610", "1210", "1239", "0110", "9710"})
        self.transport_modes = tables.get("transport_modes", {"2", "3", "4", "5", "7", "W"})
        self.crossing_modes = tables.get("crossing_modes", {"2", "3", "4", "5", "6", "9"})
        self.wrap_types = tables.get("wrap_types", {"1", "2", "3", "4", "5", "6", "7"})
        self.hs_codes = tables.get("hs_codes", {"3304990099", "1901101000", "2106909090"})

    def is_customs_country(self, code: str) -> bool:
        return code in self.countries

    def is_customs_currency(self, code: str) -> bool:
        return code in self.currencies

    def is_customs_unit(self, code: str) -> bool:
        return code in self.units

    def is_customs_office(self, code: str) -> bool:
        return code in self.offices

    def is_trade_mode(self, code: str) -> bool:
        return code in self.trade_modes

    def is_transport_mode(self, code: str) -> bool:
        return code in self.transport_modes

    def is_wrap_type(self, code: str) -> bool:
        return code in self.wrap_types

    def crosses_border(self, transport_mode: str) -> bool:
        return transport_mode in self.crossing_modes

    def is_hs_code(self, code: str) -> bool:
        return code in self.hs_codes


def _given(head: dict[str, Any], name: str) -> tuple[str, ...]:
    """``head[name]`` as a guid part when the caller set it: each document its own guid."""
    return (str(head[name]),) if name in head else ()


def order_items(count: int = 3) -> list[OrderItem]:
    """``count`` (1 to 3) consistent order lines."""
    return [
        OrderItem(
            gnum=n, item_no=f"SKU-{gcode[:4]}-{n}", item_name=name, gmodel=model, bar_code=None,
            unit=unit, qty=qty, price=price, total_price=qty * price, currency="142",
            country="116",
        )
        for n, (gcode, name, model, unit, qty, price, _) in enumerate(_GOODS[:count], 1)
    ]  # fmt: skip


def order(*, items: list[OrderItem] | None = None, **head: Any) -> Order:
    """A valid CEB311 order; ``head`` overrides OrderHead fields by attribute name."""
    items = order_items() if items is None else items
    goods_value = sum((item.total_price for item in items), Decimal(0))
    freight, discount, tax_total = Decimal("20.00"), Decimal("20.00"), Decimal("118.30")
    own = guid("order", head.get("order_no", ORDER_NO))
    base = OrderHead(
        guid=own, app_type="1", app_time="20260301100000", app_status="2",
        order_type="I", order_no=ORDER_NO, ebp_code=EBP_CODE,
        ebp_name="深圳跨境优选电子商务有限公司", ebc_code=EBC_CODE,
        ebc_name="前海海淘贸易有限公司", goods_value=goods_value,
        freight=freight, discount=discount, tax_total=tax_total,
        actural_paid=goods_value + freight + tax_total - discount, currency="142",
        buyer_reg_no="wxm2026", buyer_name="王小明", buyer_telephone="13800138000",
        buyer_id_type="1", buyer_id_number=BUYER_ID, pay_code=PAY_CODE,
        pay_name="财付通支付科技有限公司", pay_transaction_id="4200001234202603011234567890",
        consignee="王小明", consignee_telephone="13800138000",
        consignee_address="广东省深圳市南山区科技园科苑路15号", consignee_district="440305",
    )  # fmt: skip
    return Order(head=msgspec.structs.replace(base, **head), items=items)


def payment(*, source: Order | None = None, **head: Any) -> Payment:
    """A valid CEB411 payment of ``source`` (default: ``order()``)."""
    source = order() if source is None else source
    ordered = source.head
    own = guid("payment", head.get("order_no", ordered.order_no))
    base = PaymentHead(
        guid=own, app_type="1", app_time="20260301100500",
        app_status="2", pay_code=ordered.pay_code or PAY_CODE,
        pay_name=ordered.pay_name or "财付通支付科技有限公司",
        pay_transaction_id=ordered.pay_transaction_id or "4200001234202603011234567890",
        order_no=ordered.order_no, ebp_code=ordered.ebp_code, ebp_name=ordered.ebp_name,
        payer_id_type=ordered.buyer_id_type, payer_id_number=ordered.buyer_id_number,
        payer_name=ordered.buyer_name, telephone=ordered.buyer_telephone,
        amount_paid=ordered.actural_paid, currency="142", pay_time="20260301095500",
    )  # fmt: skip
    return Payment(head=msgspec.structs.replace(base, **head))


def waybill(*, source: Order | None = None, **head: Any) -> Waybill:
    """A valid CEB511 waybill carrying ``source`` (default: ``order()``)."""
    source = order() if source is None else source
    ordered = source.head
    own = guid("waybill", head.get("order_no", ordered.order_no), *_given(head, "logistics_no"))
    base = LogisticsHead(
        guid=own, app_type="1", app_time="20260301101000",
        app_status="2", logistics_code=LOGISTICS_CODE, logistics_name="顺丰速运有限公司",
        logistics_no=LOGISTICS_NO, bill_no="784-12345675", order_no=ordered.order_no,
        freight=Decimal("20.00"), insured_fee=Decimal(0), currency="142",
        weight=Decimal("3.2"), pack_no=1, goods_info="面霜、奶粉、维生素",
        consignee=ordered.consignee, consignee_address=ordered.consignee_address,
        consignee_telephone=ordered.consignee_telephone,
    )  # fmt: skip
    return Waybill(head=msgspec.structs.replace(base, **head))


def inventory_items(source: Order | None = None) -> list[InventoryItem]:
    """Inventory lines mirroring ``source``'s lines (default: ``order()``)."""
    source = order() if source is None else source
    goods = {name: (gcode, qty1) for gcode, name, _, _, _, _, qty1 in _GOODS}
    lines = []
    for item in source.items:
        gcode, qty1 = goods.get(item.item_name, (_GOODS[0][0], _GOODS[0][6]))
        lines.append(
            InventoryItem(
                gnum=item.gnum, item_no=item.item_no, item_name=item.item_name, gcode=gcode,
                gname=item.item_name, gmodel=item.gmodel, country=item.country,
                trade_country="110", currency="142", qty=item.qty, unit=item.unit, qty1=qty1,
                unit1="035", price=item.price, total_price=item.total_price,
            )
        )  # fmt: skip
    return lines


def inventory(
    *, source: Order | None = None, items: list[InventoryItem] | None = None, **head: Any
) -> Inventory:
    """A valid 9610 (direct purchase) CEB621 list of ``source`` (default: ``order()``).

    Pass ``trade_mode="1210"`` for a bonded list: the builder then fills emsNo, areaCode,
    areaName and itemRecordNo, and drops trafNo / voyageNo / billNo.
    """
    source = order() if source is None else source
    ordered = source.head
    bonded = head.get("trade_mode") in ("1210", "1239")
    if items is None:
        items = inventory_items(source)
        if bonded:
            items = [
                msgspec.structs.replace(item, item_record_no=f"REC{item.gnum:04d}")
                for item in items
            ]
    own = guid("inventory", head.get("order_no", ordered.order_no))
    base = InventoryHead(
        guid=own, app_type="1", app_time="20260301101500",
        app_status="2", order_no=ordered.order_no, ebp_code=ordered.ebp_code,
        ebp_name=ordered.ebp_name, ebc_code=ordered.ebc_code, ebc_name=ordered.ebc_name,
        logistics_no=LOGISTICS_NO, logistics_code=LOGISTICS_CODE, logistics_name="顺丰速运有限公司",
        cop_no="INV202603010001", assure_code=ordered.ebc_code, ie_flag="I",
        decl_time="20260301", customs_code="5349", port_code="5349",
        ie_date="20260301", buyer_id_type=ordered.buyer_id_type,
        buyer_id_number=ordered.buyer_id_number, buyer_name=ordered.buyer_name,
        buyer_telephone=ordered.buyer_telephone, consignee_address=ordered.consignee_address,
        agent_code="4403980099", agent_name="深圳前海报关服务有限公司", trade_mode="9610",
        traf_mode="5", traf_no="CX5021", voyage_no="20260301", bill_no="784-12345675",
        country="110", freight=Decimal("20.00"), insured_fee=Decimal(0), currency="142",
        wrap_type="2", pack_no=1, gross_weight=Decimal("3.2"), net_weight=Decimal("2.7"),
    )  # fmt: skip
    if bonded:
        base = msgspec.structs.replace(
            base, ems_no="T5349W000001", area_code="4403940001", area_name="前海保税仓储有限公司",
            traf_no=None, voyage_no=None, bill_no=None, country="142", traf_mode="4",
        )  # fmt: skip
    return Inventory(head=msgspec.structs.replace(base, **head), items=items)


def base_transfer(**fields: Any) -> BaseTransfer:
    base = BaseTransfer(
        cop_code=EBP_CODE, cop_name="深圳跨境优选电子商务有限公司", dxp_mode="DXP",
        dxp_id="DXPENT0000012345",
    )  # fmt: skip
    return msgspec.structs.replace(base, **fields)


def order_message(*orders: Order, guid_: str | None = None) -> OrderMessage:
    orders = orders or (order(),)
    return OrderMessage(
        guid=guid_ or guid("CEB311", *(o.head.guid for o in orders)),
        base_transfer=base_transfer(),
        orders=list(orders),
    )


def payment_message(*payments: Payment, guid_: str | None = None) -> PaymentMessage:
    payments = payments or (payment(),)
    return PaymentMessage(
        guid=guid_ or guid("CEB411", *(p.head.guid for p in payments)),
        base_transfer=base_transfer(cop_code=PAY_CODE, cop_name="财付通支付科技有限公司"),
        payments=list(payments),
    )


def waybill_message(*waybills: Waybill, guid_: str | None = None) -> WaybillMessage:
    waybills = waybills or (waybill(),)
    return WaybillMessage(
        guid=guid_ or guid("CEB511", *(w.head.guid for w in waybills)),
        base_transfer=base_transfer(cop_code=LOGISTICS_CODE, cop_name="顺丰速运有限公司"),
        waybills=list(waybills),
    )


def inventory_message(*inventories: Inventory, guid_: str | None = None) -> InventoryMessage:
    inventories = inventories or (inventory(),)
    return InventoryMessage(
        guid=guid_ or guid("CEB621", *(i.head.guid for i in inventories)),
        base_transfer=base_transfer(cop_code="4403980099", cop_name="深圳前海报关服务有限公司"),
        inventories=list(inventories),
    )


@dataclass(frozen=True)
class ImportSet:
    """One parcel's four documents, consistent with each other, and a message for each."""

    order: Order
    payment: Payment
    waybill: Waybill
    inventory: Inventory
    messages: tuple[OrderMessage, PaymentMessage, WaybillMessage, InventoryMessage] = field(
        init=False
    )

    def __post_init__(self) -> None:
        messages = (
            order_message(self.order),
            payment_message(self.payment),
            waybill_message(self.waybill),
            inventory_message(self.inventory),
        )
        object.__setattr__(self, "messages", messages)


def import_set(
    *, order_no: str = ORDER_NO, logistics_no: str = LOGISTICS_NO, trade_mode: str = "9610",
    lines: int = 3, buyer_id: str = BUYER_ID,
) -> ImportSet:  # fmt: skip
    """A complete, matching set for one parcel; vary ``order_no`` / ``logistics_no`` to build
    many distinct sets."""
    source = order(
        items=order_items(lines), order_no=order_no, guid=guid("order", order_no),
        buyer_id_number=buyer_id,
    )  # fmt: skip
    return ImportSet(
        order=source,
        payment=payment(source=source),
        waybill=waybill(source=source, logistics_no=logistics_no, guid=guid("waybill", order_no)),
        inventory=inventory(
            source=source, trade_mode=trade_mode, logistics_no=logistics_no,
            cop_no=None, guid=guid("inventory", order_no),
        ),
    )  # fmt: skip
