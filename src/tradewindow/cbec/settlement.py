"""Tax settlement of CBEC import lists (pure): whose each CEB816 bill is, when it is payable
and due, what a payment may pay, and the tax guarantee a withholding agent holds.

- A released list's bill belongs to its **withholding agent** (代收代缴义务人): the
  guarantor the list names (``assureCode``, 担保企业: the platform, the logistics firm or the
  declaring agent that answers for the tax).
- A bill becomes **payable** from the 31st day after release and is **due** by the 45th (the
  30-day return window first: a return or cancellation within it voids or reduces the bill);
  unpaid after the 45th day it is **overdue** and listed for customs.
- Each agent holds a **guarantee** (担保): the bills it has not paid (net of reductions) use
  it up; a release whose tax the rest of the guarantee cannot cover is held
  (``CEB621.guarantee.exhausted``) until a payment frees enough of it. An agent without a
  guarantee on file is not checked (its guarantee is kept elsewhere).
- A **payment** names its bill and its own id; the same id with the same content is the
  same payment (recorded once), with other content it is refused.

Source: 财关税〔2016〕18号 (跨境电商零售进口税收政策: 电子商务企业、电子商务交易平台企业或
物流企业可作为代收代缴义务人); GACC announcement 2018 No.194 (海关放行后30日内未发生退货或
修撤单的，代收代缴义务人在放行后第31日至第45日内向海关办理纳税手续); the spec's CEB816
(税单) and assureCode (担保企业编号).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.cbec.ports import CBEC_LIFECYCLE, BillAgent, UnitOfWork
from tradewindow.violations import Violation

PAYABLE_FROM_DAY = 31
DUE_DAY = 45
ZERO = Decimal(0)


class GuaranteeBook:
    """The guarantees one clearance unit of work reads and uses, the bills it issues to
    their agents and the lists it holds or frees, written once by :meth:`flush`."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._records = uow.part(CBEC_LIFECYCLE)
        self._left: dict[str, Decimal | None] = {}
        self._used: dict[str, Decimal] = {}
        self._bills: list[BillAgent] = []
        self._holds: dict[str, tuple[str, Decimal, datetime] | None] = {}
        self._expected: set[str] = set()

    def expect(self, agents: Iterable[str]) -> None:
        """Agents whose guarantees this unit of work may ask for: read together, in one
        query, when the first of them is asked for (not one query per agent)."""
        self._expected.update(agents)

    def available(self, agent: str) -> Decimal | None:
        """What is left of the agent's guarantee (None: no guarantee kept here)."""
        if agent not in self._left:
            wanted = sorted({agent, *self._expected} - self._left.keys())
            kept = self._records.guarantees(wanted)
            for name in wanted:
                found = kept.get(name)
                self._left[name] = None if found is None else found.amount - found.used
            self._expected.clear()
        left = self._left[agent]
        return None if left is None else left - self._used.get(agent, ZERO)

    def use(self, agent: str, amount: Decimal) -> None:
        """The agent's unpaid bills grew (a bill issued) or shrank (negative: a reduction or
        a payment) by ``amount``."""
        self._used[agent] = self._used.get(agent, ZERO) + amount

    def issued(self, bill: BillAgent) -> None:
        self._bills.append(bill)
        self.use(bill.agent, bill.issued)

    def hold(self, list_key: str, agent: str, tax: Decimal, at: datetime) -> None:
        self._holds[list_key] = (agent, tax, at)

    def free(self, list_key: str) -> None:
        self._holds[list_key] = None

    def flush(self) -> None:
        if self._bills:
            self._records.add_bill_agents(self._bills)
        for agent, used in self._used.items():
            if used:
                self._records.use_guarantee(agent, used)
        for list_key, held in self._holds.items():
            if held is None:
                self._records.remove_hold(list_key)
            else:
                self._records.add_hold(list_key, *held)
        self._bills, self._used, self._holds = [], {}, {}
        self._left.clear()


class BillStatus(enum.StrEnum):
    VOID = "void"  # nothing left to charge (returned or cancelled)
    PAID = "paid"
    NOT_YET_PAYABLE = "not_yet_payable"  # within the 30-day return window
    PAYABLE = "payable"
    OVERDUE = "overdue"


