"""Rules that answered late or not at all, through clearance on SQLite and PostgreSQL: the
single-transaction limit on the order and on the list with their other faults at once, and
two documents of one message sharing a guid, each returned with its own receipt."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from harness import Harness

import builders as b
from tradewindow.cbec.documents import Order
from tradewindow.store import SqlStore


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def expensive() -> Order:
    """Goods of 14,000 CNY and 700 CNY freight, as the GACC sample order."""
    items = [
        msgspec.structs.replace(
            item, qty=Decimal(2), price=Decimal(7000), total_price=Decimal(14000)
        )
        for item in b.order_items(1)
    ]
    goods, freight = Decimal(14000), Decimal(700)
    paid = goods + freight + Decimal("118.30") - Decimal("20.00")
    return b.order(items=items, freight=freight, actural_paid=paid)


def test_the_order_over_the_limit_is_returned_with_the_limit_and_its_other_faults(
    harness: Harness,
) -> None:
    order = expensive()
    bad_id = msgspec.structs.replace(order.head, buyer_telephone="")
    (answer,) = harness.send(b.order_message(msgspec.structs.replace(order, head=bad_id)))
    [record] = answer.receipts
    assert (record.receipt_type, record.status) == ("CEB312", "100")
    assert "CEB311.quota.transaction_limit" in record.codes
    assert len(record.codes) >= 2


def test_the_list_over_the_limit_is_returned_at_once_not_after_matching(harness: Harness) -> None:
    parcel = b.import_set()
    order = expensive()
    listed = b.inventory(source=order, bill_no=None)
    (answer,) = harness.send(b.inventory_message(listed))  # its companions never came
    [record] = answer.receipts
    assert (record.receipt_type, record.status) == ("CEB622", "100")
    assert record.codes == ("CEB621.billNo.required_for_direct", "CEB621.quota.transaction_limit")
    assert parcel  # the usual parcel is within the limit: nothing else changes
    assert [r.status for a in harness.send(*parcel.messages) for r in a.receipts].count("100") == 0


def test_two_documents_sharing_a_guid_are_each_returned_with_their_own_receipt(
    harness: Harness,
) -> None:
    shared = b.guid("one guid for two orders")
    first = b.order(order_no="SO-A", guid=shared)
    second = b.order(order_no="SO-B", guid=shared)
    third = b.order(order_no="SO-C")
    (answer,) = harness.send(b.order_message(first, second, third))
    outcome = {msgspec.json.decode(r.body)["orderNo"]: (r.status, r.codes) for r in answer.receipts}
    assert outcome == {
        "SO-A": ("100", ("CEB311.guid.duplicate",)),
        "SO-B": ("100", ("CEB311.guid.duplicate",)),
        "SO-C": ("120", ()),
    }
