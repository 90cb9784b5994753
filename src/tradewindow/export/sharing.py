"""The export documents as the single window shares them with the agencies.

An export filing is a list (CEB603) with its order (CEB303), receipt of payment (CEB403) and
waybill (CEB505). The data-sharing policy (``agencies/policy.toml``) grants their fields by
path, as for import; each export document is shared under the element the CEB message
carries it in (``Order``, ``Receipts``, ``Logistics``, ``Inventory``), so its paths
(``Inventory/InventoryList/*/gcode``, ``Receipts/charge``) never meet an import document's
(``InventoryList/*/gcode``, ``PaymentHead/amountPaid``): one policy line never grants or routes
on both by accident, and the flat receipt and waybill have a container like every document.

Document kinds: ``export_order``, ``export_receipt``, ``export_waybill``, ``export_inventory``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from tradewindow.export import documents as d

ORDER = "export_order"
RECEIPT = "export_receipt"
WAYBILL = "export_waybill"
INVENTORY = "export_inventory"


class SharedOrder(msgspec.Struct, frozen=True, kw_only=True):
    """CEB303 as shared: ``Order/OrderHead/…``, ``Order/OrderList/*/…``."""

    order: d.Order = msgspec.field(name="Order")


class SharedReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """CEB403 收款单 as shared: ``Receipts/…``."""

    receipt: d.Receipt = msgspec.field(name="Receipts")


class SharedWaybill(msgspec.Struct, frozen=True, kw_only=True):
    """CEB505 as shared: ``Logistics/…``."""

    waybill: d.Waybill = msgspec.field(name="Logistics")


class SharedInventory(msgspec.Struct, frozen=True, kw_only=True):
    """CEB603 as shared: ``Inventory/InventoryHead/…``, ``Inventory/InventoryList/*/…``."""

    inventory: d.Inventory = msgspec.field(name="Inventory")


SHARED_STRUCTS: dict[str, type[msgspec.Struct]] = {
    ORDER: SharedOrder,
    RECEIPT: SharedReceipt,
    WAYBILL: SharedWaybill,
    INVENTORY: SharedInventory,
}


class ExportFiling(msgspec.Struct, frozen=True, kw_only=True):
    """A list and the documents on file with it (a 9710 / 9810 list has no receipt)."""

    inventory: d.Inventory
    order: d.Order | None = None
    receipt: d.Receipt | None = None
    waybill: d.Waybill | None = None

    def shared(self) -> dict[str, dict[str, Any]]:
        """The filing's documents as wire JSON by kind (what routing and views read)."""
        found: dict[str, msgspec.Struct] = {INVENTORY: SharedInventory(inventory=self.inventory)}
        if self.order is not None:
            found[ORDER] = SharedOrder(order=self.order)
        if self.receipt is not None:
            found[RECEIPT] = SharedReceipt(receipt=self.receipt)
        if self.waybill is not None:
            found[WAYBILL] = SharedWaybill(waybill=self.waybill)
        return {kind: msgspec.to_builtins(document) for kind, document in found.items()}


FILING_PREFIX = "EXP|"  # an export filing's key in the agencies' desk: EXP|ebpCode|orderNo


def filing_key(order_key: str) -> str:
    """The key the agencies' tasks and notices know an export list's filing by."""
    return f"{FILING_PREFIX}{order_key}"


def is_export_filing(filing: str) -> bool:
    return filing.startswith(FILING_PREFIX)


def order_key_of(filing: str) -> str:
    return filing.removeprefix(FILING_PREFIX)


# the agencies whose decision a filing needs, by the data-sharing policy (documents by kind)
RequiredAgencies = Callable[[Mapping[str, Mapping[str, Any]]], Iterable[str]]

# customs decides an export list by its arrival at the supervised site (CEB507), in clearance
CUSTOMS = "customs"


def policy_routing(required: RequiredAgencies) -> Callable[[ExportFiling], frozenset[str]]:
    """The agencies an accepted list waits for: those the policy requires on its filing,
    customs aside (its release is the parcel's arrival, which the list waits for anyway)."""

    def routing(filing: ExportFiling) -> frozenset[str]:
        return frozenset(required(filing.shared())) - {CUSTOMS}

    return routing
