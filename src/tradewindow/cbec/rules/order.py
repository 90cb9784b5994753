"""CEB311 import order (电子订单) rules beyond the XSD facets."""

from __future__ import annotations

from decimal import Decimal

from tradewindow.cbec.documents import Order, OrderHead, OrderItem
from tradewindow.cbec.rules import codes, limits, lines
from tradewindow.cbec.rules import head as common
from tradewindow.cbec.rules.context import TOLERANCE, Context, negative
from tradewindow.cbec.rules.fields import ORDER_HEAD, ORDER_LIST, FacetTable, label
from tradewindow.violations import Violation

_HEAD = FacetTable(ORDER_HEAD)
_LINE = FacetTable(ORDER_LIST)


def check_order(order: Order, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of ``order`` (the document at path ``at``) to ``out``."""
    head, head_at = order.head, f"{at}/OrderHead"
    _HEAD.check(head, head_at, ctx.message_type, out)
    common.guid_uppercase(head.guid, head_at, ctx, out)
    common.app_type_allowed(head.app_type, head_at, ctx, out)
    common.app_status_allowed(head.app_status, head_at, ctx, out)
    common.time_sane(head.app_time, "appTime", head_at, ctx, out)
    order_type_is_import(head, head_at, ctx, out)
    common.id_type_allowed(head.buyer_id_type, "buyerIdType", head_at, ctx, out)
    common.id_number_valid(
        head.buyer_id_type, head.buyer_id_number, "buyerIdNumber", head_at, ctx, out
    )
    codes.currency_known(head.currency, head_at, ctx, out)
    amounts_not_negative(head, head_at, ctx, out)
    actural_paid_balances(head, head_at, ctx, out)
    if not lines.count_allowed(order.items, "OrderList", at, ctx, out):
        return
    lines.gnums_consecutive(order.items, "OrderList", at, ctx, out)
    for number, item in enumerate(order.items, 1):
        item_at = f"{at}/OrderList[{number}]"
        _LINE.check(item, item_at, ctx.message_type, out)
        lines.quantity_and_price_sane(item.qty, item.price, item.total_price, item_at, ctx, out)
        lines.total_price_is_price_times_qty(item, item_at, ctx, out)
        codes.unit_known(item.unit, "unit", item_at, ctx, out)
        codes.country_known(item.country, "country", item_at, ctx, out)
        codes.currency_known(item.currency, item_at, ctx, out)
    goods_value_is_sum_of_lines(head, order.items, head_at, ctx, out)
    limits.within_transaction_limit(
        order.items,
        head.goods_value + head.freight,
        head.app_time,
        f"{head_at}/goodsValue",
        ctx,
        out,
    )


def order_type_is_import(head: OrderHead, at: str, ctx: Context, out: list[Violation]) -> None:
    """orderType is I (import).

    Source: spec 202205 表 3-3, 订单类型 "电子订单类型：I进口".
    """
    if head.order_type != "I":
        out.append(
            ctx.violation(
                f"{at}/orderType",
                "orderType",
                "invalid",
                f"orderType must be I (import), not {head.order_type!r}",
                f"{label('orderType')}限定填写“I”（进口），实际为“{head.order_type}”",
            )
        )


_AMOUNTS = ("goodsValue", "freight", "discount", "taxTotal", "acturalPaid")


def amounts_not_negative(head: OrderHead, at: str, ctx: Context, out: list[Violation]) -> None:
    """goodsValue, freight, discount, taxTotal and acturalPaid are ≥ 0.

    Source: spec 202205 表 3-3 (amounts; "无则填写0" for freight, discount and taxTotal).
    """
    values = (head.goods_value, head.freight, head.discount, head.tax_total, head.actural_paid)
    for element, value in zip(_AMOUNTS, values, strict=True):
        if value < 0:
            out.append(negative(element, value, f"{at}/{element}", ctx))


def actural_paid_balances(head: OrderHead, at: str, ctx: Context, out: list[Violation]) -> None:
    """acturalPaid = goodsValue + freight + taxTotal − discount, within 0.01.

    Source: spec 202205 表 3-3, 实际支付金额 "商品价格+运杂费+代扣税款-非现金抵扣金额".
    """
    expected = head.goods_value + head.freight + head.tax_total - head.discount
    if abs(head.actural_paid - expected) > TOLERANCE:
        out.append(
            ctx.violation(
                f"{at}/acturalPaid",
                "acturalPaid",
                "mismatch",
                f"acturalPaid {head.actural_paid} is not goodsValue + freight + taxTotal − "
                f"discount = {expected}",
                f"{label('acturalPaid')}{head.actural_paid}不等于商品价格+运杂费+代扣税款-"
                f"非现金抵扣金额（{expected}）",
            )
        )


def goods_value_is_sum_of_lines(
    head: OrderHead, items: list[OrderItem], at: str, ctx: Context, out: list[Violation]
) -> None:
    """goodsValue = Σ line totalPrice, within 0.01.

    Source: spec 202205 表 3-3, 商品价格 "商品实际成交价" with 总价 "等于单价乘以数量" per line.
    """
    total = sum((item.total_price for item in items), Decimal(0))
    if abs(head.goods_value - total) > TOLERANCE:
        out.append(
            ctx.violation(
                f"{at}/goodsValue",
                "goodsValue",
                "mismatch",
                f"goodsValue {head.goods_value} is not the sum of the lines' totalPrice, {total}",
                f"{label('goodsValue')}{head.goods_value}不等于表体总价之和（{total}）",
            )
        )
