"""The export core without I/O: list rules (every violation at once, coded), 9710's limit,
9810's warehouse, the flow in any order, and the summary's merge rules and deadline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import export_set as s
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.export import flow, rules, summary
from tradewindow.export.documents import Inventory, InventoryItem
from tradewindow.export.warehouses import Tenure, Warehouse, check_registration
from tradewindow.reference import ReferenceCodeTables

CODES = ReferenceCodeTables()
USD = "502"
WAREHOUSE = Warehouse(
    enterprise_code=s.EBC_CODE, warehouse_code="OW-US-LAX-01", name="洛杉矶湾区海外仓",
    country=USD, address="1200 E Carson St, Carson, CA 90745", area_m2=Decimal("5200"),
    tenure=Tenure.LEASED, evidence="LEASE-2025-0117", valid_from=date(2025, 7, 1),
    valid_until=date(2027, 6, 30),
)  # fmt: skip


def context(
    controls: dict[str, rules.GoodsControl] | None = None,
    rates: dict[str, Decimal] | None = None,
) -> rules.ExportContext:
    return rules.ExportContext(
        codes=CODES,
        controls=lambda gcode, _day: (controls or {}).get(gcode, rules.GoodsControl()),
        cny_rate=lambda currency, _day: (rates or {}).get(currency),
        warehouse_valid=lambda ebc, code, day: (
            ebc == WAREHOUSE.enterprise_code
            and code == WAREHOUSE.warehouse_code
            and WAREHOUSE.valid_on(day)
        ),
    )


def codes(found: list[object]) -> set[str]:
    return {v.code for v in found}  # type: ignore[attr-defined]


def test_the_sample_list_breaks_no_rule() -> None:
    assert rules.check_inventory(s.inventory(), "Inventory[1]", context()) == []


def test_every_violation_of_a_list_is_reported_at_once() -> None:
    inventory = s.inventory(ie_flag="I", trade_mode="0110", statistics_flag="C", country="142",
                            net_weight=Decimal("2"), ie_date="20260231")  # fmt: skip
    line = msgspec.structs.replace(inventory.items[1], gnum=3, total_price=Decimal("170"))
    found = rules.check_inventory(
        Inventory(head=inventory.head, items=[inventory.items[0], line]), "Inventory[1]", context()
    )
    assert {(v.path, v.code) for v in found} == {
        ("Inventory[1]/InventoryHead/ieFlag", "CEB603.ieFlag.not_export"),
        ("Inventory[1]/InventoryHead/tradeMode", "CEB603.tradeMode.not_cbec_export"),
        ("Inventory[1]/InventoryHead/statisticsFlag", "CEB603.statisticsFlag.not_allowed"),
        ("Inventory[1]/InventoryHead/ieDate", "CEB603.ieDate.not_a_day"),
        ("Inventory[1]/InventoryHead/country", "CEB603.country.is_china"),
        ("Inventory[1]/InventoryHead/netWeight", "CEB603.netWeight.over_gross"),
        ("Inventory[1]/InventoryList[2]/gnum", "CEB603.gnum.not_consecutive"),
        ("Inventory[1]/InventoryList[2]/totalPrice", "CEB603.totalPrice.mismatch"),
    }
    assert all(v.en and v.zh for v in found)


def test_unknown_codes_are_named() -> None:
    inventory = s.inventory(customs_code="9999", f_currency="999")
    item = msgspec.structs.replace(inventory.items[0], gcode="0000000000", unit1="999")
    found = rules.check_inventory(
        Inventory(head=inventory.head, items=[item, inventory.items[1]]), "Inventory[1]", context()
    )
    assert {v.path for v in found} == {
        "Inventory[1]/InventoryHead/customsCode",
        "Inventory[1]/InventoryHead/fCurrency",
        "Inventory[1]/InventoryList[1]/gcode",
        "Inventory[1]/InventoryList[1]/unit1",
    }
    assert codes(found) == {"CEB603.customsCode.unknown", "CEB603.fCurrency.unknown",
                            "CEB603.gcode.unknown", "CEB603.unit1.unknown"}  # fmt: skip


# --- 9710 B2B direct export -------------------------------------------------------------------


def b2b(total: Decimal, currency: str = "142", **head: object) -> Inventory:
    inventory = s.inventory(trade_mode="9710", **head)
    item = msgspec.structs.replace(
        inventory.items[0], qty=Decimal(1), price=total, total_price=total, currency=currency
    )
    return Inventory(head=inventory.head, items=[item])


@pytest.mark.parametrize(
    ("total", "currency", "refused"),
    [
        (Decimal("5000.00"), "142", False),  # at most 5,000: allowed
        (Decimal("5000.01"), "142", True),
        (Decimal("700"), USD, False),  # 700 USD × 7.1 = 4,970 CNY
        (Decimal("705"), USD, True),  # 5,005.50 CNY
    ],
)
def test_9710_lists_stop_at_5000_cny(total: Decimal, currency: str, refused: bool) -> None:
    found = rules.check_inventory(
        b2b(total, currency), "Inventory[1]", context(rates={USD: Decimal("7.1")})
    )
    assert codes(found) == ({"CEB603.tradeMode.b2b_declaration_required"} if refused else set())


def test_9710_goods_needing_a_licence_inspection_or_tax_need_a_declaration() -> None:
    controls = {"8518300000": rules.GoodsControl(inspection=True, duty=True)}
    (found,) = rules.check_inventory(b2b(Decimal(100)), "Inventory[1]", context(controls))
    assert found.code == "CEB603.tradeMode.b2b_declaration_required"
    assert "inspection, tax" in found.en
    assert "涉检、涉税" in found.zh
    (licensed,) = rules.check_inventory(
        b2b(Decimal(100), license_no="L2026000001"), "Inventory[1]", context()
    )
    assert "licence" in licensed.en


def test_9710_without_a_rate_cannot_be_judged() -> None:
    (found,) = rules.check_inventory(b2b(Decimal(10), USD), "Inventory[1]", context())
    assert found.code == "CEB603.tradeMode.b2b_rate_unknown"


def test_a_9610_list_over_5000_is_not_a_b2b_matter() -> None:
    inventory = b2b(Decimal(9000))
    retail = Inventory(head=s.inventory().head, items=inventory.items)
    assert rules.check_inventory(retail, "Inventory[1]", context()) == []


# --- 9810 overseas warehouses -----------------------------------------------------------------


def test_9810_needs_a_registered_valid_warehouse() -> None:
    ok = s.inventory(trade_mode="9810", ebp_code="OW-US-LAX-01")
    assert rules.check_inventory(ok, "Inventory[1]", context()) == []
    for bad in (
        s.inventory(trade_mode="9810", ebp_code="OW-US-NYC-09"),  # not registered
        s.inventory(trade_mode="9810", ebp_code="OW-US-LAX-01", ie_date="20270701"),  # expired
        s.inventory(trade_mode="9810", ebp_code="OW-US-LAX-01", ebc_code="4403960999"),  # other's
    ):
        found = rules.check_inventory(bad, "Inventory[1]", context())
        assert codes(found) == {"CEB603.ebpCode.warehouse_unregistered"}


def test_a_warehouse_registration_reports_every_fault() -> None:
    assert check_registration(WAREHOUSE, CODES) == []
    bad = msgspec.structs.replace(
        WAREHOUSE, warehouse_code="", country="142", evidence=" ", area_m2=Decimal(0),
        valid_until=date(2025, 1, 1), name="",
    )  # fmt: skip
    assert codes(check_registration(bad, CODES)) == {
        "warehouse.warehouseCode.length", "warehouse.name.length", "warehouse.evidence.missing",
        "warehouse.country.not_abroad", "warehouse.areaM2.not_positive",
        "warehouse.validUntil.before_start",
    }  # fmt: skip


# --- the flow ---------------------------------------------------------------------------------


def test_the_documents_a_list_waits_for_depend_on_its_mode() -> None:
    assert flow.missing_documents("9610", [flow.DocKind.WAYBILL]) == {
        flow.DocKind.ORDER,
        flow.DocKind.RECEIPT,
    }
    assert flow.missing_documents("9710", [flow.DocKind.ORDER, flow.DocKind.WAYBILL]) == set()
    assert flow.missing_documents("9810", []) == {flow.DocKind.ORDER, flow.DocKind.WAYBILL}


def test_the_sample_documents_match_the_list() -> None:
    found = flow.match_documents(
        s.inventory(), "Inventory[1]", order=s.order(), receipt=s.receipt(), waybill=s.waybill()
    )
    assert found == []


def test_documents_that_disagree_with_the_list_are_all_named() -> None:
    found = flow.match_documents(
        s.inventory(trade_mode="9710"), "Inventory[1]",
        order=s.order(ebc_code="4403960999", goods_value=Decimal("401")),
        receipt=s.receipt(ebc_code="4403960999"), waybill=s.waybill(ebc_code="4403960998"),
    )  # fmt: skip
    assert codes(found) == {
        "CEB603.ebcCode.order_mismatch", "CEB603.tradeMode.order_type_mismatch",
        "CEB603.totalPrice.order_mismatch", "CEB603.ebcCode.receipt_mismatch",
        "CEB603.logisticsNo.waybill_mismatch",
    }  # fmt: skip


FACTS = st.builds(
    flow.ListFacts,
    accepted=st.booleans(),
    arrived=st.booleans(),
    departed=st.booleans(),
    cancelled=st.booleans(),
    agencies_pending=st.frozensets(st.sampled_from(["inspection", "customs"])),
    agencies_refused=st.frozensets(st.sampled_from(["inspection"])),
)


def test_a_list_is_released_only_when_accepted_arrived_and_cleared() -> None:
    facts = flow.ListFacts(agencies_pending=frozenset({"inspection"}))
    assert flow.status_of(facts) is flow.Status.WAITING
    arrived_first = msgspec.structs.replace(facts, arrived=True)  # arrival before acceptance
    assert flow.status_of(arrived_first) is flow.Status.WAITING
    accepted = msgspec.structs.replace(arrived_first, accepted=True)
    assert flow.status_of(accepted) is flow.Status.ARRIVED
    released = msgspec.structs.replace(accepted, agencies_pending=frozenset())
    assert flow.status_of(released) is flow.Status.RELEASED
    assert flow.departure_violation(released, s.LOGISTICS_NO, "Departure[1]") is None
    departed = msgspec.structs.replace(released, departed=True)
    assert flow.status_of(departed) is flow.Status.DEPARTED
    held = msgspec.structs.replace(released, agencies_refused=frozenset({"inspection"}))
    assert flow.status_of(held) is flow.Status.HELD


@given(FACTS)
def test_departure_needs_release_and_cancel_stops_at_departure(facts: flow.ListFacts) -> None:
    status = flow.status_of(facts)
    left = flow.departure_violation(facts, s.LOGISTICS_NO, "Departure[1]/DepartureList[1]")
    assert (left is None) == (status is flow.Status.RELEASED)
    cancel = flow.cancel_violation(facts, s.INVT_NO, "InvtCancel[1]")
    assert (cancel is None) == (status not in (flow.Status.DEPARTED, flow.Status.CANCELLED))
    if cancel is not None:
        assert cancel.code in {"CEB605.invtNo.departed", "CEB605.invtNo.already_cancelled"}


def test_a_bill_leaves_when_every_list_on_it_is_released() -> None:
    released = flow.ListFacts(accepted=True, arrived=True)
    waiting = flow.ListFacts(accepted=True)
    assert flow.gate_out_violations({"A": released, "B": released}, s.BILL_NO) == []
    (found,) = flow.gate_out_violations({"A": released, "B": waiting}, s.BILL_NO)
    assert (found.code, found.path) == ("CEB607.invtNo.not_released", f"WayBill[{s.BILL_NO}]/B")


# --- the summary ------------------------------------------------------------------------------

POLICY = summary.policy_on(date(2026, 3, 31))
WEEKENDS = summary.WorkingDays()


def released(invt_no: str, *items: InventoryItem, departed: date = date(2026, 3, 11),
             **head: object) -> summary.Released:  # fmt: skip
    base = s.inventory(**head)
    return summary.Released(
        invt_no=invt_no,
        inventory=Inventory(head=base.head, items=list(items) or base.items),
        departed_on=departed,
    )


def test_lists_merge_by_the_head_rule_and_lines_by_the_line_rule() -> None:
    first, second = released("L1"), released("L2")
    by_sea = released("L3", traf_mode="2")
    simplified = released("L4", statistics_flag="A")
    found = summary.summarise([second, by_sea, first, simplified], POLICY)
    assert [(x.invt_nos, x.key.traf_mode) for x in found] == [(("L3",), "2"), (("L1", "L2"), "5")]
    joint = found[1]
    assert [(line.key.gcode, line.qty1, line.total_price) for line in joint.lines] == [
        ("6110200090", Decimal("0.8"), Decimal("320.00")),
        ("8518300000", Decimal("0.6"), Decimal("480.00")),
    ]
    assert joint.lines[1].sources == (("L1", 1), ("L2", 1))
    assert (joint.gross_weight, joint.net_weight) == (Decimal("1.8"), Decimal("1.4"))


LINE = st.builds(
    InventoryItem,
    gnum=st.just(1), item_no=st.just("X"), gcode=st.sampled_from(["8518300000", "6110200090"]),
    gname=st.just("商品"), gmodel=st.just("型号"), bar_code=st.just("无"),
    country=st.sampled_from(["502", "303"]), currency=st.sampled_from(["142", "502"]),
    qty=st.decimals(min_value=1, max_value=1000, places=0),
    qty1=st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
    unit=st.just("007"), unit1=st.just("035"),
    price=st.decimals(min_value=Decimal("0.01"), max_value=10000, places=2),
    total_price=st.decimals(min_value=Decimal("0.01"), max_value=100000, places=2),
)  # fmt: skip
LISTS = st.lists(
    st.tuples(
        st.lists(LINE, min_size=1, max_size=5),
        st.sampled_from(["4403960102", "4403960103"]),
        st.sampled_from(["5", "2"]),
        st.sampled_from(["A", "B"]),
    ),
    max_size=12,
)


@given(LISTS)
def test_merging_never_loses_or_double_counts_a_line(drawn: list[tuple]) -> None:  # type: ignore[type-arg]
    lists = [
        released(f"L{n:03d}", *lines, ebc_code=ebc, traf_mode=mode, statistics_flag=flag)
        for n, (lines, ebc, mode, flag) in enumerate(drawn)
    ]
    found = summary.summarise(lists, POLICY)
    summarised = [x for x in lists if x.inventory.head.statistics_flag == "B"]
    assert sorted(n for x in found for n in x.invt_nos) == sorted(x.invt_no for x in summarised)
    for currency in ("142", "502"):
        for gcode in ("8518300000", "6110200090"):
            source = [i for x in summarised for i in x.inventory.items
                      if (i.currency, i.gcode) == (currency, gcode)]  # fmt: skip
            merged = [line for x in found for line in x.lines
                      if (line.key.currency, line.key.gcode) == (currency, gcode)]  # fmt: skip
            assert sum((i.total_price for i in source), Decimal(0)) == sum(
                (line.total_price for line in merged), Decimal(0)
            )
            assert sum((i.qty1 for i in source), Decimal(0)) == sum(
                (line.qty1 for line in merged), Decimal(0)
            )
            assert sum(len(line.sources) for line in merged) == len(source)
    for x in found:  # one summary per head key, and its lines' keys are distinct
        assert len({(line.key, line.unit1) for line in x.lines}) == len(x.lines)
    assert len({x.key for x in found}) == len(found)


@pytest.mark.parametrize(
    ("departed", "due"),
    [
        (date(2026, 3, 11), date(2026, 4, 15)),  # a Wednesday
        (date(2026, 2, 27), date(2026, 3, 16)),  # 15 March 2026 is a Sunday: Monday 16th
        (date(2026, 7, 1), date(2026, 8, 17)),  # 15 August 2026 is a Saturday
        (date(2026, 12, 3), date(2026, 12, 31)),  # December: its last working day, a Thursday
        (date(2027, 12, 3), date(2027, 12, 31)),  # a Friday
        (date(2022, 12, 30), date(2022, 12, 30)),  # 31 December 2022 is a Saturday
    ],
)
def test_the_deadline(departed: date, due: date) -> None:
    assert summary.deadline(departed, POLICY, WEEKENDS) == due


def test_a_public_holiday_moves_the_deadline_on() -> None:
    # 15 April 2026 taken as a holiday for the test: the next working day is the 16th
    calendar = summary.WorkingDays(holidays=frozenset({date(2026, 4, 15)}))
    assert summary.deadline(date(2026, 3, 11), POLICY, calendar) == date(2026, 4, 16)


def test_overdue_lists_are_reported_with_their_deadline() -> None:
    lists = [
        released("L1"),
        released("L2", departed=date(2026, 4, 2)),
        released("L3", statistics_flag="A"),
    ]
    assert summary.overdue(lists, date(2026, 4, 16), POLICY, WEEKENDS) == [
        ("L1", date(2026, 4, 15))
    ]
    assert summary.overdue(lists, date(2026, 4, 15), POLICY, WEEKENDS) == []


def test_no_policy_before_the_first_one() -> None:
    with pytest.raises(LookupError):
        summary.policy_on(date(2018, 12, 31))
    assert POLICY.source == "海关总署公告2018年第194号"
