"""The hand-written sample import set (tests/data/ceb) reads, agrees with itself and validates.

The order and inventory list were transcribed from the field tables of the CEB spec (202205,
section 3.1.4 table 3-3 and section 3.9.4 table 3-31); the figures below are the ones the
lead's end-to-end tests clear.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from ceb_samples import LIMITS, needs_xsd, sample
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from tradewindow.cbec.documents import (
    InventoryMessage,
    OrderMessage,
    PaymentMessage,
    SpecVersion,
    WaybillMessage,
)
from tradewindow.formats import ceb_schema, xmldsig
from tradewindow.formats.ceb_xml import read_message


def _read(name: str):  # type: ignore[no-untyped-def]
    return read_message(sample(name), **LIMITS).message


def test_order_311_reads_field_for_field() -> None:
    message = _read("CEB311")
    assert isinstance(message, OrderMessage)
    assert message.guid == "18A84FA2-3E22-4BD8-B6EF-5D8AFF081062"
    assert message.version == "1.0"
    assert message.base_transfer.cop_code == "4403960001"
    assert message.base_transfer.dxp_mode == "DXP"
    (order,) = message.orders
    head = order.head
    assert (head.order_no, head.order_type, head.app_status) == ("WBY20260315000001", "I", "2")
    assert head.ebp_name == "湾区优选跨境电商平台有限公司"
    assert head.goods_value == Decimal("500.00")
    assert head.freight == Decimal("50.00")
    assert head.discount == Decimal(0)
    assert head.tax_total == Decimal("50.05")
    assert head.actural_paid == Decimal("600.05")
    assert head.buyer_name == head.consignee == "李小红"
    assert head.consignee_district == "440305"
    assert head.batch_numbers is None
    first, second = order.items
    assert (first.gnum, first.item_name, first.unit) == (1, "婴儿配方奶粉（1段）", "122")
    assert (first.qty, first.price, first.total_price) == (2, Decimal("150.00"), Decimal(300))
    assert first.item_describe == "德国原装进口婴儿配方奶粉，800克罐装"
    assert (second.gnum, second.item_name, second.note) == (2, "复合维生素片", "促销价")
    assert second.bar_code is None


def test_inventory_621_reads_field_for_field() -> None:
    read = read_message(sample("CEB621"), **LIMITS)
    message = read.message
    assert isinstance(message, InventoryMessage)
    (inventory,) = message.inventories
    head = inventory.head
    assert (head.customs_code, head.port_code, head.trade_mode) == ("5141", "5141", "9610")
    assert (head.traf_mode, head.traf_no, head.bill_no) == ("5", "CZ332", "784-12345675")
    assert (head.freight, head.insured_fee) == (Decimal("50.00"), Decimal(0))
    assert (head.gross_weight, head.net_weight, head.pack_no) == (Decimal("2.3"), Decimal("1.8"), 1)
    assert head.pre_no is None
    assert head.invt_no is None
    assert [i.gcode for i in inventory.items] == ["1901101000", "2106909090"]
    assert [i.qty1 for i in inventory.items] == [Decimal("1.6"), Decimal("0.2")]
    assert read.signature is not None
    assert b"SignatureValue" in read.signature
    assert read.spec_hint is None  # fits both spec versions


def test_the_set_is_consistent() -> None:
    order = _read("CEB311")
    payment = _read("CEB411")
    waybill = _read("CEB511")
    inventory = _read("CEB621")
    assert isinstance(order, OrderMessage)
    assert isinstance(payment, PaymentMessage)
    assert isinstance(waybill, WaybillMessage)
    assert isinstance(inventory, InventoryMessage)
    o, p = order.orders[0], payment.payments[0].head
    w, i = waybill.waybills[0].head, inventory.inventories[0]
    assert o.head.goods_value == sum(item.total_price for item in o.items) == Decimal(500)
    paid = o.head.goods_value + o.head.freight + o.head.tax_total - o.head.discount
    assert paid == o.head.actural_paid == p.amount_paid == Decimal("600.05")
    assert o.head.order_no == p.order_no == w.order_no == i.head.order_no
    assert o.head.pay_transaction_id == p.pay_transaction_id
    assert (o.head.buyer_name, o.head.buyer_id_number) == (p.payer_name, p.payer_id_number)
    assert (i.head.buyer_name, i.head.buyer_id_number) == (p.payer_name, p.payer_id_number)
    assert w.logistics_no == i.head.logistics_no
    assert w.logistics_code == i.head.logistics_code
    assert w.freight == i.head.freight == o.head.freight
    assert w.weight == i.head.gross_weight
    assert [(x.gnum, x.total_price) for x in i.items] == [(x.gnum, x.total_price) for x in o.items]


def test_tax_total_is_vat_at_seventy_percent_on_freight_inclusive_values() -> None:
    order = _read("CEB311")
    assert isinstance(order, OrderMessage)
    head, items = order.orders[0].head, order.orders[0].items
    shares = [head.freight * item.total_price / head.goods_value for item in items]
    values = [item.total_price + share for item, share in zip(items, shares, strict=True)]
    assert values == [Decimal(330), Decimal(220)]
    taxes = [
        (value * Decimal("0.13") * Decimal("0.7")).quantize(Decimal("0.01")) for value in values
    ]
    assert taxes == [Decimal("30.03"), Decimal("20.02")]
    assert sum(taxes) == head.tax_total


@needs_xsd
@pytest.mark.parametrize("name", ["CEB311", "CEB411", "CEB511", "CEB621"])
@pytest.mark.parametrize("spec", list(SpecVersion))
def test_samples_validate_against_the_official_xsd(name: str, spec: SpecVersion) -> None:
    assert ceb_schema.validate(sample(name), spec) == []


def test_signed_inventory_is_the_unsigned_file_signed_by_the_test_key(
    signer_key: rsa.RSAPrivateKey, signer_cert: x509.Certificate
) -> None:
    signed = xmldsig.sign(
        sample("inventory_621.unsigned.xml"), signer_key, signer_cert, key_name="0001"
    )
    assert signed == sample("CEB621")  # RSA PKCS#1 v1.5 is deterministic
    xmldsig.verify(sample("CEB621"), signer_cert)
    assert xmldsig.embedded_certificate(sample("CEB621")) == signer_cert


@pytest.mark.parametrize("name", ["CEB311", "CEB411", "CEB511"])
def test_unsigned_samples_report_no_signature(name: str) -> None:
    assert read_message(sample(name), **LIMITS).signature is None
