"""Deciding an inventory list: match, policy, quota and tax, risk, then the status.

Outcomes and their receipts (CEB622 returnStatus):
- companions missing → the list waits (120 accepted, naming what it waits for);
- a companion differs → returned (100) with every differing field;
- no CBEC policy in force on its declaration day, over a limit, no rate → returned (100);
- specific-rate goods → manual review (300); random sample → inspection (500);
- a bonded list (1210 / 1239) whose account book cannot cover its lines → returned (100,
  ``CEB621.stock.short``; ``cbec.bonded``);
- otherwise released (800), the buyer's annual total grows by the transaction value and a
  CEB816 tax bill is issued when tax is owed; a bonded list's quantities leave its stock.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from tradewindow.cbec import answers
from tradewindow.cbec.bonded import is_bonded
from tradewindow.cbec.declarations import Batch
from tradewindow.cbec.documents import Inventory, parse_day
from tradewindow.cbec.matching import match
from tradewindow.cbec.ports import (
    BillAgent,
    DocKind,
    DocStatus,
    GateOutcome,
    GateVerdict,
    ReleaseGate,
    TaxBillRecord,
)
from tradewindow.cbec.receipts import ReturnStatus
from tradewindow.cbec.retail_policy import policy_on
from tradewindow.cbec.risk import route
from tradewindow.cbec.settlement import guarantee_violation
from tradewindow.cbec.tax import Assessment, Outcome, RateTable, assess, tax_bill
from tradewindow.violations import Violation, summarise

REVIEW_CODES = frozenset({"CEB621.tax.specific_rate", "CEB621.tax.conditional_rate"})
_WAITING_FOR = {DocKind.ORDER: "order", DocKind.PAYMENT: "payment", DocKind.WAYBILL: "waybill"}
_WAITING_FOR_ZH = {DocKind.ORDER: "订单", DocKind.PAYMENT: "支付单", DocKind.WAYBILL: "运单"}
_WAITING = {
    GateOutcome.PENDING: (DocStatus.AGENCIES, ReturnStatus.CONCLUDED),
    GateOutcome.HELD: (DocStatus.REVIEW, ReturnStatus.MANUAL_REVIEW),
    GateOutcome.INSPECTION: (DocStatus.INSPECTION, ReturnStatus.INSPECTION),
}
_AWAITING = (DocStatus.AGENCIES, DocStatus.REVIEW, DocStatus.INSPECTION)


class Decider:
    def __init__(self, rates: RateTable, gate: ReleaseGate) -> None:
        self._rates = rates
        self._gate = gate

    def decide(self, batch: Batch) -> None:
        """Decide every list the batch declared or woke."""
        pending = list(batch.to_decide.items())
        self._gate.prepare(batch.uow, [key for key, _ in pending])
        totals = _BuyerTotals(batch, _buyers(batch, [key for key, _ in pending]))
        _expect_agents(batch, [key for key, _ in pending], (DocStatus.WAITING,))
        for key, guid in pending:
            self._decide_one(batch, key, guid, totals)

    def settle(self, batch: Batch, keys: list[str], guid: str) -> None:
        """Lists whose agencies decided something: follow the combined verdict."""
        self._gate.prepare(batch.uow, keys)
        totals = _BuyerTotals(batch, _buyers(batch, keys))
        _expect_agents(batch, keys, _AWAITING)
        for key in keys:
            stored = batch.stored(DocKind.INVENTORY, key)
            if stored is None or stored.status not in _AWAITING:
                continue
            inventory = batch.document(stored)
            assert isinstance(inventory, Inventory)  # noqa: S101 - kind-keyed
            self._conclude(batch, key, inventory, guid, totals, routed=True)

    def _decide_one(self, batch: Batch, key: str, guid: str, totals: _BuyerTotals) -> None:
        stored = batch.stored(DocKind.INVENTORY, key)
        if stored is None or stored.status is not DocStatus.WAITING:
            return
        inventory = batch.document(stored)
        assert isinstance(inventory, Inventory)  # noqa: S101 - kind-keyed
        order, payment, waybill = batch.companions(inventory)
        result = match(inventory, order=order, payment=payment, waybill=waybill)
        fresh = key in batch.declared_now
        if result.violations:
            self._return(batch, inventory, key, result.violations, guid)
            return
        if result.missing:
            if fresh:
                en = ", ".join(_WAITING_FOR[k] for k in result.missing)
                zh = "、".join(_WAITING_FOR_ZH[k] for k in result.missing)
                info = f"accepted, waiting for {en} / 已入库，等待{zh}"
                batch.answer(inventory, ReturnStatus.ACCEPTED, info, guid)
            return
        if fresh:
            batch.answer(inventory, ReturnStatus.ACCEPTED, "accepted / 海关入库", guid)
        self._conclude(batch, key, inventory, guid, totals, routed=False)

    def _conclude(
        self,
        batch: Batch,
        key: str,
        inventory: Inventory,
        guid: str,
        totals: _BuyerTotals,
        *,
        routed: bool,
        cleared: bool = False,
    ) -> None:
        """Policy, quota and tax, then the agencies' verdict: release, wait, hold or return.

        Quota and tax are assessed again when agencies release a list routed earlier, since
        the buyer's annual total may have grown meanwhile. ``cleared``: every agency released
        the list already (it was held for its agent's tax guarantee only).
        """
        head = inventory.head
        day = parse_day(head.decl_time)
        policy = policy_on(day) if day is not None else None
        if day is None or policy is None:
            self._return(batch, inventory, key, [_NO_POLICY], guid)
            return
        buyer = head.buyer_id_number
        year_totals = totals.of_year(day.year)
        before = year_totals.get(buyer, Decimal(0))
        assessment = assess(inventory, rates=self._rates, policy=policy, buyer_year_total=before)
        review = [v for v in assessment.violations if v.code in REVIEW_CODES]
        refusals = [v for v in assessment.violations if v.code not in REVIEW_CODES]
        if assessment.outcome is Outcome.REFUSED and refusals:
            self._return(batch, inventory, key, refusals, guid)
            return
        if cleared:
            verdict = GateVerdict(outcome=GateOutcome.RELEASED, info="")
        elif routed:
            verdict = self._gate.verdict(batch.uow, key)
        else:
            where, reason = route(inventory, needs_review=bool(review))
            order, payment, waybill = batch.companions(inventory)
            documents = {
                kind: document
                for kind, document in (
                    ("inventory", inventory), ("order", order), ("payment", payment),
                    ("waybill", waybill),
                )
                if document is not None
            }  # fmt: skip
            verdict = self._gate.route(batch.uow, key, documents, where.value, reason)
        if verdict.outcome is GateOutcome.REFUSED:
            batch.set_status(key, DocStatus.RETURNED, verdict.info)
            batch.answer(inventory, ReturnStatus.RETURNED, verdict.info, guid, verdict.codes)
            return
        if verdict.outcome is not GateOutcome.RELEASED:
            status, code = _WAITING[verdict.outcome]
            stored = batch.stored(DocKind.INVENTORY, key)
            if routed and status is DocStatus.AGENCIES and stored is not None:
                return  # others decided while customs' own officer has yet to: no change
            if stored is not None and stored.status is not status:
                batch.set_status(key, status, verdict.info)
                batch.answer(inventory, code, verdict.info, guid)
            return
        tax, agent = assessment.total_tax, head.assure_code
        available = batch.guarantees().available(agent) if tax > 0 else None
        exhausted = guarantee_violation(agent, available, tax) if available is not None else None
        if exhausted is not None:  # held until a payment frees enough of the guarantee
            self._hold(batch, key, inventory, exhausted, guid, tax)
            return
        if is_bonded(inventory):  # the bonded account book must cover every line
            short = batch.stock().take(inventory, key, batch.now)
            if short:
                self._return(batch, inventory, key, short, guid)
                return
        batch.set_status(key, DocStatus.RELEASED, verdict.info or "released / 放行")
        year_totals[buyer] = before + assessment.quota_amount
        inc_key = (buyer, day.year)
        batch.buyer_increments[inc_key] = (
            batch.buyer_increments.get(inc_key, Decimal(0)) + assessment.quota_amount
        )
        batch.answer(inventory, ReturnStatus.RELEASED, verdict.info or "released / 放行", guid)
        if cleared:
            batch.guarantees().free(key)
        if assessment.total_tax > 0:
            self._bill(batch, inventory, assessment, guid)

    def release_held(self, batch: Batch, keys: list[str], guid: str) -> None:
        """Lists held for their agent's guarantee only: released now if it covers them
        (oldest first), still held otherwise."""
        totals = _BuyerTotals(batch, _buyers(batch, keys))
        for key in keys:
            stored = batch.stored(DocKind.INVENTORY, key)
            if stored is None or stored.status is not DocStatus.REVIEW:
                continue
            inventory = batch.document(stored)
            assert isinstance(inventory, Inventory)  # noqa: S101 - kind-keyed
            self._conclude(batch, key, inventory, guid, totals, routed=True, cleared=True)

    def _hold(
        self,
        batch: Batch,
        key: str,
        inventory: Inventory,
        violation: Violation,
        guid: str,
        tax: Decimal,
    ) -> None:
        stored = batch.stored(DocKind.INVENTORY, key)
        info = summarise([violation])
        batch.guarantees().hold(key, inventory.head.assure_code, tax, batch.now)
        if stored is not None and stored.status is not DocStatus.REVIEW:
            batch.set_status(key, DocStatus.REVIEW, info)
            batch.answer(inventory, ReturnStatus.MANUAL_REVIEW, info, guid, (violation.code,))

    def _bill(self, batch: Batch, inventory: Inventory, assessment: Assessment, guid: str) -> None:
        head = inventory.head
        invt_no = head.invt_no or ""
        bill = tax_bill(
            assessment,
            inventory,
            tax_no=f"{invt_no}01",
            invt_no=invt_no,
            at=batch.now,
        )
        batch.tax_bills.append(
            TaxBillRecord(
                tax_no=bill.head.tax_no,
                invt_no=invt_no,
                doc_key=f"{head.ebp_code}|{head.order_no}",
                buyer=head.buyer_id_number,
                customs_tax=bill.head.customs_tax,
                value_added_tax=bill.head.value_added_tax,
                consumption_tax=bill.head.consumption_tax,
                created_at=batch.now,
                body=answers.tax_bill_body(bill),
            )
        )
        batch.answer_tax_bill(inventory, bill, guid)
        batch.guarantees().issued(
            BillAgent(
                tax_no=bill.head.tax_no,
                list_key=f"{head.ebp_code}|{head.order_no}",
                invt_no=invt_no,
                agent=head.assure_code,
                issued=bill.head.total,
                released_at=batch.now,
            )
        )

    def _return(
        self, batch: Batch, inventory: Inventory, key: str, violations: list[Violation], guid: str
    ) -> None:
        located = [v if v.path else v.at("Inventory[1]") for v in violations]
        info = batch.refuse(inventory, located, guid)
        batch.set_status(key, DocStatus.RETURNED, info)


_NO_POLICY = Violation(
    path="InventoryHead/declTime",
    code="CEB621.policy.none",
    en="no CBEC retail import policy was in force on the declaration day (from 2016-04-08)",
    zh="申报日期不在跨境电商零售进口税收政策实施期内（2016年4月8日起）",
)


class _BuyerTotals:
    """Released value per buyer and year, loaded once per year for every buyer in the batch."""

    def __init__(self, batch: Batch, buyers: set[str]) -> None:
        self._batch = batch
        self._buyers = buyers
        self._years: dict[int, dict[str, Decimal]] = {}

    def of_year(self, year: int) -> dict[str, Decimal]:
        if year not in self._years:
            loaded = self._batch.uow.buyer_totals(self._buyers, year) if self._buyers else {}
            self._years[year] = loaded
        return self._years[year]


def _expect_agents(batch: Batch, keys: list[str], statuses: Collection[DocStatus]) -> None:
    """The guarantees the lists may draw on (their agents', ``assureCode``) are read together
    when the first is needed (``GuaranteeBook.expect``), not one query per agent."""
    agents: set[str] = set()
    for key in keys:
        stored = batch.stored(DocKind.INVENTORY, key)
        if stored is not None and stored.status in statuses:
            inventory = batch.document(stored)  # decoded once: deciding it reads it next
            assert isinstance(inventory, Inventory)  # noqa: S101 - kind-keyed
            agents.add(inventory.head.assure_code)
    if agents:
        batch.guarantees().expect(agents)


def _buyers(batch: Batch, keys: list[str]) -> set[str]:
    buyers: set[str] = set()
    for key in keys:
        stored = batch.stored(DocKind.INVENTORY, key)
        if stored is not None and stored.buyer:
            buyers.add(stored.buyer)
    return buyers
