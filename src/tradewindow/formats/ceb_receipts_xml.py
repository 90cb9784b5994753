"""CEB receipts as XML: CEB312, CEB412, CEB512, CEB622, CEB816 tax bill and CEB900; after
release CEB514, CEB624, CEB626 and CEB712.

:func:`write_receipt` serialises any receipt message of :mod:`tradewindow.cbec.receipts`
in XSD element order; :func:`read_receipt` reads one back (what an enterprise, or an
end-to-end test, does with what customs returned). :func:`format_error_receipt` builds the
CEB900 answer to a message :func:`tradewindow.formats.ceb_xml.read_message` refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec
from lxml import etree

from tradewindow.cbec.receipts import (
    DeliveryReturnMessage,
    FormatErrorMessage,
    InventoryReturnMessage,
    InvtCancelReturnMessage,
    InvtRefundReturnMessage,
    LogisticsReturnMessage,
    LogisticsStatusReturnMessage,
    MessageReturn,
    OrderReturnMessage,
    PaymentReturnMessage,
    ReceiptMessage,
    TaxBillMessage,
    return_time,
)
from tradewindow.formats import hardened_xml
from tradewindow.formats.ceb_layout import (
    NS,
    NSMAP,
    append_struct,
    collect,
    escaped,
    layout,
    struct_xml,
    violation,
)
from tradewindow.formats.ceb_xml import FormatError, declared
from tradewindow.violations import Violation, summarise

RECEIPT_TYPES: dict[str, type[ReceiptMessage]] = {
    "CEB312": OrderReturnMessage,
    "CEB412": PaymentReturnMessage,
    "CEB512": LogisticsReturnMessage,
    "CEB622": InventoryReturnMessage,
    "CEB816": TaxBillMessage,
    "CEB900": FormatErrorMessage,
    "CEB514": LogisticsStatusReturnMessage,
    "CEB624": InvtCancelReturnMessage,
    "CEB626": InvtRefundReturnMessage,
    "CEB712": DeliveryReturnMessage,
}
_ATTRIBUTES = frozenset({"guid", "version"})
_ORI_BIZ_MESSAGE = f"{{{NS}}}oriBizMessage"
# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write_receipt(message: ReceiptMessage) -> bytes:
    """The receipt message as CEB XML (UTF-8, with declaration, ``ceb`` prefix)."""
    code = message.__struct_config__.tag
    if isinstance(message, FormatErrorMessage):  # the original message in CDATA: by lxml
        return _receipt_tree(message)
    guid, version = escaped(message.guid, attribute=True), escaped(message.version, attribute=True)
    parts = [f'<ceb:{code}Message xmlns:ceb="{NS}" guid="{guid}" version="{version}">']
    for field in layout(type(message)).fields:
        if field.name in _ATTRIBUTES:
            continue
        value = getattr(message, field.attr)
        for item in value if isinstance(value, list) else [value]:
            struct_xml(field.name, item, parts)
    if len(parts) == 1:  # no child: lxml writes an empty element
        parts[0] = parts[0].removesuffix(">") + "/>"
    else:
        parts.append(f"</ceb:{code}Message>")
    text = "".join(parts)
    if _NOT_XML.search(text):  # lxml refuses such text: so it is refused as it refuses it
        return _receipt_tree(message)
    return _DECLARATION + text.encode()


_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'  # as ceb_xml.declared writes it


def _receipt_tree(message: ReceiptMessage) -> bytes:
    """:func:`write_receipt` through an lxml tree (CEB900's CDATA; the reference for the
    text writer, tested byte for byte against it)."""
    code = message.__struct_config__.tag
    root = etree.Element(f"{{{NS}}}{code}Message", nsmap=NSMAP)
    root.set("guid", message.guid)
    root.set("version", message.version)
    for field in layout(type(message)).fields:
        if field.name in _ATTRIBUTES:
            continue
        value = getattr(message, field.attr)
        for item in value if isinstance(value, list) else [value]:
            append_struct(root, field.name, item)
    for element in root.iter(_ORI_BIZ_MESSAGE):
        # the spec wraps the original message in CDATA; text that cannot be CDATA stays escaped
        if element.text and "]]>" not in element.text:
            element.text = etree.CDATA(element.text)
    return declared(root)


def read_receipt(data: bytes, *, max_bytes: int, max_depth: int) -> ReceiptMessage:
    """Read a receipt message, or raise :class:`FormatError` listing every fault."""
    try:
        root = hardened_xml.parse(data, max_bytes=max_bytes, max_depth=max_depth)
    except hardened_xml.UnsafeXml as error:
        raise FormatError([violation("", error.code, error.en, error.zh)]) from None
    qname = etree.QName(root)
    code = qname.localname.removesuffix("Message")
    guid = root.get("guid")
    if qname.namespace != NS or code not in RECEIPT_TYPES:
        raise FormatError(
            [
                violation(
                    "",
                    "CEB900.message.unknown_type",
                    f"{qname.localname[:40]} is not a CEB receipt message",
                    f"{qname.localname[:40]} 不是CEB回执报文",
                )
            ],
            guid=guid,
        )
    receipt_class = RECEIPT_TYPES[code]
    found: list[Violation] = []
    values: dict[str, Any] = collect(root, receipt_class, "", found, _ATTRIBUTES)
    for attribute in _ATTRIBUTES:
        if (text := root.get(attribute)) is not None:
            values[attribute] = text
    if "guid" not in values:
        found.append(
            violation(
                "@guid",
                "CEB900.attribute.missing",
                "the message root needs a guid attribute",
                "报文根节点缺少 guid 属性",
            )
        )
    if found:
        raise FormatError(found, guid=guid, message_type=code)
    try:
        return msgspec.convert(values, type=receipt_class, strict=False)
    except msgspec.ValidationError as error:
        raise FormatError(
            [violation("", "CEB900.value.invalid", str(error), f"无法读取数据项：{error}")],
            guid=guid,
            message_type=code,
        ) from None


def format_error_receipt(
    error: FormatError,
    original: bytes,
    *,
    guid: str,
    at: datetime,
    cop_msg_id: str = "",
    return_status: str = "-1",
) -> FormatErrorMessage:
    """The CEB900 receipt for a refused message (spec 202205, table 3-65).

    ``guid`` is the receipt's own; MessageReturn/guid repeats the original message's guid
    when it could be read and is 36 characters long (as the XSD demands), else ``guid``.
    returnStatus is negative for a format error; returnInfo lists every violation (codes
    first, cut at the XSD's 5000 characters); oriBizMessage carries the original text, with
    characters XML cannot hold replaced.
    """
    read = error.guid
    original_guid = (
        read if read is not None and len(read) == 36 and not _NOT_XML.search(read) else guid
    )
    return FormatErrorMessage(
        guid=guid,
        message_return=MessageReturn(
            guid=original_guid,
            return_status=return_status,
            return_info=_NOT_XML.sub("\ufffd", summarise(error.violations, limit=5000)),
            return_time=return_time(at),
            ori_cop_msg_id=_NOT_XML.sub("\ufffd", cop_msg_id[:255]),
            ori_message_type=_NOT_XML.sub("\ufffd", error.ori_message_type),
            ori_biz_message=original_text(original),
        ),
    )


def original_text(original: bytes) -> str:
    """The original message as text XML can carry: UTF-8, undecodable bytes and
    characters XML forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", bytes(original).decode("utf-8", "replace"))
