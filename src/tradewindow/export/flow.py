"""The life of an export list (清单核放): from filing to departure, whatever order the
messages arrive in.

A list is **accepted** once the documents its trade mode needs are on file (9610: order,
receipt of payment and waybill; 9710 and 9810: order and waybill), and until then **waits**
— as on import, a document arriving later wakes it. It is **released** once its parcel has
arrived at the supervised site (CEB507) and every agency the policy routes it to has
released it; **concluded** (结关) on departure (CEB509); **cancellable** (CEB605) until
departure. CEB607 groups lists under a master bill; the bill may leave the site when every
list on it is released (:func:`gate_out_violations`).

The state is a handful of facts (:class:`ListFacts`) from which :func:`status_of` derives the
status, so the facts may arrive in any order: an arrival reported before the list is
accepted is kept and counts once it is.

Sources: 海关总署公告2018年第194号 (出口 "清单核放、汇总申报"; 申报清单 before departure;
撤销申请 before departure), spec 202205 §2 (CEB507 运抵, CEB509 离境, CEB605 撤销, CEB607 总分单).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import msgspec

from tradewindow.export.documents import Inventory, Order, Receipt, Waybill
from tradewindow.export.rules import TOLERANCE, ExportMode
from tradewindow.violations import Violation


class DocKind(enum.StrEnum):
    ORDER = "order"
    RECEIPT = "receipt"
    WAYBILL = "waybill"


# what each trade mode needs on file before its list is accepted (2018 No.194 for 9610 "三单";
# 2020 No.75 for 9710 "订单、物流单" and 9810 "订仓单、物流单"; 1210 as 9610)
REQUIRED: Mapping[str, frozenset[DocKind]] = {
    ExportMode.RETAIL: frozenset(DocKind),
    ExportMode.BONDED: frozenset(DocKind),
    ExportMode.BONDED_A: frozenset(DocKind),
    ExportMode.B2B_DIRECT: frozenset({DocKind.ORDER, DocKind.WAYBILL}),
    ExportMode.OVERSEAS_WAREHOUSE: frozenset({DocKind.ORDER, DocKind.WAYBILL}),
}
# the orderType each trade mode's order carries (修订说明 202205 二: E B2C, B B2B, W 海外仓订仓单)
ORDER_TYPE: Mapping[str, str] = {
    ExportMode.RETAIL: "E",
    ExportMode.BONDED: "E",
    ExportMode.BONDED_A: "E",
    ExportMode.B2B_DIRECT: "B",
    ExportMode.OVERSEAS_WAREHOUSE: "W",
}


class Status(enum.StrEnum):
    WAITING = "waiting"  # documents missing
    ACCEPTED = "accepted"  # 清单已入库: waiting for arrival at the site
    ARRIVED = "arrived"  # 已运抵: waiting for the agencies
    RELEASED = "released"  # 放行
    HELD = "held"  # an agency refused release
    DEPARTED = "departed"  # 离境 / 结关
    CANCELLED = "cancelled"  # 已撤销


class ListFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What is known of one list. ``agencies_pending`` are the agencies that have not decided;
    ``agencies_refused`` those that refused release."""

    accepted: bool = False
    arrived: bool = False
    departed: bool = False
    cancelled: bool = False
    agencies_pending: frozenset[str] = frozenset()
    agencies_refused: frozenset[str] = frozenset()


def status_of(facts: ListFacts) -> Status:
    """The status the facts amount to (see the module docstring)."""
    if facts.cancelled:
        return Status.CANCELLED
    if facts.departed:
        return Status.DEPARTED
    if not facts.accepted:
        return Status.WAITING
    if facts.agencies_refused:
        return Status.HELD
    if not facts.arrived:
        return Status.ACCEPTED
    if facts.agencies_pending:
        return Status.ARRIVED
    return Status.RELEASED


def missing_documents(trade_mode: str, on_file: Iterable[DocKind]) -> frozenset[DocKind]:
    """The documents the list's trade mode still needs (an unknown mode needs all three)."""
    return REQUIRED.get(trade_mode, frozenset(DocKind)) - frozenset(on_file)


def _v(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)


