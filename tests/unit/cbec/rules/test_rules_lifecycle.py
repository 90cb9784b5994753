"""What a CEB513 / 623 / 625 / 711 document must say by itself (``cbec.rules.lifecycle``):
built valid, each rule refuses with its code at its path, every violation at once."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from rule_checks import found

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.documents import Message

INVT_NO = "53492026I000000001"
LISTED = b.inventory()


@pytest.mark.parametrize(
    "message",
    [
        lb.cancel_message(lb.cancel(LISTED, INVT_NO)),
        lb.refund_message(lb.refund(LISTED, INVT_NO)),
        lb.status_message(lb.waybill_status(b.waybill())),
        lb.delivery_message(lb.delivery(b.waybill(), b.waybill(logistics_no="SF2"))),
    ],
    ids=lambda m: type(m).__name__,
)
def test_built_documents_are_valid(message: Message) -> None:
    assert found(message) == []


def test_a_cancellation_is_new_only_with_a_reason_and_a_known_office() -> None:
    cancel = lb.cancel(LISTED, INVT_NO, app_type="2", reason="  ", customs_code="0000")
    assert found(lb.cancel_message(cancel)) == [
        ("CEB623.customsCode.unknown", "InvtCancel[1]/customsCode"),
        ("CEB623.reason.missing", "InvtCancel[1]/reason"),
        ("CEB623.appType.new_only", "InvtCancel[1]/appType"),
    ]


def test_a_return_names_each_line_once_with_a_positive_quantity() -> None:
    refund = lb.refund(LISTED, INVT_NO, {1: Decimal(1), 2: Decimal(0)})
    twice = msgspec.structs.replace(refund, items=[*refund.items, refund.items[0]])
    assert found(lb.refund_message(twice)) == [
        ("CEB625.qty.not_positive", "InvtRefund[1]/InvtRefundList[2]/qty"),
        ("CEB625.gnum.duplicate", "InvtRefund[1]/InvtRefundList[3]/gnum"),
    ]


def test_a_status_is_s_at_a_real_time() -> None:
    status = lb.waybill_status(b.waybill(), logistics_status="D", logistics_time="20261301000000")
    assert found(lb.status_message(status)) == [
        ("CEB513.logisticsTime.not_a_time", "LogisticsStatus[1]/logisticsTime"),
        ("CEB513.logisticsStatus.fixed", "LogisticsStatus[1]/logisticsStatus"),
    ]


def test_a_delivery_is_one_import_delivery_numbered_from_one() -> None:
    delivery = lb.delivery(b.waybill(), b.waybill(), ie_flag="E")
    delivery = msgspec.structs.replace(
        delivery, items=[delivery.items[0], msgspec.structs.replace(delivery.items[1], gnum=5)]
    )
    assert found(lb.delivery_message(delivery)) == [
        ("CEB711.ieFlag.not_import", "Delivery[1]/DeliveryHead/ieFlag"),
        ("CEB711.gnum.sequence", "Delivery[1]/DeliveryList[2]/gnum"),
        ("CEB711.logisticsNo.duplicate", "Delivery[1]/DeliveryList[2]/logisticsNo"),
    ]
    two = lb.delivery_message(lb.delivery(b.waybill()))
    two = msgspec.structs.replace(two, deliveries=[*two.deliveries, *two.deliveries])
    assert found(two) == [("CEB711.Delivery.too_many", "Delivery")]


def test_each_document_has_its_own_guid() -> None:
    cancel = lb.cancel(LISTED, INVT_NO)
    assert found(lb.cancel_message(cancel, cancel)) == [
        ("CEB623.guid.duplicate", "InvtCancel[1]/guid"),
        ("CEB623.guid.duplicate", "InvtCancel[2]/guid"),
    ]
