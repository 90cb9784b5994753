"""Faults the demo injects on purpose, and what clearance should make of each.

Every fault is recorded as an ``Expectation``: which sets it touched (by order key
``ebpCode|orderNo``), which documents customs should return (refuse, status 100), and what
becomes of the inventory list, so the demo can explain the day's outcome and tests can check
it. The rules behind them: GACC announcement 2018 No.194 (three-document matching, buyer =
payer), MOF/GACC/SAT Caishui [2018] No.49 (CNY 5,000 per transaction, CNY 26,000 a year; a
single indivisible item over 5,000 clears at general-trade tax), GB 11643 (resident ID).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import NamedTuple

import msgspec

from tradewindow.cbec.ports import DocKind
from tradewindow.demo.catalogue import EXPENSIVE, GOODS, PRICEY, VAT_ONLY, Good
from tradewindow.demo.market import Market
from tradewindow.demo.people import spoil_resident_id
from tradewindow.demo.tradeset import TradeSet


class FaultKind(enum.StrEnum):
    LINE_TOTAL = "line_total"  # an order line's totalPrice ≠ price × qty
    GOODS_VALUE = "goods_value"  # order goodsValue ≠ Σ line totals
    PAYMENT_AMOUNT = "payment_amount"  # payment amountPaid ≠ order acturalPaid
    PAYER_NOT_BUYER = "payer_not_buyer"
    UNKNOWN_HS_CODE = "unknown_hs_code"  # list gcode whose 6 digits are no HS subheading
    INVALID_RESIDENT_ID = "invalid_resident_id"  # wrong GB 11643 check character
    MISSING_WAYBILL = "missing_waybill"  # the waybill never arrives
    ANNUAL_LIMIT = "annual_limit"  # one buyer's orders pass CNY 26,000 in the year
    OVER_TRANSACTION_LIMIT = "over_transaction_limit"  # several lines worth > CNY 5,000
    SINGLE_EXPENSIVE_ITEM = "single_expensive_item"  # one item > CNY 5,000: full tax
    RESUBMITTED = "resubmitted"  # the same message (guid and bytes) sent twice
    GUID_REUSED = "guid_reused"  # a second message with the same guid, other content


class InventoryOutcome(enum.StrEnum):
    RELEASED = "released"
    RELEASED_FULL_TAX = "released_full_tax"  # released, taxed as general trade
    REFUSED = "refused"
    TIMED_OUT = "timed_out"  # waits for a companion that never comes
    NOT_RELEASED = "not_released"  # its order was refused: refused or left to time out
    LIMIT_REACHED = "limit_reached"  # the first ones clear, those past the limit are refused


class Expectation(msgspec.Struct, frozen=True, kw_only=True):
    fault: FaultKind
    order_keys: tuple[str, ...]  # "ebpCode|orderNo" of each set concerned
    inventory: InventoryOutcome  # what becomes of each set's inventory list
    refused: tuple[DocKind, ...] = ()  # documents customs should return (100)
    en: str
    zh: str
    message_guid: str | None = None  # RESUBMITTED / GUID_REUSED: the repeated message
    released: tuple[int, int] | None = None  # ANNUAL_LIMIT: how many may clear (min, max)


DEFAULT_RATES: Mapping[FaultKind, float] = {
    FaultKind.LINE_TOTAL: 0.004,
    FaultKind.GOODS_VALUE: 0.003,
    FaultKind.PAYMENT_AMOUNT: 0.004,
    FaultKind.PAYER_NOT_BUYER: 0.004,
    FaultKind.UNKNOWN_HS_CODE: 0.003,
    FaultKind.INVALID_RESIDENT_ID: 0.003,
    FaultKind.MISSING_WAYBILL: 0.005,
    FaultKind.ANNUAL_LIMIT: 0.0035,  # share of sets, seven sets per buyer
    FaultKind.OVER_TRANSACTION_LIMIT: 0.003,
    FaultKind.SINGLE_EXPENSIVE_ITEM: 0.0035,
    FaultKind.RESUBMITTED: 0.002,
    FaultKind.GUID_REUSED: 0.002,
}
"""Share of a day's sets given each fault: 4 % in all."""

LIMIT_GROUP = 7  # sets per ANNUAL_LIMIT buyer: five clear for sure, the seventh cannot
UNKNOWN_GCODES = ("3304970000", "1901700000", "2106950000")  # plausible typos, no such HS
_OFF = Decimal("1.00")
_OFF_TOTAL = Decimal("10.00")
_OVERPAID = Decimal("12.00")


class Repeat(enum.StrEnum):
    SAME = "same"
    CHANGED = "changed"


class Injection(NamedTuple):
    sets: list[TradeSet]
    expectation: Expectation
    drop_waybill: bool = False
    repeat: Repeat | None = None  # send the order alone, then again (same or changed)