def match_documents(
    inventory: Inventory,
    at: str,
    *,
    order: Order | None,
    receipt: Receipt | None,
    waybill: Waybill | None,
) -> list[Violation]:
    """Every disagreement between a list and the documents on file for it.

    The order names the same consignor (ebcCode) and has its trade mode's orderType; the
    lines' value agrees with the order's goodsValue where both are in one currency; the
    receipt of payment is for the same consignor; the waybill is the list's parcel.
    Source: 2018 No.194 ("三单信息" must agree with the list), spec 202205 表 2-3, 2-37.
    """
    head, head_at = inventory.head, f"{at}/InventoryHead"
    out: list[Violation] = []
    if order is not None:
        if order.head.ebc_code != head.ebc_code:
            out.append(
                _v(
                    f"{head_at}/ebcCode",
                    "CEB603.ebcCode.order_mismatch",
                    f"the order's consignor is {order.head.ebc_code}, the list's {head.ebc_code}",
                    f"订单的电商企业为{order.head.ebc_code}，清单的收发货人为{head.ebc_code}",
                )
            )
        wanted = ORDER_TYPE.get(head.trade_mode)
        if wanted is not None and order.head.order_type != wanted:
            out.append(
                _v(
                    f"{head_at}/tradeMode",
                    "CEB603.tradeMode.order_type_mismatch",
                    f"a {head.trade_mode} list needs an order of orderType {wanted}, not"
                    f" {order.head.order_type}",
                    f"{head.trade_mode}清单对应的订单类型应为{wanted}，实际为{order.head.order_type}",
                )
            )
        currencies = {item.currency for item in inventory.items}
        if currencies == {order.head.currency}:
            lines = sum((item.total_price for item in inventory.items), start=0)
            if abs(lines - order.head.goods_value) > TOLERANCE:
                out.append(
                    _v(
                        f"{at}/InventoryList",
                        "CEB603.totalPrice.order_mismatch",
                        f"the lines total {lines}, the order's goodsValue is"
                        f" {order.head.goods_value}",
                        f"清单商品总价合计{lines}，与订单商品金额{order.head.goods_value}不符",
                    )
                )
    if receipt is not None and receipt.ebc_code != head.ebc_code:
        out.append(
            _v(
                f"{head_at}/ebcCode",
                "CEB603.ebcCode.receipt_mismatch",
                f"the receipt of payment is for {receipt.ebc_code}, the list's consignor is"
                f" {head.ebc_code}",
                f"收款单的电商企业为{receipt.ebc_code}，清单的收发货人为{head.ebc_code}",
            )
        )
    if waybill is not None and waybill.ebc_code is not None and waybill.ebc_code != head.ebc_code:
        out.append(
            _v(
                f"{head_at}/logisticsNo",
                "CEB603.logisticsNo.waybill_mismatch",
                f"waybill {waybill.logistics_no} is for consignor {waybill.ebc_code}, not"
                f" {head.ebc_code}",
                f"运单{waybill.logistics_no}的收发货人为{waybill.ebc_code}，不是{head.ebc_code}",
            )
        )
    return out


# --- events after acceptance ----------------------------------------------------------------


def departure_violation(facts: ListFacts, logistics_no: str, at: str) -> Violation | None:
    """A parcel may depart (CEB509) only once its list is released; None when it may.

    Source: 2018 No.194: goods leave after the list is released (放行) at the supervised site.
    """
    status = status_of(facts)
    if status is Status.RELEASED:
        return None
    return _v(
        at,
        f"CEB509.logisticsNo.{'already_departed' if status is Status.DEPARTED else 'not_released'}",
        f"parcel {logistics_no} cannot depart: its list is {status.value}",
        f"包裹{logistics_no}不能离境：其清单状态为{_ZH[status]}",
    )


def cancel_violation(facts: ListFacts, invt_no: str, at: str) -> Violation | None:
    """A list may be cancelled (CEB605) until its goods depart; None when it may.

    Source: 2018 No.194 (出口申报清单放行后未离境的可撤销), spec 202205 表 2-42.
    """
    status = status_of(facts)
    if status in (Status.DEPARTED, Status.CANCELLED):
        return _v(
            f"{at}/invtNo",
            f"CEB605.invtNo.{'departed' if status is Status.DEPARTED else 'already_cancelled'}",
            f"list {invt_no} cannot be cancelled: it is {status.value}",
            f"清单{invt_no}不能撤销：其状态为{_ZH[status]}",
        )
    return None


def gate_out_violations(lists: Mapping[str, ListFacts], bill_no: str) -> list[Violation]:
    """The master bill may leave the site only when every list linked to it (CEB607) is
    released; one violation per list that is not, by its invtNo."""
    return [
        _v(
            f"WayBill[{bill_no}]/{invt_no}",
            "CEB607.invtNo.not_released",
            f"list {invt_no} on bill {bill_no} is {status_of(facts).value}, not released",
            f"提运单{bill_no}下清单{invt_no}状态为{_ZH[status_of(facts)]}，未放行",
        )
        for invt_no, facts in sorted(lists.items())
        if status_of(facts) is not Status.RELEASED
    ]


_ZH = {
    Status.WAITING: "待三单",
    Status.ACCEPTED: "已入库",
    Status.ARRIVED: "已运抵",
    Status.RELEASED: "已放行",
    Status.HELD: "已扣留",
    Status.DEPARTED: "已离境",
    Status.CANCELLED: "已撤销",
}
