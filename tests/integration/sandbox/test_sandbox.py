"""The conformance sandbox reports every fault of uploaded messages and the receipts the
platform would return, and files nothing."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from tradewindow.cbec.receipts import InventoryReturnMessage, OrderReturnMessage
from tradewindow.formats import ceb_json, ceb_schema, ceb_xml
from tradewindow.sandbox import check, check_each

SAMPLES = Path(__file__).parents[2] / "data" / "ceb"
SET = ["order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml"]


def uploads(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (SAMPLES / name).read_bytes()) for name in names]


def test_a_complete_set_is_clean_and_waits_for_the_agencies_as_clear_says() -> None:
    report = check(uploads(*SET))
    assert report.clean
    inventory = report.messages[3]
    # the agencies' routing runs: infant formula and vitamins go to inspection & quarantine
    assert [r.message_type for r in inventory.receipts] == ["CEB622"]
    returns = msgspec.json.decode(inventory.receipts[0].json, type=InventoryReturnMessage)
    assert [r.return_status for r in returns.returns] == ["120", "399"]
    assert [(d.kind, d.status) for d in inventory.documents] == [("inventory", "399")]
    assert inventory.signed
    assert inventory.signature_errors == []


def test_a_list_alone_waits_for_companions_it_cannot_see() -> None:
    (inventory,) = check(uploads("inventory_621.xml")).messages
    returns = msgspec.json.decode(inventory.receipts[0].json, type=InventoryReturnMessage)
    assert [r.return_status for r in returns.returns] == ["120"]
    assert "waiting for order, payment, waybill" in returns.returns[0].return_info


def test_every_fault_is_reported_with_its_path_and_code() -> None:
    data = (SAMPLES / "order_311.xml").read_bytes()
    data = data.replace(b"<ceb:goodsValue>500.00", b"<ceb:goodsValue>510.00")
    data = data.replace(b"<ceb:orderType>I<", b"<ceb:orderType>X<")
    (report,) = check([("order.xml", data)]).messages
    found = {(v.code, v.path) for v in report.rule_violations}
    assert ("CEB311.goodsValue.mismatch", "Order[1]/OrderHead/goodsValue") in found
    assert ("CEB311.acturalPaid.mismatch", "Order[1]/OrderHead/acturalPaid") in found
    assert any(code == "CEB311.orderType.invalid" for code, _ in found)
    assert all(v.en and v.zh for v in report.rule_violations)
    returns = msgspec.json.decode(report.receipts[0].json, type=OrderReturnMessage)
    assert [r.return_status for r in returns.returns] == ["100"]


@pytest.mark.skipif(not ceb_schema.schemas_available(), reason="CEB XSDs not found")
def test_an_xsd_fault_gives_the_ceb900_and_still_every_rule_violation() -> None:
    data = (SAMPLES / "order_311.xml").read_bytes()
    data = data.replace(b"<ceb:goodsValue>500.00", b"<ceb:goodsValue>510.00")
    data = data.replace(
        b"<ceb:currency>142</ceb:currency>", b"<ceb:currency>1420</ceb:currency>", 1
    )
    (report,) = check([("order.xml", data)]).messages
    assert report.xsd_checked
    assert report.xsd_errors
    assert {v.code for v in report.xsd_errors} == {"CEB900.schema.invalid"}
    assert "CEB311.goodsValue.mismatch" in {v.code for v in report.rule_violations}
    assert [r.message_type for r in report.receipts] == ["CEB900"]


def test_an_unreadable_file_gets_its_format_errors_and_a_ceb900() -> None:
    (report,) = check([("broken.xml", b"<ceb:CEB311Message><oops")]).messages
    assert not report.readable
    assert report.format_errors[0].code.startswith("CEB900.")
    assert [r.message_type for r in report.receipts] == ["CEB900"]
    assert "<ceb:CEB900Message" in report.receipts[0].xml


def test_json_uploads_are_read_as_json() -> None:

    message = ceb_xml.read_message(
        (SAMPLES / "order_311.xml").read_bytes(), max_bytes=1 << 20, max_depth=32
    ).message
    (report,) = check([("order.json", ceb_json.write_message(message))]).messages
    assert report.clean
    assert report.message_type == "CEB311"


def test_nothing_is_filed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check(uploads(*SET))
    assert list(tmp_path.iterdir()) == []  # no database, no key, nothing written here


def test_any_number_of_files_is_checked_as_a_stream() -> None:
    many = ((f"{n:03d}.xml", b"<not-ceb/>") for n in range(450))  # more than two batches
    reports = check_each(many)
    first = next(reports)  # the first report comes before the last file is read
    assert first.outcome == "unreadable"
    assert sum(1 for _ in reports) == 449


def test_a_signature_broken_after_signing_is_a_fault() -> None:
    data = (SAMPLES / "inventory_621.xml").read_bytes()
    tampered = data.replace("湾区优选国际贸易".encode(), "湾区优品国际贸易".encode(), 1)
    assert tampered != data
    (report,) = check([("inventory.xml", tampered)]).messages
    assert report.signed
    assert [v.code for v in report.signature_errors] == ["signature.digest_mismatch"]
    assert not report.clean


def test_a_predicted_return_is_not_clean() -> None:
    """The single-transaction limit returns the order: the sandbox says so, not clean."""
    data = (SAMPLES / "order_311.xml").read_bytes()
    data = data.replace(b"<ceb:goodsValue>500.00", b"<ceb:goodsValue>9500.00")
    (report,) = check([("order.xml", data)]).messages
    assert report.returned
    assert not report.clean
