"""A new list's first values: the firm's own codes by its role, the trade lane of its last
list (goods too when copied), today's dates in China, a customs office by its city."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

import builders
from tradewindow.cbec.prefill import LANE, Firm, from_order, home_office, inventory_prefill

NOW = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)  # 5 December, 01:30 in China


def test_the_firms_codes_fill_the_elements_of_its_roles_and_dates_are_chinas_today() -> None:
    broker = Firm(customs_code="4403980099", name="深圳报关有限公司",
                  roles=("broker", "guarantor"), city="shenzhen")  # fmt: skip
    values = inventory_prefill(broker, None, NOW)
    assert values["head.agentCode"] == "4403980099"
    assert values["head.agentName"] == "深圳报关有限公司"
    assert values["head.assureCode"] == "4403980099"
    assert "head.ebcCode" not in values
    assert values["head.declTime"] == values["head.ieDate"] == "20261205"
    assert values["head.copNo"].startswith("4403980099")
    assert len(values["head.copNo"]) <= 20
    assert values["head.customsCode"] == values["head.portCode"] == home_office("shenzhen")


def test_the_last_list_gives_its_lane_and_a_copy_its_goods_never_the_parcel() -> None:
    previous = msgspec.to_builtins(builders.import_set().inventory)
    firm = Firm(customs_code=builders.EBC_CODE, name="商家", roles=("ecommerce_enterprise",),
                city=None)  # fmt: skip
    lane = inventory_prefill(firm, previous, NOW)
    head = previous["InventoryHead"]
    for name in ("ebpCode", "logisticsCode", "customsCode", "tradeMode", "currency"):
        assert lane[f"head.{name}"] == str(head[name])
    for parcel in ("orderNo", "logisticsNo", "buyerName", "buyerIdNumber", "consigneeAddress"):
        assert f"head.{parcel}" not in lane
    assert not any(name.startswith("line.") for name in lane)
    assert lane["head.ebcName"] == "商家"  # its own name, not the copied one
    copied = inventory_prefill(firm, previous, NOW, lines=True)
    assert copied["line.1.gname"] == previous["InventoryList"][0]["gname"]
    assert set(LANE).isdisjoint({"orderNo", "logisticsNo", "buyerName", "copNo", "invtNo"})


def test_no_office_outside_the_bay_area() -> None:
    assert home_office(None) is None
    assert home_office("nowhere") is None


def test_an_order_gives_the_parcel_the_buyer_and_the_goods_not_what_it_cannot_know() -> None:
    parcel = builders.import_set(order_no="SO-PREFILL-1")
    order = msgspec.to_builtins(parcel.order)
    values = from_order(order)
    head = parcel.order.head
    assert values["head.orderNo"] == "SO-PREFILL-1"
    assert values["head.ebcCode"] == head.ebc_code
    assert values["head.buyerIdNumber"] == head.buyer_id_number
    assert values["head.consigneeAddress"] == head.consignee_address
    for n, item in enumerate(parcel.order.items, start=1):
        assert values[f"line.{n}.itemName"] == values[f"line.{n}.gname"] == item.item_name
        assert values[f"line.{n}.qty"] == str(item.qty)
        assert values[f"line.{n}.totalPrice"] == str(item.total_price)
        assert f"line.{n}.gcode" not in values  # an order carries no HS code
    assert "head.logisticsNo" not in values  # nor the waybill
    assert "head.grossWeight" not in values
    assert from_order({}) == {}
