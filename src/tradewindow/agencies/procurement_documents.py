"""The documents market procurement shares with the agencies, as their wire Structs.

``agencies.fields`` registers them as the document kinds ``mpt_sale`` and ``mpt_receipt``, so
``agencies/policy.toml`` can grant their fields one by one (paths such as
``MarketSale/operatorId`` and ``MarketSaleList/*/hsCode``); ``procurement.sharing`` fills them.
Values are text (amounts as decimal strings), as in the CEB documents' JSON.

They live in ``agencies`` rather than ``procurement`` because they are what the single window
receives: the agencies' policy must know their fields without importing the capability that
fills them, and ``procurement`` already depends on ``agencies`` for its views
(docs/adr/0008-shared-documents-owned-by-the-agencies.md).
"""

from __future__ import annotations

import msgspec

SALE = "mpt_sale"
RECEIPT = "mpt_receipt"


class SaleHead(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    transaction_id: str
    market_id: str
    market_city: str
    operator_id: str
    operator_name: str
    operator_licence: str
    buyer_id: str
    buyer_name: str
    buyer_country: str
    buyer_document_number: str
    sold_on: str
    month: str  # YYYY-MM: what the VAT exemption is counted by
    currency: str
    total: str
    total_cny: str
    state: str
    shipment_id: str | None = None
    destination: str | None = None
    port_of_loading: str | None = None
    decision: str | None = None


class SaleLine(msgspec.Struct, kw_only=True, rename="camel"):
    gnum: int
    hs_code: str
    chapter: str
    name: str
    quantity: str
    unit: str
    price: str
    total: str


class SaleDocument(msgspec.Struct, kw_only=True):
    MarketSale: SaleHead
    MarketSaleList: list[SaleLine]


class ReceiptHead(msgspec.Struct, kw_only=True, rename="camel"):
    receipt_id: str
    operator_id: str
    operator_name: str
    operator_account: str
    buyer_id: str
    buyer_name: str
    buyer_country: str
    shipment_id: str
    currency: str
    amount: str
    received_on: str
    month: str


class ReceiptDocument(msgspec.Struct, kw_only=True):
    MarketFxReceipt: ReceiptHead
