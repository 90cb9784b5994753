"""CEB625 退货申请单: may these lines of a released list be returned, and what it takes off
the buyer's annual total and the tax bill (pure).

A released list is returned, whole or line by line, when the goods are applied for and
brought back to the original supervised site in their original condition within 30 days of
release; the returned goods' tax is not levied and the buyer's annual total is adjusted.
A line is never returned beyond what was released less what earlier returns took.

Source: GACC announcement 2018 No.194 (海关总署公告2018年第194号): "退回的商品应当符合二次
销售要求并在海关放行之日起30日内以原状运抵原监管作业场所，相应税款不予征收，并调整个人
年度交易累计金额"; spec 202205 §3.13 (表 3-45: 序号 "对应原清单表体序号", 数量 "小于等于原
清单的成交计量单位的数量").

Amounts are taken in proportion to the quantity returned, to the fen (half up), and the
last return of a line takes exactly what is left of it, so that a list returned in any
number of steps gives back exactly its value and its tax.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tradewindow.cbec.documents import CHINA_TZ, InvtRefund
from tradewindow.cbec.lifecycle.cancellation import list_unknown, not_the_declarant, violation
from tradewindow.cbec.lifecycle.state import ZERO, ListState, Taxes
from tradewindow.cbec.ports import DocStatus, ReturnedLine
from tradewindow.violations import Violation

RETURN_WINDOW_DAYS = 30
FEN = Decimal("0.01")
_REFUND = "CEB625"


def return_violations(
    refund: InvtRefund, state: ListState | None, now: datetime
) -> list[Violation]:
    """Every reason ``refund`` cannot return the list ``state`` (None: no list on file), each
    coded, paths below the document (``InvtRefundHead/…``, ``InvtRefundList[n]/…``)."""
    head = refund.head
    if state is None or state.status is DocStatus.DELETED or state.invt_no != head.invt_no:
        return [list_unknown(_REFUND).at("InvtRefundHead")]
    found: list[Violation] = []
    listed = state.inventory.head
    for element, mine, theirs in (
        ("agentCode", head.agent_code, listed.agent_code),
        ("ebcCode", head.ebc_code, listed.ebc_code),
    ):
        if mine.upper() != theirs.upper():
            found.append(not_the_declarant(_REFUND, element, mine, theirs).at("InvtRefundHead"))
    if head.buyer_id_number != listed.buyer_id_number:
        found.append(
            violation(
                _REFUND,
                "buyerIdNumber",
                "mismatch",
                "buyerIdNumber is not the buyer of the list",
                "订购人证件号码与原清单不一致",
            ).at("InvtRefundHead")
        )
    found.extend(v.at("InvtRefundHead") for v in _status_violations(state, now))
    found.extend(_line_violations(refund, state))
    return found


def _status_violations(state: ListState, now: datetime) -> list[Violation]:
    if state.status is DocStatus.CANCELLED:
        return [
            violation(
                _REFUND,
                "invtNo",
                "cancelled",
                "the list was cancelled: nothing was released",
                "该清单已撤销，无放行商品可退",
            )
        ]
    if state.status is not DocStatus.RELEASED or state.released_at is None:
        return [
            violation(
                _REFUND,
                "invtNo",
                "not_released",
                f"the list is {state.status.value}, not released: withdraw it with a"
                " cancellation (CEB623) instead",
                "该清单尚未放行，不能退货，请申请撤销（CEB623）",
            )
        ]
    days = days_since_release(state.released_at, now)
    if days > RETURN_WINDOW_DAYS:
        return [
            violation(
                _REFUND,
                "appTime",
                "too_late",
                f"the return is applied for {days} days after release, more than"
                f" {RETURN_WINDOW_DAYS}",
                f"退货申请距放行已{days}天，超过{RETURN_WINDOW_DAYS}天",
            )
        ]
    return []


def days_since_release(released_at: datetime, now: datetime) -> int:
    """Whole calendar days in China from the release day (day 0) to ``now``'s day."""
    released = released_at.astimezone(CHINA_TZ).date()
    return (now.astimezone(CHINA_TZ).date() - released).days


