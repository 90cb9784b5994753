"""CEB621 inventory list rules, one test per rule (named after it)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from rule_checks import found, inventory_line

import builders as b

H = "Inventory[1]/InventoryHead"


def _found(**head: object) -> list[tuple[str, str]]:
    return found(b.inventory_message(b.inventory(**head)))


def test_ie_flag_is_import() -> None:
    assert _found(ie_flag="E") == [("CEB621.ieFlag.invalid", f"{H}/ieFlag")]


def test_day_sane_not_a_date() -> None:
    assert _found(decl_time="20260229") == [("CEB621.declTime.not_a_date", f"{H}/declTime")]


def test_day_sane_in_future() -> None:
    # NOW's China day is 2026-03-01; one day of clock skew is allowed.
    assert _found(decl_time="20260302") == []
    assert _found(decl_time="20260303") == [("CEB621.declTime.in_future", f"{H}/declTime")]
    assert _found(ie_date="20260303") == [("CEB621.ieDate.in_future", f"{H}/ieDate")]


def test_buyer_id_number_valid() -> None:
    assert _found(buyer_id_number="99010519491231002X") == [
        ("CEB621.buyerIdNumber.invalid", f"{H}/buyerIdNumber")
    ]


def test_office_known() -> None:
    assert _found(customs_code="9999", port_code="0000") == [
        ("CEB621.customsCode.unknown", f"{H}/customsCode"),
        ("CEB621.portCode.unknown", f"{H}/portCode"),
    ]


def test_trade_mode_is_cbec_import() -> None:
    assert _found(trade_mode="0110") == [("CEB621.tradeMode.not_cbec_import", f"{H}/tradeMode")]
    assert _found(trade_mode="1111") == [("CEB621.tradeMode.unknown", f"{H}/tradeMode")]


def test_transport_mode_known() -> None:
    assert _found(traf_mode="Z") == [("CEB621.trafMode.unknown", f"{H}/trafMode")]


def test_wrap_type_known() -> None:
    assert _found(wrap_type="9") == [("CEB621.wrapType.unknown", f"{H}/wrapType")]
    assert _found(wrap_type=None) == []


def test_country_known() -> None:
    assert _found(country="000") == [("CEB621.country.unknown", f"{H}/country")]


def test_fees_not_negative() -> None:
    assert _found(freight=Decimal("-0.01")) == [("CEB621.freight.negative", f"{H}/freight")]


def test_weights_and_packages_sane() -> None:
    assert _found(net_weight=Decimal("3.3")) == [
        ("CEB621.netWeight.exceeds_gross", f"{H}/netWeight")
    ]
    assert _found(gross_weight=Decimal(0), net_weight=Decimal(0), pack_no=0) == [
        ("CEB621.grossWeight.not_positive", f"{H}/grossWeight"),
        ("CEB621.netWeight.not_positive", f"{H}/netWeight"),
        ("CEB621.packNo.not_positive", f"{H}/packNo"),
    ]


def test_bonded_list_complete() -> None:
    bonded = b.inventory(trade_mode="1210", ems_no=None, area_name="")
    bonded = inventory_line(2, bonded, item_record_no=None)
    assert found(b.inventory_message(bonded)) == [
        ("CEB621.emsNo.required_for_bonded", f"{H}/emsNo"),
        ("CEB621.areaName.required_for_bonded", f"{H}/areaName"),
        ("CEB621.itemRecordNo.required_for_bonded", "Inventory[1]/InventoryList[2]/itemRecordNo"),
    ]


def test_direct_list_complete() -> None:
    assert _found(traf_no=None, voyage_no="", bill_no=None) == [
        ("CEB621.trafNo.required_for_direct", f"{H}/trafNo"),
        ("CEB621.voyageNo.required_for_direct", f"{H}/voyageNo"),
        ("CEB621.billNo.required_for_direct", f"{H}/billNo"),
    ]


def test_direct_fields_not_required_for_bonded() -> None:
    assert found(b.inventory_message(b.inventory(trade_mode="1239"))) == []


# --- lines -------------------------------------------------------------------------------------

LINE = "Inventory[1]/InventoryList"


def test_line_count_allowed() -> None:
    assert _found(items=[]) == [("CEB621.InventoryList.empty", LINE)]


def test_line_gnums_consecutive() -> None:
    message = b.inventory_message(inventory_line(3, gnum=2))
    assert found(message) == [("CEB621.gnum.duplicate", f"{LINE}[3]/gnum")]


def test_line_total_price_is_price_times_qty() -> None:
    message = b.inventory_message(inventory_line(2, total_price=Decimal("774.02")))
    assert found(message) == [("CEB621.totalPrice.mismatch", f"{LINE}[2]/totalPrice")]


def test_line_quantity_and_price_sane() -> None:
    message = b.inventory_message(inventory_line(2, qty=Decimal(-3), total_price=Decimal(-774)))
    assert found(message) == [
        ("CEB621.qty.not_positive", f"{LINE}[2]/qty"),
        ("CEB621.totalPrice.negative", f"{LINE}[2]/totalPrice"),
    ]


def test_legal_quantities_sane_qty1() -> None:
    message = b.inventory_message(inventory_line(1, qty1=Decimal(0)))
    assert found(message) == [("CEB621.qty1.not_positive", f"{LINE}[1]/qty1")]


def test_legal_quantities_sane_unpaired() -> None:
    no_unit = b.inventory_message(inventory_line(1, qty2=Decimal(2)))
    assert found(no_unit) == [("CEB621.qty2.unpaired", f"{LINE}[1]/unit2")]
    no_qty = b.inventory_message(inventory_line(1, unit2="011"))
    assert found(no_qty) == [("CEB621.qty2.unpaired", f"{LINE}[1]/qty2")]
    both = b.inventory_message(inventory_line(1, qty2=Decimal(2), unit2="011"))
    assert found(both) == []


def test_legal_quantities_sane_qty2_positive() -> None:
    message = b.inventory_message(inventory_line(1, qty2=Decimal(0), unit2="011"))
    assert found(message) == [("CEB621.qty2.not_positive", f"{LINE}[1]/qty2")]


def test_hs_code_known() -> None:
    message = b.inventory_message(inventory_line(3, gcode="9999999999"))
    assert found(message) == [("CEB621.gcode.unknown", f"{LINE}[3]/gcode")]


def test_line_country_and_trade_country_known() -> None:
    message = b.inventory_message(inventory_line(1, country="998", trade_country="997"))
    assert found(message) == [
        ("CEB621.country.unknown", f"{LINE}[1]/country"),
        ("CEB621.tradeCountry.unknown", f"{LINE}[1]/tradeCountry"),
    ]


def test_line_units_known() -> None:
    line = inventory_line(2, unit="900", unit1="901", qty2=Decimal(1), unit2="902")
    message = b.inventory_message(line)
    assert found(message) == [
        ("CEB621.unit.unknown", f"{LINE}[2]/unit"),
        ("CEB621.unit1.unknown", f"{LINE}[2]/unit1"),
        ("CEB621.unit2.unknown", f"{LINE}[2]/unit2"),
    ]


def test_direct_list_complete_only_for_goods_carried_across_the_border() -> None:
    """9610 with trafMode W (logistics centre): no actual entry on this leg, so no conveyance,
    voyage or bill (报关单填制规范 "无实际进出境的货物，免予填报"); with a conveyance mode
    (waterway, air, road …) the three are required whatever else is declared."""
    centre = {"traf_mode": "W", "traf_no": None, "voyage_no": "", "bill_no": None}
    assert _found(**centre) == []
    for crossing in ("2", "4", "5"):
        assert [code for code, _ in _found(**{**centre, "traf_mode": crossing})] == [
            "CEB621.trafNo.required_for_direct",
            "CEB621.voyageNo.required_for_direct",
            "CEB621.billNo.required_for_direct",
        ]
    assert _found(traf_mode="Q", traf_no=None) == [("CEB621.trafMode.unknown", f"{H}/trafMode")]


def test_within_transaction_limit() -> None:
    """A list over the single-transaction limit is told so with its other faults at once (it
    used to learn only after matching and every other rule had passed)."""
    order = b.order(
        items=[msgspec.structs.replace(i, price=i.price * 50, total_price=i.total_price * 50)
               for i in b.order_items()]
    )  # fmt: skip
    over = b.inventory(source=order, traf_no=None)
    assert found(b.inventory_message(over)) == [
        ("CEB621.trafNo.required_for_direct", f"{H}/trafNo"),
        ("CEB621.quota.transaction_limit", H),
    ]
    single = b.inventory(items=[msgspec.structs.replace(b.inventory_items()[0], qty=Decimal(1),
                                price=Decimal(9000), total_price=Decimal(9000))])  # fmt: skip
    assert found(b.inventory_message(single)) == []
