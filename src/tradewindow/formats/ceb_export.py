"""CEB export messages as XML: CEB303 order, 403 receipt of payment, 505 waybill, 507 arrival,
509 departure, 603 inventory list, 605 cancellation, 607 waybill link, 701 summary
application, and in 202205 CEB213 return and 215 tally; their receipts (304 … 702, 214,
216) and the CEB792 summary result.

The same layout as import (:mod:`tradewindow.formats.ceb_layout`): :func:`read_message`
turns untrusted bytes into the Structs of :mod:`tradewindow.export.documents` or raises
:class:`~tradewindow.formats.ceb_xml.FormatError` listing every fault with its path, never
anything else; :func:`write_message` is its inverse. :func:`write_receipt` and
:func:`read_receipt` do the same for what customs returns.

:func:`validate` checks a message against the export XSD of a spec version and reports every
fault as ``CEB900.schema.invalid`` with a CEB path; like import, it is a separate step, so a
message the XSD refuses is still read as far as it can be (:func:`check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from lxml import etree

from tradewindow.cbec.documents import SpecVersion
from tradewindow.export.documents import (
    EXPORT_MESSAGE_TYPES,
    ONLY_202205,
    ExportMessage,
    message_type,
)
from tradewindow.export.receipts import EXPORT_RECEIPT_TYPES, ExportReceipt
from tradewindow.formats import ceb_schema, ceb_xml, hardened_xml
from tradewindow.formats.ceb_layout import (
    NS,
    NSMAP,
    Kind,
    append_struct,
    collect,
    layout,
    violation,
)
from tradewindow.violations import Violation

# 2018-113/出口业务节点报文.xsd and 202205/海关跨境出口业务节点报文定义202205.xsd
_EXPORT_SCHEMA = "*出口业务节点报文*.xsd"
_DSIG = "xmldsig-core-schema.xsd"
_ROOT = re.compile(r"(CEB\d{3})Message")
_ATTRIBUTES = frozenset({"guid", "version"})
# unambiguous, so matching is linear: one space at a time (``(?:\s+)*`` would backtrack
# without end), a processing instruction or comment up to its first end only
_PROLOGUE = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->)*"
    rb"<(?:[A-Za-z_][\w.-]*:)?(CEB\d{3})Message[\s/>]"
)
_ACCEPTED = ", ".join(sorted(EXPORT_MESSAGE_TYPES))
_ACCEPTED_ZH = "、".join(sorted(EXPORT_MESSAGE_TYPES))


@dataclass(frozen=True, slots=True)
class ReadExport:
    """An export message as read (see :class:`tradewindow.formats.ceb_xml.ReadMessage`)."""

    message: ExportMessage
    signature: bytes | None
    spec_hint: SpecVersion | None
    root: etree._Element = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Checked:
    """What :func:`check` found: the message when it could be read, the reader's faults when
    not, and the XSD's faults in either case (empty when the XSDs are not available)."""

    message_type: str | None
    message: ExportMessage | None
    read_faults: list[Violation]
    schema_faults: list[Violation]


def root_type(data: bytes) -> str | None:
    """The ``CEBnnn`` its root element names (``CEB603``), from the start of the bytes
    without parsing them (past a BOM, the XML declaration, processing instructions and
    comments); None when the start shows none. Which reader to use, not a verdict: the
    reader still checks everything."""
    match = _PROLOGUE.match(bytes(data[:8192]))
    return None if match is None else match.group(1).decode("ascii")


def is_receipt_type(code: str | None) -> bool:
    """True for the export receipts and the CEB792 summary result (customs' answers)."""
    return code in EXPORT_RECEIPT_TYPES


def is_export_type(code: str | None) -> bool:
    """True for the export data messages read here (``CEB603`` …)."""
    return code in EXPORT_MESSAGE_TYPES


def read_message(data: bytes, *, max_bytes: int, max_depth: int) -> ReadExport:
    """Read an export message, or raise ``FormatError`` listing every fault."""
    try:
        root = hardened_xml.parse(data, max_bytes=max_bytes, max_depth=max_depth)
    except hardened_xml.UnsafeXml as error:
        guid, type_code = ceb_xml._sniff(data)
        raise ceb_xml.FormatError(
            [violation("", error.code, error.en, error.zh)], guid=guid, message_type=type_code
        ) from None
    return read_tree(root)