def return_deadline(released_at: datetime) -> datetime:
    """The last instant a return may be applied for: the end of the 30th day after release."""
    released = released_at.astimezone(CHINA_TZ)
    day = released.replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=RETURN_WINDOW_DAYS + 1) - timedelta(microseconds=1)


def _line_violations(refund: InvtRefund, state: ListState) -> list[Violation]:
    found: list[Violation] = []
    for index, item in enumerate(refund.items, 1):
        at = f"InvtRefundList[{index}]"
        line = state.line(item.gnum)
        if line is None:
            found.append(
                violation(
                    _REFUND,
                    "gnum",
                    "unknown",
                    f"the list has no line {item.gnum}",
                    f"原清单没有第{item.gnum}项",
                ).at(at)
            )
            continue
        if item.gcode != line.gcode:
            found.append(
                violation(
                    _REFUND,
                    "gcode",
                    "mismatch",
                    f"gcode {item.gcode} is not line {item.gnum}'s ({line.gcode})",
                    f"商品编码{item.gcode}与原清单第{item.gnum}项（{line.gcode}）不一致",
                ).at(at)
            )
        if item.unit != line.unit:
            found.append(
                violation(
                    _REFUND,
                    "unit",
                    "mismatch",
                    f"unit {item.unit} is not line {item.gnum}'s unit of sale ({line.unit})",
                    f"计量单位{item.unit}与原清单第{item.gnum}项成交计量单位（{line.unit}）不一致",
                ).at(at)
            )
        left = line.qty - state.returned_qty(item.gnum)
        if item.qty > left:
            found.append(
                violation(
                    _REFUND,
                    "qty",
                    "exceeds",
                    f"{item.qty} of line {item.gnum} cannot be returned: {line.qty} were"
                    f" released and {left} are left after earlier returns",
                    f"原清单第{item.gnum}项放行数量{line.qty}，已退后剩余{left}，不能退{item.qty}",
                ).at(at)
            )
    return found


def returned_lines(
    refund_key: str, refund: InvtRefund, state: ListState, status: DocStatus, at: datetime
) -> list[ReturnedLine]:
    """The lines ``refund`` returns, with what each takes off the annual total and the bill.

    Call only for a refund without violations (every line on the list, within what is left).
    """
    values = state.line_values()
    bill = state.bill
    lines: list[ReturnedLine] = []
    for item in refund.items:
        line = state.line(item.gnum)
        assert line is not None  # noqa: S101 - return_violations found none
        earlier = [r for r in state.counted() if r.gnum == item.gnum]
        left = line.qty - sum((r.qty for r in earlier), ZERO)
        value = values[item.gnum]
        taxes = bill.lines.get(item.gnum, Taxes()) if bill is not None else Taxes()
        if item.qty == left:  # the rest of the line: exactly what is left of it
            took_value = value - sum((r.value for r in earlier), ZERO)
            took = taxes + -_sum_taxes(earlier)
        else:
            share = item.qty / line.qty
            took_value = _fen(value * share)
            took = Taxes(
                _fen(taxes.customs_tax * share),
                _fen(taxes.value_added_tax * share),
                _fen(taxes.consumption_tax * share),
            )
        lines.append(
            ReturnedLine(
                refund_key=refund_key,
                list_key=state.key,
                gnum=item.gnum,
                qty=item.qty,
                value=took_value,
                customs_tax=took.customs_tax,
                value_added_tax=took.value_added_tax,
                consumption_tax=took.consumption_tax,
                status=status,
                at=at,
            )
        )
    return lines


def _sum_taxes(lines: list[ReturnedLine]) -> Taxes:
    total = Taxes()
    for r in lines:
        total = total + Taxes(r.customs_tax, r.value_added_tax, r.consumption_tax)
    return total


def _fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)
