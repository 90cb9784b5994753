"""The market procurement platform's use cases over ``ports.ProcurementStore``.

Registration (markets, operators, buyers, agents, commissions); sales recorded, corrected,
cancelled by operators and confirmed by buyers or their commissioned agents; consolidation and
the simplified declaration by agents; the customs decision; operators' foreign-exchange
receipts and their reconciliation. Who sees what: an operator its own sales, a buyer its own
purchases, an agent the purchases of the buyers that commissioned it — anything else is "not
found" (no hint that it exists). Agencies read through the agency views (``agencies``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import msgspec

from tradewindow.clock import utc_now
from tradewindow.procurement import sales as sale_rules
from tradewindow.procurement.consolidation import Rates
from tradewindow.procurement.errors import Forbidden, not_found
from tradewindow.procurement.model import (
    Agent,
    Buyer,
    Commission,
    Market,
    Operator,
    SaleState,
    Transaction,
)
from tradewindow.procurement.ports import ProcurementRecords, ProcurementStore
from tradewindow.procurement.registry import (
    AgentForm,
    BuyerForm,
    MarketForm,
    OperatorForm,
    agent_violations,
    buyer_violations,
    market_violations,
    operator_violations,
)
from tradewindow.procurement.sales import SaleForm
from tradewindow.violations import Rejected, Violation


class Reach(msgspec.Struct, frozen=True, kw_only=True):
    """What one party may reach: its operators, its buyers, its agents and their principals."""

    operator_ids: tuple[str, ...]
    buyer_ids: tuple[str, ...]  # its own buyers and those that commissioned its agents
    agent_ids: tuple[str, ...]

    def sees(self, sale: Transaction) -> bool:
        return sale.operator_id in self.operator_ids or sale.buyer_id in self.buyer_ids


class FxForm(msgspec.Struct, frozen=True, kw_only=True):
    operator_id: str
    shipment_id: str
    currency: str
    amount: Decimal
    received_on: date


class Settlement(msgspec.Struct, frozen=True, kw_only=True):
    """One operator's part of a shipment against what it received: ``unmatched`` is expected
    minus received, in US dollars (positive: still to come; negative: received too much)."""

    operator_id: str
    expected_usd: Decimal
    received_usd: Decimal
    unmatched_usd: Decimal


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


class Procurement:
    def __init__(
        self,
        store: ProcurementStore,
        rates: Rates,
        *,
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[str], str] = _new_id,
    ) -> None:
        self.store, self.rates, self.clock, self.new_id = store, rates, clock, new_id

    def _today(self) -> date:
        return self.clock().date()

    # --- registries ----------------------------------------------------------------------

    def register_market(self, form: MarketForm) -> Market:
        with self.store.writing() as records:
            violations = market_violations(form, exists=records.market(form.id) is not None)
            if violations:
                raise Rejected(violations)
            market = Market(**msgspec.structs.asdict(form))
            records.add_market(market)
        return market

    def register_operator(self, form: OperatorForm, party_id: str) -> Operator:
        with self.store.writing() as records:
            market = records.market(form.market_id)
            duplicate = records.operator_with_licence(form.market_id, form.licence_number)
            violations = operator_violations(
                form, market, self._today(), duplicate=duplicate is not None
            )
            if violations:
                raise Rejected(violations)
            operator = Operator(
                id=self.new_id("op"),
                party_id=party_id,
                registered_at=self.clock(),
                **msgspec.structs.asdict(form),
            )
            records.add_operator(operator)
        return operator

    def register_buyer(self, form: BuyerForm, party_id: str) -> Buyer:
        with self.store.writing() as records:
            market = records.market(form.market_id)
            duplicate = records.buyer_with_document(
                form.market_id, form.document_kind, form.document_number
            )
            violations = buyer_violations(
                form, market, self._today(), duplicate=duplicate is not None
            )
            if violations:
                raise Rejected(violations)
            buyer = Buyer(
                id=self.new_id("by"),
                party_id=party_id,
                registered_at=self.clock(),
                **msgspec.structs.asdict(form),
            )
            records.add_buyer(buyer)
        return buyer

    def register_agent(self, form: AgentForm, party_id: str) -> Agent:
        with self.store.writing() as records:
            markets = {key: records.market(key) for key in form.markets}
            duplicate = records.agent_with_uscc(form.uscc)
            violations = agent_violations(
                form, markets, self._today(), duplicate=duplicate is not None
            )
            if violations:
                raise Rejected(violations)
            agent = Agent(
                id=self.new_id("ag"),
                party_id=party_id,
                registered_at=self.clock(),
                **msgspec.structs.asdict(form),
            )
            records.add_agent(agent)
        return agent

    def commission(self, party_id: str, buyer_id: str, agent_id: str) -> Commission:
        """The buyer (signed in as ``party_id``) commissions an agent of its market."""
        with self.store.writing() as records:
            buyer = records.buyer(buyer_id)
            if buyer is None or buyer.party_id != party_id:
                raise not_found("buyer", buyer_id)
            agent = records.agent(agent_id)
            if agent is None:
                raise not_found("agent", agent_id)
            if buyer.market_id not in agent.markets:
                raise Rejected(
                    [
                        Violation(
                            path="agent_id",
                            code="MPT.commission.market",
                            en="the agent does not consolidate in the buyer's market",
                            zh="该代理企业未在采购商所在市场备案",
                        )
                    ]
                )
            granted = Commission(buyer_id=buyer_id, agent_id=agent_id, granted_at=self.clock())
            records.put_commission(granted)
        return granted

    def reach(self, records: ProcurementRecords, party_id: str) -> Reach:
        operators = tuple(o.id for o in records.operators(party_id=party_id))
        agents = tuple(a.id for a in records.agents(party_id=party_id))
        buyers = {b.id for b in records.buyers(party_id=party_id)}
        for agent_id in agents:
            buyers |= {
                c.buyer_id for c in records.commissions(agent_id=agent_id) if c.revoked_at is None
            }
        return Reach(operator_ids=operators, buyer_ids=tuple(sorted(buyers)), agent_ids=agents)

    def _market(self, records: ProcurementRecords, key: str) -> Market:
        market = records.market(key)
        if market is None:  # operators and sales are registered in a market that exists
            raise not_found("market", key)
        return market

    # --- sales ---------------------------------------------------------------------------

    def record_sale(self, party_id: str, operator_id: str, form: SaleForm) -> Transaction:
        with self.store.writing() as records:
            operator = records.operator(operator_id)
            if operator is None or operator.party_id != party_id:
                raise not_found("operator", operator_id)
            market = self._market(records, operator.market_id)
            violations = sale_rules.sale_violations(form, market, self._today())
            buyer = records.buyer(form.buyer_id)
            if buyer is None or buyer.market_id != operator.market_id:
                violations.append(
                    Violation(
                        path="buyer_id",
                        code="MPT.sale.buyer.unknown",
                        en="no such buyer in the operator's market",
                        zh="本市场没有该采购商",
                    )
                )
            if violations:
                raise Rejected(violations)
            sale = sale_rules.recorded(
                self.new_id("tx"), market.id, operator.id, form, party_id, self.clock()
            )
            records.add_transaction(sale)
        return sale

    def _reachable(self, records: ProcurementRecords, party_id: str, key: str) -> Transaction:
        sale = records.transaction(key)
        if sale is None or not self.reach(records, party_id).sees(sale):
            raise not_found("transaction", key)
        return sale

    def _own(self, records: ProcurementRecords, party_id: str, key: str) -> Transaction:
        sale = self._reachable(records, party_id, key)
        if sale.operator_id not in self.reach(records, party_id).operator_ids:
            raise Forbidden(
                "MPT.sale.operator_only",
                "only the operator who recorded the sale may change it",
                "只有登记该交易的商户可以更正或撤销",
            )
        return sale

    def sale(self, party_id: str, key: str) -> Transaction:
        with self.store.reading() as records:
            return self._reachable(records, party_id, key)

    def sales(self, party_id: str, state: SaleState | None = None) -> list[Transaction]:
        with self.store.reading() as records:
            reach = self.reach(records, party_id)
            found = records.transactions(operator_ids=reach.operator_ids, state=state)
            known = {sale.id for sale in found}
            found += [
                sale
                for sale in records.transactions(buyer_ids=reach.buyer_ids, state=state)
                if sale.id not in known
            ]
        return sorted(found, key=lambda sale: (sale.sold_on, sale.id), reverse=True)

    def correct_sale(self, party_id: str, key: str, form: SaleForm, note: str) -> Transaction:
        with self.store.writing() as records:
            sale = self._own(records, party_id, key)
            market = self._market(records, sale.market_id)
            violations = sale_rules.sale_violations(form, market, self._today())
            if violations:
                raise Rejected(violations)
            changed = sale_rules.corrected(sale, form, party_id, self.clock(), note)
            records.save_transaction(changed, sale.revision)
        return changed

    def cancel_sale(self, party_id: str, key: str, note: str) -> Transaction:
        with self.store.writing() as records:
            sale = self._own(records, party_id, key)
            changed = sale_rules.cancelled(sale, party_id, self.clock(), note)
            records.save_transaction(changed, sale.revision)
        return changed

    def confirm_sale(self, party_id: str, key: str) -> Transaction:
        """The buyer, or an agent it commissioned, confirms the sale as recorded."""
        with self.store.writing() as records:
            sale = self._reachable(records, party_id, key)
            if sale.buyer_id not in self.reach(records, party_id).buyer_ids:
                raise Forbidden(
                    "MPT.sale.buyer_only",
                    "only the buyer or its commissioned agent confirms a sale",
                    "只有采购商或其委托的代理企业可以确认交易",
                )
            changed = sale_rules.confirmed(sale, party_id, self.clock())
            records.save_transaction(changed, sale.revision)
        return changed
