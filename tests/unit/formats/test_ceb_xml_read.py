"""read_message refuses every bad input with a FormatError carrying a stable code and path."""

from __future__ import annotations

import time

import msgspec
import pytest
from ceb_samples import LIMITS, sample

from tradewindow.cbec.documents import InventoryMessage, OrderMessage, SpecVersion
from tradewindow.formats.ceb_xml import FormatError, read_message, write_message
from tradewindow.violations import Rejected

ORDER = sample("CEB311")
ORDER_GUID = "18A84FA2-3E22-4BD8-B6EF-5D8AFF081062"
CEB = 'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'


def refused(data: bytes, **limits: int) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read_message(data, **{**LIMITS, **limits})
    return caught.value


def order_with(**replacements: str) -> bytes:
    """The sample order with text replaced (``old=new`` given as a dict via **)."""
    text = ORDER.decode()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode()


def edit(old: str, new: str, data: bytes = ORDER) -> bytes:
    assert old.encode() in data, old
    return data.replace(old.encode(), new.encode(), 1)


def sample_order() -> OrderMessage:
    message = read_message(ORDER, **LIMITS).message
    assert isinstance(message, OrderMessage)
    return message


# --- hostile and broken XML ----------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="G" version="1.0">
<ceb:Order><ceb:OrderHead><ceb:note>&lol9;</ceb:note></ceb:OrderHead></ceb:Order>
</ceb:CEB311Message>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="G" version="1.0">
<ceb:Order><ceb:OrderHead><ceb:note>&secret;</ceb:note></ceb:OrderHead></ceb:Order>
</ceb:CEB311Message>"""


def test_billion_laughs_is_refused_quickly_and_expands_nothing() -> None:
    started = time.perf_counter()
    error = refused(BILLION_LAUGHS)
    assert time.perf_counter() - started < 0.5
    assert error.codes == ["CEB900.xml.doctype"]
    assert "lol" not in str(error.violations)


def test_external_entity_is_refused_and_nothing_is_read() -> None:
    error = refused(EXTERNAL_ENTITY)
    assert error.codes == ["CEB900.xml.doctype"]
    assert "root:" not in str(error.violations)


def test_doctype_hidden_from_a_byte_scan_by_utf16_is_refused_before_any_parser() -> None:
    # CEB messages are UTF-8: a UTF-16 one is refused as such, its DOCTYPE never parsed
    error = refused(
        EXTERNAL_ENTITY.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
    )
    assert error.codes == ["CEB900.xml.encoding"]
    assert "root:" not in str(error.violations)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"<",
        b"<ceb:CEB311Message",
        b"not xml at all",
        b"<a></b>",
    ],
)
def test_malformed_xml(data: bytes) -> None:
    assert refused(data).codes == ["CEB900.xml.malformed"]


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00garbage",  # a UTF-16 byte-order mark
        '<?xml version="1.0" encoding="GBK"?><a>中</a>'.encode("gbk"),
        '<?xml version="1.0" encoding="GB18030"?><a>中</a>'.encode("gb18030"),
        '<?xml version="1.0" encoding="GBK"?><a>中</a>'.encode(),  # declared GBK, sent UTF-8
        "<a>中</a>".encode("utf-16"),
        "<a>中</a>".encode("gbk"),  # undeclared GBK: not UTF-8
    ],
)
def test_anything_but_utf8_is_refused_as_an_encoding_fault(data: bytes) -> None:
    assert refused(data).codes == ["CEB900.xml.encoding"]


def test_utf8_with_a_byte_order_mark_or_any_spelling_of_its_name_is_read() -> None:
    for data in (
        b"\xef\xbb\xbf" + ORDER,
        ORDER.replace(b'encoding="UTF-8"', b"encoding='utf-8'"),
        ORDER.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b""),
    ):
        assert read_message(data, max_bytes=10**6, max_depth=32).message == sample_order()


def test_truncated_message_is_malformed_but_keeps_its_guid_and_type_for_ceb900() -> None:
    error = refused(ORDER[: len(ORDER) // 2])
    assert error.codes == ["CEB900.xml.malformed"]
    assert (error.guid, error.message_type) == (ORDER_GUID, "CEB311")
    assert error.ori_message_type == "CEB311Message"


def test_size_is_checked_before_parsing() -> None:
    error = refused(ORDER, max_bytes=len(ORDER) - 1)
    assert error.codes == ["CEB900.xml.too_large"]
    assert (error.guid, error.message_type) == (ORDER_GUID, "CEB311")
    assert read_message(ORDER, max_bytes=len(ORDER), max_depth=32).message == sample_order()


def test_depth_beyond_the_limit_is_refused() -> None:
    nested = "<ceb:Message>" + "<x>" * 40 + "</x>" * 40 + "</ceb:Message>"
    extended = f"<ceb:ExtendMessage><ceb:name>n</ceb:name><ceb:version>1</ceb:version>{nested}"
    data = edit("</ceb:BaseTransfer>", "</ceb:BaseTransfer>" + extended + "</ceb:ExtendMessage>")
    assert refused(data).codes == ["CEB900.xml.too_deep"]
    assert isinstance(read_message(data, max_bytes=10**6, max_depth=50).message, OrderMessage)


def test_depth_beyond_what_libxml2_allows_is_too_deep_too() -> None:
    data = edit("</ceb:BaseTransfer>", "</ceb:BaseTransfer>" + "<a>" * 5000 + "</a>" * 5000)
    started = time.perf_counter()
    assert refused(data, max_bytes=10**6).codes == ["CEB900.xml.too_deep"]
    assert time.perf_counter() - started < 0.5


def test_non_bytes_input_is_a_format_error() -> None:
    assert refused(ORDER.decode()).codes == ["CEB900.xml.malformed"]  # type: ignore[arg-type]


# --- root: namespace and message type --------------------------------------------------------


def test_wrong_namespace() -> None:
    error = refused(ORDER.replace(b"http://www.chinaport.gov.cn/ceb", b"http://example.com/ceb"))
    assert error.codes == ["CEB900.namespace.wrong"]
    assert (error.guid, error.message_type) == (ORDER_GUID, "CEB311")


def test_no_namespace() -> None:
    error = refused(b'<CEB311Message guid="G" version="1.0"/>')
    assert error.codes == ["CEB900.namespace.wrong"]


@pytest.mark.parametrize("root", ["CEB999Message", "Order", "CEB311", "CEB311Messages"])
def test_unknown_message_type(root: str) -> None:
    error = refused(f'<ceb:{root} {CEB} guid="{ORDER_GUID}" version="1.0"/>'.encode())
    assert error.codes == ["CEB900.message.unknown_type"]
    assert (error.guid, error.message_type, error.ori_message_type) == (ORDER_GUID, None, "Unknown")


@pytest.mark.parametrize("code", ["CEB312", "CEB303", "CEB900", "CEB816", "CEB624"])
def test_known_but_unsupported_message_type(code: str) -> None:
    error = refused(f'<ceb:{code}Message {CEB} guid="G" version="1.0"/>'.encode())
    assert error.codes == ["CEB900.message.unsupported_type"]
    assert error.message_type == code


# --- message structure -------------------------------------------------------------------------


def test_empty_message() -> None:
    data = ORDER[: ORDER.index(b"<ceb:Order>")] + ORDER[ORDER.index(b"<ceb:BaseTransfer>") :]
    error = refused(data)
    assert error.codes == ["CEB900.message.empty"]
    assert error.violations[0].path == "Order"


def test_root_with_nothing_in_it() -> None:
    error = refused(f'<ceb:CEB311Message {CEB} guid="G" version="1.0"/>'.encode())
    assert error.codes == ["CEB900.message.empty", "CEB900.element.missing"]
    assert error.violations[1].path == "BaseTransfer"


def test_a_hundred_documents_read_and_a_hundred_and_one_do_not() -> None:
    order = sample_order()
    hundred = msgspec.structs.replace(order, orders=order.orders * 100)
    assert (
        len(read_message(write_message(hundred), max_bytes=10**7, max_depth=32).message.documents)
        == 100
    )
    error = refused(
        write_message(msgspec.structs.replace(order, orders=order.orders * 101)), max_bytes=10**7
    )
    assert error.codes == ["CEB900.message.too_many_documents"]


def test_ninety_nine_lines_read_and_a_hundred_do_not() -> None:
    order = sample_order()
    (document,) = order.orders

    def with_lines(count: int) -> bytes:
        lines = [msgspec.structs.replace(document.items[0], gnum=n) for n in range(1, count + 1)]
        changed = msgspec.structs.replace(document, items=lines)
        return write_message(msgspec.structs.replace(order, orders=[document, changed]))

    read = read_message(with_lines(99), **LIMITS).message
    assert isinstance(read, OrderMessage)
    assert len(read.orders[1].items) == 99
    error = refused(with_lines(100))
    assert error.codes == ["CEB900.document.too_many_lines"]
    assert error.violations[0].path == "Order[2]/OrderList"


@pytest.mark.parametrize(
    ("old", "new", "code", "path"),
    [
        (
            "<ceb:qty>1</ceb:qty>",
            "<ceb:qty>one</ceb:qty>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderList[2]/qty",
        ),
        (
            "<ceb:qty>1</ceb:qty>",
            "<ceb:qty>1e3</ceb:qty>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderList[2]/qty",
        ),
        (
            "<ceb:qty>1</ceb:qty>",
            "<ceb:qty>NaN</ceb:qty>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderList[2]/qty",
        ),
        (
            "<ceb:qty>1</ceb:qty>",
            "<ceb:qty>Infinity</ceb:qty>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderList[2]/qty",
        ),
        (
            "<ceb:qty>1</ceb:qty>",
            "<ceb:qty></ceb:qty>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderList[2]/qty",
        ),
        (
            "<ceb:goodsValue>500.00</ceb:goodsValue>",
            "<ceb:goodsValue>500,00</ceb:goodsValue>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderHead/goodsValue",
        ),
        (
            "<ceb:goodsValue>500.00</ceb:goodsValue>",
            "<ceb:goodsValue>" + "9" * 50 + "</ceb:goodsValue>",
            "CEB900.value.not_decimal",
            "Order[1]/OrderHead/goodsValue",
        ),
        (
            "<ceb:gnum>2</ceb:gnum>",
            "<ceb:gnum>2.0</ceb:gnum>",
            "CEB900.value.not_integer",
            "Order[1]/OrderList[2]/gnum",
        ),
        (
            "<ceb:gnum>2</ceb:gnum>",
            "<ceb:gnum>99999999999</ceb:gnum>",
            "CEB900.value.not_integer",
            "Order[1]/OrderList[2]/gnum",
        ),
        (
            "<ceb:orderNo>WBY20260315000001</ceb:orderNo>",
            "",
            "CEB900.element.missing",
            "Order[1]/OrderHead/orderNo",
        ),
        (
            "<ceb:dxpId>DXPENT0000440396</ceb:dxpId>",
            "",
            "CEB900.element.missing",
            "BaseTransfer/dxpId",
        ),
        (
            "<ceb:appType>1</ceb:appType>",
            "<ceb:appType>1</ceb:appType><ceb:appType>2</ceb:appType>",
            "CEB900.element.repeated",
            "Order[1]/OrderHead/appType",
        ),
        (
            "<ceb:appType>1</ceb:appType>",
            "<ceb:appType>1</ceb:appType><ceb:colour>red</ceb:colour>",
            "CEB900.element.unexpected",
            "Order[1]/OrderHead/colour",
        ),
        (
            "<ceb:appType>1</ceb:appType>",
            '<ceb:appType>1</ceb:appType><x:appTime xmlns:x="urn:x">1</x:appTime>',
            "CEB900.namespace.wrong",
            "Order[1]/OrderHead/appTime",
        ),
        (
            "<ceb:appType>1</ceb:appType>",
            "<ceb:appType><ceb:b>1</ceb:b></ceb:appType>",
            "CEB900.element.not_text",
            "Order[1]/OrderHead/appType",
        ),
        ('guid="18A84FA2-3E22-4BD8-B6EF-5D8AFF081062"', "", "CEB900.attribute.missing", "@guid"),
        ('5D8AFF081062" version="1.0"', '5D8AFF081062"', "CEB900.attribute.missing", "@version"),
        (
            "<ceb:BaseTransfer>",
            "<ceb:Surprise/><ceb:BaseTransfer>",
            "CEB900.element.unexpected",
            "Surprise",
        ),
    ],
)
def test_bad_content_has_a_code_and_a_path(old: str, new: str, code: str, path: str) -> None:
    error = refused(edit(old, new))
    assert [(v.code, v.path) for v in error.violations] == [(code, path)]


def test_every_fault_is_reported_at_once() -> None:
    data = edit("<ceb:qty>2</ceb:qty>", "<ceb:qty>two</ceb:qty>")
    data = edit("<ceb:buyerName>李小红</ceb:buyerName>", "", data)
    data = edit("<ceb:copCode>4403960001</ceb:copCode>", "", data)
    error = refused(data)
    assert sorted((v.path, v.code) for v in error.violations) == [
        ("BaseTransfer/copCode", "CEB900.element.missing"),
        ("Order[1]/OrderHead/buyerName", "CEB900.element.missing"),
        ("Order[1]/OrderList[1]/qty", "CEB900.value.not_decimal"),
    ]
    assert error.code == error.violations[0].code
    assert (error.guid, error.message_type) == (ORDER_GUID, "CEB311")


def test_violations_speak_english_and_chinese_and_the_error_is_a_rejection() -> None:
    error = refused(edit("<ceb:qty>1</ceb:qty>", "<ceb:qty>one</ceb:qty>"))
    assert isinstance(error, Rejected)
    (violation,) = error.violations
    assert "qty" in violation.en
    assert "decimal" in violation.en
    assert "十进制" in violation.zh


# --- what the reader tolerates -----------------------------------------------------------------


def test_comments_processing_instructions_cdata_and_whitespace_around_numbers_are_fine() -> None:
    data = edit("<ceb:qty>2</ceb:qty>", "<ceb:qty> <!-- two -->2<?pi x?> </ceb:qty>")
    data = edit(
        "<ceb:buyerName>李小红</ceb:buyerName>",
        "<ceb:buyerName><![CDATA[李小红]]></ceb:buyerName>",
        data,
    )
    assert read_message(data, **LIMITS).message == sample_order()


def test_receipt_subscriptions_and_extensions_are_accepted_and_ignored() -> None:
    extra = (
        "<ceb:BaseSubscribe><ceb:status>1</ceb:status><ceb:dxpMode>DXP</ceb:dxpMode>"
        "<ceb:dxpAddress>DXPENT0000440396</ceb:dxpAddress></ceb:BaseSubscribe>"
        "<ceb:ExtendMessage><ceb:name>x</ceb:name><ceb:version>1</ceb:version>"
        "<ceb:Message><anything/></ceb:Message></ceb:ExtendMessage>"
    )
    data = edit("</ceb:BaseTransfer>", "</ceb:BaseTransfer>" + extra)
    assert read_message(data, **LIMITS).message == sample_order()


# --- spec hint -----------------------------------------------------------------------------------


def test_spec_hint_from_content() -> None:
    inventory = sample("CEB621")
    long_item_no = edit(
        "<ceb:itemNo>SKU-MILK-800G-1</ceb:itemNo>",
        "<ceb:itemNo>SKU-MILK-800G-1-LONGER-25</ceb:itemNo>",
        inventory,
    )
    assert read_message(long_item_no, **LIMITS).spec_hint is SpecVersion.V2018
    short_country = edit(
        "<ceb:tradeCountry>304</ceb:tradeCountry>",
        "<ceb:tradeCountry>30</ceb:tradeCountry>",
        inventory,
    )
    assert read_message(short_country, **LIMITS).spec_hint is SpecVersion.V202205
    sm2 = inventory.replace(
        b"http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        b"http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3",
    )
    read = read_message(sm2, **LIMITS)
    assert isinstance(read.message, InventoryMessage)
    assert read.spec_hint is SpecVersion.V202205


def test_two_signatures_are_refused() -> None:
    inventory = sample("CEB621")
    start = inventory.index(b"<ds:Signature")
    end = inventory.index(b"</ds:Signature>") + len(b"</ds:Signature>")
    twice = inventory[:end] + inventory[start:end] + inventory[end:]
    error = refused(twice)
    assert [(v.code, v.path) for v in error.violations] == [
        ("CEB900.element.repeated", "Signature")
    ]


def test_a_flood_of_faults_is_listed_up_to_a_cap() -> None:
    flood = "<ceb:bogus>1</ceb:bogus>" * 5000
    error = refused(edit("<ceb:appType>1</ceb:appType>", "<ceb:appType>1</ceb:appType>" + flood))
    assert len(error.violations) == 201
    assert error.violations[-1].code == "CEB900.message.too_many_faults"
    assert "4800 more" in error.violations[-1].en