class BillAccount(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One bill as settlement sees it: what it charges now (issued plus reductions), what was
    paid, and its dates."""

    tax_no: str
    invt_no: str
    list_key: str
    agent: str
    released_at: datetime
    charged: Decimal  # issued + adjustments (≥ 0)
    paid: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return max(self.charged - self.paid, ZERO)

    @property
    def payable_from(self) -> date:
        return release_day(self.released_at) + timedelta(days=PAYABLE_FROM_DAY)

    @property
    def due(self) -> date:
        return release_day(self.released_at) + timedelta(days=DUE_DAY)

    def status(self, now: datetime) -> BillStatus:
        today = now.astimezone(CHINA_TZ).date()
        if self.charged <= 0:
            return BillStatus.VOID
        if self.outstanding <= 0:
            return BillStatus.PAID
        if today > self.due:
            return BillStatus.OVERDUE
        if today >= self.payable_from:
            return BillStatus.PAYABLE
        return BillStatus.NOT_YET_PAYABLE


class Payment(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """A recorded payment of one bill (``payment_id``: the payer's own, for idempotency)."""

    payment_id: str
    tax_no: str
    amount: Decimal
    paid_at: datetime


def release_day(released_at: datetime) -> date:
    return released_at.astimezone(CHINA_TZ).date()


def guarantee_available(amount: Decimal, bills: Iterable[BillAccount]) -> Decimal:
    """What is left of a guarantee after the agent's unpaid bills."""
    return amount - sum((bill.outstanding for bill in bills), ZERO)


def guarantee_violation(agent: str, available: Decimal, tax: Decimal) -> Violation | None:
    """``CEB621.guarantee.exhausted`` when the rest of the guarantee cannot cover ``tax``."""
    if tax <= available:
        return None
    return Violation(
        path="InventoryHead/assureCode",
        code="CEB621.guarantee.exhausted",
        en=f"the tax guarantee of {agent} has {available} left, the list's tax is {tax}:"
        " released once a payment frees enough of it",
        zh=f"担保企业{agent}的税款担保余额{available}，不足本清单税款{tax}，缴税后放行",
    )


def payment_violations(
    payment: Payment,
    bill: BillAccount | None,
    agent: str,
    earlier: Payment | None,
    now: datetime,
) -> list[Violation]:
    """Why ``payment`` cannot be recorded for ``agent`` (each coded); empty when it can, or
    when it is the same payment recorded before (``earlier`` equal to it)."""
    if earlier is not None:
        if earlier == payment:
            return []
        return [
            _v(
                "paymentId",
                "tax.payment.id_reused",
                "this payment id was used for another payment",
                "该缴款编号已用于其他缴款",
            )
        ]
    if bill is None or bill.agent.upper() != agent.upper():
        # the same answer whether the bill is another agent's or does not exist
        return [
            _v(
                "taxNo",
                "tax.bill.unknown",
                "no bill with this taxNo is yours",
                "未找到属于贵单位的该税单",
            )
        ]
    found = []
    status = bill.status(now)
    if status is BillStatus.NOT_YET_PAYABLE:
        found.append(
            _v(
                "taxNo",
                "tax.bill.not_payable_yet",
                f"the bill is payable from {bill.payable_from} (the 31st day after release)",
                f"税单自{bill.payable_from}（放行后第31日）起方可缴纳",
            )
        )
    elif status in (BillStatus.VOID, BillStatus.PAID):
        found.append(
            _v(
                "taxNo",
                f"tax.bill.{status.value}",
                f"the bill is {status.value}: nothing to pay",
                "税单已作废或已缴清，无需缴纳",
            )
        )
    if not payment.amount.is_finite() or payment.amount <= 0:
        found.append(
            _v(
                "amount",
                "tax.payment.not_positive",
                "the amount must be above zero",
                "缴款金额必须大于0",
            )
        )
    elif payment.amount > bill.outstanding and status is not BillStatus.PAID:
        found.append(
            _v(
                "amount",
                "tax.payment.exceeds",
                f"the bill has {bill.outstanding} outstanding, not {payment.amount}",
                f"税单未缴金额为{bill.outstanding}，不能缴{payment.amount}",
            )
        )
    return found


class StatementRow(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    tax_no: str
    invt_no: str
    released_on: date
    payable_from: date
    due: date
    charged: Decimal
    paid: Decimal
    outstanding: Decimal
    status: BillStatus


def statement(bills: Sequence[BillAccount], month: str, now: datetime) -> list[StatementRow]:
    """The agent's bills released in ``month`` (``YYYY-MM``, China time), by release."""
    return [
        StatementRow(
            tax_no=bill.tax_no,
            invt_no=bill.invt_no,
            released_on=release_day(bill.released_at),
            payable_from=bill.payable_from,
            due=bill.due,
            charged=bill.charged,
            paid=bill.paid,
            outstanding=bill.outstanding,
            status=bill.status(now),
        )
        for bill in sorted(bills, key=lambda b: (b.released_at, b.tax_no))
        if release_day(bill.released_at).strftime("%Y-%m") == month
    ]


def statement_csv(rows: Sequence[StatementRow]) -> str:
    """The statement as CSV (UTF-8, a header row, amounts as written)."""
    header = "taxNo,invtNo,releasedOn,payableFrom,due,charged,paid,outstanding,status"
    lines = [header] + [
        ",".join(
            (
                r.tax_no,
                r.invt_no,
                r.released_on.isoformat(),
                r.payable_from.isoformat(),
                r.due.isoformat(),
                str(r.charged),
                str(r.paid),
                str(r.outstanding),
                r.status.value,
            )
        )
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _v(element: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=element, code=code, en=en, zh=zh)
