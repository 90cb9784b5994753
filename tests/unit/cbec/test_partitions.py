"""Which partition a document belongs to, and a message split into its partitions' parts."""

from __future__ import annotations

from collections import Counter

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

import builders as b
from tradewindow.cbec.documents import InventoryMessage, OrderMessage, WaybillStatusMessage
from tradewindow.cbec.partitions import is_partitioned, part_check, partition_of, split
from tradewindow.cbec.rules import MessageCheck
from tradewindow.violations import Violation


def orders(numbers: list[str]) -> OrderMessage:
    return b.order_message(*(b.order(order_no=n) for n in numbers))


def test_the_partition_of_an_order_is_the_same_in_every_process() -> None:
    # crc32 of the orderNo, not Python's hash (salted per process): these values never change
    assert [partition_of(n, 8) for n in ("SO202603010001", "A-1", "")] == [4, 0, 0]
    assert partition_of("SO202603010001", 1) == 0


def test_orders_spread_evenly_over_the_partitions() -> None:
    counts = Counter(partition_of(f"SO2026{n:08d}", 8) for n in range(8000))
    assert set(counts) == set(range(8))
    assert max(counts.values()) < 1.1 * 1000
    assert min(counts.values()) > 0.9 * 1000


@pytest.mark.parametrize("partitions", [0, 1025])
def test_a_partition_count_out_of_range_is_refused(partitions: int) -> None:
    with pytest.raises(ValueError, match="partitions"):
        partition_of("A-1", partitions)


@given(
    st.lists(st.text(alphabet="AB0123456789-", min_size=1, max_size=12), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=16),
)
def test_a_split_keeps_every_document_once_in_its_partition_in_order(
    numbers: list[str], partitions: int
) -> None:
    message = orders(numbers)
    parts = split(message, partitions)
    assert [p.partition for p in parts] == sorted({p.partition for p in parts})
    seen = sorted(position for part in parts for position in part.positions)
    assert seen == list(range(len(numbers)))
    for part in parts:
        assert part.message.guid == message.guid
        assert part.message.base_transfer == message.base_transfer
        assert list(part.positions) == sorted(part.positions)
        for document, position in zip(part.message.documents, part.positions, strict=True):
            assert document == message.documents[position]
            assert partition_of(document.head.order_no, partitions) == part.partition


def test_the_four_documents_of_a_set_fall_in_one_partition() -> None:
    for n in range(50):
        s = b.import_set(order_no=f"SO-{n}", logistics_no=f"LN-{n}")
        found = {split(m, 8)[0].partition for m in s.messages}
        assert len(found) == 1


def test_a_message_of_one_partition_is_kept_whole() -> None:
    message = orders(["A-1"])
    (part,) = split(message, 4)
    assert part.message is message
    assert part.positions == (0,)


def test_waybill_statuses_and_deliveries_are_not_partitioned() -> None:
    assert is_partitioned(orders(["A-1"]))
    assert is_partitioned(b.inventory_message())
    statuses = WaybillStatusMessage(guid="G", base_transfer=b.base_transfer(), statuses=[])
    assert not is_partitioned(statuses)
    assert split(statuses, 4)[0].partition == 0


def test_a_part_sees_the_whole_message_check_of_its_documents() -> None:
    bad = Violation(path="Inventory[3]/InventoryHead/x", code="c", en="e", zh="z")
    envelope = Violation(path="BaseTransfer/copCode", code="m", en="e", zh="z")
    check = MessageCheck(message=[envelope], documents={2: [bad]})
    mine = part_check(check, (1, 2))
    assert mine.message == [envelope]
    assert mine.documents == {1: [bad]}  # its second document, named as the sender numbered it
    assert part_check(check, (0,)).documents == {}


def test_a_part_goes_over_the_wire_and_back() -> None:
    message = b.inventory_message(
        *(b.inventory(order_no=f"SO-{n}", guid=b.guid("i", str(n))) for n in range(6))
    )
    for part in split(message, 3):
        again = msgspec.json.decode(msgspec.json.encode(part.message), type=InventoryMessage)
        assert again == part.message
