"""The wire fields a policy may grant: every leaf path of the shared documents' Structs.

A path is written in the documents' JSON wire names, ``/``-separated from the document root,
with ``*`` standing for every element of a repeated element: ``PaymentHead/amountPaid``,
``InventoryList/*/gcode``. Only *leaves* (single values) are paths; a policy can never grant a
whole head or line, so a field added to a Struct later is granted to nobody until the policy
names it.

The document kinds are the CBEC store's (``order``, ``payment``, ``waybill``, ``inventory``)
the CEB816 electronic tax bill (``tax_bill``), a CEB625 return (``refund``), and market
procurement's sales and
foreign-exchange receipts (``mpt_sale``, ``mpt_receipt``: :mod:`.procurement_documents`), and
CBEC export's order, receipt of payment, waybill and list (``export_order`` …
``export_inventory``: ``export.sharing``, each under its message element so that its paths
are its own).
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

import msgspec

from tradewindow.agencies.procurement_documents import ReceiptDocument, SaleDocument
from tradewindow.cbec.documents import Inventory, InvtRefund, Order, Payment, Waybill
from tradewindow.cbec.receipts import TaxBill
from tradewindow.export.sharing import SHARED_STRUCTS

ANY = "*"  # a path segment standing for every element of a list

DOCUMENT_STRUCTS: MappingProxyType[str, type[msgspec.Struct]] = MappingProxyType(
    {
        "order": Order,  # CEB311
        "payment": Payment,  # CEB411
        "waybill": Waybill,  # CEB511
        "inventory": Inventory,  # CEB621
        "tax_bill": TaxBill,  # CEB816
        "refund": InvtRefund,  # CEB625: a return an officer decides (the policy's [returns])
        "mpt_sale": SaleDocument,  # a market procurement sale (.procurement_documents)
        "mpt_receipt": ReceiptDocument,  # an operator's foreign-exchange receipt
        # CBEC export, each under its message element (export.sharing): Order/…, Receipts/…
        **SHARED_STRUCTS,
    }
)


# The families of documents a filing is made of: CBEC import (a list with its order, payment,
# waybill, tax bill, return), CBEC export, market procurement. A filing's documents are of one.
FAMILIES: MappingProxyType[str, str] = MappingProxyType(
    {
        kind: "export" if kind in SHARED_STRUCTS else "mpt" if kind.startswith("mpt_") else "cbec"
        for kind in DOCUMENT_STRUCTS
    }
)


@cache
def leaf_paths(kind: str) -> frozenset[str]:
    """Every grantable path of document ``kind`` (KeyError for an unknown kind)."""
    info = msgspec.inspect.type_info(DOCUMENT_STRUCTS[kind])
    assert isinstance(info, msgspec.inspect.StructType)  # noqa: S101 - Structs by construction
    return frozenset(_walk(info, ""))


@cache
def kind_of_root() -> dict[str, str]:
    """Top-level element name (``PaymentHead``, ``InventoryList`` …) → document kind.

    The roots are distinct across kinds, so a path alone says which document it reads.
    """
    roots: dict[str, str] = {}
    for kind in DOCUMENT_STRUCTS:
        for path in leaf_paths(kind):
            roots[path.split("/", 1)[0]] = kind
    return roots


def _walk(struct: msgspec.inspect.StructType, prefix: str) -> list[str]:
    paths: list[str] = []
    for field in struct.fields:
        path = f"{prefix}{field.encode_name}"
        inner = _strip_optional(field.type)
        if isinstance(inner, msgspec.inspect.StructType):
            paths.extend(_walk(inner, f"{path}/"))
        elif isinstance(inner, msgspec.inspect.ListType) and isinstance(
            inner.item_type, msgspec.inspect.StructType
        ):
            paths.extend(_walk(inner.item_type, f"{path}/{ANY}/"))
        else:
            paths.append(path)
    return paths


def _strip_optional(kind: msgspec.inspect.Type) -> msgspec.inspect.Type:
    if isinstance(kind, msgspec.inspect.UnionType):
        types = [t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)]
        if len(types) == 1:
            return types[0]
    return kind
