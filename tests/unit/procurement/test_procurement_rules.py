"""Registration checks, sale checks, the value cap and the excluded goods: each refused with its
code, every violation at once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tradewindow.procurement.consolidation import (
    VALUE_CAP_USD,
    ShipmentForm,
    container_check_digit,
    shipment_violations,
    usd_value,
)
from tradewindow.procurement.model import (
    DocumentKind,
    LicenceKind,
    Line,
    Market,
    Revision,
    SaleState,
    Transaction,
)
from tradewindow.procurement.registry import (
    AgentForm,
    BuyerForm,
    MarketForm,
    OperatorForm,
    agent_violations,
    buyer_violations,
    licence_violations,
    market_violations,
    operator_violations,
    registration_number_check,
)
from tradewindow.procurement.sales import SaleForm, sale_total, sale_violations
from tradewindow.reference.market_procurement import exclusion_for
from tradewindow.violations import Violation

TODAY = date(2026, 12, 5)
MARKET = Market(
    id="gz-liuhua",
    name_zh="广州流花服装市场",
    name_en="Guangzhou Liuhua garment market",
    city="440100",
    valid_from=date(2020, 1, 1),
)
USCC = "914401017M4Y9K2P0M"


def codes(violations: list[Violation]) -> list[str]:
    return [v.code for v in violations]


def operator(**changes: object) -> OperatorForm:
    fields: dict[str, object] = {
        "market_id": MARKET.id,
        "name": "广州流花 陈记服装",
        "licence_kind": LicenceKind.USCC,
        "licence_number": USCC,
        "stall": "A-1023",
        "bank_account": "6222021234567890123",
    } | changes
    return OperatorForm(**fields)  # type: ignore[arg-type]


def test_a_valid_operator_passes() -> None:
    assert operator_violations(operator(), MARKET, TODAY, duplicate=False) == []


def test_operator_licence_check_characters() -> None:
    assert codes(licence_violations(LicenceKind.USCC, USCC[:-1] + "1")) == [
        "MPT.operator.licence.check"
    ]
    assert registration_number_check("44010460000123") == "6"
    assert licence_violations(LicenceKind.REGISTRATION, "440104600001236") == []
    assert codes(licence_violations(LicenceKind.REGISTRATION, "440104600001237")) == [
        "MPT.operator.licence.check"
    ]
    assert codes(licence_violations(LicenceKind.REGISTRATION, "4401046")) == [
        "MPT.operator.licence.format"
    ]


def test_operator_every_problem_at_once() -> None:
    closed = Market(
        id="fs-old",
        name_zh="旧市场",
        name_en="Old market",
        city="440600",
        valid_from=date(2020, 1, 1),
        valid_until=date(2024, 12, 31),
    )
    found = operator_violations(
        operator(market_id="fs-old", name=" ", stall="", bank_account="x"),
        closed,
        TODAY,
        duplicate=False,
    )
    assert codes(found) == [
        "MPT.operator.market.closed",
        "MPT.operator.name.required",
        "MPT.operator.stall.required",
        "MPT.operator.bank_account.format",
    ]
    assert codes(operator_violations(operator(), None, TODAY, duplicate=True)) == [
        "MPT.operator.market.unknown",
        "MPT.operator.licence.duplicate",
    ]


def test_buyer_checks() -> None:
    form = BuyerForm(
        market_id=MARKET.id,
        name="Amina Okafor",
        country="NG",
        document_kind=DocumentKind.PASSPORT,
        document_number="A01234567",
    )
    assert buyer_violations(form, MARKET, TODAY, duplicate=False) == []
    assert codes(buyer_violations(form, MARKET, TODAY, duplicate=True)) == [
        "MPT.buyer.document.duplicate"
    ]
    bad = BuyerForm(
        market_id=MARKET.id,
        name="x",
        country="CN",
        document_kind=DocumentKind.PASSPORT,
        document_number="a1",
    )
    assert codes(buyer_violations(bad, MARKET, TODAY, duplicate=False)) == [
        "MPT.buyer.country.domestic",
        "MPT.buyer.document.passport.format",
    ]
    unknown = BuyerForm(**{**_fields(form), "country": "XX"})
    assert codes(buyer_violations(unknown, MARKET, TODAY, duplicate=False)) == [
        "MPT.buyer.country.unknown"
    ]


def _fields(form: BuyerForm) -> dict[str, object]:
    return {name: getattr(form, name) for name in form.__struct_fields__}


def test_agent_and_market_checks() -> None:
    form = AgentForm(
        name="广州采购代理", uscc=USCC, customs_code="4401960ABC", markets=(MARKET.id,)
    )
    assert agent_violations(form, {MARKET.id: MARKET}, TODAY, duplicate=False) == []
    bad = AgentForm(name="x", uscc="91440101", customs_code="9901", markets=("nowhere",))
    assert codes(agent_violations(bad, {}, TODAY, duplicate=True)) == [
        "MPT.agent.uscc.format",
        "MPT.agent.customs_code.format",
        "MPT.agent.market.unknown",
    ]
    assert codes(agent_violations(form, {MARKET.id: MARKET}, TODAY, duplicate=True)) == [
        "MPT.agent.uscc.duplicate"
    ]
    market = MarketForm(
        id="GZ Liuhua",
        name_zh="",
        name_en="Liuhua",
        city="440100",
        valid_from=date(2025, 1, 1),
        valid_until=date(2024, 1, 1),
    )
    assert codes(market_violations(market, exists=False)) == [
        "MPT.market.id.format",
        "MPT.market.name.required",
        "MPT.market.validity.order",
    ]


def line(code: str = "6109100021", quantity: str = "100", price: str = "12.345") -> Line:
    return Line(
        hs_code=code, name="T恤", quantity=Decimal(quantity), unit="011", price=Decimal(price)
    )


def test_sale_total_rounds_each_line_half_up_to_the_cent() -> None:
    assert sale_total((line(quantity="3", price="0.335"), line(quantity="1", price="0.005"))) == (
        Decimal("1.01") + Decimal("0.01")
    )


def test_sale_checks() -> None:
    good = SaleForm(buyer_id="by-1", sold_on=TODAY, currency="USD", lines=(line(),))
    assert sale_violations(good, MARKET, TODAY) == []
    bad = SaleForm(
        buyer_id="by-1",
        sold_on=date(2027, 1, 1),
        currency="XYZ",
        lines=(Line(hs_code="0000", name="", quantity=Decimal(0), unit="999", price=Decimal(-1)),),
    )
    assert codes(sale_violations(bad, MARKET, TODAY)) == [
        "MPT.sale.currency.unknown",
        "MPT.sale.sold_on.future",
        "MPT.sale.hs_code.unknown",
        "MPT.sale.name.required",
        "MPT.sale.quantity.positive",
        "MPT.sale.price.positive",
        "MPT.sale.unit.unknown",
    ]


class Rates:
    def rate(self, currency: str, day: date) -> Decimal:
        return {"CNY": Decimal(1), "USD": Decimal("7.1"), "EUR": Decimal("7.8")}[currency]


def sale(key: str, lines: tuple[Line, ...], state: SaleState = SaleState.CONFIRMED) -> Transaction:
    return Transaction(
        id=key,
        market_id=MARKET.id,
        operator_id="op-1",
        buyer_id="by-1",
        sold_on=TODAY,
        currency="CNY",
        lines=lines,
        total=sale_total(lines),
        state=state,
        history=(Revision(number=1, action="recorded", by="p", at=MARKET_TIME),),
    )


MARKET_TIME = datetime(2026, 12, 5, tzinfo=UTC)

FORM = ShipmentForm(
    buyer_id="by-1",
    transaction_ids=("t1",),
    containers=("CSQU3054383",),
    port_of_loading="CNNSA",
    destination="NG",
)


def test_usd_value_is_rounded_half_up_once() -> None:
    assert usd_value(Decimal("71.00"), "CNY", TODAY, Rates()) == Decimal("10.00")
    assert usd_value(Decimal("10"), "EUR", TODAY, Rates()) == Decimal("10.99")
    assert usd_value(Decimal("1.005"), "USD", TODAY, Rates()) == Decimal("1.01")


def test_value_cap_is_usd_150000_inclusive() -> None:
    sales: dict[str, Transaction | None] = {"t1": sale("t1", (line(),))}
    assert shipment_violations(FORM, MARKET.id, sales, VALUE_CAP_USD) == []
    over = shipment_violations(FORM, MARKET.id, sales, VALUE_CAP_USD + Decimal("0.01"))
    assert codes(over) == ["MPT.shipment.value.cap"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("9302000000", "restricted"), ("9706100000", "prohibited"), ("2805301100", "licence")],
)
def test_excluded_goods_are_refused_with_the_table_reason(code: str, expected: str) -> None:
    sales: dict[str, Transaction | None] = {"t1": sale("t1", (line(), line(code=code)))}
    found = shipment_violations(FORM, MARKET.id, sales, Decimal(1))
    assert codes(found) == [f"MPT.goods.excluded.{expected}"]
    assert found[0].path == "transaction_ids/0/lines/1/hs_code"


def test_the_exclusion_table_is_dated() -> None:
    assert exclusion_for("9302000000", date(2019, 12, 31)) is None
    assert exclusion_for("9302000000", date(2020, 1, 1)) is not None
    assert exclusion_for("6109100021", TODAY) is None


def test_shipment_sales_route_and_containers() -> None:
    sales: dict[str, Transaction | None] = {
        "t1": sale("t1", (line(),), SaleState.RECORDED),
        "t2": None,
    }
    form = ShipmentForm(
        buyer_id="by-1",
        transaction_ids=("t1", "t2", "t1"),
        containers=("CSQU3054384",),
        port_of_loading="USNYC",
        destination="CN",
        transport_mode="Q",
    )
    assert codes(shipment_violations(form, MARKET.id, sales, Decimal(1))) == [
        "MPT.shipment.transactions.repeated",
        "MPT.shipment.transactions.unconfirmed",
        "MPT.shipment.transactions.foreign",
        "MPT.shipment.transactions.unconfirmed",
        "MPT.shipment.port.unknown",
        "MPT.shipment.destination.unknown",
        "MPT.shipment.transport_mode.unknown",
        "MPT.shipment.container.invalid",
    ]
    assert container_check_digit("CSQU305438") == 3
