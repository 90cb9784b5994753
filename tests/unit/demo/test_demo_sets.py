"""generate_sets: the benchmark's endless, valid, reproducible stream of import sets."""

from __future__ import annotations

import itertools
import random
import tracemalloc
from datetime import datetime
from decimal import Decimal

import msgspec
import pytest
from demo_checks import GUID, index, set_problems

from tradewindow.cbec.documents import CHINA_TZ, Message, message_type
from tradewindow.demo import DEFAULT_RATES, Expectation, FaultKind, generate_sets
from tradewindow.demo.people import BuyerPool, Population

START = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)


def _sets(count: int, seed: int = 11, **options: object) -> list[Message]:
    return list(generate_sets(count, seed=seed, start=START, **options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def valid() -> list[Message]:
    return _sets(3_000)


def test_same_seed_gives_the_same_bytes() -> None:
    first = msgspec.json.encode(_sets(500, seed=3))
    assert first == msgspec.json.encode(_sets(500, seed=3))
    assert first != msgspec.json.encode(_sets(500, seed=4))


def test_every_set_is_complete_valid_and_matching(valid: list[Message]) -> None:
    stream = index(valid)
    assert len(stream.orders) == len(stream.inventories) == len(stream.payments) == 3_000
    assert len(stream.waybills) == 3_000
    for key, inventory in stream.inventories.items():
        waybill_key = f"{inventory.head.logistics_code}|{inventory.head.logistics_no}"
        problems = set_problems(
            stream.orders[key], stream.payments.get(key), stream.waybills.get(waybill_key),
            inventory,
        )  # fmt: skip
        assert problems == [], key


def test_messages_hold_one_type_from_their_sender(valid: list[Message]) -> None:
    assert all(1 <= len(m.documents) <= 100 for m in valid)
    assert all(GUID.match(m.guid) for m in valid)
    assert len({m.guid for m in valid}) == len(valid)
    stream = index(valid)
    assert all(cop == sender for cop, sender in stream.senders)
    # Enterprises batch: most documents travel in full messages.
    assert sum(len(m.documents) for m in valid) / len(valid) > 30
    assert {message_type(m) for m in valid} == {"CEB311", "CEB411", "CEB511", "CEB621"}


def test_per_message_caps_the_batch() -> None:
    messages = _sets(200, per_message=7)
    assert max(len(m.documents) for m in messages) == 7
    with pytest.raises(ValueError, match="per_message"):
        _sets(1, per_message=101)


def test_companions_are_never_far_from_their_list(valid: list[Message]) -> None:
    stream = index(valid)
    gaps = [
        abs(stream.first_seen["inventory", key] - stream.first_seen["order", key])
        for key in stream.inventories
    ]
    # Buffers are swept every 2,000 sets (≈ 80 messages): a companion is at most that far.
    assert max(gaps) < 200


def test_streams_lazily_from_a_billion_sets() -> None:
    stream = generate_sets(10**9, seed=1, start=START)
    # The first messages build the buyer pool and fill the buffers and caches.
    assert len(list(itertools.islice(stream, 200))) == 200
    tracemalloc.start()
    try:
        for _ in itertools.islice(stream, 200):
            pass
        _, peak_short = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in itertools.islice(stream, 600):
            pass
        _, peak_long = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Three times the messages (≈ 15,000 sets, 60,000 documents, tens of MB if kept) in
    # about the same memory: only the senders' partly filled buffers are held.
    assert peak_long < 2 * peak_short
    assert peak_long < 8_000_000


def test_numbers_are_unique_and_orders_carry_their_companions_references(
    valid: list[Message],
) -> None:
    stream = index(valid)
    logistics = [w.head.logistics_no for w in stream.waybills.values()]
    transactions = [p.head.pay_transaction_id for p in stream.payments.values()]
    assert len(set(logistics)) == len(logistics)
    assert len(set(transactions)) == len(transactions)
    cop_nos = [i.head.cop_no for i in stream.inventories.values()]
    assert len(set(cop_nos)) == len(cop_nos)
    assert all(c is not None and len(c) <= 20 for c in cop_nos)  # XSD: copNo ≤ 20


def test_no_valid_buyer_gets_near_the_annual_limit(valid: list[Message]) -> None:
    totals: dict[str, Decimal] = {}
    for order in index(valid).orders.values():
        buyer = order.head.buyer_id_number
        totals[buyer] = totals.get(buyer, Decimal(0)) + order.head.actural_paid
    assert max(totals.values()) < Decimal(26_000)
    assert max(o.head.actural_paid for o in index(valid).orders.values()) < Decimal(5_000)


def test_pool_retires_a_buyer_before_the_headroom_is_spent() -> None:

    pool = BuyerPool(Population(random.Random(5)), size=1)
    first = pool.draw(15_000, 2026)
    assert pool.draw(4_000, 2026) is first  # 19,000 so far
    assert pool.draw(4_000, 2026) is not first  # would be 23,000: a new buyer takes the slot
    assert pool.draw(4_000, 2027) is not first


def test_faults_are_reported_at_about_their_rates() -> None:
    seen: list[Expectation] = []
    messages = _sets(20_000, seed=2, faults=True, on_fault=seen.append)
    spoiled = sum(len(e.order_keys) for e in seen)
    assert 0.03 * 20_000 < spoiled < 0.05 * 20_000
    assert {e.fault for e in seen} == set(FaultKind)
    stream = index(messages)
    assert len(stream.inventories) == 20_000
    missing = [e for e in seen if e.fault is FaultKind.MISSING_WAYBILL]
    for expectation in missing:
        inventory = stream.inventories[expectation.order_keys[0]]
        key = f"{inventory.head.logistics_code}|{inventory.head.logistics_no}"
        assert key not in stream.waybills
    assert sum(DEFAULT_RATES.values()) == pytest.approx(0.04)
