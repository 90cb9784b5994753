"""The conformance sandbox answers what follows a release (CEB513 / 623 / 625 / 711) instead
of ``CEB900.message.unsupported_type``: a coherent cancellation of the sample list is
answered CEB624 399; a broken return gets every fault with its path and code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
from cryptography import x509
from cryptography.hazmat.primitives import serialization

import lifecycle_builders as lb
from tradewindow.cbec.documents import Inventory, InventoryMessage, Message
from tradewindow.cbec.receipts import InvtCancelReturnMessage, InvtRefundReturnMessage
from tradewindow.formats import xmldsig
from tradewindow.formats.ceb_xml import read_message, write_message
from tradewindow.sandbox import check

SAMPLES = Path(__file__).parents[2] / "data" / "ceb"
SET = ["order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml"]
LIMITS = {"max_bytes": 1024 * 1024, "max_depth": 32}
# the number the sandbox's throwaway store gives the sample list (customs 5141, 2026, first)
INVT_NO = "51412026I000000001"


def sample_list() -> Inventory:
    read = read_message((SAMPLES / "inventory_621.xml").read_bytes(), **LIMITS).message
    assert isinstance(read, InventoryMessage)
    return read.inventories[0]


def signed(message: Message) -> bytes:
    key = serialization.load_pem_private_key(
        (SAMPLES / "test_signer_key.pem").read_bytes(), password=None
    )
    cert = x509.load_pem_x509_certificate((SAMPLES / "test_signer_cert.pem").read_bytes())
    return xmldsig.sign(write_message(message), key, cert)


def uploads() -> list[tuple[str, bytes]]:
    return [(name, (SAMPLES / name).read_bytes()) for name in SET]


def test_a_coherent_cancellation_of_the_sample_list_is_accepted() -> None:
    cancel = lb.cancel(sample_list(), INVT_NO, app_time="20260316100000")
    report = check([*uploads(), ("cancel_623.xml", signed(lb.cancel_message(cancel)))])
    answer = report.messages[4]
    assert (answer.message_type, answer.rule_violations, answer.xsd_errors) == ("CEB623", [], [])
    (receipt,) = answer.receipts
    returns = msgspec.json.decode(receipt.json, type=InvtCancelReturnMessage).returns
    assert [(r.invt_no, r.return_status) for r in returns] == [(INVT_NO, "399")]


def test_a_broken_return_gets_every_fault_with_its_path() -> None:
    refund = lb.refund(sample_list(), INVT_NO, {1: Decimal(5), 7: Decimal(1)}, reason=" ")
    report = check([*uploads(), ("refund_625.xml", signed(lb.refund_message(refund)))])
    answer = report.messages[4]
    assert answer.message_type == "CEB625"
    assert [(v.path, v.code) for v in answer.rule_violations] == [
        ("InvtRefund[1]/InvtRefundHead/reason", "CEB625.reason.missing")
    ]
    (receipt,) = answer.receipts
    (returned,) = msgspec.json.decode(receipt.json, type=InvtRefundReturnMessage).returns
    assert returned.return_status == "100"
