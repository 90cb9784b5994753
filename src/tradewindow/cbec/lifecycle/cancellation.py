"""CEB623 撤销申请单: may this list be cancelled, and what a cancellation undoes (pure).

A list may be cancelled while its goods have not left the supervised site: before release
(waiting, in review, under inspection, with other agencies) or released but not delivered
out. Goods signed for by the consignee are returned with a CEB625 instead.

Source: GACC announcement 2018 No.194 (海关总署公告2018年第194号, 跨境电商零售进出口商品
有关监管事宜) on withdrawing an inventory list (撤销申报) and returns; spec 202205 §3.11 (表
3-38: the cancellation names the original list by invtNo and is filed by its declaring
agent, agentCode).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import InvtCancel
from tradewindow.cbec.lifecycle.state import ZERO, ListState, Taxes
from tradewindow.cbec.ports import DocStatus
from tradewindow.violations import Violation

_CANCEL = "CEB623"
# the list statuses a cancellation may withdraw (goods still inside the supervised site)
CANCELLABLE = frozenset(
    {
        DocStatus.WAITING,
        DocStatus.REVIEW,
        DocStatus.INSPECTION,
        DocStatus.AGENCIES,
        DocStatus.RELEASED,
    }
)


class Cancellation(msgspec.Struct, frozen=True, kw_only=True):
    """What an accepted cancellation undoes: the value taken off the buyer's annual total
    (0 unless the list was released) and the taxes taken off its bill (the rest of it)."""

    list_key: str
    was: DocStatus
    quota_restored: Decimal
    taxes_voided: Taxes


def cancel_violations(cancel: InvtCancel, state: ListState | None) -> list[Violation]:
    """Every reason ``cancel`` cannot withdraw the list ``state`` (None: no list on file
    under its platform and order number), each with its code; empty when it can."""
    if state is None or state.status is DocStatus.DELETED or state.invt_no != cancel.invt_no:
        return [list_unknown(_CANCEL)]
    found: list[Violation] = []
    head = state.inventory.head
    for element, mine, theirs in (
        ("agentCode", cancel.agent_code, head.agent_code),
        ("ebcCode", cancel.ebc_code, head.ebc_code),
    ):
        if mine.upper() != theirs.upper():
            found.append(not_the_declarant(_CANCEL, element, mine, theirs))
    if cancel.buyer_id_number != head.buyer_id_number:
        found.append(
            _v(
                "buyerIdNumber",
                "mismatch",
                "buyerIdNumber is not the buyer of the list",
                "订购人证件号码与原清单不一致",
            )
        )
    if cancel.logistics_no != head.logistics_no or cancel.logistics_code != head.logistics_code:
        found.append(
            _v(
                "logisticsNo",
                "mismatch",
                "logisticsCode / logisticsNo are not the waybill of the list",
                "物流企业代码或物流运单编号与原清单不一致",
            )
        )
    found.extend(_status_violations(state))
    return found


def _status_violations(state: ListState) -> list[Violation]:
    if state.status is DocStatus.CANCELLED:
        return [
            _v(
                "invtNo",
                "already_cancelled",
                "the list is already cancelled",
                "该清单已撤销",
            )
        ]
    if state.signed_at is not None:
        return [
            _v(
                "invtNo",
                "delivered",
                "the goods were delivered out of the supervised site: apply for a return"
                " (CEB625) instead",
                "商品已出区（已签收），不能撤销，请申请退货（CEB625）",
            )
        ]
    if state.counted():
        return [
            _v(
                "invtNo",
                "has_returns",
                "lines of the list were already returned: the rest is returned too, not cancelled",
                "该清单已有退货申请，剩余商品请申请退货",
            )
        ]
    if state.status not in CANCELLABLE:
        return [
            _v(
                "invtNo",
                "not_declared",
                f"the list is {state.status.value}, not declared: there is nothing to cancel",
                "该清单未申报成功（已退单或已删除），无需撤销",
            )
        ]
    return []


def cancellation(state: ListState) -> Cancellation:
    """What cancelling the list undoes. Its quota counted only once released; its bill, if
    any, is voided of what it still charges."""
    released = state.status is DocStatus.RELEASED
    value = sum(state.line_values().values(), ZERO) if released else ZERO
    bill = state.bill
    return Cancellation(
        list_key=state.key,
        was=state.status,
        quota_restored=value,
        taxes_voided=bill.now if bill is not None else Taxes(),
    )


def list_unknown(message_type: str) -> Violation:
    return violation(
        message_type,
        "invtNo",
        "unknown",
        "there is no list with this invtNo under this platform's order number",
        "未找到该电商平台订单编号下对应清单编号的清单",
    )


def not_the_declarant(message_type: str, element: str, mine: str, theirs: str) -> Violation:
    return violation(
        message_type,
        element,
        "not_declarant",
        f"{element} {mine} is not the list's ({theirs}): only the list's declaring agent"
        " for its e-commerce enterprise may cancel or return it",
        f"{element} {mine} 与原清单（{theirs}）不一致：仅原清单的申报企业可申请",
    )


def _v(element: str, rule: str, en: str, zh: str) -> Violation:
    return violation(_CANCEL, element, rule, en, zh)


def violation(message_type: str, element: str, rule: str, en: str, zh: str) -> Violation:
    """``<type>.<element>.<rule>`` at the element (placed under the document by the caller)."""
    return Violation(path=element, code=f"{message_type}.{element}.{rule}", en=en, zh=zh)


def located(violations: Sequence[Violation], at: str) -> list[Violation]:
    """Violations whose path is an element of the document, placed under ``at``."""
    return [v.at(at) for v in violations]
