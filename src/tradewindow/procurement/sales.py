"""Transactions (交易登记): an operator's sale to a foreign buyer, its checks and its life.

An operator records a sale; the buyer (or the agent it commissioned) confirms it; until it is
consolidated the operator may correct it or cancel it. Every step is a ``Revision`` appended to
the transaction's history; nothing is overwritten without a trace. Totals are ``Decimal``,
rounded to the cent at one named point (``line_total``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from tradewindow.procurement.errors import Conflict
from tradewindow.procurement.model import Line, Market, Revision, SaleState, Transaction
from tradewindow.reference.hs import hs_entry
from tradewindow.reference.iso import iso_currency
from tradewindow.reference.units import customs_unit
from tradewindow.violations import Violation

CENT = Decimal("0.01")
MAX_LINES = 200


class SaleForm(msgspec.Struct, frozen=True, kw_only=True):
    buyer_id: str
    sold_on: date
    currency: str
    lines: tuple[Line, ...]


def line_total(line: Line) -> Decimal:
    """quantity × price, half up to the cent: the one rounding point of a sale."""
    return (line.quantity * line.price).quantize(CENT, rounding=ROUND_HALF_UP)


def sale_total(lines: tuple[Line, ...]) -> Decimal:
    return sum((line_total(line) for line in lines), Decimal("0.00"))


def _line_violations(index: int, line: Line) -> list[Violation]:
    path = f"lines/{index}"
    found: list[Violation] = []
    if not (line.hs_code.isdigit() and 6 <= len(line.hs_code) <= 10) or (
        hs_entry(line.hs_code[:6]) is None
    ):
        found.append(
            Violation(
                path=f"{path}/hs_code",
                code="MPT.sale.hs_code.unknown",
                en="an HS code of 6 to 10 digits whose first six are an HS 2022 subheading",
                zh="商品编码应为6至10位数字，前6位为 HS 2022 子目",
            )
        )
    if not line.name.strip() or len(line.name) > 250:
        found.append(
            Violation(
                path=f"{path}/name",
                code="MPT.sale.name.required",
                en="the goods' name (1–250 characters)",
                zh="请填写商品名称（1至250个字符）",
            )
        )
    if line.quantity <= 0:
        found.append(
            Violation(
                path=f"{path}/quantity",
                code="MPT.sale.quantity.positive",
                en="the quantity is more than zero",
                zh="数量应大于零",
            )
        )
    if line.price <= 0:
        found.append(
            Violation(
                path=f"{path}/price",
                code="MPT.sale.price.positive",
                en="the unit price is more than zero",
                zh="单价应大于零",
            )
        )
    if customs_unit(line.unit) is None:
        found.append(
            Violation(
                path=f"{path}/unit",
                code="MPT.sale.unit.unknown",
                en="a China Customs unit code (e.g. 011 piece, 035 kilogram)",
                zh="计量单位应为海关计量单位代码（如011件、035千克）",
            )
        )
    return found


def sale_violations(form: SaleForm, market: Market, today: date) -> list[Violation]:
    """Every problem with a sale: a known currency, a day not in the future on which the market
    was recognised, 1 to 200 lines each with a known HS code and unit and positive figures."""
    found: list[Violation] = []
    if len(form.currency) != 3 or iso_currency(form.currency) is None:
        found.append(
            Violation(
                path="currency",
                code="MPT.sale.currency.unknown",
                en="an ISO 4217 currency code",
                zh="币制应为 ISO 4217 代码",
            )
        )
    if form.sold_on > today:
        found.append(
            Violation(
                path="sold_on",
                code="MPT.sale.sold_on.future",
                en="the day of sale is not in the future",
                zh="交易日期不能晚于今天",
            )
        )
    elif not market.open_on(form.sold_on):
        found.append(
            Violation(
                path="sold_on",
                code="MPT.sale.market.closed",
                en=f"market {market.id} was not recognised on that day",
                zh=f"市场 {market.id} 在该日期不在认定有效期内",
            )
        )
    if not 1 <= len(form.lines) <= MAX_LINES:
        found.append(
            Violation(
                path="lines",
                code="MPT.sale.lines.count",
                en=f"1 to {MAX_LINES} goods lines",
                zh=f"商品应为1至{MAX_LINES}项",
            )
        )
    for index, line in enumerate(form.lines):
        found += _line_violations(index, line)
    return found


def recorded(
    transaction_id: str, market_id: str, operator_id: str, form: SaleForm, by: str, at: datetime
) -> Transaction:
    return Transaction(
        id=transaction_id,
        market_id=market_id,
        operator_id=operator_id,
        buyer_id=form.buyer_id,
        sold_on=form.sold_on,
        currency=form.currency,
        lines=form.lines,
        total=sale_total(form.lines),
        state=SaleState.RECORDED,
        history=(Revision(number=1, action="recorded", by=by, at=at),),
    )


def _step(
    sale: Transaction, action: str, by: str, at: datetime, note: str = ""
) -> tuple[Revision, ...]:
    return (
        *sale.history,
        Revision(number=sale.revision + 1, action=action, by=by, at=at, note=note),
    )


def _expect(sale: Transaction, states: tuple[SaleState, ...], action: str) -> None:
    if sale.state not in states:
        raise Conflict(
            f"MPT.sale.{action}.state",
            f"a {sale.state.value} transaction cannot be {action}",
            f"状态为 {sale.state.value} 的交易不能执行此操作",
        )


def corrected(sale: Transaction, form: SaleForm, by: str, at: datetime, note: str) -> Transaction:
    """The operator corrects a sale not yet consolidated; a confirmed sale needs confirming
    again (the buyer confirmed other figures)."""
    _expect(sale, (SaleState.RECORDED, SaleState.CONFIRMED), "corrected")
    if form.buyer_id != sale.buyer_id:
        raise Conflict(
            "MPT.sale.corrected.buyer",
            "a correction keeps the buyer; cancel the sale and record it for the other buyer",
            "更正不能更换采购商；请撤销后重新登记",
        )
    return msgspec.structs.replace(
        sale,
        sold_on=form.sold_on,
        currency=form.currency,
        lines=form.lines,
        total=sale_total(form.lines),
        state=SaleState.RECORDED,
        history=_step(sale, "corrected", by, at, note),
    )


def confirmed(sale: Transaction, by: str, at: datetime) -> Transaction:
    _expect(sale, (SaleState.RECORDED,), "confirmed")
    return msgspec.structs.replace(
        sale, state=SaleState.CONFIRMED, history=_step(sale, "confirmed", by, at)
    )


def cancelled(sale: Transaction, by: str, at: datetime, note: str) -> Transaction:
    _expect(sale, (SaleState.RECORDED, SaleState.CONFIRMED), "cancelled")
    return msgspec.structs.replace(
        sale, state=SaleState.CANCELLED, history=_step(sale, "cancelled", by, at, note)
    )


def consolidated(sale: Transaction, shipment_id: str, by: str, at: datetime) -> Transaction:
    _expect(sale, (SaleState.CONFIRMED,), "consolidated")
    return msgspec.structs.replace(
        sale,
        state=SaleState.CONSOLIDATED,
        shipment_id=shipment_id,
        history=_step(sale, "consolidated", by, at, shipment_id),
    )


def decided(sale: Transaction, decision: str, by: str, at: datetime) -> Transaction:
    _expect(sale, (SaleState.CONSOLIDATED,), "decided")
    return msgspec.structs.replace(
        sale,
        state=SaleState.DECLARED,
        decision=decision,
        history=_step(sale, "decided", by, at, decision),
    )
