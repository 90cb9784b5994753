"""What the agencies see of market procurement: the shared documents and the agency views.

Commerce (market statistics), taxation (VAT exemption without rebate, per operator and month)
and foreign exchange (operators' receipts per buyer and shipment) read through the same
deny-by-default views as the CBEC documents (``agencies.views``): each sale and each FX
receipt is written as a shared document (kinds ``mpt_sale`` and ``mpt_receipt``, registered in
``agencies.fields``), and ``agencies/policy.toml`` names the fields each agency gets. The
roll-ups each agency is given are computed from its own views only, so a field the policy does
not grant cannot leak through a total. The buyer's passport or registration number is personal
data (``[personal_data]``): the paths of it a view holds are returned for the caller to record.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from tradewindow.agencies.procurement_documents import (
    RECEIPT,
    SALE,
    ReceiptDocument,
    ReceiptHead,
    SaleDocument,
    SaleHead,
    SaleLine,
)
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.views import agency_view, personal_data_in
from tradewindow.procurement.consolidation import Rates
from tradewindow.procurement.model import (
    Buyer,
    FxReceipt,
    Market,
    Operator,
    SaleState,
    Shipment,
    Transaction,
)
from tradewindow.procurement.ports import ProcurementEvidence
from tradewindow.procurement.sales import CENT, line_total
from tradewindow.procurement.service import Procurement

CNY = "CNY"


def cny_value(amount: Decimal, currency: str, day: date, rates: Rates) -> Decimal:
    """``amount`` in yuan on ``day``, half up to the fen (the VAT records' one rounding)."""
    if currency == CNY:
        return amount.quantize(CENT)
    return (amount * rates.rate(currency, day)).quantize(CENT)


def sale_document(
    sale: Transaction,
    market: Market,
    operator: Operator,
    buyer: Buyer,
    shipment: Shipment | None,
    rates: Rates,
) -> dict[str, Any]:
    head = SaleHead(
        transaction_id=sale.id,
        market_id=market.id,
        market_city=market.city,
        operator_id=operator.id,
        operator_name=operator.name,
        operator_licence=operator.licence_number,
        buyer_id=buyer.id,
        buyer_name=buyer.name,
        buyer_country=buyer.country,
        buyer_document_number=buyer.document_number,
        sold_on=sale.sold_on.isoformat(),
        month=sale.sold_on.strftime("%Y-%m"),
        currency=sale.currency,
        total=str(sale.total),
        total_cny=str(cny_value(sale.total, sale.currency, sale.sold_on, rates)),
        state=sale.state.value,
        shipment_id=sale.shipment_id,
        destination=shipment.destination if shipment else None,
        port_of_loading=shipment.port_of_loading if shipment else None,
        decision=sale.decision,
    )
    lines = [
        SaleLine(
            gnum=number,
            hs_code=line.hs_code,
            chapter=line.chapter,
            name=line.name,
            quantity=str(line.quantity),
            unit=line.unit,
            price=str(line.price),
            total=str(line_total(line)),
        )
        for number, line in enumerate(sale.lines, start=1)
    ]
    document: dict[str, Any] = msgspec.to_builtins(
        SaleDocument(MarketSale=head, MarketSaleList=lines)
    )
    return document


def receipt_document(receipt: FxReceipt, operator: Operator, buyer: Buyer) -> dict[str, Any]:
    head = ReceiptHead(
        receipt_id=receipt.id,
        operator_id=operator.id,
        operator_name=operator.name,
        operator_account=operator.bank_account,
        buyer_id=buyer.id,
        buyer_name=buyer.name,
        buyer_country=buyer.country,
        shipment_id=receipt.shipment_id,
        currency=receipt.currency,
        amount=str(receipt.amount),
        received_on=receipt.received_on.isoformat(),
        month=receipt.received_on.strftime("%Y-%m"),
    )
    document: dict[str, Any] = msgspec.to_builtins(ReceiptDocument(MarketFxReceipt=head))
    return document


class AgencyViews(msgspec.Struct, frozen=True, kw_only=True):
    """An agency's views of some shared documents and the personal-data paths they hold."""

    views: list[dict[str, Any]]
    personal_data: list[str]


def views_for(
    policy: Policy, agency: str, kind: str, documents: list[dict[str, Any]]
) -> AgencyViews:
    views = [
        view
        for document in documents
        if (view := agency_view(policy, agency, kind, document)) is not None
    ]
    personal = sorted({path for view in views for path in personal_data_in(policy, view)})
    return AgencyViews(views=views, personal_data=personal)


class Exemption(msgspec.Struct, frozen=True, kw_only=True):
    """Taxation's record: an operator's VAT-exempt market procurement sales of one month."""

    operator_id: str
    month: str
    sales: int
    total_cny: Decimal


def exemptions(views: list[dict[str, Any]]) -> list[Exemption]:
    """Exempt sales per operator and month, from taxation's own views of the sales (a view
    without the fields it needs counts nothing: the policy decides what taxation may total)."""
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for view in views:
        head = view.get("MarketSale", {})
        if {"operatorId", "month", "totalCny"} <= head.keys():
            totals[(head["operatorId"], head["month"])].append(Decimal(head["totalCny"]))
    return [
        Exemption(
            operator_id=operator, month=month, sales=len(values), total_cny=sum(values, Decimal(0))
        )
        for (operator, month), values in sorted(totals.items())
    ]


class MarketFigure(msgspec.Struct, frozen=True, kw_only=True):
    """Commerce's statistic: confirmed market procurement sales of one market to one
    destination in one HS chapter, in yuan."""

    market_id: str
    destination: str  # the shipment's destination, else the buyer's country
    chapter: str
    sales: int  # sales with goods of this chapter
    value_cny: Decimal


def _line_values(head: dict[str, Any], lines: list[dict[str, Any]]) -> list[Decimal]:
    """Each line's share of the sale's yuan value, to the fen; the last line takes the
    rounding remainder, so the shares add up to ``totalCny`` exactly."""
    total, total_cny = Decimal(head["total"]), Decimal(head["totalCny"])
    if not lines:
        return []
    if total == 0:
        shares = [Decimal("0.00") for _ in lines]
    else:
        shares = [(Decimal(line["total"]) * total_cny / total).quantize(CENT) for line in lines]
    shares[-1] = total_cny - sum(shares[:-1], Decimal(0))
    return shares


def market_figures(views: list[dict[str, Any]]) -> list[MarketFigure]:
    """Value by market, destination and HS chapter, from the agency's own views of the sales
    (commerce's). A view without the fields it needs counts nothing; the figures add up to the
    sum of the views' ``totalCny``."""
    values: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    counted: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    needed_head = {"transactionId", "marketId", "total", "totalCny"}
    for view in views:
        head = view.get("MarketSale", {})
        lines = view.get("MarketSaleList", [])
        if not needed_head <= head.keys() or not all(
            {"chapter", "total"} <= ln.keys() for ln in lines
        ):
            continue
        destination = head.get("destination") or head.get("buyerCountry") or ""
        for line, value in zip(lines, _line_values(head, lines), strict=True):
            key = (head["marketId"], destination, line["chapter"])
            values[key] += value
            counted[key].add(head["transactionId"])
    return [
        MarketFigure(
            market_id=market,
            destination=destination,
            chapter=chapter,
            sales=len(counted[(market, destination, chapter)]),
            value_cny=value,
        )
        for (market, destination, chapter), value in sorted(values.items())
    ]


class Sharing:
    """The agencies' reads of market procurement, cut by the data-sharing policy."""

    def __init__(
        self, procurement: Procurement, policy: Policy, evidence: ProcurementEvidence
    ) -> None:
        self.procurement, self.policy, self.evidence = procurement, policy, evidence

    def sale_documents(self, month: str | None = None) -> list[dict[str, Any]]:
        """Every sale its buyer confirmed (recorded and cancelled ones are nobody's business
        yet), of ``month`` (YYYY-MM) when given, as shared documents."""
        p = self.procurement
        documents = []
        with p.store.reading() as records:
            for sale in records.transactions():
                if sale.state in (SaleState.RECORDED, SaleState.CANCELLED):
                    continue
                if month is not None and sale.sold_on.strftime("%Y-%m") != month:
                    continue
                market, operator = (
                    records.market(sale.market_id),
                    records.operator(sale.operator_id),
                )
                buyer = records.buyer(sale.buyer_id)
                if market is None or operator is None or buyer is None:
                    continue  # registrations are never deleted
                shipment = records.shipment(sale.shipment_id) if sale.shipment_id else None
                documents.append(sale_document(sale, market, operator, buyer, shipment, p.rates))
        return documents

    def receipt_documents(self, month: str | None = None) -> list[dict[str, Any]]:
        documents = []
        with self.procurement.store.reading() as records:
            for receipt in records.fx_receipts():
                if month is not None and receipt.received_on.strftime("%Y-%m") != month:
                    continue
                operator = records.operator(receipt.operator_id)
                buyer = records.buyer(receipt.buyer_id)
                if operator is not None and buyer is not None:
                    documents.append(receipt_document(receipt, operator, buyer))
        return documents

    def sales(self, agency: str, actor: str, month: str | None = None) -> AgencyViews:
        """``agency``'s views of the sales; each view holding personal data is recorded as
        read by ``actor`` (the officer's credential)."""
        found = views_for(self.policy, agency, SALE, self.sale_documents(month))
        reads = []
        for view in found.views:
            fields = personal_data_in(self.policy, view)
            if fields:
                reads.append((str(view["MarketSale"].get("transactionId", "")), fields))
        self.evidence.personal_reads(reads, actor, self.procurement.clock())
        return found

    def receipts(self, agency: str, month: str | None = None) -> AgencyViews:
        return views_for(self.policy, agency, RECEIPT, self.receipt_documents(month))

    def figures(self, agency: str, actor: str, month: str | None = None) -> list[MarketFigure]:
        """Market procurement statistics from ``agency``'s views (commerce's)."""
        return market_figures(self.sales(agency, actor, month).views)

    def exemptions(self, agency: str, actor: str, month: str | None = None) -> list[Exemption]:
        """VAT-exempt sales per operator and month, from ``agency``'s views (taxation's)."""
        return exemptions(self.sales(agency, actor, month).views)
