"""Three-document matching (三单对碰): an inventory list against its order, payment, waybill.

Customs releases a CBEC import list only when the platform's order, the payment firm's
payment voucher and the logistics firm's waybill, each declared by its own party, tell the
same story as the list. :func:`match` compares them field by field and names every field
that differs.

Path convention: a field of the list is named as in the list (``InventoryHead/buyerName``,
``InventoryList[2]/qty``); a field of a companion is prefixed with the companion's kind
(``order:OrderHead/acturalPaid``, ``payment:PaymentHead/amountPaid``,
``waybill:LogisticsHead/consignee``, ``order:OrderList[3]/gnum``). The path names the side
that must change to agree with the other: the list against its order, the payment and the
waybill against the order (or the list, for keys and the payer). Codes read
``CEB621.match.<companion>.<field>``, the companion being the document compared with.
Messages state both values, except personal data: ID numbers and telephone numbers are shown
with all but their last 4 characters masked.

Decisions:
- Freight is not compared with the order: the order's ``freight`` is the 运杂费 charged to the
  buyer, the list's is what the logistics firm actually charged (运费 "物流企业实际收取");
  free shipping makes them differ legitimately. The list's freight is compared with the
  waybill's (both the logistics firm's own charge) when the waybill states one.
- The payer is compared with the list's buyer (which in turn must equal the order's buyer).
- Consignee name, telephone and address are compared between order and waybill (spec
  表 3-3: "必须与电子运单的…一致"), and the list's consigneeAddress with the order's.
- Text is compared exactly; amounts within 0.01.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import Inventory, Order, Payment, Waybill
from tradewindow.cbec.ports import DocKind
from tradewindow.cbec.rules.context import TOLERANCE
from tradewindow.cbec.rules.fields import label
from tradewindow.cbec.rules.identity import mask
from tradewindow.violations import Violation

_QUIET = decimal.Context(prec=28, traps=[])
_PERSONAL = frozenset(
    {"buyerIdNumber", "payerIdNumber", "buyerTelephone", "consigneeTelephone", "telephone"}
)


class MatchResult(msgspec.Struct, frozen=True):
    """``missing``: companions not on file yet (the list waits for them); ``violations``:
    every field on which the list and the companions present disagree."""

    missing: list[DocKind]
    violations: list[Violation]


def match(
    inventory: Inventory, *, order: Order | None, payment: Payment | None, waybill: Waybill | None
) -> MatchResult:
    """Match ``inventory`` with whichever companions are on file.

    Pure; never raises for field values of the declared types.
    """
    missing = [
        kind
        for kind, companion in (
            (DocKind.ORDER, order),
            (DocKind.PAYMENT, payment),
            (DocKind.WAYBILL, waybill),
        )
        if companion is None
    ]
    out: list[Violation] = []
    with decimal.localcontext(_QUIET):
        if order is not None:
            list_matches_order(inventory, order, out)
            lines_match_order(inventory, order, out)
        if payment is not None:
            payment_matches(inventory, order, payment, out)
        if waybill is not None:
            waybill_matches(inventory, order, waybill, out)
    return MatchResult(missing=missing, violations=out)


# --- rules -----------------------------------------------------------------------------------


def list_matches_order(inventory: Inventory, order: Order, out: list[Violation]) -> None:
    """The list's order key, e-commerce firm, buyer and goods total equal the order's.

    Source: spec 202205 表 3-31 (清单 orderNo / ebpCode / ebcCode / buyer* refer to the order:
    "交易平台的订单编号", "订购人…"); 表 3-3 商品价格; 海关总署公告2018年第194号 三单信息比对.
    """
    head, theirs = inventory.head, order.head
    pairs = (
        ("orderNo", head.order_no, theirs.order_no),
        ("ebpCode", head.ebp_code, theirs.ebp_code),
        ("ebcCode", head.ebc_code, theirs.ebc_code),
        ("buyerIdType", head.buyer_id_type, theirs.buyer_id_type),
        ("buyerIdNumber", head.buyer_id_number, theirs.buyer_id_number),
        ("buyerName", head.buyer_name, theirs.buyer_name),
        ("buyerTelephone", head.buyer_telephone, theirs.buyer_telephone),
        ("consigneeAddress", head.consignee_address, theirs.consignee_address),
    )
    for element, ours, other in pairs:
        if ours != other:
            out.append(_differs(f"InventoryHead/{element}", "order", element, ours, other))
    total = sum((item.total_price for item in inventory.items), Decimal(0))
    if abs(total - theirs.goods_value) > TOLERANCE:
        out.append(
            Violation(
                path="order:OrderHead/goodsValue",
                code="CEB621.match.order.goodsValue",
                en=f"the list's lines total {total}, the order's goodsValue {theirs.goods_value}",
                zh=f"清单表体总价合计{total}，与订单{label('goodsValue')}{theirs.goods_value}不一致",
            )
        )


def lines_match_order(inventory: Inventory, order: Order, out: list[Violation]) -> None:
    """Line by line (by gnum) the list carries the order's lines: same gnum set, equal qty and
    totalPrice (within 0.01), equal itemNo where both state one.

    Source: spec 202205 表 3-31 序号 "与关联的电子订单表体序号一一对应", 企业商品货号.
    """
    ordered = {item.gnum: item for item in order.items}
    listed: set[int] = set()
    for number, item in enumerate(inventory.items, 1):
        at = f"InventoryList[{number}]"
        listed.add(item.gnum)
        theirs = ordered.get(item.gnum)
        if theirs is None:
            out.append(
                Violation(
                    path=f"{at}/gnum",
                    code="CEB621.match.order.gnum",
                    en=f"line gnum {item.gnum} is not a line of the order",
                    zh=f"清单表体序号{item.gnum}在订单中不存在",
                )
            )
            continue
        if abs(item.qty - theirs.qty) > TOLERANCE:
            out.append(_differs(f"{at}/qty", "order", "qty", item.qty, theirs.qty))
        if abs(item.total_price - theirs.total_price) > TOLERANCE:
            out.append(
                _differs(
                    f"{at}/totalPrice", "order", "totalPrice", item.total_price, theirs.total_price
                )
            )
        ours_no, their_no = item.item_no, theirs.item_no
        if ours_no is not None and their_no is not None and ours_no != their_no:
            out.append(_differs(f"{at}/itemNo", "order", "itemNo", ours_no, their_no))
    for number, theirs in enumerate(order.items, 1):
        if theirs.gnum not in listed:
            out.append(
                Violation(
                    path=f"order:OrderList[{number}]/gnum",
                    code="CEB621.match.order.gnum",
                    en=f"order line gnum {theirs.gnum} is missing from the list",
                    zh=f"订单表体序号{theirs.gnum}在清单中不存在",
                )
            )


def payment_matches(
    inventory: Inventory, order: Order | None, payment: Payment, out: list[Violation]
) -> None:
    """The payment belongs to the list's order, was made by the buyer, and pays what the
    order says: payCode / payTransactionId (when the order states them), amountPaid =
    acturalPaid within 0.01.

    Source: spec 202205 表 3-3 实际支付金额 "与支付凭证的支付金额一致", 支付企业代码,
    支付交易编号; 表 3-10 支付人 (限定为身份证).
    """
    head, theirs = inventory.head, payment.head
    at = "payment:PaymentHead"
    texts: list[tuple[str, str, str | None, str, str]] = [
        ("orderNo", theirs.order_no, head.order_no, "list", "orderNo"),
        ("ebpCode", theirs.ebp_code, head.ebp_code, "list", "ebpCode"),
        ("payerIdType", theirs.payer_id_type, head.buyer_id_type, "list", "buyerIdType"),
        ("payerIdNumber", theirs.payer_id_number, head.buyer_id_number, "list", "buyerIdNumber"),
        ("payerName", theirs.payer_name, head.buyer_name, "list", "buyerName"),
    ]
    if order is not None:
        texts.append(("payCode", theirs.pay_code, order.head.pay_code, "order", "payCode"))
        texts.append(
            (
                "payTransactionId",
                theirs.pay_transaction_id,
                order.head.pay_transaction_id,
                "order",
                "payTransactionId",
            )
        )
    for element, ours, other, side, other_element in texts:
        if other is not None and ours != other:
            out.append(
                _differs(f"{at}/{element}", "payment", element, ours, other, side, other_element)
            )
    if order is not None:
        paid, owed = theirs.amount_paid, order.head.actural_paid
        if abs(paid - owed) > TOLERANCE:
            out.append(
                _differs(
                    f"{at}/amountPaid", "payment", "amountPaid", paid, owed, "order", "acturalPaid"
                )
            )


def waybill_matches(
    inventory: Inventory, order: Order | None, waybill: Waybill, out: list[Violation]
) -> None:
    """The waybill is the list's (logisticsCode + logisticsNo, same orderNo), the order's
    consignee, telephone and address equal the waybill's, and the list's freight equals the
    waybill's when the waybill states one.

    Source: spec 202205 表 3-3 收货人姓名 / 电话 / 地址 "必须与电子运单的…一致"; 表 3-31
    物流运单编号, 运费 "物流企业实际收取的运输费用".
    """
    head, theirs = inventory.head, waybill.head
    pairs = (
        ("logisticsCode", head.logistics_code, theirs.logistics_code),
        ("logisticsNo", head.logistics_no, theirs.logistics_no),
        ("orderNo", head.order_no, theirs.order_no),
    )
    for element, ours, other in pairs:
        if ours != other:
            out.append(_differs(f"InventoryHead/{element}", "waybill", element, ours, other))
    if theirs.freight is not None and abs(head.freight - theirs.freight) > TOLERANCE:
        out.append(
            _differs("InventoryHead/freight", "waybill", "freight", head.freight, theirs.freight)
        )
    if order is None:
        return
    ordered = order.head
    consignee = (
        ("consignee", ordered.consignee, theirs.consignee),
        ("consigneeTelephone", ordered.consignee_telephone, theirs.consignee_telephone),
        ("consigneeAddress", ordered.consignee_address, theirs.consignee_address),
    )
    for element, ours, other in consignee:
        if ours != other:
            out.append(_differs(f"order:OrderHead/{element}", "waybill", element, ours, other))


# --- messages --------------------------------------------------------------------------------

_SIDES = {"order": ("the order", "订单"), "payment": ("the payment", "支付单"),
          "waybill": ("the waybill", "运单"), "list": ("the list", "清单")}  # fmt: skip


def _shown(element: str, value: object) -> str:
    text = str(value)
    return mask(text) if element in _PERSONAL else text


def _differs(
    path: str,
    companion: str,
    element: str,
    ours: object,
    other: object,
    side: str | None = None,
    other_element: str | None = None,
) -> Violation:
    """``path`` holds ``ours``; the compared document (``side``, default ``companion``) holds
    ``other`` in ``other_element`` (default ``element``)."""
    side = side or companion
    other_element = other_element or element
    side_en, side_zh = _SIDES[side]
    shown_ours, shown_other = _shown(element, ours), _shown(other_element, other)
    return Violation(
        path=path,
        code=f"CEB621.match.{companion}.{element}",
        en=f"{element} {shown_ours!r} differs from {side_en}'s {other_element} {shown_other!r}",
        zh=f"{label(element)}“{shown_ours}”与{side_zh}{label(other_element)}“{shown_other}”不一致",
    )