def read_tree(root: etree._Element) -> ReadExport:
    """Read an export message from a parsed tree (see :func:`read_message`)."""
    guid = root.get("guid")
    message_class = _message_class(root, guid)
    code = message_class.__struct_config__.tag
    found: list[Violation] = []
    values, signature = ceb_xml._collect_message(root, message_class, found)  # type: ignore[arg-type]
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
    if found:
        raise ceb_xml.FormatError(ceb_xml._capped(found), guid=guid, message_type=code)  # type: ignore[arg-type]
    try:
        message = msgspec.convert(values, type=message_class, strict=False)
    except msgspec.ValidationError as error:
        raise ceb_xml.FormatError(
            [
                violation(
                    ceb_xml._msgspec_path(str(error)),
                    "CEB900.value.invalid",
                    f"a value cannot be read: {error}",
                    f"无法读取数据项：{error}",
                )
            ],
            guid=guid,
            message_type=code,  # type: ignore[arg-type]
        ) from None
    return ReadExport(
        message=message,
        signature=None if signature is None else etree.tostring(signature),
        spec_hint=_spec_hint(message, signature),
        root=root,
    )


def write_message(message: ExportMessage) -> bytes:
    """The export message as CEB XML (UTF-8, with declaration, ``ceb`` prefix)."""
    root = etree.Element(f"{{{NS}}}{message_type(message)}Message", nsmap=NSMAP)
    root.set("guid", message.guid)
    root.set("version", message.version)
    documents = next(f for f in layout(type(message)).fields if f.kind is Kind.STRUCTS)
    for document in message.documents:
        append_struct(root, documents.name, document)
    append_struct(root, "BaseTransfer", message.base_transfer)
    return ceb_xml.declared(root)


def write_receipt(message: ExportReceipt) -> bytes:
    """An export receipt (or CEB792) as CEB XML."""
    code = message.__struct_config__.tag
    root = etree.Element(f"{{{NS}}}{code}Message", nsmap=NSMAP)
    root.set("guid", message.guid)
    root.set("version", message.version)
    for item in message.returns:
        append_struct(root, _returns_name(type(message)), item)
    return ceb_xml.declared(root)


def read_receipt(data: bytes, *, max_bytes: int, max_depth: int) -> ExportReceipt:
    """Read an export receipt or CEB792, or raise ``FormatError`` listing every fault."""
    try:
        root = hardened_xml.parse(data, max_bytes=max_bytes, max_depth=max_depth)
    except hardened_xml.UnsafeXml as error:
        raise ceb_xml.FormatError([violation("", error.code, error.en, error.zh)]) from None
    qname = etree.QName(root)
    code = qname.localname.removesuffix("Message")
    guid = root.get("guid")
    if qname.namespace != NS or code not in EXPORT_RECEIPT_TYPES:
        raise ceb_xml.FormatError(
            [
                violation(
                    "",
                    "CEB900.message.unknown_type",
                    f"{qname.localname[:40]} is not a CEB export receipt",
                    f"{qname.localname[:40]} 不是CEB出口回执报文",
                )
            ],
            guid=guid,
        )
    receipt_class = EXPORT_RECEIPT_TYPES[code]
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
        raise ceb_xml.FormatError(ceb_xml._capped(found), guid=guid, message_type=code)
    try:
        return msgspec.convert(values, type=receipt_class, strict=False)
    except msgspec.ValidationError as error:
        raise ceb_xml.FormatError(
            [violation("", "CEB900.value.invalid", str(error), f"无法读取数据项：{error}")],
            guid=guid,
            message_type=code,
        ) from None


# --- XSD ------------------------------------------------------------------------------------


def schemas_available(directory: str | Path | None = None) -> bool:
    """True when both spec versions' export XSDs (and the signature XSD) exist."""
    found = ceb_schema.xsd_dir(directory)
    return found is not None and all(
        _schema_file(found, spec) is not None and (found / spec.value / _DSIG).is_file()
        for spec in SpecVersion
    )


