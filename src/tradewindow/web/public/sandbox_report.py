"""The conformance sandbox's report as the page shows it, and the public upload limits.

``tradewindow.sandbox.check`` does the work; this module groups each message's faults by
document and field (``Order[1]`` → ``OrderHead/goodsValue`` → its violations), says which
explanation of the page fits a code, points codes a table must know at the lookup, and
pretty-prints the receipts. Nothing here reads or writes files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import msgspec
from lxml import etree

from tradewindow.cbec.rules.fields import label
from tradewindow.sandbox import MAX_FILES, MessageReport, Receipt
from tradewindow.violations import Violation

MAX_FILE_BYTES = 2 * 1024 * 1024  # a CEB message of 100 documents × 99 lines fits
MAX_TOTAL_BYTES = 8 * 1024 * 1024  # under the API's 10 MiB body limit, with room for the form
ENVELOPE = ""  # the group of faults outside any document (guid, BaseTransfer …)
_DOCUMENT = re.compile(r"^([A-Za-z]+)\[(\d+)\]$")
_INDEX = re.compile(r"\[\d+\]$")

# the rules (last part of a code) and CEB900 codes the page explains, by catalogue key
EXPLAINED_RULES = (
    "required",
    "mismatch",
    "invalid",
    "unknown",
    "wrong_length",
    "too_long",
    "fixed",
    "in_future",
    "not_a_time",
    "duplicate",
    "too_many_decimals",
)
EXPLAINED_FORMAT = {
    "CEB900.xml.malformed": "xml_malformed",
    "CEB900.schema.invalid": "schema_invalid",
    "CEB900.namespace.wrong": "namespace_wrong",
    "CEB900.element.missing": "element_missing",
    "CEB900.element.unexpected": "element_unexpected",
    "CEB900.message.unknown_type": "unknown_type",
}
# elements whose value must be in a code table → the lookup page that lists it
LOOKUP_TABLES = {
    "currency": "codes/currencies",
    "country": "codes/countries",
    "originCountry": "codes/countries",
    "consigneeCountry": "codes/countries",
    "tradeCountry": "codes/countries",
    "unit": "codes/units",
    "unit1": "codes/units",
    "unit2": "codes/units",
    "customsCode": "codes/offices",
    "portCode": "codes/offices",
    "iePort": "codes/offices",
    "tradeMode": "codes/trade-modes",
    "trafMode": "codes/transport-modes",
    "wrapType": "codes/wrap-types",
    "gcode": "hs",
}


class UploadRefused(ValueError):
    """The upload breaks a public limit; ``code`` is stable, ``values`` fill its message."""

    def __init__(self, code: str, *, headers: dict[str, str] | None = None, **values: object):
        super().__init__(code)
        self.code = code
        self.values = values
        self.headers = headers or {}  # e.g. Retry-After

    @property
    def status(self) -> int:
        """The HTTP status: 429 when rate limited, 413 when too large, else 400."""
        if self.code == "sandbox.rate_limited":
            return 429
        return 413 if self.code.endswith("_large") else 400


class FieldFaults(msgspec.Struct, kw_only=True):
    path: str  # the full path, e.g. Order[1]/OrderList[2]/gcode
    field: str  # the path within the document, e.g. OrderList[2]/gcode
    element: str  # gcode
    name_zh: str  # the spec's Chinese name with the element, 商品编码(gcode)
    violations: list[Violation]
    lookup: str | None  # /lookup/… when the element's value comes from a code table


class DocumentFaults(msgspec.Struct, kw_only=True):
    document: str  # Order[1], or "" for the message envelope
    fields: list[FieldFaults]

    @property
    def count(self) -> int:
        return sum(len(f.violations) for f in self.fields)


def check_limits(uploads: Sequence[tuple[str, bytes]]) -> None:
    """Raise ``UploadRefused`` unless there are 1 … MAX_FILES files, each non-empty and at
    most MAX_FILE_BYTES, together at most MAX_TOTAL_BYTES."""
    if not uploads:
        raise UploadRefused("sandbox.no_files")
    if len(uploads) > MAX_FILES:
        raise UploadRefused("sandbox.too_many_files", count=len(uploads), limit=MAX_FILES)
    for name, data in uploads:
        if len(data) > MAX_FILE_BYTES:
            raise UploadRefused("sandbox.file_too_large", name=name, limit=MAX_FILE_BYTES)
    total = sum(len(data) for _, data in uploads)
    if total > MAX_TOTAL_BYTES:
        raise UploadRefused("sandbox.total_too_large", limit=MAX_TOTAL_BYTES)


def grouped(violations: Iterable[Violation]) -> list[DocumentFaults]:
    """Violations by document (envelope first, then in document order) and by field (in
    path order), each field keeping every violation reported on it."""
    documents: dict[str, dict[str, FieldFaults]] = {}
    for violation in violations:
        document, field = split_path(violation.path)
        fields = documents.setdefault(document, {})
        faults = fields.get(field)
        if faults is None:
            element = _INDEX.sub("", field.rsplit("/", 1)[-1]).lstrip("@")
            faults = fields[field] = FieldFaults(
                path=violation.path,
                field=field,
                element=element,
                name_zh=label(element) if element else "",
                violations=[],
                lookup=LOOKUP_TABLES.get(element),
            )
        faults.violations.append(violation)
    return [
        DocumentFaults(document=document, fields=_in_field_order(list(fields.values())))
        for document, fields in sorted(documents.items(), key=lambda item: _document_order(item[0]))
    ]


def split_path(path: str) -> tuple[str, str]:
    """``Order[3]/OrderList[2]/totalPrice`` → (``Order[3]``, ``OrderList[2]/totalPrice``);
    a path outside any document stays whole with document ``""``."""
    first, _, rest = path.partition("/")
    if _DOCUMENT.match(first):
        return first, rest
    return ENVELOPE, path


def explanation(code: str) -> str | None:
    """The catalogue key (under ``public.sandbox.explain``) explaining ``code``, if any."""
    if code in EXPLAINED_FORMAT:
        return EXPLAINED_FORMAT[code]
    rule = code.rsplit(".", 1)[-1]
    return rule if not code.startswith("CEB900.") and rule in EXPLAINED_RULES else None


def fault_count(report: MessageReport) -> int:
    return len(report.format_errors) + len(report.xsd_errors) + len(report.rule_violations)


def pretty_xml(receipt: Receipt) -> str:
    """The receipt's XML indented for reading (the download keeps the exact bytes)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(receipt.xml.encode(), parser)
    etree.indent(root, space="  ")
    return str(etree.tostring(root, encoding="unicode"))


def download_href(receipt: Receipt) -> str:
    """A ``data:`` URL of the receipt's exact XML: the download needs nothing kept here."""
    return "data:application/xml;charset=utf-8," + quote(receipt.xml, safe="")


def _document_order(document: str) -> tuple[int, str, int]:
    match = _DOCUMENT.match(document)
    if match is None:
        return (0, "", 0)
    return (1, match.group(1), int(match.group(2)))


def _in_field_order(fields: list[FieldFaults]) -> list[FieldFaults]:
    """The document's head fields, then each line's (``OrderList[2]`` before ``[10]``); the
    fields of one part in the order the checks found them (the spec's order, mostly)."""

    def part(position: int) -> tuple[list[tuple[str, int]], int]:
        steps = fields[position].field.split("/")[:-1]
        order = []
        for step in steps:
            name, _, index = step.partition("[")
            order.append((name, int(index.rstrip("]") or 0)))
        return order, position

    return [fields[position] for position in sorted(range(len(fields)), key=part)]
