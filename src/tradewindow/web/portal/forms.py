"""The filing forms: one field per element of a CEB document, read back into a CEB JSON
message that goes through the API's own reader and rules.

The fields are the document Structs' own (``cbec.documents``), so a field added to a document
appears in its form. A form names its inputs ``head.<element>`` and ``line.<n>.<element>``
(CEB wire names, e.g. ``head.customsCode``, ``line.2.gcode``); a violation's path
(``Inventory[1]/InventoryList[2]/gcode``) names the input it belongs to the same way.

Only what a number input cannot carry is checked here — a decimal or whole number that does
not read as one, or an empty required number (``portal.form.*``); every other rule is the
core's (:func:`tradewindow.cbec.rules.check_message`), exactly as the API applies it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

import msgspec

from tradewindow.cbec.documents import (
    CHINA_TZ,
    InventoryHead,
    InventoryItem,
    LogisticsHead,
    OrderHead,
    OrderItem,
    PaymentHead,
)
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.model import Party
from tradewindow.violations import Violation

Kind = Literal["order", "payment", "waybill", "inventory", "export"]  # export: CEB603
KINDS: tuple[Kind, ...] = ("order", "payment", "waybill", "inventory")
AUTOMATIC = frozenset({"guid", "appType", "appTime", "appStatus", "gnum"})
MAX_LINES = 50
_LINE_PATH = re.compile(r"[A-Za-z]+List\[(\d+)\]")
_LINE_NAME = re.compile(r"line\.(\d+)\.([A-Za-z0-9]+)")

# the reference list each input offers (a <datalist> on the page)
PICKERS = {
    "country": "countries",
    "tradeCountry": "countries",
    "currency": "currencies",
    "fCurrency": "currencies",  # the export list's freight and insurance currencies
    "iCurrency": "currencies",
    "unit": "units",
    "unit1": "units",
    "unit2": "units",
    "customsCode": "offices",
    "portCode": "offices",
    "tradeMode": "trade-modes",
    "trafMode": "transport-modes",
    "wrapType": "wrap-types",
    "buyerIdType": "id-types",
    "payerIdType": "id-types",
}


class Field(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # CEB element name, e.g. "customsCode"
    type: Literal["text", "decimal", "integer"]
    required: bool
    picker: str | None


class FormSpec(msgspec.Struct, frozen=True, kw_only=True):
    kind: Kind
    message_type: str  # CEB311 …
    element: str  # "Order", "Payment", "Logistics", "Inventory"
    head_element: str
    head: tuple[Field, ...]
    line_element: str | None  # "OrderList", "InventoryList"; None: no lines
    line: tuple[Field, ...]
    action: str  # the parties.roles action value of filing it


def fields_of(struct: type[msgspec.Struct]) -> tuple[Field, ...]:
    """The form fields of a document Struct (its wire names, numbers typed), the automatic
    ones left out: any CEB head or line, import or export."""
    return _fields(struct)


def _fields(struct: type[msgspec.Struct]) -> tuple[Field, ...]:
    found = []
    for info in msgspec.structs.fields(struct):
        if info.encode_name in AUTOMATIC:
            continue
        types = set(get_args(info.type)) or {info.type}
        kind: Literal["text", "decimal", "integer"] = (
            "decimal" if Decimal in types else "integer" if int in types else "text"
        )
        found.append(
            Field(
                name=info.encode_name,
                type=kind,
                required=info.required,
                picker=PICKERS.get(info.encode_name),
            )
        )
    return tuple(found)


SPECS: dict[str, FormSpec] = {
    spec.kind: spec
    for spec in (
        FormSpec(kind="order", message_type="CEB311", element="Order", head_element="OrderHead",
                 head=_fields(OrderHead), line_element="OrderList", line=_fields(OrderItem),
                 action="file.CEB311"),
        FormSpec(kind="payment", message_type="CEB411", element="Payment",
                 head_element="PaymentHead", head=_fields(PaymentHead), line_element=None,
                 line=(), action="file.CEB411"),
        FormSpec(kind="waybill", message_type="CEB511", element="Logistics",
                 head_element="LogisticsHead", head=_fields(LogisticsHead), line_element=None,
                 line=(), action="file.CEB511"),
        FormSpec(kind="inventory", message_type="CEB621", element="Inventory",
                 head_element="InventoryHead", head=_fields(InventoryHead),
                 line_element="InventoryList", line=_fields(InventoryItem),
                 action="file.CEB621"),
    )
}  # fmt: skip

# sensible first values of a new form (the user may change any of them)
DEFAULTS = {
    "order": {"orderType": "I", "currency": "142"},
    "payment": {"currency": "142"},
    "waybill": {"currency": "142"},
    "inventory": {"ieFlag": "I", "currency": "142", "tradeMode": "9610"},
}
LINE_DEFAULTS = {"order": {"currency": "142"}, "inventory": {"currency": "142"}}


class FormRead(msgspec.Struct, frozen=True, kw_only=True):
    """A posted form read back: the CEB JSON message, the violations only the form can
    have (their inputs stand in as zero in ``message``: never file it while there are any),
    the inputs the user has filled in, and how many lines it has."""

    message: bytes
    violations: list[Violation]
    filled: frozenset[str]
    lines: int


def line_count(form: Mapping[str, str]) -> int:
    numbers = [int(m[1]) for key in form if (m := _LINE_NAME.fullmatch(key))]
    return min(max(numbers, default=1), MAX_LINES)


def read_form(spec: FormSpec, form: Mapping[str, str], party: Party, now: datetime) -> FormRead:
    """The CEB message the form describes, sent by ``party`` at ``now`` (guids from the
    form's hidden fields, so submitting the same form twice is one filing)."""
    violations: list[Violation] = []
    filled = frozenset(key for key, value in form.items() if value.strip())
    app_time = now.astimezone(CHINA_TZ).strftime("%Y%m%d%H%M%S")
    document_path = f"{spec.element}[1]"
    head = _values(spec.head, "head.", form, f"{document_path}/{spec.head_element}", violations)
    head |= {
        "guid": _guid(form.get("document_guid")),
        "appType": "1",
        "appTime": app_time,
        "appStatus": "2",
    }
    document: dict[str, Any] = {spec.head_element: head}
    lines = line_count(form) if spec.line_element else 0
    if spec.line_element:
        items = []
        for n in range(1, lines + 1):
            path = f"{document_path}/{spec.line_element}[{n}]"
            values = _values(spec.line, f"line.{n}.", form, path, violations)
            items.append({"gnum": n, **values})
        document[spec.line_element] = items
    customs = party.identifier(Scheme.CUSTOMS) or next(iter(party.identifiers), None)
    message = {
        "messageType": spec.message_type,
        "guid": _guid(form.get("message_guid")),
        "BaseTransfer": {
            "copCode": customs.value if customs else "",
            "copName": party.name_zh or party.name_en,
            "dxpMode": "DXP",
            "dxpId": f"TW-PORTAL-{party.id}"[:30],
        },
        spec.element: [document],
    }
    return FormRead(
        message=msgspec.json.encode(message), violations=violations, filled=filled, lines=lines
    )


def input_name(path: str) -> str | None:
    """The form input a violation's path points at: ``head.x``, ``line.n.x`` or None."""
    parts = path.split("/")
    if len(parts) < 3:
        return None
    if parts[1].endswith("Head"):
        return f"head.{parts[2]}"
    if found := _LINE_PATH.fullmatch(parts[1]):
        return f"line.{found[1]}.{parts[2]}"
    return None


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


def _guid(sent: str | None) -> str:
    try:
        return str(uuid.UUID(sent or "")).upper()
    except ValueError:
        return new_guid()


def _values(
    fields: tuple[Field, ...],
    prefix: str,
    form: Mapping[str, str],
    path: str,
    violations: list[Violation],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        raw = form.get(prefix + field.name, "").strip()
        where = f"{path}/{field.name}"
        if field.type == "text":
            if raw or field.required:
                values[field.name] = raw  # an empty required text is the core's to refuse
            continue
        if not raw:
            if field.required:
                violations.append(_form_violation(where, "required", "fill in this number",
                                                  "请填写此数值"))  # fmt: skip
                values[field.name] = _STAND_IN[field.type]
            continue
        number = _number(raw, field.type)
        if number is None:
            en, zh = (
                ("a whole number, e.g. 2", "须为整数，如 2")
                if field.type == "integer"
                else ("a number, e.g. 199.00", "须为数字，如 199.00")
            )
            violations.append(_form_violation(where, field.type, en, zh))
            values[field.name] = _STAND_IN[field.type]
        else:
            values[field.name] = number
    return values


# a number the form refused stands in as zero, so that the core still checks every other
# field at once; such a message is never filed (see ``filing.check_form``)
_STAND_IN: dict[str, Decimal | int] = {"decimal": Decimal(0), "integer": 0}


def _number(raw: str, kind: str) -> Decimal | int | None:
    text = raw.replace(",", "")
    if kind == "integer":
        return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _form_violation(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"portal.form.{rule}", en=en, zh=zh)
