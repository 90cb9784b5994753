"""Full documents as wire JSON for the agency tests: every field of every Struct present.

``import_set()`` leaves optional fields empty; here each missing leaf gets a value, so a view
test sees every path the policy could grant (a missing field would make "exactly the granted
fields" pass vacuously).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import msgspec

from builders import NOW, import_set
from tradewindow.agencies.fields import ANY, leaf_paths
from tradewindow.cbec.receipts import TaxBill, TaxHeadRd, TaxListRd, return_time

KINDS = ("order", "payment", "waybill", "inventory", "tax_bill")


def tax_bill() -> TaxBill:
    head = TaxHeadRd(
        guid="A1B2C3D4-0000-4000-8000-000000000001", return_time=return_time(NOW),
        invt_no="53492026I000000001", tax_no="53492026I00000000101",
        customs_tax=Decimal(0), value_added_tax=Decimal("118.30"),
        consumption_tax=Decimal(0), status="1",
    )  # fmt: skip
    lines = [
        TaxListRd(gnum=1, gcode="3304990099", tax_price=Decimal("398.00"), customs_tax=Decimal(0),
                  value_added_tax=Decimal("36.22"), consumption_tax=Decimal(0)),
        TaxListRd(gnum=2, gcode="1901101000", tax_price=Decimal("774.00"), customs_tax=Decimal(0),
                  value_added_tax=Decimal("70.43"), consumption_tax=Decimal(0)),
    ]  # fmt: skip
    return TaxBill(head=head, items=lines)


def wire(document: msgspec.Struct) -> dict[str, Any]:
    """As the store keeps it and the API returns it: msgspec JSON, read back with json."""
    decoded: dict[str, Any] = json.loads(msgspec.json.encode(document))
    return decoded


def documents() -> dict[str, dict[str, Any]]:
    """The builders' consistent import set (and a tax bill), as wire JSON, by kind."""
    parcel = import_set()
    return {
        "order": wire(parcel.order),
        "payment": wire(parcel.payment),
        "waybill": wire(parcel.waybill),
        "inventory": wire(parcel.inventory),
        "tax_bill": wire(tax_bill()),
    }


def full_documents() -> dict[str, dict[str, Any]]:
    """:func:`documents` with every optional leaf filled in."""
    found = documents()
    for kind, document in found.items():
        for path in leaf_paths(kind):
            fill(document, path.split("/"), f"filled-{path}")
    return found


def fill(node: Any, parts: list[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if head == ANY:
        for element in node:
            fill(element, rest, value)
    elif not rest:
        node.setdefault(head, value)
    else:
        fill(node[head], rest, value)


def key_paths(node: Any, prefix: str = "") -> set[str]:
    """Every key path in ``node``, containers and leaves, ``*`` for list elements."""
    paths: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}{key}"
            paths.add(path)
            paths |= key_paths(value, f"{path}/")
    elif isinstance(node, list):
        for element in node:
            paths |= key_paths(element, f"{prefix.rstrip('/')}/{ANY}/")
    return paths
