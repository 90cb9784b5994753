"""Rules on the lines (表体) of orders and inventory lists: count, numbering, amounts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tradewindow.cbec.documents import InventoryItem, OrderItem
from tradewindow.cbec.rules.context import TOLERANCE, Context, negative, not_positive
from tradewindow.cbec.rules.fields import label
from tradewindow.violations import Violation

MAX_LINES = 99  # XSD: <xs:element ref="ceb:OrderList" maxOccurs="99"/> (InventoryList alike)


def count_allowed(
    items: Sequence[object], element: str, at: str, ctx: Context, out: list[Violation]
) -> bool:
    """A document has 1 to 99 lines; False (lines not checked further) when it has not.

    Source: XSD 202205 ``OrderList`` / ``InventoryList`` maxOccurs 99, minOccurs 1; error
    -621000 "清单表体为空", -301001 "订单商品表体信息不存在".
    """
    n = len(items)
    if 1 <= n <= MAX_LINES:
        return True
    if n == 0:
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "empty",
                f"the document has no {element} line",
                f"单证没有表体（{element}）",
            )
        )
    else:
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "too_many",
                f"the document has {n} {element} lines, more than {MAX_LINES}",
                f"单证有{n}条表体（{element}），超过{MAX_LINES}条",
            )
        )
    return False


def gnums_consecutive(
    items: Sequence[OrderItem | InventoryItem],
    element: str,
    at: str,
    ctx: Context,
    out: list[Violation],
) -> None:
    """Line numbers gnum run 1, 2, … n in line order, each once.

    Source: XSD 202205 gnum "从1开始的递增序号" / "从1开始连续序号"; error -301002
    "订单商品信息内有重复商品序号", -621027 "请确认表体 gnum 无重复".
    A repeated number is reported as ``duplicate``; any other number not equal to the
    line's position as ``not_consecutive``.
    """
    seen: set[int] = set()
    for number, item in enumerate(items, 1):
        gnum = item.gnum
        path = f"{at}/{element}[{number}]/gnum"
        if gnum in seen:
            out.append(
                ctx.violation(
                    path,
                    "gnum",
                    "duplicate",
                    f"gnum {gnum} appears on an earlier line",
                    f"{label('gnum')}{gnum}与前面的表体重复",
                )
            )
        elif gnum != number:
            out.append(
                ctx.violation(
                    path,
                    "gnum",
                    "not_consecutive",
                    f"gnum of line {number} must be {number}, not {gnum}",
                    f"第{number}条表体的{label('gnum')}应为{number}，实际为{gnum}",
                )
            )
        seen.add(gnum)


def quantity_and_price_sane(
    qty: Decimal, price: Decimal, total_price: Decimal, at: str, ctx: Context, out: list[Violation]
) -> None:
    """qty > 0; price ≥ 0 (a gift's price is 0) and totalPrice ≥ 0.

    Source: spec 202205 表 3-3 / 3-31, 数量 "商品实际数量", 单价 "赠品单价填写为0".
    """
    if qty <= 0:
        out.append(not_positive("qty", qty, f"{at}/qty", ctx))
    if price < 0:
        out.append(negative("price", price, f"{at}/price", ctx))
    if total_price < 0:
        out.append(negative("totalPrice", total_price, f"{at}/totalPrice", ctx))


def total_price_is_price_times_qty(
    item: OrderItem | InventoryItem, at: str, ctx: Context, out: list[Violation]
) -> None:
    """Line totalPrice = price × qty, within 0.01.

    Source: spec 202205 表 3-3, 总价 "商品总价，等于单价乘以数量" (表 3-31 成交总价 alike).
    """
    expected = item.price * item.qty
    if abs(item.total_price - expected) > TOLERANCE:
        out.append(
            ctx.violation(
                f"{at}/totalPrice",
                "totalPrice",
                "mismatch",
                f"totalPrice {item.total_price} is not price × qty = {expected}",
                f"{label('totalPrice')}{item.total_price}不等于单价×数量（{expected}）",
            )
        )
