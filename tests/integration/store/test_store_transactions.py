"""Units of work: commit or nothing; messages and receipts; number series under concurrency."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from store_records import inventory, message, order_key, receipt

from tradewindow.cbec.ports import DocKind
from tradewindow.store import DuplicateMessage, SqlStore, StoreError, open_store


def test_leaving_without_commit_leaves_nothing(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.add_messages([message("MSG-1")])
        uow.insert_documents([inventory(n) for n in range(20)])
        uow.add_receipts([receipt("MSG-1", n, order_key(n)) for n in range(20)])
        uow.add_buyer_totals({("B", 2024): Decimal("10")})
        uow.next_numbers("invtNo", 5)
    with pytest.raises(RuntimeError, match="clearance step"):
        fail_halfway(store)
    with store.unit_of_work() as uow:
        assert uow.message_digests(["MSG-1"]) == {}
        assert uow.documents(DocKind.INVENTORY, [order_key(0), order_key(99)]) == {}
        assert uow.receipts_for_messages(["MSG-1"]) == []
        assert uow.buyer_totals(["B"], 2024) == {}
        assert uow.next_numbers("invtNo", 1) == 1
    assert store.status_counts() == {}


def fail_halfway(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.insert_documents([inventory(99)])
        raise RuntimeError("the clearance step failed")


def test_a_committed_unit_of_work_is_finished(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.add_messages([message("MSG-1")])
        uow.commit()
        with pytest.raises(StoreError, match="finished"):
            uow.add_messages([message("MSG-2")])
        with pytest.raises(StoreError, match="finished"):
            uow.commit()


def test_uncommitted_work_is_invisible_to_others(store: SqlStore) -> None:
    with store.unit_of_work() as writer:
        writer.add_messages([message("MSG-1")])
        assert writer.message_digests(["MSG-1"]) == {"MSG-1": "ab" * 32}
        assert store.status_counts() == {}  # another connection
        writer.insert_documents([inventory(1)])
        assert store.status_counts() == {}
        writer.commit()
    assert store.status_counts() == {("inventory", "waiting"): 1}


def test_messages_digests_and_duplicates(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.add_messages([message("MSG-1", "11" * 32), message("MSG-2", "22" * 32)])
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.message_digests(["MSG-1", "MSG-2", "MSG-3"]) == {
            "MSG-1": "11" * 32,
            "MSG-2": "22" * 32,
        }
        with pytest.raises(DuplicateMessage):
            uow.add_messages([message("MSG-2", "33" * 32)])


RETURNED_FOR = ("CEB621.quota.annual_limit", "CEB311.totalPrice.mismatch")


@pytest.mark.parametrize("count", [3, 250], ids=["insert", "bulk"])
def test_receipts_come_back_per_message_in_seq_order(store: SqlStore, count: int) -> None:
    # added out of order, and interleaved with another message's receipts; the returned one
    # keeps its codes (the bulk path is COPY on PostgreSQL, raw sqlite3 on SQLite)
    added = [receipt("MSG-B", n, order_key(n)) for n in reversed(range(count))]
    returned = receipt("MSG-A", 0, order_key(0), "100", RETURNED_FOR)
    added += [returned, receipt("MSG-C", 0, order_key(0))]
    with store.unit_of_work() as uow:
        uow.add_receipts(added)
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.receipts_for_messages(["MSG-A", "MSG-B"])
    assert [(r.message_guid, r.seq) for r in found] == [("MSG-A", 0)] + [
        ("MSG-B", n) for n in range(count)
    ]
    assert found[0] == returned
    assert found[0].codes == RETURNED_FOR
    assert found[-1] == receipt("MSG-B", count - 1, order_key(count - 1))


def test_number_series_are_consecutive_and_independent(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        assert uow.next_numbers("invtNo", 100) == 1
        assert uow.next_numbers("invtNo", 1) == 101
        assert uow.next_numbers("taxNo", 3) == 1
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.next_numbers("invtNo", 2) == 102
        with pytest.raises(ValueError, match="at least one"):
            uow.next_numbers("invtNo", 0)


def test_two_connections_reserve_disjoint_ranges(database_url: str) -> None:
    """Two stores (two engines, as two processes would have) race for the same series."""
    stores = [open_store(database_url), open_store(database_url)]
    reserved: list[list[int]] = [[], []]

    def reserve(worker: int) -> None:
        for _ in range(25):
            with stores[worker].unit_of_work() as uow:
                first = uow.next_numbers("invtNo", 7)
                uow.commit()
            reserved[worker].extend(range(first, first + 7))

    threads = [threading.Thread(target=reserve, args=(w,)) for w in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in stores:
        opened.close()
    assert not set(reserved[0]) & set(reserved[1])
    assert sorted(reserved[0] + reserved[1]) == list(range(1, 2 * 25 * 7 + 1))


def test_a_reservation_waits_for_the_open_one_to_commit(database_url: str) -> None:
    first_store, second_store = open_store(database_url), open_store(database_url)
    holding = threading.Event()
    seen: dict[str, float | int] = {}

    def slow_holder() -> None:
        with first_store.unit_of_work() as uow:
            seen["holder"] = uow.next_numbers("taxNo", 10)
            holding.set()
            time.sleep(0.4)
            seen["committed_at"] = time.monotonic()
            uow.commit()

    holder = threading.Thread(target=slow_holder)
    holder.start()
    holding.wait(5)
    with second_store.unit_of_work() as uow:
        seen["second"] = uow.next_numbers("taxNo", 10)
        seen["second_at"] = time.monotonic()
        uow.commit()
    holder.join()
    first_store.close()
    second_store.close()
    assert (seen["holder"], seen["second"]) == (1, 11)
    assert seen["second_at"] >= seen["committed_at"]
