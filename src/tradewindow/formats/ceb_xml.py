"""CEB import messages as XML: CEB311 order, CEB411 payment, CEB511 waybill, CEB621 inventory,
and after release CEB513 waybill status, CEB623 cancellation, CEB625 return, CEB711 delivery.

:func:`read_message` turns untrusted bytes into the domain Structs of
:mod:`tradewindow.cbec.documents` or raises :class:`FormatError`, never anything else;
:func:`write_message` is its inverse. Element order on output is the XSD sequence, the
namespace prefix is ``ceb``, optional fields left as None are omitted and decimals are
written plainly (``format(d, "f")``).

XSD validation is a separate, optional step (:mod:`tradewindow.formats.ceb_schema`): the
reader checks structure and lexical forms only, so that the business rules see every
document it can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import msgspec
from lxml import etree

from tradewindow.cbec.documents import (
    MESSAGE_TYPES,
    BaseTransfer,
    InventoryMessage,
    Message,
    SpecVersion,
    message_type,
)
from tradewindow.formats import hardened_xml, strict_json
from tradewindow.formats.ceb_layout import (
    DS_NS,
    MAX_OCCURS,
    NS,
    NSMAP,
    Field,
    Kind,
    append_struct,
    collect,
    layout,
    unexpected,
    violation,
)
from tradewindow.violations import Rejected, Violation

# Every message type the two spec versions define (import, export and CEB900); a root
# outside this set is unknown, one inside it but not read here is unsupported.
KNOWN_TYPES = frozenset(
    f"CEB{number}"
    for number in (
        *(213, 214, 215, 216, 303, 304, 311, 312, 403, 404, 411, 412, 505, 506, 507, 508),
        *(509, 510, 511, 512, 513, 514, 603, 604, 605, 606, 607, 608, 621, 622, 623, 624),
        *(625, 626, 701, 702, 711, 712, 792, 816, 818, 900),
    )
)
MAX_VIOLATIONS = 200  # a hostile message can hold millions of faults; list this many
SM2_SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"

_BASE_TRANSFER = f"{{{NS}}}BaseTransfer"
_IGNORED = frozenset({f"{{{NS}}}BaseSubscribe", f"{{{NS}}}ExtendMessage"})
_SIGNATURE = f"{{{DS_NS}}}Signature"
_SIGNATURE_METHOD = f"{{{DS_NS}}}SignedInfo/{{{DS_NS}}}SignatureMethod"
_ROOT = re.compile(r"(CEB\d{3})Message")
_ACCEPTED = ", ".join(sorted(MESSAGE_TYPES))
_ACCEPTED_ZH = "、".join(sorted(MESSAGE_TYPES))
_SNIFF = re.compile(
    rb"<(?:[\w.-]+:)?(CEB\d{3})Message\b[^>]*?\sguid\s*=\s*[\"']([A-Za-z0-9-]{1,64})[\"']"
)


class FormatError(Rejected):
    """The message cannot be read; everything a CEB900 receipt needs to say so.

    ``violations`` lists every problem found (path, code, English, Chinese); ``code`` is the
    first one's code. ``guid`` and ``message_type`` (``"CEB311"`` …) are the original
    message's, when they could be read even from a broken message, else None.
    """

    def __init__(
        self,
        violations: list[Violation],
        *,
        guid: str | None = None,
        message_type: str | None = None,
    ) -> None:
        super().__init__(violations)
        self.guid = guid
        self.message_type = message_type

    @property
    def code(self) -> str:
        return self.violations[0].code

    @property
    def codes(self) -> list[str]:
        """The distinct violation codes, in the order first found."""
        return list(dict.fromkeys(v.code for v in self.violations))

    @property
    def ori_message_type(self) -> str:
        """CEB900's oriMessageType: ``CEB311Message``, or ``Unknown`` (spec table 3-65)."""
        return f"{self.message_type}Message" if self.message_type else "Unknown"


@dataclass(frozen=True, slots=True)
class ReadMessage:
    """A message as read: the Structs plus what the Structs do not carry.

    ``signature`` is the serialised ``ds:Signature`` element when the message carried one
    (verify it with :func:`tradewindow.formats.xmldsig.verify` over the original bytes).
    ``spec_hint`` is the spec version the content can only belong to (an InventoryList
    itemNo over 20 characters is 2018-only, a tradeCountry under 3 characters or an SM2
    signature is 202205-only), or None when it fits both. ``root`` is the parsed tree, for
    :func:`tradewindow.formats.ceb_schema.validate` without parsing twice.
    """

    message: Message
    signature: bytes | None
    spec_hint: SpecVersion | None
    root: etree._Element = field(repr=False, compare=False)


