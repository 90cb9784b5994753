"""How a CEB Struct is laid out as XML elements, both ways.

The domain Structs in :mod:`tradewindow.cbec.documents` and :mod:`tradewindow.cbec.receipts`
declare their fields in the XSD's sequence order under the XSD's element names (their
msgspec encode names), so one layout serves every message: a scalar field is a leaf
element holding text, a Struct field is an element holding that Struct's fields, and a list
of Structs is that element repeated. :func:`append_struct` writes a Struct into a tree;
:func:`collect` reads an element back into a plain dict of texts that
``msgspec.convert(..., strict=False)`` turns into the Struct, after :func:`collect` has
checked everything msgspec would stop at the first of (missing, repeated, unexpected,
non-numeric elements), so every problem is reported at once, each with its path.
"""

from __future__ import annotations

import enum
import re
import types
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Union, get_args, get_origin

import msgspec
from lxml import etree

from tradewindow.violations import Violation

NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
NSMAP = {"ceb": NS}

# Upper bounds the XSD puts on repeated elements (maxOccurs); a message over them is refused
# before its content is converted.
MAX_OCCURS = {
    "Order": 100,
    "Payment": 100,
    "Logistics": 100,
    "Inventory": 100,
    "OrderList": 99,  # import; the export XSDs allow 100 (see ``max_occurs`` below)
    "InventoryList": 99,
    "TaxListRd": 99,
    "OrderReturn": 100,
    "PaymentReturn": 100,
    "LogisticsReturn": 100,
    "InventoryReturn": 100,
    # after release (CEB513 / 623 / 625 / 711 and their receipts); DeliveryList is unbounded
    "LogisticsStatus": 100,
    "InvtCancel": 100,
    "InvtRefund": 100,
    "InvtRefundList": 99,
    "Delivery": 1,
    "LogisticsStatusReturn": 100,
    "InvtCancelReturn": 100,
    "InvtRefundReturn": 100,
    "DeliveryReturn": 100,
    # export (CEB303 … 792, 213 / 215 and receipts; names shared with import keep their bound).
    # The 202205 XSD leaves the lists of arrivals, departures, waybill links, summaries and
    # results unbounded; they are bounded here so that paths are numbered and a hostile
    # message stops early (the message's byte limit bounds them long before).
    "Receipts": 100,
    "Arrival": 100,
    "ArrivalList": 10_000,
    "Departure": 100,
    "DepartureList": 10_000,
    "WayBill": 100,
    "WayBillList": 10_000,
    "SummaryApply": 100,
    "SummaryApplyList": 10_000,
    "SummaryResult": 100,
    "SummaryResultList": 10_000,
    "InvtRefundDetail": 100,
    "ReceiptsReturn": 100,
    "ArrivalReturn": 100,
    "DepartureReturn": 100,
    "WayBillReturn": 100,
    "SummaryReturn": 100,
    "RefundReturn": 100,
    "InvtRefundDetailReturn": 100,
}
# A Struct whose XSD bounds a list differently from the element of the same name elsewhere
# says so in a ClassVar of this name (export lists carry 100 lines, import ones 99).
OWN_MAX_OCCURS = "max_occurs"


def max_occurs(struct: type[msgspec.Struct], name: str) -> int | None:
    """The bound of the repeated element ``name`` inside ``struct`` (None: unbounded)."""
    own: dict[str, int] = getattr(struct, OWN_MAX_OCCURS, {})
    return own.get(name, MAX_OCCURS.get(name))


# XSD lexical forms, bounded so that a hostile digit string cannot cost quadratic time
# (the XSD itself allows 19 digits, 5 after the point; facets are the rules' business).
_DECIMAL = re.compile(r"\s*[+-]?(?:\d{1,40}(?:\.\d{0,40})?|\.\d{1,40})\s*")
_INT = re.compile(r"\s*[+-]?\d{1,10}\s*")
_INT_RANGE = range(-(2**31), 2**31)


class Kind(enum.Enum):
    TEXT = "text"
    DECIMAL = "decimal"
    INT = "int"
    STRUCT = "struct"
    STRUCTS = "structs"


@dataclass(frozen=True, slots=True)
class Field:
    attr: str
    name: str
    tag: str
    kind: Kind
    required: bool
    struct: type[msgspec.Struct] = msgspec.Struct  # the element's Struct, for nested kinds
    limit: int | None = None  # maxOccurs of a repeated element (None: unbounded)


