"""Market procurement on SQLite and PostgreSQL: registrations refused with codes, a shipment
from operators' sales to a customs decision, the value cap and the excluded goods refused,
corrections keeping history, foreign exchange reconciled, and who may reach what."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tradewindow.procurement.consolidation import ShipmentForm
from tradewindow.procurement.errors import Conflict, Forbidden, NotFound
from tradewindow.procurement.model import (
    DocumentKind,
    LicenceKind,
    Line,
    SaleState,
    ShipmentState,
)
from tradewindow.procurement.registry import AgentForm, BuyerForm, MarketForm, OperatorForm
from tradewindow.procurement.sales import SaleForm
from tradewindow.procurement.service import FxForm, Procurement
from tradewindow.procurement.shipments import Shipments
from tradewindow.store import SqlStore
from tradewindow.violations import Rejected

DAY = date(2026, 12, 4)
USCC_OPERATOR = "914401017M4Y9K2P0M"
USCC_AGENT = "914401046A1B2C3D11"


class Rates:
    def rate(self, currency: str, day: date) -> Decimal:
        return {"CNY": Decimal(1), "USD": Decimal("7.10"), "EUR": Decimal("7.80")}[currency]


class World:
    def __init__(self, store: SqlStore) -> None:
        counter = iter(range(1, 10_000))
        self.procurement = Procurement(
            store.procurement,
            Rates(),
            clock=lambda: datetime(2026, 12, 5, 9, tzinfo=UTC),
            new_id=lambda prefix: f"{prefix}-{next(counter):04d}",
        )
        self.shipments = Shipments(self.procurement)
        p = self.procurement
        for key, name in (("gz-liuhua", "流花服装市场"), ("fs-zhangcha", "张槎针织市场")):
            p.register_market(
                MarketForm(
                    id=key, name_zh=name, name_en=key, city="440100", valid_from=date(2020, 1, 1)
                )
            )
        self.operator = p.register_operator(operator_form(), "p-chen")
        self.other_operator = p.register_operator(
            operator_form(licence_kind=LicenceKind.REGISTRATION, licence_number="440104600001236"),
            "p-li",
        )
        self.buyer = p.register_buyer(buyer_form(), "p-okafor")
        self.agent = p.register_agent(
            AgentForm(
                name="广州市场采购代理有限公司",
                uscc=USCC_AGENT,
                customs_code="4401960ABC",
                markets=("gz-liuhua",),
            ),
            "p-agent",
        )
        p.commission("p-okafor", self.buyer.id, self.agent.id)

    def sale(self, party: str, operator_id: str, *lines: Line, currency: str = "CNY") -> str:
        form = SaleForm(buyer_id=self.buyer.id, sold_on=DAY, currency=currency, lines=lines)
        return self.procurement.record_sale(party, operator_id, form).id


def operator_form(**changes: object) -> OperatorForm:
    fields: dict[str, object] = {
        "market_id": "gz-liuhua",
        "name": "陈记服装",
        "licence_kind": LicenceKind.USCC,
        "licence_number": USCC_OPERATOR,
        "stall": "3F-318",
        "bank_account": "6222021234567890123",
    } | changes
    return OperatorForm(**fields)  # type: ignore[arg-type]


def buyer_form(**changes: object) -> BuyerForm:
    fields: dict[str, object] = {
        "market_id": "gz-liuhua",
        "name": "Amina Okafor",
        "country": "NG",
        "document_kind": DocumentKind.PASSPORT,
        "document_number": "A01234567",
    } | changes
    return BuyerForm(**fields)  # type: ignore[arg-type]


def line(code: str, quantity: str, price: str, name: str = "goods") -> Line:
    return Line(
        hs_code=code, name=name, quantity=Decimal(quantity), unit="011", price=Decimal(price)
    )


@pytest.fixture
def world(store: SqlStore) -> World:
    return World(store)


def codes(error: pytest.ExceptionInfo[Rejected]) -> list[str]:
    return [v.code for v in error.value.violations]


def test_registrations_are_refused_with_codes(world: World) -> None:
    p = world.procurement
    with pytest.raises(Rejected) as duplicate:
        p.register_operator(operator_form(), "p-x")
    assert codes(duplicate) == ["MPT.operator.licence.duplicate"]
    # the same licence in another market is another operator: each market is scoped
    assert p.register_operator(operator_form(market_id="fs-zhangcha"), "p-x").market_id == (
        "fs-zhangcha"
    )
    with pytest.raises(Rejected) as bad:
        p.register_operator(operator_form(licence_number=USCC_OPERATOR[:-1] + "1"), "p-x")
    assert codes(bad) == ["MPT.operator.licence.check"]
    with pytest.raises(Rejected) as buyer:
        p.register_buyer(buyer_form(), "p-y")
    assert codes(buyer) == ["MPT.buyer.document.duplicate"]
    with pytest.raises(Rejected) as foreign:
        p.register_buyer(buyer_form(country="CN", market_id="nowhere"), "p-y")
    assert codes(foreign) == ["MPT.buyer.market.unknown", "MPT.buyer.country.domestic"]
    with pytest.raises(Rejected) as agent:
        p.register_agent(
            AgentForm(name="x", uscc=USCC_AGENT, customs_code="4401960ABC", markets=()), "p-z"
        )
    assert codes(agent) == ["MPT.agent.uscc.duplicate", "MPT.agent.markets.required"]
    with pytest.raises(Rejected) as market:
        p.register_market(
            MarketForm(id="gz-liuhua", name_zh="x", name_en="x", city="440100", valid_from=DAY)
        )
    assert codes(market) == ["MPT.market.id.duplicate"]


def test_a_shipment_from_sales_to_the_customs_decision(world: World) -> None:
    p, s = world.procurement, world.shipments
    first = world.sale(
        "p-chen",
        world.operator.id,
        line("6109100021", "1000", "14.20", "棉制T恤"),
        line("6110200099", "500", "35.50", "针织毛衣"),
    )
    second = world.sale("p-li", world.other_operator.id, line("4202221000", "200", "71.00"))
    assert p.sale("p-okafor", first).state is SaleState.RECORDED
    p.confirm_sale("p-okafor", first)
    p.confirm_sale("p-agent", second)  # the commissioned agent confirms for the buyer
    shipment = s.consolidate(
        "p-agent",
        world.agent.id,
        ShipmentForm(
            buyer_id=world.buyer.id,
            transaction_ids=(first, second),
            containers=("CSQU3054383",),
            port_of_loading="CNNSA",
            destination="NG",
        ),
    )
    # 14,200 + 17,750 CNY = 2,000.00 + 2,500.00 USD; 14,200 CNY = 2,000.00 USD
    assert shipment.value_usd == Decimal("6500.00")
    assert shipment.state is ShipmentState.DRAFTED
    _, declaration = s.declaration("p-agent", shipment.id)
    assert [(i.hs_code, i.value) for i in declaration.items] == [
        ("6110200099", Decimal("2500.00")),
        ("4202221000", Decimal("2000.00")),
        ("6109100021", Decimal("2000.00")),
    ]
    s.declare("p-agent", shipment.id)
    decided = s.decide("officer-huang", shipment.id, "released", "document review passed")
    assert decided.state is ShipmentState.RELEASED
    for key in (first, second):
        sale = p.sale("p-okafor", key)
        assert (sale.state, sale.shipment_id) == (SaleState.DECLARED, shipment.id)
        assert sale.decision == "released: document review passed"
        assert [r.action for r in sale.history] == [
            "recorded",
            "confirmed",
            "consolidated",
            "decided",
        ]
    with pytest.raises(Conflict):
        s.decide("officer-huang", shipment.id, "refused")

    # foreign exchange: Chen received 4,000 of 4,500 USD; Li received EUR worth 2,000 USD
    s.record_receipt(
        "p-chen",
        FxForm(
            operator_id=world.operator.id,
            shipment_id=shipment.id,
            currency="USD",
            amount=Decimal("4000"),
            received_on=DAY,
        ),
    )
    s.record_receipt(
        "p-li",
        FxForm(
            operator_id=world.other_operator.id,
            shipment_id=shipment.id,
            currency="EUR",
            amount=Decimal("1820.51"),
            received_on=DAY,
        ),
    )
    settled = {row.operator_id: row for row in s.reconcile("p-agent", shipment.id)}
    assert settled[world.operator.id].unmatched_usd == Decimal("500.00")
    assert settled[world.other_operator.id].unmatched_usd == Decimal("0.00")


def test_the_value_cap_and_excluded_goods_are_refused(world: World) -> None:
    p, s = world.procurement, world.shipments
    big = world.sale("p-chen", world.operator.id, line("8517130000", "1000", "1065.01"))
    pistols = world.sale("p-li", world.other_operator.id, line("9302000000", "1", "7100"))
    for key in (big, pistols):
        p.confirm_sale("p-okafor", key)
    form = ShipmentForm(
        buyer_id=world.buyer.id,
        transaction_ids=(big, pistols),
        containers=(),
        port_of_loading="CNHUA",
        destination="NG",
    )
    with pytest.raises(Rejected) as refused:
        s.consolidate("p-agent", world.agent.id, form)
    assert codes(refused) == ["MPT.goods.excluded.restricted", "MPT.shipment.value.cap"]
    assert p.sale("p-okafor", big).state is SaleState.CONFIRMED  # nothing was consolidated


def test_corrections_and_cancellations_keep_history(world: World, store: SqlStore) -> None:
    p = world.procurement
    key = world.sale("p-chen", world.operator.id, line("6109100021", "10", "10"))
    p.confirm_sale("p-okafor", key)
    corrected = p.correct_sale(
        "p-chen",
        key,
        SaleForm(
            buyer_id=world.buyer.id,
            sold_on=DAY,
            currency="CNY",
            lines=(line("6109100021", "12", "10"),),
        ),
        "two more boxes",
    )
    assert (corrected.total, corrected.state) == (Decimal("120.00"), SaleState.RECORDED)
    with pytest.raises(Forbidden):
        p.cancel_sale("p-okafor", key, "the buyer cannot cancel the operator's record")
    p.cancel_sale("p-chen", key, "the buyer changed their mind")
    with store.procurement.reading() as records:
        history = records.transaction_revisions(key)
    assert [(r.revision, r.state.value, str(r.total)) for r in history] == [
        (1, "recorded", "100.00"),
        (2, "confirmed", "100.00"),
        (3, "recorded", "120.00"),
        (4, "cancelled", "120.00"),
    ]


def test_each_party_reaches_only_its_own(world: World) -> None:
    p, s = world.procurement, world.shipments
    key = world.sale("p-chen", world.operator.id, line("6109100021", "10", "10"))
    assert [sale.id for sale in p.sales("p-chen")] == [key]
    assert p.sales("p-li") == []
    for stranger in ("p-li", "p-nobody"):
        with pytest.raises(NotFound):
            p.sale(stranger, key)
        with pytest.raises(NotFound):
            p.confirm_sale(stranger, key)
    with pytest.raises(NotFound):
        world.sale("p-li", world.operator.id, line("6109100021", "1", "1"))  # not Li's stall
    with pytest.raises(Forbidden):
        p.correct_sale(
            "p-okafor",
            key,
            SaleForm(buyer_id=world.buyer.id, sold_on=DAY, currency="CNY", lines=()),
            "",
        )
    with pytest.raises(NotFound):
        s.consolidate(
            "p-chen",
            world.agent.id,
            ShipmentForm(
                buyer_id=world.buyer.id,
                transaction_ids=(key,),
                containers=(),
                port_of_loading="CNNSA",
                destination="NG",
            ),
        )