def read_message(data: bytes, *, max_bytes: int, max_depth: int) -> ReadMessage:
    """Read a CEB311/411/511/513/621/623/625/711 message, or raise :class:`FormatError`
    listing every fault."""
    try:
        root = hardened_xml.parse(data, max_bytes=max_bytes, max_depth=max_depth)
    except hardened_xml.UnsafeXml as error:
        guid, type_code = _sniff(data)
        raise FormatError(
            [violation("", error.code, error.en, error.zh)], guid=guid, message_type=type_code
        ) from None
    guid = root.get("guid")
    message_class = _message_class(root, guid)
    found: list[Violation] = []
    values, signature = _collect_message(root, message_class, found)
    for attribute in ("guid", "version"):
        if (text := root.get(attribute)) is None:
            found.append(
                violation(
                    f"@{attribute}",
                    "CEB900.attribute.missing",
                    f"the message root needs a {attribute} attribute",
                    f"报文根节点缺少 {attribute} 属性",
                )
            )
        else:
            values[attribute] = text
    code = message_class.__struct_config__.tag
    if found:
        raise FormatError(_capped(found), guid=guid, message_type=code)  # type: ignore[arg-type]
    try:
        message = msgspec.convert(values, type=message_class, strict=False)
    except msgspec.ValidationError as error:  # collect() should have caught it; say where
        raise FormatError(
            [
                violation(
                    _msgspec_path(str(error)),
                    "CEB900.value.invalid",
                    f"a value cannot be read: {error}",
                    f"无法读取数据项：{error}",
                )
            ],
            guid=guid,
            message_type=code,  # type: ignore[arg-type]
        ) from None
    return ReadMessage(
        message=message,
        signature=None if signature is None else etree.tostring(signature),
        spec_hint=_spec_hint(message, signature),
        root=root,
    )


def check_charset(content_type: str) -> None:
    """A CEB XML message is UTF-8 (see ``hardened_xml``): a Content-Type declaring another
    charset — which would override the XML declaration (RFC 7303 §3.2) — is refused as
    ``CEB900.xml.encoding`` before the bytes are read."""
    declared = strict_json.declared_charset(content_type)
    if declared is not None and declared != "utf-8":
        shown = declared[:40]
        raise FormatError(
            [
                violation(
                    "",
                    "CEB900.xml.encoding",
                    f"CEB messages are UTF-8; this one is declared charset={shown}: convert it",
                    f"CEB 报文须为 UTF-8 编码，本报文声明为 charset={shown}：请转换为 UTF-8",
                )
            ]
        )


def write_message(message: Message) -> bytes:
    """The message as CEB XML (UTF-8, with declaration). Its signature is added by xmldsig."""
    root = etree.Element(f"{{{NS}}}{message_type(message)}Message", nsmap=NSMAP)
    root.set("guid", message.guid)
    root.set("version", message.version)
    documents = _documents_field(type(message))
    for document in message.documents:
        append_struct(root, documents.name, document)
    append_struct(root, "BaseTransfer", message.base_transfer)
    return declared(root)


