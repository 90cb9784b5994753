"""CEB711 deliveries and CEB513 waybill statuses on SQLite and PostgreSQL, and the parcel
gate-out check they feed: a released list's parcel leaves only once it arrived."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from harness import Harness

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.receipts import DeliveryReturn, LogisticsStatusReturn
from tradewindow.store import SqlStore


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def invt_no(answer: Answer) -> str:
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in answer.receipts if r.receipt_type == "CEB622"
    }
    return str(number)


def gate_codes(harness: Harness, s: b.ImportSet) -> list[str]:
    head = s.waybill.head
    check = harness.clearance.parcel_gate(head.logistics_code, head.logistics_no)
    assert check.allowed == (not check.violations)
    return [v.code for v in check.violations]


def test_a_released_parcel_leaves_only_once_it_arrived(harness: Harness) -> None:
    s = b.import_set()
    assert gate_codes(harness, s) == ["gate.parcel.no_list", "gate.parcel.not_arrived"]
    *_, listed = harness.send(*s.messages)
    assert gate_codes(harness, s) == ["gate.parcel.not_arrived"]
    (answer,) = harness.send(lb.delivery_message(lb.delivery(s.waybill)))
    assert harness.statuses(answer) == [("CEB712", "120")]
    receipt = msgspec.json.decode(answer.receipts[0].body, type=DeliveryReturn)
    assert receipt.rkd_no is not None
    assert len(receipt.rkd_no) == 18
    assert gate_codes(harness, s) == []
    # cancelled: the release is withdrawn
    harness.send(lb.cancel_message(lb.cancel(s.inventory, invt_no(listed))))
    assert gate_codes(harness, s) == ["gate.parcel.cancelled"]


def test_a_parcel_arrived_before_its_list_waits_for_the_release(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[2])  # the waybill only
    (answer,) = harness.send(lb.delivery_message(lb.delivery(s.waybill)))
    assert harness.statuses(answer) == [("CEB712", "120")]
    harness.send(s.messages[3])  # the list: waiting for order and payment
    assert gate_codes(harness, s) == ["gate.parcel.not_released"]


def test_a_wholly_returned_list_does_not_leave_again(harness: Harness) -> None:
    s = b.import_set()
    *_, listed = harness.send(*s.messages)
    harness.send(lb.delivery_message(lb.delivery(s.waybill)))
    harness.send(lb.refund_message(lb.refund(s.inventory, invt_no(listed), {1: Decimal(1)})))
    assert gate_codes(harness, s) == []  # one face cream of two returned: the rest may go
    rest = {1: Decimal(1), 2: Decimal(3), 3: Decimal(1)}
    harness.send(lb.refund_message(lb.refund(s.inventory, invt_no(listed), rest, tag="rest")))
    assert gate_codes(harness, s) == ["gate.parcel.returned"]


def test_a_delivery_of_unknown_parcels_is_refused_naming_each(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[2])
    stranger = b.waybill(logistics_no="SF-NEVER-FILED")
    other = b.waybill(logistics_no="SF-NOR-THIS")
    (answer,) = harness.send(lb.delivery_message(lb.delivery(s.waybill, stranger, other)))
    assert harness.statuses(answer) == [("CEB712", "100")]
    assert answer.receipts[0].codes == ("CEB711.logisticsNo.unknown",)
    text = msgspec.json.decode(answer.receipts[0].body)["returnInfo"]
    assert "Delivery[1]/DeliveryList[2]/logisticsNo" in text
    assert "Delivery[1]/DeliveryList[3]/logisticsNo" in text
    assert gate_codes(harness, s) == ["gate.parcel.no_list", "gate.parcel.not_arrived"]


def test_delivery_list_numbers_count_from_one(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[2])
    delivery = lb.delivery(s.waybill)
    delivery = msgspec.structs.replace(
        delivery, items=[msgspec.structs.replace(delivery.items[0], gnum=2)]
    )
    (answer,) = harness.send(lb.delivery_message(delivery))
    assert answer.receipts[0].codes == ("CEB711.gnum.sequence",)


def test_a_signature_is_recorded_once_changed_and_withdrawn(harness: Harness) -> None:
    s = b.import_set()
    harness.send(*s.messages)
    (first,) = harness.send(lb.status_message(lb.waybill_status(s.waybill)))
    assert harness.statuses(first) == [("CEB514", "120")]
    receipt = msgspec.json.decode(first.receipts[0].body, type=LogisticsStatusReturn)
    assert (receipt.logistics_no, receipt.logistics_status) == (b.LOGISTICS_NO, "S")
    again = lb.waybill_status(s.waybill, guid=b.guid("again"))
    (dup,) = harness.send(lb.status_message(again))
    assert dup.receipts[0].codes == ("CEB513.appType.duplicate",)
    changed = lb.waybill_status(s.waybill, app_type="2", logistics_time="20260301160000")
    (ok,) = harness.send(lb.status_message(changed))
    assert harness.statuses(ok) == [("CEB514", "120")]
    withdrawn = lb.waybill_status(s.waybill, app_type="3")
    (gone,) = harness.send(lb.status_message(withdrawn))
    assert harness.statuses(gone) == [("CEB514", "120")]
    assert harness.rows("cbec_parcel_events") == 0
    nothing = lb.waybill_status(s.waybill, app_type="3", guid=b.guid("x"))
    (none_left,) = harness.send(lb.status_message(nothing))
    assert none_left.receipts[0].codes == ("CEB513.appType.not_found",)


def test_a_status_needs_a_waybill_on_file_and_status_s(harness: Harness) -> None:
    s = b.import_set()
    (unknown,) = harness.send(lb.status_message(lb.waybill_status(s.waybill)))
    assert unknown.receipts[0].codes == ("CEB513.logisticsNo.unknown",)
    harness.send(s.messages[2])
    (wrong,) = harness.send(
        lb.status_message(lb.waybill_status(s.waybill, logistics_status="D", guid=b.guid("d")))
    )
    assert wrong.receipts[0].codes == ("CEB513.logisticsStatus.fixed",)
