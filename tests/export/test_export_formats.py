"""Export messages and receipts as CEB XML: field for field, both spec versions, every fault at
once with its path, and the 202205 XSD faults of 2018-shaped content named while the message
is still read."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import export_set as s
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_edits import Edit, edits, mutate
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.receipts import return_time
from tradewindow.export import receipts as r
from tradewindow.export.documents import EXPORT_MESSAGE_TYPES, ONLY_202205
from tradewindow.formats import ceb_export, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt

LIMITS = {"max_bytes": 1024 * 1024, "max_depth": 32}
XSD = ceb_export.schemas_available()
needs_xsd = pytest.mark.skipif(not XSD, reason="CEB export XSDs not found")
AT = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
CODES = sorted(EXPORT_MESSAGE_TYPES)


def _versions(code: str) -> list[SpecVersion]:
    return [SpecVersion.V202205] if code in ONLY_202205 else list(SpecVersion)


@pytest.mark.parametrize("code", CODES)
def test_every_export_message_reads_back_as_written(code: str) -> None:
    message = s.message(code)
    read = ceb_export.read_message(ceb_export.write_message(message), **LIMITS)
    assert read.message == message
    assert ceb_export.write_message(read.message) == ceb_export.write_message(message)


@needs_xsd
@pytest.mark.parametrize("code", CODES)
def test_every_export_message_is_valid_against_the_xsds_of_its_versions(code: str) -> None:
    data = ceb_export.write_message(s.message(code))
    for spec in _versions(code):
        assert ceb_export.validate(data, spec) == [], spec


@needs_xsd
@pytest.mark.parametrize("code", sorted(ONLY_202205))
def test_the_returns_are_202205_only(code: str) -> None:
    data = ceb_export.write_message(s.message(code))
    (fault,) = ceb_export.validate(data, SpecVersion.V2018)
    assert fault.code == "CEB900.schema.unknown_type"
    assert ceb_export.read_message(data, **LIMITS).spec_hint is SpecVersion.V202205


def test_the_inventory_list_keeps_the_spec_element_names() -> None:
    data = ceb_export.write_message(s.message("CEB603"))
    for name in (b"<ceb:POD>5020</ceb:POD>", b"<ceb:fCurrency>142</ceb:fCurrency>",
                 b"<ceb:iFlag>3</ceb:iFlag>", b"<ceb:statisticsFlag>B</ceb:statisticsFlag>",
                 b"<ceb:gcode>8518300000</ceb:gcode>"):  # fmt: skip
        assert name in data
    read = ceb_export.read_message(data, **LIMITS).message
    assert isinstance(read, EXPORT_MESSAGE_TYPES["CEB603"])
    head = read.inventories[0].head
    assert (head.pod, head.freight, head.net_weight) == ("5020", Decimal("35.00"), Decimal("0.7"))


def test_a_2018_only_length_hints_the_version() -> None:
    long_no = "L" * 40  # 2018 allows 80 characters, 202205 32
    data = ceb_export.write_message(s.message("CEB505", s.waybill(logistics_no=long_no)))
    assert ceb_export.read_message(data, **LIMITS).spec_hint is SpecVersion.V2018


def test_every_fault_is_reported_at_once_with_its_path() -> None:
    data = ceb_export.write_message(s.message("CEB603"))
    broken = (
        data.replace(b"<ceb:POD>5020</ceb:POD>", b"")
        .replace(b"<ceb:freight>35.00</ceb:freight>", b"<ceb:freight>35,00</ceb:freight>")
        .replace(b"<ceb:gnum>2</ceb:gnum>", b"<ceb:gnum>two</ceb:gnum>")
        .replace(b"<ceb:copCode>", b"<ceb:colour>x</ceb:colour><ceb:copCode>")
    )
    with pytest.raises(ceb_xml.FormatError) as caught:
        ceb_export.read_message(broken, **LIMITS)
    found = {(v.path, v.code) for v in caught.value.violations}
    assert found == {
        ("Inventory[1]/InventoryHead/POD", "CEB900.element.missing"),
        ("Inventory[1]/InventoryHead/freight", "CEB900.value.not_decimal"),
        ("Inventory[1]/InventoryList[2]/gnum", "CEB900.value.not_integer"),
        ("BaseTransfer/colour", "CEB900.element.unexpected"),
    }
    assert caught.value.message_type == "CEB603"


def test_an_import_message_is_not_an_export_message() -> None:
    data = ceb_export.write_message(s.message("CEB303")).replace(b"CEB303Message", b"CEB311Message")
    with pytest.raises(ceb_xml.FormatError) as caught:
        ceb_export.read_message(data, **LIMITS)
    assert caught.value.code == "CEB900.message.unsupported_type"
    assert "CEB603" in caught.value.violations[0].en


def test_the_import_reader_still_refuses_export_messages() -> None:
    """Export has its own reader; the import channel answers an export message with a CEB900
    saying so, never hands it to import clearance."""
    data = ceb_export.write_message(s.message("CEB603"))
    with pytest.raises(ceb_xml.FormatError) as caught:
        ceb_xml.read_message(data, **LIMITS)
    assert caught.value.code == "CEB900.message.unsupported_type"


# --- receipts --------------------------------------------------------------------------------

STAMP = return_time(AT)


def _receipts() -> dict[str, r.ExportReceipt]:
    g = s.guid
    common = {"return_status": "2", "return_time": STAMP, "return_info": "申报成功"}
    return {
        "CEB304": r.OrderReturnMessage(
            guid=g("r304"),
            returns=[
                r.OrderReturn(
                    guid=g("o"),
                    ebp_code=s.EBP_CODE,
                    ebc_code=s.EBC_CODE,
                    order_no=s.ORDER_NO,
                    **common,
                )
            ],
        ),
        "CEB404": r.ReceiptsReturnMessage(
            guid=g("r404"),
            returns=[
                r.ReceiptsReturn(
                    guid=g("p"),
                    ebc_code=s.EBC_CODE,
                    order_no=s.ORDER_NO,
                    pay_no="PAYE2026031009300001",
                    **common,
                )
            ],
        ),
        "CEB506": r.LogisticsReturnMessage(
            guid=g("r506"),
            returns=[
                r.LogisticsReturn(
                    guid=g("w"),
                    logistics_code=s.LOGISTICS_CODE,
                    logistics_no=s.LOGISTICS_NO,
                    **common,
                )
            ],
        ),
        "CEB508": r.ArrivalReturnMessage(
            guid=g("r508"),
            returns=[
                r.ArrivalReturn(
                    guid=g("a"),
                    operator_code=s.OPERATOR_CODE,
                    logistics_code=s.LOGISTICS_CODE,
                    pre_no="A20260310000000001",
                    cop_no="ARR202603100001",
                    bill_no=s.BILL_NO,
                    msg_seq_no=1,
                    **common,
                )
            ],
        ),
        "CEB510": r.DepartureReturnMessage(
            guid=g("r510"),
            returns=[
                r.DepartureReturn(
                    guid=g("d"),
                    logistics_code=s.LOGISTICS_CODE,
                    cop_no="DEP202603110001",
                    pre_no="D20260311000000001",
                    msg_seq_no=1,
                    **common,
                )
            ],
        ),
        "CEB604": r.InventoryReturnMessage(
            guid=g("r604"),
            returns=[
                r.InventoryReturn(
                    guid=g("i"),
                    agent_code=s.AGENT_CODE,
                    cop_no="EXPCOP202603100001",
                    pre_no="B20260310000000001",
                    invt_no=s.INVT_NO,
                    ebc_code=s.EBC_CODE,
                    ebp_code=s.EBP_CODE,
                    order_no=s.ORDER_NO,
                    statistics_flag="B",
                    **common,
                )
            ],
        ),
        "CEB606": r.InvtCancelReturnMessage(
            guid=g("r606"),
            returns=[
                r.InvtCancelReturn(
                    guid=g("c"),
                    agent_code=s.AGENT_CODE,
                    cop_no="CXLE202603100001",
                    pre_no="C20260310000000001",
                    invt_no=s.INVT_NO,
                    **common,
                )
            ],
        ),
        "CEB608": r.WayBillReturnMessage(
            guid=g("r608"),
            returns=[
                r.WayBillReturn(
                    guid=g("l"),
                    agent_code=s.AGENT_CODE,
                    logistics_code=s.LOGISTICS_CODE,
                    cop_no="WB202603100001",
                    pre_no="W20260310000000001",
                    bill_no=s.BILL_NO,
                    msg_seq_no=1,
                    **common,
                )
            ],
        ),
        "CEB702": r.SummaryReturnMessage(
            guid=g("r702"),
            returns=[
                r.SummaryReturn(
                    guid=g("s"),
                    agent_code=s.AGENT_CODE,
                    ebc_code=s.EBC_CODE,
                    cop_no="SUM202604050001",
                    pre_no="S20260405000000001",
                    sum_no="514120260000000001",
                    msg_seq_no=1,
                    **common,
                )
            ],
        ),
        "CEB214": r.RefundReturnMessage(
            guid=g("r214"),
            returns=[
                r.RefundReturn(
                    guid=g("f"),
                    ebp_code=s.EBP_CODE,
                    ebc_code=s.EBC_CODE,
                    agent_code=s.AGENT_CODE,
                    co_el_no="RTNE202604200001",
                    invt_no=s.INVT_NO,
                    **common,
                )
            ],
        ),
        "CEB216": r.RefundTallyReturnMessage(
            guid=g("r216"),
            returns=[
                r.InvtRefundDetailReturn(
                    guid=g("t"),
                    operator_code=s.OPERATOR_CODE,
                    logistics_code=s.LOGISTICS_CODE,
                    logistics_no="RTN2604200001",
                    co_el_no="TLY202604220001",
                    **common,
                )
            ],
        ),
        "CEB792": r.SummaryResultMessage(guid=g("r792"), returns=[_result(gseqno=True)]),
    }


def _result(*, gseqno: bool) -> r.SummaryResult:
    head = r.SummaryResultHead(
        guid=s.guid("result"), customs_code="5141", sum_no="514120260000000001", op_date=STAMP,
        decl_seq_no="514120261000000123", dec_state="1", agent_code=s.AGENT_CODE,
        agent_name="湾区报关服务有限公司", ebc_code=s.EBC_CODE, ebc_name=s.EBC_NAME,
        decl_agent_code=s.AGENT_CODE, decl_agent_name="湾区报关服务有限公司",
        gross_weight=Decimal("0.9"), net_weight=Decimal("0.7"), msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    items = [
        r.SummaryResultItem(invt_no=s.INVT_NO, logistics_no=s.LOGISTICS_NO, gnum=n, gcode=code,
                            gseqno=n if gseqno else None)
        for n, code in ((1, "8518300000"), (2, "6110200090"))
    ]  # fmt: skip
    return r.SummaryResult(head=head, items=items)


def test_every_message_type_has_its_receipt_type() -> None:
    assert set(r.RECEIPT_OF) == set(EXPORT_MESSAGE_TYPES)
    assert set(r.RECEIPT_OF.values()) | {"CEB792"} == set(r.EXPORT_RECEIPT_TYPES)
    assert set(_receipts()) == set(r.EXPORT_RECEIPT_TYPES)


@pytest.mark.parametrize("code", sorted(r.EXPORT_RECEIPT_TYPES))
def test_every_receipt_reads_back_as_written(code: str) -> None:
    receipt = _receipts()[code]
    data = ceb_export.write_receipt(receipt)
    assert ceb_export.read_receipt(data, **LIMITS) == receipt


@needs_xsd
@pytest.mark.parametrize("code", sorted(r.EXPORT_RECEIPT_TYPES))
def test_every_receipt_is_valid_against_the_xsds_of_its_versions(code: str) -> None:
    data = ceb_export.write_receipt(_receipts()[code])
    versions = (
        [SpecVersion.V202205] if code in ("CEB214", "CEB216", "CEB792") else list(SpecVersion)
    )
    for spec in versions:
        assert ceb_export.validate(data, spec) == [], spec


@needs_xsd
def test_a_summary_result_without_gseqno_is_2018_and_202205_says_where() -> None:
    """202205 added SummaryResultList/gseqno before gnum: a 2018-shaped CEB792 is valid there
    and faulted by 202205 at gnum, with its path, while it still reads."""
    without = ceb_export.write_receipt(
        r.SummaryResultMessage(guid=s.guid("old"), returns=[_result(gseqno=False)])
    )
    assert ceb_export.validate(without, SpecVersion.V2018) == []
    faults = ceb_export.validate(without, SpecVersion.V202205)
    assert [v.path for v in faults] == [
        "SummaryResult[1]/SummaryResultList[1]/gnum",
        "SummaryResult[1]/SummaryResultList[2]/gnum",
    ]
    assert all(v.code == "CEB900.schema.invalid" and "gseqno" in v.en for v in faults)
    read = ceb_export.read_receipt(without, **LIMITS)
    assert isinstance(read, r.SummaryResultMessage)
    assert [i.gcode for i in read.returns[0].items] == ["8518300000", "6110200090"]
    with_seq = ceb_export.write_receipt(_receipts()["CEB792"])
    assert ceb_export.validate(with_seq, SpecVersion.V2018)  # and 2018 has no gseqno


@needs_xsd
def test_check_reads_what_the_xsd_refuses() -> None:
    """A 202205 export message whose BaseTransfer breaks the XSD is still read, its fault named."""
    data = ceb_export.write_message(s.message("CEB303", s.order()))
    broken = data.replace(b"<ceb:dxpMode>DXP</ceb:dxpMode>", b"<ceb:dxpMode>DXPX</ceb:dxpMode>")
    checked = ceb_export.check(broken, SpecVersion.V202205)
    assert checked.message is not None
    assert checked.read_faults == []
    assert [v.path for v in checked.schema_faults] == ["BaseTransfer/dxpMode"]
    assert checked.message_type == "CEB303"


# --- fuzzing ---------------------------------------------------------------------------------

SAMPLES = [ceb_export.write_message(s.message(code)) for code in CODES]
TOKENS = [b"<", b">", b"/>", b"</ceb:InventoryHead>", b"<ceb:InventoryList>", b"<ceb:POD>",
          b"<!DOCTYPE x>", b'<!ENTITY e "x">', b"&e;", b"&#0;", b"\x00", b"\xff\xfe", b"9" * 60,
          b"<ds:Signature>", b'xmlns:ceb="urn:other"', b"NaN", b"-"]  # fmt: skip
_edit = edits(st.sampled_from(TOKENS))


def _answers(data: bytes) -> None:
    try:
        read: ceb_export.ReadExport | ceb_xml.FormatError = ceb_export.read_message(data, **LIMITS)
    except ceb_xml.FormatError as error:
        read = error
    if isinstance(read, ceb_xml.FormatError):
        assert read.violations
        assert all(v.code.startswith("CEB900.") and v.en and v.zh for v in read.violations)
        receipt = format_error_receipt(read, data, guid="0" * 36, at=AT)
        assert b"CEB900Message" in write_receipt(receipt)
        return
    assert b"Message" in ceb_export.write_message(read.message)
    if XSD:
        for spec in SpecVersion:
            assert all(v.code.startswith("CEB900.") for v in ceb_export.validate(read.root, spec))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES), st.lists(_edit, min_size=1, max_size=4))
def test_mutated_export_messages_get_an_answer(data: bytes, changes: list[Edit]) -> None:
    _answers(mutate(data, changes))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(r.EXPORT_RECEIPT_TYPES)), st.lists(_edit, min_size=1, max_size=3))
def test_mutated_receipts_raise_only_format_errors(code: str, changes: list[Edit]) -> None:
    data = mutate(ceb_export.write_receipt(_receipts()[code]), changes)
    try:
        read: r.ExportReceipt | ceb_xml.FormatError = ceb_export.read_receipt(data, **LIMITS)
    except ceb_xml.FormatError as error:
        read = error
    if isinstance(read, ceb_xml.FormatError):
        assert read.violations
    else:
        assert msgspec.structs.asdict(read)


# --- maxOccurs: the export XSDs allow 100 lines where import allows 99 ---------------------

_LINED = {
    "CEB303": (lambda: s.order(), "Order[1]/OrderList"),
    "CEB603": (lambda: s.inventory(), "Inventory[1]/InventoryList"),
    "CEB213": (lambda: s.refund(), "InvtRefund[1]/InvtRefundList"),
}


def _with_lines(code: str, count: int) -> bytes:
    document = _LINED[code][0]()
    line = document.items[0]
    lines = [msgspec.structs.replace(line, gnum=n) for n in range(1, count + 1)]
    return ceb_export.write_message(s.message(code, msgspec.structs.replace(document, items=lines)))


@pytest.mark.parametrize("code", sorted(_LINED))
def test_a_hundred_export_lines_read_and_a_hundred_and_one_do_not(code: str) -> None:
    """Both export XSDs bound OrderList, InventoryList and InvtRefundList at 100 (import's
    at 99): a document of 100 lines is read whole, one of 101 is refused at its path."""
    read = ceb_export.read_message(_with_lines(code, 100), **LIMITS).message
    assert len(read.documents[0].items) == 100
    with pytest.raises(ceb_xml.FormatError) as refused:
        ceb_export.read_message(_with_lines(code, 101), **LIMITS)
    assert refused.value.codes == ["CEB900.document.too_many_lines"]
    assert refused.value.violations[0].path == _LINED[code][1]
    assert "100" in refused.value.violations[0].en


@needs_xsd
@pytest.mark.parametrize("code", sorted(_LINED))
def test_the_export_xsds_agree_on_a_hundred_lines(code: str) -> None:
    for spec in _versions(code):
        assert [v.code for v in ceb_export.validate(_with_lines(code, 100), spec)] == [], spec
        assert ceb_export.validate(_with_lines(code, 101), spec), spec