@dataclass(frozen=True, slots=True)
class Layout:
    fields: tuple[Field, ...]
    by_tag: dict[str, Field]
    leaves: dict[str, str]  # tag -> name of the scalar fields, the reader's fast path
    required: frozenset[str]
    decimals: tuple[str, ...]
    ints: tuple[str, ...]


@cache
def layout(struct: type[msgspec.Struct]) -> Layout:
    """The element layout of a Struct type, derived once from its msgspec field info."""
    fields = []
    for info in msgspec.structs.fields(struct):
        kind, inner = _kind(info.type)
        fields.append(
            Field(
                attr=info.name,
                name=info.encode_name,
                tag=f"{{{NS}}}{info.encode_name}",
                kind=kind,
                required=info.required,
                struct=inner or msgspec.Struct,
                limit=max_occurs(struct, info.encode_name) if kind is Kind.STRUCTS else None,
            )
        )
    return Layout(
        fields=tuple(fields),
        by_tag={f.tag: f for f in fields},
        leaves={f.tag: f.name for f in fields if f.kind not in (Kind.STRUCT, Kind.STRUCTS)},
        required=frozenset(f.name for f in fields if f.required),
        decimals=tuple(f.name for f in fields if f.kind is Kind.DECIMAL),
        ints=tuple(f.name for f in fields if f.kind is Kind.INT),
    )