def validate(
    data_or_tree: bytes | etree._Element,
    spec: SpecVersion,
    directory: str | Path | None = None,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    max_depth: int = 32,
) -> list[Violation]:
    """Every fault of an export message or receipt against the export XSD of ``spec``.

    Each is ``CEB900.schema.invalid`` with the CEB path of the element at fault
    (``Inventory[1]/InventoryHead/POD``). A type the version does not define (CEB213 under
    2018) is one ``CEB900.schema.unknown_type``. Raises ``FileNotFoundError`` without XSDs.
    """
    found = ceb_schema.xsd_dir(directory)
    if found is None:
        raise FileNotFoundError(f"no CEB XSD directory (set {ceb_schema.ENV})")
    if isinstance(data_or_tree, bytes | bytearray):
        try:
            root = hardened_xml.parse(bytes(data_or_tree), max_bytes=max_bytes, max_depth=max_depth)
        except hardened_xml.UnsafeXml as error:
            return [Violation(path="", code=error.code, en=error.en, zh=error.zh)]
    else:
        root = data_or_tree
    match = _ROOT.fullmatch(etree.QName(root).localname)
    code = match.group(1) if match else None
    if spec is SpecVersion.V2018 and code is not None and code[:6] in _ONLY_202205_ALL:
        return [
            violation(
                "",
                "CEB900.schema.unknown_type",
                f"{code} is defined by the 202205 export XSD only, not by {spec.value}",
                f"{code} 仅由 202205 版出口报文XSD定义，{spec.value} 版无此报文",
            )
        ]
    schema = _schema(found.resolve(), spec)
    if schema.validate(root):
        return []
    return [ceb_schema._violation(root, error) for error in schema.error_log]  # type: ignore[attr-defined]


def check(
    data: bytes,
    spec: SpecVersion,
    directory: str | Path | None = None,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    max_depth: int = 32,
) -> Checked:
    """Read ``data`` and check it against the XSD of ``spec``, reporting both.

    A message the XSD refuses (GACC's own 202205 samples are) is still read when the reader
    can: the XSD's faults are reported beside the message, not instead of it.
    """
    schema_faults: list[Violation] = []
    if schemas_available(directory):
        schema_faults = validate(data, spec, directory, max_bytes=max_bytes, max_depth=max_depth)
    try:
        read = read_message(data, max_bytes=max_bytes, max_depth=max_depth)
    except ceb_xml.FormatError as error:
        return Checked(error.message_type, None, error.violations, schema_faults)
    return Checked(message_type(read.message), read.message, [], schema_faults)


# --- internals ------------------------------------------------------------------------------

_ONLY_202205_ALL = frozenset({*ONLY_202205, "CEB214", "CEB216"})


def _message_class(root: etree._Element, guid: str | None) -> type[ExportMessage]:
    qname = etree.QName(root)
    match = _ROOT.fullmatch(qname.localname)
    code = match.group(1) if match and match.group(1) in ceb_xml.KNOWN_TYPES else None
    if qname.namespace != NS:
        raise ceb_xml.FormatError(
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
        raise ceb_xml.FormatError(
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
    if code not in EXPORT_MESSAGE_TYPES:
        raise ceb_xml.FormatError(
            [
                violation(
                    "",
                    "CEB900.message.unsupported_type",
                    f"{code} is not an export message; send {_ACCEPTED}",
                    f"{code} 不是出口报文，此处仅受理 {_ACCEPTED_ZH}",
                )
            ],
            guid=guid,
            message_type=code,
        )
    return EXPORT_MESSAGE_TYPES[code]


def _returns_name(receipt_class: type[msgspec.Struct]) -> str:
    return next(f.name for f in layout(receipt_class).fields if f.kind is Kind.STRUCTS)


def _spec_hint(message: ExportMessage, signature: etree._Element | None) -> SpecVersion | None:
    """The version the content can only belong to: 213 / 215 and SM2 are 202205; a
    logisticsNo over 32 or an ebpCode over 18 characters is 2018 only."""
    if message_type(message) in ONLY_202205:
        return SpecVersion.V202205
    if signature is not None:
        method = signature.find(ceb_xml._SIGNATURE_METHOD)
        if method is not None and method.get("Algorithm") == ceb_xml.SM2_SM3:
            return SpecVersion.V202205
    for document in message.documents:
        head = document.head
        if len(getattr(head, "logistics_no", "") or "") > 32:
            return SpecVersion.V2018
        if len(getattr(head, "ebp_code", "") or "") > 18:
            return SpecVersion.V2018
    return None


@cache
def _schema(directory: Path, spec: SpecVersion) -> etree.XMLSchema:
    path = _schema_file(directory, spec)
    if path is None:
        raise FileNotFoundError(f"no export XSD for {spec} under {directory}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(ceb_schema._LocalOnly(path.parent))
    try:
        return etree.XMLSchema(etree.parse(str(path), parser))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise FileNotFoundError(
            f"the {spec} export XSDs under {directory} do not compile: {error}"
        ) from None


def _schema_file(directory: Path, spec: SpecVersion) -> Path | None:
    return next(iter(sorted((directory / spec.value).glob(_EXPORT_SCHEMA))), None)
