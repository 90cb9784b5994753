"""CEB411 payment and CEB511 waybill rules, one test per rule (named after it)."""

from __future__ import annotations

from decimal import Decimal

from rule_checks import found

import builders as b

P = "Payment[1]/PaymentHead"
L = "Logistics[1]/LogisticsHead"


def test_amount_paid_positive() -> None:
    assert found(b.payment_message(b.payment(amount_paid=Decimal(0)))) == [
        ("CEB411.amountPaid.not_positive", f"{P}/amountPaid")
    ]


def test_pay_time_sane() -> None:
    assert found(b.payment_message(b.payment(pay_time="20261301000000"))) == [
        ("CEB411.payTime.not_a_time", f"{P}/payTime")
    ]
    assert found(b.payment_message(b.payment(pay_time="20260310000000"))) == [
        ("CEB411.payTime.in_future", f"{P}/payTime")
    ]


def test_payer_id_type_allowed() -> None:
    assert found(b.payment_message(b.payment(payer_id_type="A"))) == [
        ("CEB411.payerIdType.invalid", f"{P}/payerIdType")
    ]


def test_payer_id_number_valid() -> None:
    born_in_future = "11010520300101001X"  # check character right, birth 2030-01-01
    assert found(b.payment_message(b.payment(payer_id_number=born_in_future))) == [
        ("CEB411.payerIdNumber.invalid", f"{P}/payerIdNumber")
    ]


def test_payment_app_type_allowed() -> None:
    assert found(b.payment_message(b.payment(app_type="0"))) == [
        ("CEB411.appType.invalid", f"{P}/appType")
    ]


def test_waybill_fees_not_negative() -> None:
    assert found(b.waybill_message(b.waybill(insured_fee=Decimal("-1")))) == [
        ("CEB511.insuredFee.negative", f"{L}/insuredFee")
    ]
    assert found(b.waybill_message(b.waybill(freight=None, insured_fee=None))) == []


def test_waybill_weight_and_packages_positive() -> None:
    assert found(b.waybill_message(b.waybill(weight=Decimal(0), pack_no=0))) == [
        ("CEB511.weight.not_positive", f"{L}/weight"),
        ("CEB511.packNo.not_positive", f"{L}/packNo"),
    ]


def test_waybill_app_status_allowed() -> None:
    assert found(b.waybill_message(b.waybill(app_status="22"))) == [
        ("CEB511.appStatus.invalid", f"{L}/appStatus")
    ]


def test_waybill_time_sane() -> None:
    assert found(b.waybill_message(b.waybill(app_time="2026030112000X"))) == [
        ("CEB511.appTime.not_a_time", f"{L}/appTime")
    ]
