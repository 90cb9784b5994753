"""What market procurement needs from the outside world, as Protocols.

``store/procurement`` implements the records over SQLite and PostgreSQL. The use cases
(``service``) own the transactions and every rule; the records only read and write.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from tradewindow.procurement.model import (
    Agent,
    Buyer,
    Commission,
    DocumentKind,
    FxReceipt,
    Market,
    Operator,
    SaleState,
    Shipment,
    Transaction,
)


class ProcurementRecords(Protocol):
    """The platform's records inside one open transaction."""

    def add_market(self, market: Market) -> None: ...
    def market(self, market_id: str) -> Market | None: ...
    def markets(self) -> list[Market]: ...

    def add_operator(self, operator: Operator) -> None: ...
    def operator(self, operator_id: str) -> Operator | None: ...
    def operator_with_licence(self, market_id: str, number: str) -> Operator | None: ...
    def operators(
        self, *, market_id: str | None = None, party_id: str | None = None
    ) -> list[Operator]: ...

    def add_buyer(self, buyer: Buyer) -> None: ...
    def buyer(self, buyer_id: str) -> Buyer | None: ...
    def buyer_with_document(
        self, market_id: str, kind: DocumentKind, number: str
    ) -> Buyer | None: ...
    def buyers(
        self, *, market_id: str | None = None, party_id: str | None = None
    ) -> list[Buyer]: ...

    def add_agent(self, agent: Agent) -> None: ...
    def agent(self, agent_id: str) -> Agent | None: ...
    def agent_with_uscc(self, uscc: str) -> Agent | None: ...
    def agents(self, *, party_id: str | None = None) -> list[Agent]: ...

    def put_commission(self, commission: Commission) -> None:
        """Store ``commission``, replacing the one of the same buyer and agent."""
        ...

    def commission(self, buyer_id: str, agent_id: str) -> Commission | None: ...
    def commissions(
        self, *, buyer_id: str | None = None, agent_id: str | None = None
    ) -> list[Commission]: ...

    def add_transaction(self, sale: Transaction) -> None: ...
    def save_transaction(self, sale: Transaction, previous_revision: int) -> None:
        """Store a new revision of ``sale``; raises ``errors.Conflict`` when the stored one is
        no longer ``previous_revision`` (somebody changed it meanwhile)."""
        ...

    def transaction(self, transaction_id: str) -> Transaction | None: ...
    def transactions(
        self,
        *,
        market_id: str | None = None,
        operator_ids: tuple[str, ...] | None = None,
        buyer_ids: tuple[str, ...] | None = None,
        shipment_id: str | None = None,
        state: SaleState | None = None,
    ) -> list[Transaction]:
        """Newest sale first."""
        ...

    def add_shipment(self, shipment: Shipment) -> None: ...
    def save_shipment(self, shipment: Shipment) -> None: ...
    def shipment(self, shipment_id: str) -> Shipment | None: ...
    def shipments(
        self,
        *,
        market_id: str | None = None,
        agent_ids: tuple[str, ...] | None = None,
        buyer_ids: tuple[str, ...] | None = None,
    ) -> list[Shipment]:
        """Newest first."""
        ...

    def add_fx_receipt(self, receipt: FxReceipt) -> None: ...
    def fx_receipts(
        self, *, shipment_id: str | None = None, operator_id: str | None = None
    ) -> list[FxReceipt]: ...


class ProcurementStore(Protocol):
    def writing(self) -> AbstractContextManager[ProcurementRecords]: ...

    def reading(self) -> AbstractContextManager[ProcurementRecords]: ...
