"""The export list form (CEB603): one field per element of ``export.documents``' list, read
back into a CEB JSON message (:func:`.forms.read_form`, the same reading as the import forms)
and judged exactly as filing judges it, nothing stored:

1. what only a form can get wrong (a number that does not read as one: ``portal.form.*``);
2. the export XSD's facets, both versions (``export.fields.violations``);
3. the list rules clearance applies before looking for documents (``export.rules.predicted``,
   with the overseas warehouse registry for 9810);
4. the filer's right to the message and every code in it (``FileExport.violations``).

:func:`file_export` files the same message through ``FileExport`` as the API does. Nothing
here is a rule: each step is the export core's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime

import msgspec

from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.export import fields, rules
from tradewindow.export.documents import InventoryHead, InventoryItem, InventoryMessage
from tradewindow.export.model import ExportAnswer, ExportList
from tradewindow.export.ports import ExportStore
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.model import Party
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action
from tradewindow.violations import Violation
from tradewindow.web.portal.forms import FormRead, FormSpec, fields_of, read_form
from tradewindow.web.window import Window

EXPORT_SPEC = FormSpec(
    kind="export",
    message_type="CEB603",
    element="Inventory",
    head_element="InventoryHead",
    head=fields_of(InventoryHead),
    line_element="InventoryList",
    line=fields_of(InventoryItem),
    action=Action.FILE_INVENTORY.value,  # an export list is filed by who files lists
)
# a new export list's first values (each may be changed): a retail (9610) export under the
# summary declaration (B), amounts in yuan, freight and insurance as totals (flag 3)
DEFAULTS = {
    "ieFlag": "E",
    "tradeMode": "9610",
    "statisticsFlag": "B",
    "fCurrency": "142",
    "fFlag": "3",
    "freight": "0",
    "iCurrency": "142",
    "iFlag": "3",
    "insuredFee": "0",
    "packNo": "1",
}
LINE_DEFAULTS = {"currency": "142"}
# what one parcel's list has of its own; everything else of the firm's last list is its lane
PARCEL = frozenset(
    {"orderNo", "logisticsNo", "copNo", "preNo", "invtNo", "billNo", "totalPackageNo", "loctNo",
     "licenseNo", "freight", "insuredFee", "packNo", "grossWeight", "netWeight", "note",
     "ieDate", "emsNo"}
)  # fmt: skip


class Checked(msgspec.Struct, frozen=True, kw_only=True):
    read: FormRead
    violations: list[Violation]
    message: InventoryMessage | None  # None when the form could not be read as a list


def prefill(party: Party, last: ExportList | None, now: datetime) -> dict[str, str]:
    """A new list's inputs: the defaults, the firm as consignor, producer and declarant,
    the lane of its last list (office, port, platform, carrier, transport, destination), and
    today's export date (China time)."""
    values = {f"head.{k}": v for k, v in DEFAULTS.items()}
    values |= {f"line.1.{k}": v for k, v in LINE_DEFAULTS.items()}
    if last is not None:
        head = msgspec.to_builtins(last.inventory.head)
        values |= {
            f"head.{name}": str(value)
            for name, value in head.items()
            if name not in PARCEL and name not in ("guid", "appType", "appTime", "appStatus")
        }
        item = msgspec.to_builtins(last.inventory.items[0]) if last.inventory.items else {}
        values |= {f"line.1.{k}": str(item[k]) for k in ("country", "currency") if k in item}
    customs = party.identifier(Scheme.CUSTOMS)
    if customs is not None:
        name = party.name_zh or party.name_en
        for role in ("ebc", "owner", "agent"):
            values.setdefault(f"head.{role}Code", customs.value)
            values.setdefault(f"head.{role}Name", name)
    values["head.ieDate"] = now.astimezone(CHINA_TZ).strftime("%Y%m%d")
    return values


def check_export(window: Window, principal: Principal, form: Mapping[str, str]) -> Checked:
    """Every violation of the form's list, as filing would find them before its documents
    are looked for (see the module); nothing stored."""
    now = window.clock()
    party = window.registry.party(principal.party_id)
    read = read_form(EXPORT_SPEC, form, party, now)
    violations = list(read.violations)
    try:
        message = msgspec.json.decode(read.message, type=InventoryMessage)
    except msgspec.ValidationError as error:  # the reader's numbers and texts: never expected
        unread = Violation(path="", code="CEB900.json.invalid", en=str(error),
                           zh="表单无法读取为出口清单")  # fmt: skip
        return Checked(read=read, violations=[*violations, unread], message=None)
    found = fields.violations(message)
    found += rules.predicted(message.inventories, context(window))
    found += window.app.export_filing.violations(
        principal.party_id, principal.credential_id, message, now
    )
    refused_inputs = {v.path for v in read.violations}  # their stand-in zeros say nothing
    violations += [v for v in _once(found) if v.path not in refused_inputs]
    return Checked(read=read, violations=violations, message=message)


def file_export(window: Window, principal: Principal, checked: Checked) -> ExportAnswer:
    """File the checked form's list for ``principal`` as the API files a message: raises
    ``FilingRefused`` (rights) or ``Unfit`` (facets) with every code."""
    assert checked.message is not None  # noqa: S101 - the page files only a read list
    return window.app.export_filing.file(
        principal.party_id,
        principal.credential_id,
        checked.message,
        checked.read.message,
        window.clock(),
    )


def context(window: Window) -> rules.ExportContext:
    """The rules' context as clearance has it, the registry of overseas warehouses read from
    the store (clearance reads it in its own transaction)."""
    return dataclasses.replace(
        window.app.export.context, warehouse_valid=registered(window.app.store.export)
    )


def registered(store: ExportStore) -> rules.WarehouseValid:
    def valid(enterprise_code: str, warehouse_code: str, day: date) -> bool:
        with store.reading() as records:
            found = records.warehouse(enterprise_code, warehouse_code)
        return found is not None and found.valid_on(day)

    return valid


def _once(found: list[Violation]) -> list[Violation]:
    """Each (path, code) once: the facets and the rules may both name an empty code."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for violation in found:
        if (violation.path, violation.code) not in seen:
            seen.add((violation.path, violation.code))
            kept.append(violation)
    return kept