def _kind(annotation: Any) -> tuple[Kind, type[msgspec.Struct] | None]:
    if get_origin(annotation) in (Union, types.UnionType):
        (annotation,) = (a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return Kind.STRUCTS, item
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return Kind.STRUCT, annotation
    if annotation is Decimal:
        return Kind.DECIMAL, None
    if annotation is int:
        return Kind.INT, None
    return Kind.TEXT, None


# --- writing -------------------------------------------------------------------------------


def text_of(value: object) -> str:
    """A scalar as CEB text: decimals written plainly, never with an exponent."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def append_struct(parent: etree._Element, name: str, value: msgspec.Struct) -> etree._Element:
    """Append ``<ceb:name>`` holding ``value``'s fields in declaration (= XSD) order."""
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    for field in layout(type(value)).fields:
        item = getattr(value, field.attr)
        if item is None:
            continue
        if field.kind is Kind.STRUCT:
            append_struct(element, field.name, item)
        elif field.kind is Kind.STRUCTS:
            for each in item:
                append_struct(element, field.name, each)
        else:
            etree.SubElement(element, field.tag).text = text_of(item)
    return element


def struct_xml(name: str, value: msgspec.Struct, parts: list[str]) -> None:
    """:func:`append_struct` as text: ``<ceb:name>`` holding ``value``'s fields appended to
    ``parts``, as lxml serialises the tree :func:`append_struct` builds (a parent whose
    root maps the ``ceb`` prefix); several times faster for receipts of 100 returns. Text
    is escaped as lxml escapes it; characters XML cannot hold are the caller's to refuse."""
    parts.append(f"<ceb:{name}>")
    start = len(parts)
    for field in layout(type(value)).fields:
        item = getattr(value, field.attr)
        if item is None:
            continue
        if field.kind is Kind.STRUCT:
            struct_xml(field.name, item, parts)
        elif field.kind is Kind.STRUCTS:
            for each in item:
                struct_xml(field.name, each, parts)
        else:
            text = text_of(item)
            if _ESCAPED.search(text):
                text = escaped(text)
            parts.append(f"<ceb:{field.name}>{text}</ceb:{field.name}>")
    if len(parts) == start:  # no child: lxml writes an empty element
        parts[-1] = f"<ceb:{name}/>"
    else:
        parts.append(f"</ceb:{name}>")


_ESCAPED = re.compile("[&<>\r]")


def escaped(text: str, *, attribute: bool = False) -> str:
    """``text`` escaped as lxml (libxml2) serialises it in an element, or an attribute."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


# --- reading -------------------------------------------------------------------------------


def path_of(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def collect(
    element: etree._Element,
    struct: type[msgspec.Struct],
    path: str,
    found: list[Violation],
    attributes: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """``element``'s children as a dict of element name to text (or nested dicts/lists).

    Appends to ``found`` a violation for every unexpected, repeated, missing, nested or
    non-numeric element, so the dict converts cleanly whenever ``found`` stayed empty.
    Fields named in ``attributes`` are XML attributes, read by the caller.
    """
    plan = layout(struct)
    leaves = plan.leaves
    values: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        name = leaves.get(tag)
        if name is not None and name not in values and name not in attributes and not len(child):
            values[name] = child.text or ""  # the common case: a text field seen first time
            continue
        if not isinstance(tag, str):
            continue  # an entity reference or comment left by a caller-built tree
        field = plan.by_tag.get(tag)
        if field is None or field.name in attributes:
            found.append(unexpected(child, path))
            continue
        kind = field.kind
        if kind is Kind.STRUCTS:
            items: list[dict[str, Any]] = values.setdefault(field.name, [])
            limit = field.limit
            if limit is not None and len(items) >= limit:
                if len(items) == limit:
                    found.append(_too_many(path, field.name, limit))
                    items.append({})  # counted once; the rest are not read
                continue
            where = f"{path_of(path, field.name)}[{len(items) + 1}]"
            items.append(collect(child, field.struct, where, found))
        elif field.name in values:
            found.append(
                violation(
                    path_of(path, field.name),
                    "CEB900.element.repeated",
                    f"{field.name} may appear only once",
                    f"{field.name} 只能出现一次",
                )
            )
        elif kind is Kind.STRUCT:
            values[field.name] = collect(child, field.struct, path_of(path, field.name), found)
        else:
            values[field.name] = None  # seen, so not reported missing as well
            found.append(
                violation(
                    path_of(path, field.name),
                    "CEB900.element.not_text",
                    f"{field.name} must hold text, not elements",
                    f"{field.name} 应为文本，不能包含子元素",
                )
            )
    _check(values, plan, path, found, attributes)
    return values


def _check(
    values: dict[str, Any],
    plan: Layout,
    path: str,
    found: list[Violation],
    attributes: frozenset[str],
) -> None:
    for name in plan.required.difference(values, attributes):
        found.append(
            violation(
                path_of(path, name),
                "CEB900.element.missing",
                f"{name} is required",
                f"缺少必填项 {name}",
            )
        )
    for name in plan.decimals:
        text = values.get(name)
        if text is not None:
            if _DECIMAL.fullmatch(text):
                values[name] = text.strip()
            else:
                found.append(
                    violation(
                        path_of(path, name),
                        "CEB900.value.not_decimal",
                        f"{name} must be a decimal number, got {text[:40]!r}",
                        f"{name} 应为十进制数字，实际为 {text[:40]!r}",
                    )
                )
    for name in plan.ints:
        text = values.get(name)
        if text is not None:
            if _INT.fullmatch(text) and int(text) in _INT_RANGE:
                values[name] = int(text)
            else:
                found.append(
                    violation(
                        path_of(path, name),
                        "CEB900.value.not_integer",
                        f"{name} must be a whole number, got {text[:40]!r}",
                        f"{name} 应为整数，实际为 {text[:40]!r}",
                    )
                )


def _too_many(path: str, name: str, limit: int) -> Violation:
    if not path:  # the message's own documents (a receipt's returns)
        return violation(
            path,
            "CEB900.message.too_many_documents",
            f"a message may carry at most {limit} {name} documents",
            f"一个报文最多包含 {limit} 个 {name} 单证",
        )
    return violation(
        path_of(path, name),
        "CEB900.document.too_many_lines",
        f"a document may have at most {limit} {name} lines",
        f"一份单证最多包含 {limit} 个 {name} 表体",
    )


def unexpected(child: etree._Element, path: str) -> Violation:
    """The violation for a child element the layout has no place for."""
    qname = etree.QName(child)
    if qname.namespace != NS:
        return violation(
            path_of(path, qname.localname),
            "CEB900.namespace.wrong",
            f"{qname.localname} must be in namespace {NS}, not {qname.namespace or 'none'}",
            f"{qname.localname} 的命名空间应为 {NS}，实际为 {qname.namespace or '无'}",
        )
    return violation(
        path_of(path, qname.localname),
        "CEB900.element.unexpected",
        f"{qname.localname} is not an element of this message",
        f"{qname.localname} 不是本报文的元素",
    )


def violation(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)
