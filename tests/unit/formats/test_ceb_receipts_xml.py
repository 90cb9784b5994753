"""Receipts written as CEB XML validate against both XSDs and read back equal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from ceb_samples import LIMITS, needs_xsd, sample
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tradewindow.cbec.documents import CHINA_TZ, SpecVersion
from tradewindow.cbec.receipts import (
    FormatErrorMessage,
    InventoryReturn,
    InventoryReturnMessage,
    LogisticsReturn,
    LogisticsReturnMessage,
    OrderReturn,
    OrderReturnMessage,
    PaymentReturn,
    PaymentReturnMessage,
    ReceiptMessage,
    ReturnStatus,
    TaxBill,
    TaxBillMessage,
    TaxHeadRd,
    TaxListRd,
    return_time,
)
from tradewindow.formats import ceb_schema
from tradewindow.formats.ceb_layout import NS, NSMAP, append_struct, struct_xml
from tradewindow.formats.ceb_receipts_xml import (
    _receipt_tree,
    format_error_receipt,
    read_receipt,
    write_receipt,
)
from tradewindow.formats.ceb_xml import FormatError, read_message
from tradewindow.violations import Violation

AT = datetime(2026, 3, 16, 9, 5, 7, 123000, tzinfo=CHINA_TZ)
WHEN = return_time(AT)  # 20260316090507123
ACCEPTED = "[CEB621.accepted] 海关入库 / accepted"

RECEIPTS: list[ReceiptMessage] = [
    OrderReturnMessage(
        guid="5E0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B6C",
        returns=[
            OrderReturn(
                guid="21279943-412C-4201-BA22-6A4BD5BAE4FD",
                ebp_code="4403960001",
                ebc_code="4403960002",
                order_no="WBY20260315000001",
                return_status=ReturnStatus.ACCEPTED,
                return_time=WHEN,
                return_info="订单已入库 / order accepted",
            )
        ],
    ),
    PaymentReturnMessage(
        guid="6E0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B6C",
        returns=[
            PaymentReturn(
                guid="07982F05-3229-4968-889D-2E786D041028",
                pay_code="4403160003",
                pay_transaction_id="PAY2026031510310500001",
                return_status=ReturnStatus.RETURNED,
                return_time=WHEN,
                return_info="[CEB411.amountPaid.mismatch] amountPaid 600.00 ≠ acturalPaid 600.05",
            )
        ],
    ),
    LogisticsReturnMessage(
        guid="7E0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B6C",
        returns=[
            LogisticsReturn(
                guid="03FCE0B7-381F-4262-A149-AB286C725B4A",
                logistics_code="4403960004",
                logistics_no="BAY260315000001",
                return_status=ReturnStatus.ACCEPTED,
                return_time=WHEN,
                return_info="运单已入库",
            )
        ],
    ),
    InventoryReturnMessage(
        guid="8E0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B6C",
        returns=[
            InventoryReturn(
                guid="1CB6BEDC-AD5A-483F-88A1-86FAF1147AD0",
                customs_code="5141",
                ebp_code="4403960001",
                ebc_code="4403960002",
                agent_code="4403980005",
                cop_no="COP202603160001",
                pre_no="B20260316000000001",
                invt_no="514120261000000001",
                return_status=ReturnStatus.RELEASED,
                return_time=WHEN,
                return_info=ACCEPTED,
            ),
            InventoryReturn(
                guid="1CB6BEDC-AD5A-483F-88A1-86FAF1147AD0",
                cop_no="COP202603160001",
                pre_no="B20260316000000001",
                return_status=ReturnStatus.STAGED,
                return_time=WHEN,
                return_info="暂存",
            ),
        ],
    ),
    TaxBillMessage(
        guid="9E0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B6C",
        taxes=[
            TaxBill(
                head=TaxHeadRd(
                    guid="1CB6BEDC-AD5A-483F-88A1-86FAF1147AD0",
                    return_time=WHEN,
                    invt_no="514120261000000001",
                    tax_no="51412026100000000101",
                    customs_tax=Decimal("0.00"),
                    value_added_tax=Decimal("50.05"),
                    consumption_tax=Decimal("0.00"),
                    status="1",
                    ent_duty_no="4403960001",
                    assure_code="4403960001",
                    ebc_code="4403960002",
                    logistics_code="4403960004",
                    agent_code="4403980005",
                    customs_code="5141",
                ),
                items=[
                    TaxListRd(
                        gnum=1,
                        gcode="1901101000",
                        tax_price=Decimal("330.00"),
                        customs_tax=Decimal(0),
                        value_added_tax=Decimal("30.03"),
                        consumption_tax=Decimal(0),
                    ),
                    TaxListRd(
                        gnum=2,
                        gcode="2106909090",
                        tax_price=Decimal("220.00"),
                        customs_tax=Decimal(0),
                        value_added_tax=Decimal("20.02"),
                        consumption_tax=Decimal("1E-5"),
                    ),
                ],
            )
        ],
    ),
]


def _error_receipt(original: bytes) -> FormatErrorMessage:
    with pytest.raises(FormatError) as caught:
        read_message(original, **LIMITS)
    return format_error_receipt(
        caught.value, original, guid="AE0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B6C", at=AT, cop_msg_id="m1"
    )


BROKEN = sample("CEB311").replace(b"<ceb:qty>2</ceb:qty>", b"<ceb:qty>two</ceb:qty>")
ALL = [*RECEIPTS, _error_receipt(BROKEN)]


@pytest.mark.parametrize("receipt", ALL, ids=lambda r: r.__struct_config__.tag)
def test_receipts_round_trip(receipt: ReceiptMessage) -> None:
    written = write_receipt(receipt)
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:')
    assert read_receipt(written, **LIMITS) == receipt


@needs_xsd
@pytest.mark.parametrize("spec", list(SpecVersion))
@pytest.mark.parametrize("receipt", ALL, ids=lambda r: r.__struct_config__.tag)
def test_receipts_validate_against_both_xsds(receipt: ReceiptMessage, spec: SpecVersion) -> None:
    assert ceb_schema.validate(write_receipt(receipt), spec) == []


def test_tax_bill_figures_are_written_plainly_in_xsd_order() -> None:
    root = etree.fromstring(write_receipt(RECEIPTS[4]))
    tax = root[0]
    assert [etree.QName(e).localname for e in tax] == ["TaxHeadRd", "TaxListRd", "TaxListRd"]
    ns = {"ceb": "http://www.chinaport.gov.cn/ceb"}
    assert tax.findtext("ceb:TaxHeadRd/ceb:valueAddedTax", namespaces=ns) == "50.05"
    assert tax.findtext("ceb:TaxListRd[2]/ceb:consumptionTax", namespaces=ns) == "0.00001"
    assert tax.findtext("ceb:TaxHeadRd/ceb:returnTime", namespaces=ns) == "20260316090507123"


def test_format_error_receipt_carries_the_original() -> None:
    receipt = _error_receipt(BROKEN)
    returned = receipt.message_return
    assert returned.guid == "18A84FA2-3E22-4BD8-B6EF-5D8AFF081062"  # the original message's
    assert returned.ori_message_type == "CEB311Message"
    assert returned.ori_cop_msg_id == "m1"
    assert returned.return_status == "-1"
    assert returned.return_info.startswith("[CEB900.value.not_decimal] Order[1]/OrderList[1]/qty")
    assert "十进制" in returned.return_info
    written = write_receipt(receipt)
    assert b"<ceb:oriBizMessage><![CDATA[<?xml version" in written


def test_format_error_receipt_for_garbage_has_unknown_type_and_its_own_guid() -> None:
    original = b"\x00\xffnot a message ]]> <![CDATA["
    receipt = _error_receipt(original)
    returned = receipt.message_return
    assert returned.guid == receipt.guid
    assert returned.ori_message_type == "Unknown"
    assert "\x00" not in returned.ori_biz_message
    written = write_receipt(receipt)  # "]]>" cannot be CDATA: written escaped instead
    assert b"]]&gt;" in written
    assert read_receipt(written, **LIMITS) == receipt


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<a", "CEB900.xml.malformed"),
        (sample("CEB311"), "CEB900.message.unknown_type"),
        (
            write_receipt(RECEIPTS[0]).replace(
                b"<ceb:orderNo>WBY20260315000001</ceb:orderNo>", b""
            ),
            "CEB900.element.missing",
        ),
    ],
)
def test_read_receipt_refusals(data: bytes, code: str) -> None:
    with pytest.raises(FormatError) as caught:
        read_receipt(data, **LIMITS)
    assert caught.value.code == code


def test_format_error_receipt_carries_no_character_xml_cannot_hold() -> None:
    """What the reader recovered from a broken message (its guid, its type, words of the
    violations) may hold control characters; the CEB900 is still written, without them."""
    bad = "\x01\x1f"
    error = FormatError(
        [Violation(code="CEB900.xml.malformed", path="", en=f"broken {bad}", zh=f"损坏 {bad}")],
        guid="AE0B1F9A-3C7D-4E2A-9B8C-1D2E3F4A5B\x016",
        message_type=f"CEB311{bad}",
    )
    receipt = format_error_receipt(error, b"<x/>", guid="0" * 36, at=AT, cop_msg_id=bad)
    written = write_receipt(receipt)
    assert b"CEB900Message" in written
    assert receipt.message_return.guid == "0" * 36
    assert "\x01" not in written.decode()


# any text XML can hold, with what it escapes; now and then a character it cannot hold at all
# (lxml refuses it: "All strings must be XML compatible")
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("&<>\"'\r\n\t]"),
    max_size=12,
)
_NOT_XML = st.sampled_from(["\x00", "\x01", "\x0b", "\x1f", "\ufffe"])


def _varied(value: Any, data: st.DataObject) -> Any:
    """``value`` (a receipt message or a part of it) with every text, figure and list drawn
    anew: each optional text may go, each list have 0 to 2 entries."""
    if isinstance(value, list):
        count = data.draw(st.integers(0, 2))
        return [_varied(value[0], data) for _ in range(count)] if value else []
    if not isinstance(value, msgspec.Struct):
        return value
    changes: dict[str, Any] = {}
    for field in msgspec.structs.fields(value):
        current = getattr(value, field.name)
        if isinstance(current, Decimal):
            changes[field.name] = data.draw(st.decimals(allow_nan=False, allow_infinity=False))
        elif isinstance(current, str) or current is None:
            text = data.draw(_TEXT)
            if data.draw(st.integers(0, 40)) == 0:
                text += data.draw(_NOT_XML)
            changes[field.name] = None if field.type == str | None and not text else text
        else:
            changes[field.name] = _varied(current, data)
    return msgspec.structs.replace(value, **changes)


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_receipts_written_as_text_are_the_bytes_lxml_writes(data: st.DataObject) -> None:
    """write_receipt builds receipts as text (several times faster than a tree): for any
    texts, figures and counts, the very bytes lxml serialises the tree to, or the same
    refusal (ValueError) of a character XML cannot hold."""
    receipt = _varied(data.draw(st.sampled_from(RECEIPTS)), data)
    try:
        expected = _receipt_tree(receipt)
    except ValueError:
        with pytest.raises(ValueError, match="XML compatible"):
            write_receipt(receipt)
        return
    assert write_receipt(receipt) == expected


class _Part(msgspec.Struct, kw_only=True):
    note: str | None = None
    inner: _Inner | None = None


class _Inner(msgspec.Struct, kw_only=True):
    code: str | None = None


@pytest.mark.parametrize(
    "part",
    [_Part(), _Part(note=""), _Part(inner=_Inner()), _Part(note="a", inner=_Inner(code="b"))],
)
def test_a_part_written_as_text_is_what_lxml_writes_even_empty(part: _Part) -> None:
    """An element left without children is written empty (``<ceb:x/>``), as lxml does."""
    root = etree.Element(f"{{{NS}}}Root", nsmap=NSMAP)
    append_struct(root, "Part", part)
    parts: list[str] = []
    struct_xml("Part", part, parts)
    assert etree.tostring(root[0], encoding="unicode", with_tail=False).replace(
        f' xmlns:ceb="{NS}"', ""
    ) == "".join(parts)