Times = tuple[int, int, int, int]

# Pairs of goods taxed at VAT only, worth CNY 4,200–4,400 together: five such orders stay
# under 26,000 by any measure, seven pass it by any measure.
_LIMIT_BASKETS = tuple(
    [(a, 1), (b, 1)]
    for a in GOODS
    for b in GOODS
    if a.sku < b.sku
    and a.rate == b.rate == VAT_ONLY
    and Decimal("4200") <= a.price + b.price <= Decimal("4400")
)


def inject(kind: FaultKind, market: Market, timing: Callable[[], Times]) -> Injection:
    """Build the set(s) of one fault and say what clearance should do with them."""
    return _INJECTORS[kind](market, timing)


def _expect(
    kind: FaultKind,
    sets: list[TradeSet],
    outcome: InventoryOutcome,
    refused: tuple[DocKind, ...],
    en: str,
    zh: str,
    released: tuple[int, int] | None = None,
) -> Expectation:
    keys = tuple(s.order_key for s in sets)
    return Expectation(fault=kind, order_keys=keys, inventory=outcome, refused=refused,
                       en=en, zh=zh, released=released)  # fmt: skip


def _line_total(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    # Lines are shared with other sets of the same basket: replace them, never edit them.
    line = s.order.items[0] = msgspec.structs.replace(
        s.order.items[0], total_price=s.order.items[0].total_price + _OFF
    )
    s.inventory.items[0] = msgspec.structs.replace(
        s.inventory.items[0], total_price=line.total_price
    )
    # Keep every other figure consistent so that only the line rule breaks.
    s.order.head.goods_value += _OFF
    s.order.head.actural_paid += _OFF
    s.payment.head.amount_paid += _OFF
    return Injection([s], _expect(
        FaultKind.LINE_TOTAL, [s], InventoryOutcome.REFUSED, (DocKind.ORDER, DocKind.INVENTORY),
        f"line 1 totalPrice {line.total_price} is not price {line.price} × qty {line.qty}",
        f"第1项商品总价 {line.total_price} 不等于单价 {line.price} × 数量 {line.qty}",
    ))  # fmt: skip


def _goods_value(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    head = s.order.head
    head.goods_value += _OFF_TOTAL
    head.actural_paid += _OFF_TOTAL
    s.payment.head.amount_paid += _OFF_TOTAL
    return Injection([s], _expect(
        FaultKind.GOODS_VALUE, [s], InventoryOutcome.NOT_RELEASED, (DocKind.ORDER,),
        f"goodsValue {head.goods_value} is CNY 10 more than the sum of the lines",
        f"商品价格 {head.goods_value} 比表体总价之和多 10 元",
    ))  # fmt: skip


def _payment_amount(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    s.payment.head.amount_paid += _OVERPAID
    paid, due = s.payment.head.amount_paid, s.order.head.actural_paid
    return Injection([s], _expect(
        FaultKind.PAYMENT_AMOUNT, [s], InventoryOutcome.REFUSED, (DocKind.INVENTORY,),
        f"payment of {paid} ≠ order acturalPaid {due}",
        f"支付金额 {paid} 与订单实际支付金额 {due} 不符",
    ))  # fmt: skip


def _payer_not_buyer(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    other = market.population.person()
    head = s.payment.head
    head.payer_id_number, head.payer_name, head.telephone = (
        other.id_number,
        other.name,
        other.telephone,
    )
    return Injection([s], _expect(
        FaultKind.PAYER_NOT_BUYER, [s], InventoryOutcome.REFUSED, (DocKind.INVENTORY,),
        f"paid by {other.name}, not by the buyer {s.order.head.buyer_name}",
        f"支付人 {other.name} 不是订购人 {s.order.head.buyer_name}",
    ))  # fmt: skip


def _unknown_hs_code(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    item = s.inventory.items[0] = msgspec.structs.replace(
        s.inventory.items[0], gcode=market.factory.pick(UNKNOWN_GCODES)
    )
    return Injection([s], _expect(
        FaultKind.UNKNOWN_HS_CODE, [s], InventoryOutcome.REFUSED, (DocKind.INVENTORY,),
        f"list line 1 gcode {item.gcode} is no HS 2022 subheading",
        f"清单第1项商品编码 {item.gcode} 不是有效的HS 2022子目",
    ))  # fmt: skip


def _invalid_resident_id(market: Market, timing: Callable[[], Times]) -> Injection:
    person = market.population.person()
    buyer = dataclasses.replace(person, id_number=spoil_resident_id(person.id_number))
    s = market.purchase_by(buyer, timing())
    return Injection([s], _expect(
        FaultKind.INVALID_RESIDENT_ID, [s], InventoryOutcome.REFUSED,
        (DocKind.ORDER, DocKind.INVENTORY),
        f"buyer ID {buyer.id_number} has a wrong check character (payment carries it too)",
        f"订购人身份证号 {buyer.id_number} 校验位错误（支付单同样）",
    ))  # fmt: skip


def _missing_waybill(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    return Injection([s], _expect(
        FaultKind.MISSING_WAYBILL, [s], InventoryOutcome.TIMED_OUT, (),
        f"waybill {s.waybill.head.logistics_no} is never sent: the list waits, then times out",
        f"运单 {s.waybill.head.logistics_no} 始终未申报：清单等待后超时",
    ), drop_waybill=True)  # fmt: skip


def _annual_limit(market: Market, timing: Callable[[], Times]) -> Injection:
    buyer = market.population.person()
    sets = [
        market.purchase_by(buyer, timing(), list(market.factory.pick(_LIMIT_BASKETS)))
        for _ in range(LIMIT_GROUP)
    ]
    total = sum(s.order.head.goods_value for s in sets)
    return Injection(sets, _expect(
        FaultKind.ANNUAL_LIMIT, sets, InventoryOutcome.LIMIT_REACHED, (DocKind.INVENTORY,),
        f"{buyer.name} places {LIMIT_GROUP} orders worth CNY {total}: past the CNY 26,000 "
        "annual limit the lists are refused",
        f"{buyer.name} 下单 {LIMIT_GROUP} 笔共 {total} 元：超过年度限值 26,000 元的清单被退单",
        released=(5, 6),
    ))  # fmt: skip


def _over_transaction_limit(market: Market, timing: Callable[[], Times]) -> Injection:
    pick = market.factory.pick
    basket: list[tuple[Good, int]] = []
    while sum(g.price * n for g, n in basket) <= Decimal("5000"):
        good = pick(PRICEY)
        if all(good is not g for g, _ in basket):
            basket.append((good, 1))
    s = market.purchase_by(market.population.person(), timing(), basket)
    value = s.order.head.goods_value
    return Injection([s], _expect(
        FaultKind.OVER_TRANSACTION_LIMIT, [s], InventoryOutcome.REFUSED, (DocKind.INVENTORY,),
        f"{len(basket)} lines worth CNY {value}: over the CNY 5,000 single-transaction limit",
        f"{len(basket)} 项商品共 {value} 元：超过单次交易限值 5,000 元",
    ))  # fmt: skip


def _single_expensive_item(market: Market, timing: Callable[[], Times]) -> Injection:
    good = market.factory.pick(EXPENSIVE)
    s = market.purchase_by(market.population.person(), timing(), [(good, 1)], full_tax=True)
    return Injection([s], _expect(
        FaultKind.SINGLE_EXPENSIVE_ITEM, [s], InventoryOutcome.RELEASED_FULL_TAX, (),
        f"one {good.name} at CNY {good.price}: an indivisible item over CNY 5,000 clears at "
        "general-trade tax",
        f"单件 {good.name} {good.price} 元：不可分割的单件商品超过 5,000 元，按一般贸易全额征税",
    ))  # fmt: skip


def _resubmitted(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    return Injection([s], _expect(
        FaultKind.RESUBMITTED, [s], InventoryOutcome.RELEASED, (),
        "the order message is sent twice, byte for byte: the second gets the same answer and "
        "stores nothing",
        "订单报文原样重复发送：第二次返回相同回执，不重复入库",
    ), repeat=Repeat.SAME)  # fmt: skip


def _guid_reused(market: Market, timing: Callable[[], Times]) -> Injection:
    s = market.purchase(timing())
    return Injection([s], _expect(
        FaultKind.GUID_REUSED, [s], InventoryOutcome.RELEASED, (),
        "a second order message reuses the first one's guid with other content: it is refused "
        "and the first stands",
        "第二份订单报文沿用前一份的报文编号但内容不同：应被拒绝，原报文不受影响",
    ), repeat=Repeat.CHANGED)  # fmt: skip


_INJECTORS: dict[FaultKind, Callable[[Market, Callable[[], Times]], Injection]] = {
    FaultKind.LINE_TOTAL: _line_total,
    FaultKind.GOODS_VALUE: _goods_value,
    FaultKind.PAYMENT_AMOUNT: _payment_amount,
    FaultKind.PAYER_NOT_BUYER: _payer_not_buyer,
    FaultKind.UNKNOWN_HS_CODE: _unknown_hs_code,
    FaultKind.INVALID_RESIDENT_ID: _invalid_resident_id,
    FaultKind.MISSING_WAYBILL: _missing_waybill,
    FaultKind.ANNUAL_LIMIT: _annual_limit,
    FaultKind.OVER_TRANSACTION_LIMIT: _over_transaction_limit,
    FaultKind.SINGLE_EXPENSIVE_ITEM: _single_expensive_item,
    FaultKind.RESUBMITTED: _resubmitted,
    FaultKind.GUID_REUSED: _guid_reused,
}
