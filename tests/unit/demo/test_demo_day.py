"""generate_day: a demo day out of order, with each injected fault really in the documents."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import msgspec
import pytest
from demo_checks import index, resident_id_ok, set_problems

from tradewindow.cbec.documents import OrderMessage
from tradewindow.cbec.ports import DocKind
from tradewindow.demo import (
    DEFAULT_RATES,
    DemoDay,
    FaultKind,
    InventoryOutcome,
    generate_day,
)
from tradewindow.reference.hs import subheadings

DAY = date(2026, 11, 11)
SETS = 6_000


@pytest.fixture(scope="module")
def day() -> DemoDay:
    return generate_day(DAY, sets=SETS, seed=2026)


def test_same_seed_and_day_give_the_same_bytes(day: DemoDay) -> None:
    again = generate_day(DAY, sets=SETS, seed=2026)
    assert msgspec.json.encode(day.messages) == msgspec.json.encode(again.messages)
    assert again.expectations == day.expectations
    other = generate_day(DAY, sets=SETS, seed=2027)
    assert msgspec.json.encode(other.messages) != msgspec.json.encode(day.messages)


def test_fault_shares_follow_the_rates(day: DemoDay) -> None:
    counts = day.fault_counts()
    for kind, rate in DEFAULT_RATES.items():
        assert counts[kind] == pytest.approx(rate * SETS, abs=7), kind
    share = sum(counts.values()) / SETS
    assert 0.03 <= share <= 0.05
    assert generate_day(DAY, sets=500, seed=1, faults=False).expectations == []


def test_every_unnamed_set_is_valid_and_complete(day: DemoDay) -> None:
    stream = index(day)
    assert len(stream.inventories) == SETS
    spoiled = {key for e in day.expectations for key in e.order_keys}
    checked = 0
    for key, inventory in stream.inventories.items():
        if key in spoiled:
            continue
        waybill_key = f"{inventory.head.logistics_code}|{inventory.head.logistics_no}"
        problems = set_problems(
            stream.orders[key], stream.payments.get(key), stream.waybills.get(waybill_key),
            inventory,
        )  # fmt: skip
        assert problems == [], key
        checked += 1
    assert checked > 0.95 * SETS


def test_documents_arrive_out_of_order(day: DemoDay) -> None:
    stream = index(day)
    early = sum(
        stream.first_seen["inventory", key] < stream.first_seen["order", key]
        for key in stream.inventories
    )
    assert 0.03 * SETS < early < 0.2 * SETS
    # Orders are declared that day (China time), but for the few that a late platform
    # declares after midnight.
    late = [o for o in stream.orders.values() if not o.head.app_time.startswith("20261111")]
    assert len(late) < 0.03 * SETS
    assert all(o.head.app_time.startswith("20261112") for o in late)


def test_messages_are_batched_per_sender(day: DemoDay) -> None:
    stream = index(day)
    assert all(cop == sender for cop, sender in stream.senders)
    assert all(1 <= len(m.documents) <= 100 for m in day)


def _by_fault(day: DemoDay) -> dict[FaultKind, list[tuple[str, ...]]]:
    found: dict[FaultKind, list[tuple[str, ...]]] = defaultdict(list)
    for expectation in day.expectations:
        found[expectation.fault].append(expectation.order_keys)
    return found


def test_each_fault_is_in_the_documents(day: DemoDay) -> None:
    stream = index(day)
    faults = _by_fault(day)
    hs = subheadings()

    def problems(key: str) -> list[str]:
        inventory = stream.inventories[key]
        waybill = stream.waybills.get(
            f"{inventory.head.logistics_code}|{inventory.head.logistics_no}"
        )
        return set_problems(stream.orders[key], stream.payments.get(key), waybill, inventory)

    for (key,) in faults[FaultKind.LINE_TOTAL]:
        assert problems(key) == ["line 1 total"]
    for (key,) in faults[FaultKind.GOODS_VALUE]:
        assert problems(key) == ["goodsValue"]
    for (key,) in faults[FaultKind.PAYMENT_AMOUNT]:
        assert problems(key) == ["amountPaid"]
    for (key,) in faults[FaultKind.PAYER_NOT_BUYER]:
        assert problems(key) == ["payer"]
        assert resident_id_ok(stream.payments[key].head.payer_id_number)
    for (key,) in faults[FaultKind.INVALID_RESIDENT_ID]:
        assert "buyer id" in problems(key)
    for (key,) in faults[FaultKind.MISSING_WAYBILL]:
        assert problems(key) == ["no waybill"]
    for (key,) in faults[FaultKind.UNKNOWN_HS_CODE]:
        assert problems(key) == []
        assert stream.inventories[key].items[0].gcode[:6] not in hs
    for (key,) in faults[FaultKind.OVER_TRANSACTION_LIMIT]:
        order = stream.orders[key]
        assert problems(key) == []
        assert len(order.items) >= 2
        assert order.head.goods_value > Decimal(5_000)
    for (key,) in faults[FaultKind.SINGLE_EXPENSIVE_ITEM]:
        (line,) = stream.orders[key].items
        assert problems(key) == []
        assert line.qty == 1
        assert line.price > Decimal(5_000)
    for keys in faults[FaultKind.ANNUAL_LIMIT]:
        orders = [stream.orders[key] for key in keys]
        assert {o.head.buyer_id_number for o in orders} == {orders[0].head.buyer_id_number}
        paid = sorted(o.head.actural_paid for o in orders)
        assert all(problems(key) == [] for key in keys)
        assert paid[-1] < Decimal(5_000)  # each within the single-transaction limit
        assert sum(paid[-5:]) < Decimal(26_000)  # any five clear
        assert sum(o.head.goods_value for o in orders) > Decimal(26_000)  # all seven cannot


def test_repeated_messages(day: DemoDay) -> None:
    by_guid: dict[str, list[bytes]] = defaultdict(list)
    for message in day:
        by_guid[message.guid].append(msgspec.json.encode(message))
    for expectation in day.expectations:
        if expectation.fault not in (FaultKind.RESUBMITTED, FaultKind.GUID_REUSED):
            continue
        assert expectation.message_guid is not None
        first, second = by_guid[expectation.message_guid]
        same = expectation.fault is FaultKind.RESUBMITTED
        assert (first == second) is same
        message = msgspec.json.decode(first, type=OrderMessage)
        assert [f"{o.head.ebp_code}|{o.head.order_no}" for o in message.orders] == list(
            expectation.order_keys
        )
    repeated = [guid for guid, copies in by_guid.items() if len(copies) > 1]
    faults = _by_fault(day)
    assert len(repeated) == len(faults[FaultKind.RESUBMITTED]) + len(faults[FaultKind.GUID_REUSED])


def test_expectations_say_what_clearance_should_do(day: DemoDay) -> None:
    for expectation in day.expectations:
        assert expectation.en
        assert expectation.zh
        if expectation.fault is FaultKind.SINGLE_EXPENSIVE_ITEM:
            assert expectation.inventory is InventoryOutcome.RELEASED_FULL_TAX
        if expectation.fault is FaultKind.MISSING_WAYBILL:
            assert expectation.inventory is InventoryOutcome.TIMED_OUT
        if expectation.fault is FaultKind.LINE_TOTAL:
            assert expectation.refused == (DocKind.ORDER, DocKind.INVENTORY)
        if expectation.fault is FaultKind.ANNUAL_LIMIT:
            assert expectation.released == (5, 6)
            assert len(expectation.order_keys) == 7


def test_too_many_faults_for_the_day_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        generate_day(DAY, sets=10, seed=1, rates={FaultKind.ANNUAL_LIMIT: 5.0})