def declared(root: etree._Element) -> bytes:
    """``root`` serialised as UTF-8 behind the usual double-quoted XML declaration."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8")


def _message_class(root: etree._Element, guid: str | None) -> type[Message]:
    qname = etree.QName(root)
    match = _ROOT.fullmatch(qname.localname)
    code = match.group(1) if match and match.group(1) in KNOWN_TYPES else None
    if qname.namespace != NS:
        raise FormatError(
            [
                violation(
                    "",
                    "CEB900.namespace.wrong",
                    f"the message root must be in namespace {NS}, not {qname.namespace or 'none'}",
                    f"报文根节点的命名空间应为 {NS}，实际为 {qname.namespace or '无'}",
                )
            ],
            guid=guid,
            message_type=code,
        )
    if code is None:
        raise FormatError(
            [
                violation(
                    "",
                    "CEB900.message.unknown_type",
                    f"{qname.localname[:40]} is not a CEB message type",
                    f"{qname.localname[:40]} 不是CEB报文类型",
                )
            ],
            guid=guid,
        )
    if code not in MESSAGE_TYPES:
        raise FormatError(
            [
                violation(
                    "",
                    "CEB900.message.unsupported_type",
                    f"{code} messages are not accepted here; send {_ACCEPTED}",
                    f"此处不受理 {code} 报文，仅受理 {_ACCEPTED_ZH}",
                )
            ],
            guid=guid,
            message_type=code,
        )
    return MESSAGE_TYPES[code]


def _collect_message(
    root: etree._Element, message_class: type[Message], found: list[Violation]
) -> tuple[dict[str, Any], etree._Element | None]:
    documents_field = _documents_field(message_class)
    values: dict[str, Any] = {}
    documents: list[etree._Element] = []
    signature: etree._Element | None = None
    for child in root:
        tag = child.tag
        if tag == documents_field.tag:
            documents.append(child)
        elif tag == _BASE_TRANSFER:
            if "BaseTransfer" in values:
                found.append(
                    violation(
                        "BaseTransfer",
                        "CEB900.element.repeated",
                        "BaseTransfer may appear only once",
                        "BaseTransfer 只能出现一次",
                    )
                )
            else:
                values["BaseTransfer"] = collect(child, BaseTransfer, "BaseTransfer", found)
        elif tag == _SIGNATURE:
            if signature is not None:
                found.append(
                    violation(
                        "Signature",
                        "CEB900.element.repeated",
                        "a message carries at most one Signature",
                        "报文最多只能有一个 Signature",
                    )
                )
            signature = child
        elif tag in _IGNORED or not isinstance(tag, str):
            continue  # receipt subscriptions and extensions are not part of clearance
        else:
            found.append(unexpected(child, ""))
    name = documents_field.name
    if not documents:
        found.append(
            violation(
                name,
                "CEB900.message.empty",
                f"the message carries no {name} document",
                f"报文中没有 {name} 单证",
            )
        )
    elif len(documents) > (most := MAX_OCCURS.get(name, 100)):
        found.append(
            violation(
                "",
                "CEB900.message.too_many_documents",
                f"a message may carry at most {most} {name} documents,"
                f" this one has {len(documents)}",
                f"一个报文最多包含 {most} 个 {name} 单证，本报文有 {len(documents)} 个",
            )
        )
    else:
        values[name] = [
            collect(document, documents_field.struct, f"{name}[{index}]", found)
            for index, document in enumerate(documents, 1)
        ]
    if "BaseTransfer" not in values and not any(v.path == "BaseTransfer" for v in found):
        found.append(
            violation(
                "BaseTransfer",
                "CEB900.element.missing",
                "BaseTransfer is required",
                "缺少必填项 BaseTransfer",
            )
        )
    return values, signature


def _documents_field(message_class: type[msgspec.Struct]) -> Field:
    return next(f for f in layout(message_class).fields if f.kind is Kind.STRUCTS)


def _capped(found: list[Violation]) -> list[Violation]:
    """At most MAX_VIOLATIONS, then one saying how many more there were."""
    if len(found) <= MAX_VIOLATIONS:
        return found
    more = len(found) - MAX_VIOLATIONS
    return [
        *found[:MAX_VIOLATIONS],
        violation(
            "",
            "CEB900.message.too_many_faults",
            f"{more} more faults are not listed",
            f"另有 {more} 处错误未列出",
        ),
    ]


def _spec_hint(message: Message, signature: etree._Element | None) -> SpecVersion | None:
    if signature is not None:
        method = signature.find(_SIGNATURE_METHOD)
        if method is not None and method.get("Algorithm") == SM2_SM3:
            return SpecVersion.V202205
    if isinstance(message, InventoryMessage):
        for inventory in message.inventories:
            for item in inventory.items:
                if item.item_no is not None and len(item.item_no) > 20:
                    return SpecVersion.V2018
                if item.trade_country is not None and len(item.trade_country) != 3:
                    return SpecVersion.V202205
    return None


def _sniff(data: object) -> tuple[str | None, str | None]:
    """The guid and message type of a message too broken to parse, when its start shows them."""
    if not isinstance(data, bytes | bytearray):
        return None, None
    match = _SNIFF.search(bytes(data[:4096]))
    if match is None:
        return None, None
    code = match.group(1).decode("ascii")
    return match.group(2).decode("utf-8", "replace"), code if code in KNOWN_TYPES else None


def _msgspec_path(error: str) -> str:
    """``$.Order[0].OrderList[1].qty`` in a msgspec error as ``Order[1]/OrderList[2]/qty``."""
    match = re.search(r"at `\$\.?([^`]*)`", error)
    if match is None:
        return ""
    parts = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", match.group(1))
    return parts.replace(".", "/")
