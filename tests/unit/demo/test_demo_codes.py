"""Every code the generator writes is one the reference tables (and the tariff) accept."""

from __future__ import annotations

from datetime import date

import pytest

from tradewindow.cbec.documents import InventoryMessage, OrderMessage
from tradewindow.demo import DemoDay, FaultKind, generate_day
from tradewindow.demo.catalogue import EXPENSIVE, GOODS, ean13
from tradewindow.demo.faults import UNKNOWN_GCODES
from tradewindow.demo.parties import PAYMENT_FIRMS, PLATFORMS, ROUTES
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates

DAY = date(2026, 6, 18)


@pytest.fixture(scope="module")
def day() -> DemoDay:
    return generate_day(DAY, sets=3_000, seed=5)


def test_every_emitted_code_is_in_the_reference_tables(day: DemoDay) -> None:
    tables = ReferenceCodeTables()
    unknown_on_purpose = {
        key for e in day.expectations if e.fault is FaultKind.UNKNOWN_HS_CODE
        for key in e.order_keys
    }  # fmt: skip
    seen: dict[str, set[str]] = {
        "country": set(), "currency": set(), "unit": set(), "office": set(),
        "trade": set(), "transport": set(), "wrap": set(), "hs": set(),
    }  # fmt: skip
    for message in day:
        if isinstance(message, OrderMessage):
            for order in message.orders:
                seen["currency"].add(order.head.currency)
                for item in order.items:
                    seen["unit"].add(item.unit)
                    seen["country"].add(item.country)
                    seen["currency"].add(item.currency)
        if isinstance(message, InventoryMessage):
            for inventory in message.inventories:
                head = inventory.head
                seen["office"] |= {head.customs_code, head.port_code}
                seen["trade"].add(head.trade_mode)
                seen["transport"].add(head.traf_mode)
                seen["wrap"].add(head.wrap_type or "")
                seen["country"].add(head.country)
                seen["currency"].add(head.currency)
                spoiled = f"{head.ebp_code}|{head.order_no}" in unknown_on_purpose
                for n, item in enumerate(inventory.items):
                    seen["unit"] |= {item.unit, item.unit1, item.unit2 or item.unit1}
                    seen["country"] |= {item.country, item.trade_country or item.country}
                    if not (spoiled and n == 0):
                        seen["hs"].add(item.gcode)
    checks = {
        "country": tables.is_customs_country, "currency": tables.is_customs_currency,
        "unit": tables.is_customs_unit, "office": tables.is_customs_office,
        "trade": tables.is_trade_mode, "transport": tables.is_transport_mode,
        "wrap": tables.is_wrap_type, "hs": tables.is_hs_code,
    }  # fmt: skip
    for kind, codes in seen.items():
        assert codes, kind
        assert [c for c in codes if not checks[kind](c)] == [], kind
    assert {"1210", "9610"} <= seen["trade"]
    assert {"2", "4", "5"} <= seen["transport"]


def test_the_unknown_codes_are_unknown_and_the_catalogue_known() -> None:
    tables = ReferenceCodeTables()
    assert not any(tables.is_hs_code(code) for code in UNKNOWN_GCODES)
    assert all(tables.is_hs_code(good.gcode) for good in GOODS + EXPENSIVE)
    assert all(tables.is_customs_office(r.customs_code) for r in ROUTES)


def test_the_tariff_rates_every_good_and_knows_the_expensive_ones_mfn() -> None:
    rates = TariffRates()
    assert all(rates.rates_for(good.gcode, DAY) is not None for good in GOODS), [
        g.gcode for g in GOODS if rates.rates_for(g.gcode, DAY) is None
    ]
    for good in EXPENSIVE:
        line = rates.rates_for(good.gcode, DAY)
        assert line is not None, good.gcode
        assert line.mfn_rate is not None, good.gcode


def test_enterprise_codes_are_made_up_and_unique() -> None:
    parties = [p.party for p in PLATFORMS] + [s for p in PLATFORMS for s in p.stores]
    parties += list(PAYMENT_FIRMS)
    parties += [c for r in ROUTES for c in (*r.carriers, *r.agents)]
    codes = {p.code: p.name for p in parties}
    assert all(len(code) == 10 and code[4:6] == "DM" for code in codes)
    assert len(set(codes.values())) == len(codes)  # one code per enterprise


def test_bar_codes_carry_ean13_check_digits() -> None:
    assert ean13("400638133393") == "4006381333931"  # the textbook example
    assert all(ean13(good.bar_code[:12]) == good.bar_code for good in GOODS)
