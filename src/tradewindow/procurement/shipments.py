"""Shipments: consolidation by an agent, the simplified declaration, the customs decision and
the operators' foreign-exchange receipts reconciled against it (over ``service.Procurement``'s
store and reach)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from tradewindow.procurement import sales as sale_rules
from tradewindow.procurement.consolidation import (
    ShipmentForm,
    goods_of,
    shipment_violations,
    usd_value,
)
from tradewindow.procurement.declaration import Declaration, simplified
from tradewindow.procurement.errors import Conflict, not_found
from tradewindow.procurement.model import (
    FxReceipt,
    Shipment,
    ShipmentState,
    Transaction,
)
from tradewindow.procurement.ports import ProcurementRecords
from tradewindow.procurement.service import FxForm, Procurement, Settlement
from tradewindow.violations import Rejected, Violation

DECISIONS = {"released": ShipmentState.RELEASED, "refused": ShipmentState.REFUSED}


class Shipments:
    """Use cases of shipments; shares the ``Procurement`` service's store, rates and clock."""

    def __init__(self, procurement: Procurement) -> None:
        self.procurement = procurement

    def consolidate(self, party_id: str, agent_id: str, form: ShipmentForm) -> Shipment:
        """The agent groups confirmed sales of one buyer that commissioned it."""
        p = self.procurement
        with p.store.writing() as records:
            agent = records.agent(agent_id)
            if agent is None or agent.party_id != party_id:
                raise not_found("agent", agent_id)
            buyer = records.buyer(form.buyer_id)
            commission = records.commission(form.buyer_id, agent_id)
            if buyer is None or commission is None or commission.revoked_at is not None:
                raise not_found("buyer", form.buyer_id)
            sales = {key: records.transaction(key) for key in form.transaction_ids}
            known = [sale for sale in sales.values() if sale is not None]
            value = sum((g.value for g in goods_of(known, p.rates)), Decimal("0.00"))
            violations = shipment_violations(form, buyer.market_id, sales, value)
            if violations:
                raise Rejected(violations)
            now = p.clock()
            shipment = Shipment(
                id=p.new_id("sh"),
                market_id=buyer.market_id,
                agent_id=agent_id,
                buyer_id=buyer.id,
                transaction_ids=form.transaction_ids,
                containers=form.containers,
                port_of_loading=form.port_of_loading,
                destination=form.destination,
                transport_mode=form.transport_mode,
                value_usd=value,
                state=ShipmentState.DRAFTED,
                created_at=now,
            )
            records.add_shipment(shipment)
            for sale in known:
                changed = sale_rules.consolidated(sale, shipment.id, party_id, now)
                records.save_transaction(changed, sale.revision)
        return shipment

    def _visible(self, records: ProcurementRecords, party_id: str, key: str) -> Shipment:
        shipment = records.shipment(key)
        if shipment is None:
            raise not_found("shipment", key)
        reach = self.procurement.reach(records, party_id)
        if shipment.agent_id in reach.agent_ids or shipment.buyer_id in reach.buyer_ids:
            return shipment
        if any(
            sale.operator_id in reach.operator_ids for sale in records.transactions(shipment_id=key)
        ):
            return shipment
        raise not_found("shipment", key)

    def shipment(self, party_id: str, key: str) -> Shipment:
        with self.procurement.store.reading() as records:
            return self._visible(records, party_id, key)

    def shipments(self, party_id: str) -> list[Shipment]:
        with self.procurement.store.reading() as records:
            reach = self.procurement.reach(records, party_id)
            return records.shipments(agent_ids=reach.agent_ids, buyer_ids=reach.buyer_ids)

    def _sales(self, records: ProcurementRecords, shipment: Shipment) -> list[Transaction]:
        return [
            sale
            for key in shipment.transaction_ids
            if (sale := records.transaction(key)) is not None
        ]

    def declaration_of(self, records: ProcurementRecords, shipment: Shipment) -> Declaration:
        return simplified(goods_of(self._sales(records, shipment), self.procurement.rates))

    def declaration(self, party_id: str, key: str) -> tuple[Shipment, Declaration]:
        """The shipment's simplified declaration, drafted from its sales (the same every time)."""
        with self.procurement.store.reading() as records:
            shipment = self._visible(records, party_id, key)
            return shipment, self.declaration_of(records, shipment)

    def declare(self, party_id: str, key: str) -> Shipment:
        """The agent sends the drafted declaration to customs."""
        with self.procurement.store.writing() as records:
            shipment = self._visible(records, party_id, key)
            if shipment.agent_id not in self.procurement.reach(records, party_id).agent_ids:
                raise not_found("shipment", key)
            if shipment.state is not ShipmentState.DRAFTED:
                raise Conflict(
                    "MPT.shipment.declare.state",
                    f"the shipment is {shipment.state.value}, not drafted",
                    "组货单已申报或已有海关决定",
                )
            declared = msgspec.structs.replace(shipment, state=ShipmentState.DECLARED)
            records.save_shipment(declared)
        return declared

    def decide(self, officer: str, key: str, decision: str, note: str = "") -> Shipment:
        """Customs' decision on a declared shipment, linked to every transaction in it."""
        if decision not in DECISIONS:
            raise Rejected(
                [
                    Violation(
                        path="decision",
                        code="MPT.decision.unknown",
                        en="the decision is released or refused",
                        zh="海关决定应为放行或不予放行",
                    )
                ]
            )
        p = self.procurement
        with p.store.writing() as records:
            shipment = records.shipment(key)
            if shipment is None:
                raise not_found("shipment", key)
            if shipment.state is not ShipmentState.DECLARED:
                raise Conflict(
                    "MPT.shipment.decide.state",
                    f"the shipment is {shipment.state.value}, not declared",
                    "组货单未申报或已有海关决定",
                )
            now = p.clock()
            text = f"{decision}: {note}" if note else decision
            decided = msgspec.structs.replace(
                shipment, state=DECISIONS[decision], decision=text, decided_at=now
            )
            records.save_shipment(decided)
            for sale in self._sales(records, shipment):
                changed = sale_rules.decided(sale, text, officer, now)
                records.save_transaction(changed, sale.revision)
        return decided

    # --- foreign exchange ------------------------------------------------------------------

    def record_receipt(self, party_id: str, form: FxForm) -> FxReceipt:
        """An operator records foreign exchange received for its goods in a shipment."""
        p = self.procurement
        with p.store.writing() as records:
            operator = records.operator(form.operator_id)
            if operator is None or operator.party_id != party_id:
                raise not_found("operator", form.operator_id)
            shipment = records.shipment(form.shipment_id)
            if shipment is None or not any(
                sale.operator_id == operator.id
                for sale in records.transactions(shipment_id=shipment.id)
            ):
                raise not_found("shipment", form.shipment_id)
            violations = []
            if form.amount <= 0:
                violations.append(
                    Violation(
                        path="amount",
                        code="MPT.fx.amount.positive",
                        en="the amount received is more than zero",
                        zh="收汇金额应大于零",
                    )
                )
            try:
                usd_value(form.amount, form.currency, form.received_on, p.rates)
            except LookupError:
                violations.append(
                    Violation(
                        path="currency",
                        code="MPT.fx.currency.unknown",
                        en="a currency with a rate on that day",
                        zh="该币制在收汇日无折算汇率",
                    )
                )
            if violations:
                raise Rejected(violations)
            receipt = FxReceipt(
                id=p.new_id("fx"),
                operator_id=operator.id,
                buyer_id=shipment.buyer_id,
                shipment_id=shipment.id,
                currency=form.currency,
                amount=form.amount,
                received_on=form.received_on,
                recorded_at=p.clock(),
            )
            records.add_fx_receipt(receipt)
        return receipt

    def reconcile_in(self, records: ProcurementRecords, shipment: Shipment) -> list[Settlement]:
        p = self.procurement
        expected: dict[str, Decimal] = {}
        for sale in self._sales(records, shipment):
            value = sum((g.value for g in goods_of([sale], p.rates)), Decimal("0.00"))
            expected[sale.operator_id] = expected.get(sale.operator_id, Decimal("0.00")) + value
        received: dict[str, Decimal] = {}
        for receipt in records.fx_receipts(shipment_id=shipment.id):
            value = usd_value(receipt.amount, receipt.currency, receipt.received_on, p.rates)
            received[receipt.operator_id] = received.get(receipt.operator_id, Decimal(0)) + value
        return [
            Settlement(
                operator_id=key,
                expected_usd=expected.get(key, Decimal("0.00")),
                received_usd=received.get(key, Decimal("0.00")),
                unmatched_usd=expected.get(key, Decimal("0.00")) - received.get(key, Decimal(0)),
            )
            for key in sorted(expected.keys() | received.keys())
        ]

    def reconcile(self, party_id: str, key: str) -> list[Settlement]:
        """Each operator's expected value in the shipment against its receipts (USD)."""
        with self.procurement.store.reading() as records:
            shipment = self._visible(records, party_id, key)
            return self.reconcile_in(records, shipment)
