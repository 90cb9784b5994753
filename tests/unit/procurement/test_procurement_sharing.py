"""What each agency sees of market procurement: every agency × the shared kinds, generated from
the policy file — a view holds exactly the granted leaves and nothing else; taxation's VAT
exemption records are totalled from its own views only; the passport number is personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.agencies.fields import leaf_paths
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.procurement_documents import RECEIPT, SALE
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.procurement.model import (
    Buyer,
    BuyerDocument,
    FxReceipt,
    LicenceKind,
    Line,
    Market,
    Operator,
    SaleRevision,
    SaleState,
    Shipment,
    ShipmentState,
    Transaction,
)
from tradewindow.procurement.sharing import (
    exemptions,
    market_figures,
    receipt_document,
    sale_document,
    views_for,
)

POLICY = shipped_policy()
KINDS = (SALE, RECEIPT)
MATRIX = [(agency, kind) for agency in POLICY.agencies for kind in KINDS]
NOW = datetime(2026, 12, 5, tzinfo=UTC)
MARKET = Market(id="gz-liuhua", name_zh="流花", name_en="Liuhua", city="440100",
                valid_from=date(2020, 1, 1))  # fmt: skip
OPERATOR = Operator(id="op-1", market_id=MARKET.id, party_id="p", name="陈记",
                    licence_kind=LicenceKind.USCC, licence_number="914401017M4Y9K2P0M",
                    stall="A1", bank_account="6222021234567890123", registered_at=NOW)  # fmt: skip
BUYER = Buyer(id="by-1", market_id=MARKET.id, party_id="q", name="Amina Okafor", country="NG",
              document_kind=BuyerDocument.PASSPORT, document_number="A01234567",
              registered_at=NOW)  # fmt: skip


class Rates:
    def rate(self, currency: str, day: date) -> Decimal:
        return {"USD": Decimal("7.10")}[currency]


def sale(key: str = "tx-1", day: date = date(2026, 12, 4), total: str = "100.00") -> Transaction:
    return Transaction(
        id=key, market_id=MARKET.id, operator_id=OPERATOR.id, buyer_id=BUYER.id, sold_on=day,
        currency="USD",
        lines=(Line(hs_code="6109100021", name="T恤", quantity=Decimal(50), unit="011",
                    price=Decimal(total) / 50),),
        total=Decimal(total), state=SaleState.DECLARED, shipment_id="sh-1",
        decision="released", history=(SaleRevision(number=1, action="recorded", by="p", at=NOW),),
    )  # fmt: skip


SHIPMENT = Shipment(id="sh-1", market_id=MARKET.id, agent_id="ag-1", buyer_id=BUYER.id,
                    transaction_ids=("tx-1",), containers=(), port_of_loading="CNNSA",
                    destination="NG", transport_mode="2", value_usd=Decimal(100),
                    state=ShipmentState.RELEASED, created_at=NOW)  # fmt: skip


def full(kind: str) -> dict[str, Any]:
    if kind == SALE:
        return sale_document(sale(), MARKET, OPERATOR, BUYER, SHIPMENT, Rates())
    receipt = FxReceipt(id="fx-1", operator_id=OPERATOR.id, buyer_id=BUYER.id,
                        shipment_id="sh-1", currency="USD", amount=Decimal(100),
                        received_on=date(2026, 12, 5), recorded_at=NOW)  # fmt: skip
    return receipt_document(receipt, OPERATOR, BUYER)


def leaves(node: dict[str, Any], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for key, value in node.items():
        if isinstance(value, dict):
            found |= leaves(value, f"{prefix}{key}/")
        elif isinstance(value, list):
            for element in value:
                found |= leaves(element, f"{prefix}{key}/*/")
        else:
            found.add(f"{prefix}{key}")
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_the_full_documents_fill_every_grantable_field(kind: str) -> None:
    assert leaves(full(kind)) == leaf_paths(kind)


@pytest.mark.parametrize(("agency", "kind"), MATRIX, ids=[f"{a}-{k}" for a, k in MATRIX])
def test_view_holds_exactly_the_granted_fields(agency: str, kind: str) -> None:
    granted = POLICY.agencies[agency].grants.get(kind)
    found = views_for(POLICY, agency, kind, [full(kind)])
    if granted is None:
        assert found.views == []
        return
    (view,) = found.views
    assert leaves(view) == granted


def test_who_sees_what_in_words() -> None:
    commerce = views_for(POLICY, "commerce", SALE, [full(SALE)]).views[0]["MarketSale"]
    assert "operatorName" not in commerce
    assert "buyerName" not in commerce
    assert commerce["destination"] == "NG"
    taxation = views_for(POLICY, "taxation", SALE, [full(SALE)]).views[0]["MarketSale"]
    assert taxation["totalCny"] == "710.00"
    assert "buyerId" not in taxation
    assert views_for(POLICY, "inspection_quarantine", SALE, [full(SALE)]).views == []
    customs = views_for(POLICY, "customs", SALE, [full(SALE)])
    assert customs.personal_data == ["MarketSale/buyerDocumentNumber"]
    assert views_for(POLICY, "foreign_exchange", SALE, [full(SALE)]).personal_data == []


def test_vat_exemptions_per_operator_and_month_from_taxations_views() -> None:
    documents = [
        sale_document(sale("tx-1", date(2026, 11, 30), "100.00"), MARKET, OPERATOR, BUYER, None,
                      Rates()),
        sale_document(sale("tx-2", date(2026, 12, 1), "10.00"), MARKET, OPERATOR, BUYER, None,
                      Rates()),
        sale_document(sale("tx-3", date(2026, 12, 4), "20.01"), MARKET, OPERATOR, BUYER, None,
                      Rates()),
    ]  # fmt: skip
    found = exemptions(views_for(POLICY, "taxation", SALE, documents).views)
    assert [(e.month, e.sales, e.total_cny) for e in found] == [
        ("2026-11", 1, Decimal("710.00")),
        ("2026-12", 2, Decimal("213.07")),
    ]
    # an agency not granted the figures totals nothing
    assert exemptions(views_for(POLICY, "commerce", SALE, documents).views) == []


def test_a_policy_without_procurement_grants_shares_nothing() -> None:
    bare = Policy(version="x", effective_from=date(2026, 1, 1), agencies={},
                  personal_data=frozenset())  # fmt: skip
    assert views_for(bare, "taxation", SALE, [full(SALE)]).views == []


def _mixed(key: str, *lines: tuple[str, str, str]) -> Transaction:
    goods = tuple(
        Line(hs_code=code, name="货物", quantity=Decimal(q), unit="011", price=Decimal(price))
        for code, q, price in lines
    )
    total = sum((g.quantity * g.price for g in goods), Decimal(0)).quantize(Decimal("0.01"))
    return msgspec.structs.replace(sale(key), lines=goods, total=total)


def test_commerce_figures_by_market_destination_and_chapter_from_its_views() -> None:
    documents = [
        sale_document(_mixed("tx-1", ("6109100021", "3", "1.00"), ("6110200099", "1", "0.01")),
                      MARKET, OPERATOR, BUYER, SHIPMENT, Rates()),
        sale_document(_mixed("tx-2", ("6109100021", "10", "2.00"), ("4202221000", "1", "5.00")),
                      MARKET, OPERATOR, BUYER, None, Rates()),
    ]  # fmt: skip
    found = market_figures(views_for(POLICY, "commerce", SALE, documents).views)
    assert [(f.market_id, f.destination, f.chapter, f.sales, f.value_cny) for f in found] == [
        ("gz-liuhua", "NG", "42", 1, Decimal("35.50")),
        ("gz-liuhua", "NG", "61", 2, Decimal("163.37")),  # 21.30 + 142.00 + 0.07
    ]
    # the fen of rounding goes to the last line: 3.01 USD is 21.37 CNY, 21.30 + 0.07
    assert sum(f.value_cny for f in found) == Decimal("21.37") + Decimal("177.50")
    # an agency whose views lack the figures (inspection has none) counts nothing
    assert market_figures(views_for(POLICY, "inspection_quarantine", SALE, documents).views) == []


@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(["6109100021", "4202221000", "9503008900"]),
                st.integers(1, 10_000),
                st.decimals(min_value=Decimal("0.01"), max_value=Decimal(999), places=2),
            ),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_figures_never_lose_or_double_count_a_fen(
    sales: list[list[tuple[str, int, Decimal]]],
) -> None:
    documents = [
        sale_document(
            _mixed(f"tx-{n}", *((code, str(q), str(price)) for code, q, price in lines)),
            MARKET, OPERATOR, BUYER, SHIPMENT, Rates(),
        )
        for n, lines in enumerate(sales)
    ]  # fmt: skip
    views = views_for(POLICY, "commerce", SALE, documents).views
    figures = market_figures(views)
    assert sum(f.value_cny for f in figures) == sum(
        Decimal(v["MarketSale"]["totalCny"]) for v in views
    )
    chapters = {line[0][:2] for lines in sales for line in lines}
    assert {f.chapter for f in figures} == chapters
