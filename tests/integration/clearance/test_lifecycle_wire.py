"""CEB513 / 623 / 625 / 711 as built from the spec's fields, written as XML, are valid against
both XSDs (2018 No.113 and 202205), read back equal, are cleared, and every answer
(CEB514 / 624 / 626 / 712) is valid against both XSDs too."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from harness import Harness

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec import answers
from tradewindow.cbec.documents import Message, SpecVersion, WaybillStatusMessage
from tradewindow.formats import ceb_schema, xmldsig
from tradewindow.formats.ceb_receipts_xml import read_receipt, write_receipt
from tradewindow.formats.ceb_xml import read_message, write_message
from tradewindow.store import SqlStore

CEB_DATA = Path(__file__).resolve().parents[2] / "data" / "ceb"
LIMITS = {"max_bytes": 1024 * 1024, "max_depth": 32}
needs_xsd = pytest.mark.skipif(not ceb_schema.schemas_available(), reason="CEB XSDs not found")


def signed(message: Message) -> bytes:
    written = write_message(message)
    if isinstance(message, WaybillStatusMessage):
        return written  # the XSD makes CEB513's signature optional
    key = serialization.load_pem_private_key(
        (CEB_DATA / "test_signer_key.pem").read_bytes(), password=None
    )
    cert = x509.load_pem_x509_certificate((CEB_DATA / "test_signer_cert.pem").read_bytes())
    return xmldsig.sign(written, key, cert)


@needs_xsd
@pytest.mark.parametrize("spec", list(SpecVersion))
def test_lifecycle_messages_and_their_answers_are_valid_in_both_versions(
    store: SqlStore, spec: SpecVersion
) -> None:
    harness = Harness(store)
    kept, cancelled = b.import_set(), b.import_set(order_no="SO2", logistics_no="SF2")
    numbers = {}
    for s in (kept, cancelled):
        *_, listed = harness.send(*s.messages)
        (numbers[s.inventory.head.order_no],) = {
            msgspec.json.decode(r.body)["invtNo"]
            for r in listed.receipts
            if r.receipt_type == "CEB622"
        }
    messages: list[Message] = [
        lb.delivery_message(lb.delivery(kept.waybill, cancelled.waybill)),
        lb.status_message(lb.waybill_status(kept.waybill)),
        lb.refund_message(
            lb.refund(kept.inventory, numbers[b.ORDER_NO], {1: Decimal(1)}, tag="1"),
            lb.refund(kept.inventory, numbers[b.ORDER_NO], {2: Decimal(1)}, tag="2"),
        ),
        lb.cancel_message(lb.cancel(cancelled.inventory, numbers["SO2"])),
    ]
    expected = {"CEB711": "CEB712", "CEB513": "CEB514", "CEB625": "CEB626", "CEB623": "CEB624"}
    for message in messages:
        data = signed(message)
        assert ceb_schema.validate(data, spec) == [], message.guid
        read = read_message(data, **LIMITS)
        assert read.message == message
        (answer,) = harness.send(read.message)
        assert all(r.status != "100" for r in answer.receipts), answer.receipts
        (receipt,) = answers.receipt_messages(message.guid, answer.receipts)
        code = type(message).__struct_config__.tag
        assert receipt.__struct_config__.tag == expected[str(code)]
        written = write_receipt(receipt)
        for version in SpecVersion:
            assert ceb_schema.validate(written, version) == [], (code, version)
        assert read_receipt(written, **LIMITS) == receipt
