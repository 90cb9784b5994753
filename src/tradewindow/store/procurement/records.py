"""The market procurement records over SQLAlchemy Core (``procurement.ports``): rows in and out
of the ``mpt_`` tables inside one transaction; ``SqlProcurementStore`` opens them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Connection, Engine, Table, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from tradewindow.procurement.errors import Conflict
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
from tradewindow.store.errors import DuplicateRecord
from tradewindow.store.procurement.tables import (
    agents,
    buyers,
    commissions,
    fx_receipts,
    markets,
    operators,
    shipments,
    transaction_revisions,
    transactions,
)
from tradewindow.store.transaction import dialect_insert, reader, writer

R = TypeVar("R")


def _json(record: msgspec.Struct) -> str:
    return msgspec.json.encode(record).decode()


class SqlProcurementRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _one(self, table: Table, kind: type[R], *where: Any) -> R | None:
        body = self.connection.execute(select(table.c.body).where(*where)).scalar_one_or_none()
        return None if body is None else msgspec.json.decode(body, type=kind)

    def _all(self, kind: type[R], query: Any) -> list[R]:
        return [msgspec.json.decode(body, type=kind) for body in self.connection.scalars(query)]

    # registries

    def add_market(self, market: Market) -> None:
        self.connection.execute(insert(markets).values(id=market.id, body=_json(market)))

    def market(self, market_id: str) -> Market | None:
        return self._one(markets, Market, markets.c.id == market_id)

    def markets(self) -> list[Market]:
        return self._all(Market, select(markets.c.body).order_by(markets.c.id))

    def add_operator(self, operator: Operator) -> None:
        self.connection.execute(
            insert(operators).values(
                id=operator.id,
                market_id=operator.market_id,
                party_id=operator.party_id,
                licence_number=operator.licence_number,
                body=_json(operator),
            )
        )

    def operator(self, operator_id: str) -> Operator | None:
        return self._one(operators, Operator, operators.c.id == operator_id)

    def operator_with_licence(self, market_id: str, number: str) -> Operator | None:
        return self._one(
            operators,
            Operator,
            operators.c.market_id == market_id,
            operators.c.licence_number == number,
        )

    def operators(
        self, *, market_id: str | None = None, party_id: str | None = None
    ) -> list[Operator]:
        query = select(operators.c.body).order_by(operators.c.id)
        if market_id is not None:
            query = query.where(operators.c.market_id == market_id)
        if party_id is not None:
            query = query.where(operators.c.party_id == party_id)
        return self._all(Operator, query)

    def add_buyer(self, buyer: Buyer) -> None:
        self.connection.execute(
            insert(buyers).values(
                id=buyer.id,
                market_id=buyer.market_id,
                party_id=buyer.party_id,
                document_kind=buyer.document_kind.value,
                document_number=buyer.document_number,
                body=_json(buyer),
            )
        )

    def buyer(self, buyer_id: str) -> Buyer | None:
        return self._one(buyers, Buyer, buyers.c.id == buyer_id)

    def buyer_with_document(self, market_id: str, kind: DocumentKind, number: str) -> Buyer | None:
        return self._one(
            buyers,
            Buyer,
            buyers.c.market_id == market_id,
            buyers.c.document_kind == kind.value,
            buyers.c.document_number == number,
        )

    def buyers(self, *, market_id: str | None = None, party_id: str | None = None) -> list[Buyer]:
        query = select(buyers.c.body).order_by(buyers.c.id)
        if market_id is not None:
            query = query.where(buyers.c.market_id == market_id)
        if party_id is not None:
            query = query.where(buyers.c.party_id == party_id)
        return self._all(Buyer, query)

    def add_agent(self, agent: Agent) -> None:
        self.connection.execute(
            insert(agents).values(
                id=agent.id, party_id=agent.party_id, uscc=agent.uscc, body=_json(agent)
            )
        )

    def agent(self, agent_id: str) -> Agent | None:
        return self._one(agents, Agent, agents.c.id == agent_id)

    def agent_with_uscc(self, uscc: str) -> Agent | None:
        return self._one(agents, Agent, agents.c.uscc == uscc)

    def agents(self, *, party_id: str | None = None) -> list[Agent]:
        query = select(agents.c.body).order_by(agents.c.id)
        if party_id is not None:
            query = query.where(agents.c.party_id == party_id)
        return self._all(Agent, query)

    def put_commission(self, commission: Commission) -> None:
        statement = dialect_insert(self.connection)(commissions).values(
            buyer_id=commission.buyer_id, agent_id=commission.agent_id, body=_json(commission)
        )
        self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=["buyer_id", "agent_id"], set_={"body": statement.excluded.body}
            )
        )

    def commission(self, buyer_id: str, agent_id: str) -> Commission | None:
        return self._one(
            commissions,
            Commission,
            commissions.c.buyer_id == buyer_id,
            commissions.c.agent_id == agent_id,
        )

    def commissions(
        self, *, buyer_id: str | None = None, agent_id: str | None = None
    ) -> list[Commission]:
        query = select(commissions.c.body).order_by(commissions.c.buyer_id, commissions.c.agent_id)
        if buyer_id is not None:
            query = query.where(commissions.c.buyer_id == buyer_id)
        if agent_id is not None:
            query = query.where(commissions.c.agent_id == agent_id)
        return self._all(Commission, query)

    # sales

    def _sale_columns(self, sale: Transaction) -> dict[str, object]:
        return {
            "market_id": sale.market_id,
            "operator_id": sale.operator_id,
            "buyer_id": sale.buyer_id,
            "shipment_id": sale.shipment_id,
            "state": sale.state.value,
            "sold_on": sale.sold_on.isoformat(),
            "revision": sale.revision,
            "body": _json(sale),
        }

    def _revise(self, sale: Transaction) -> None:
        self.connection.execute(
            insert(transaction_revisions).values(
                transaction_id=sale.id, revision=sale.revision, body=_json(sale)
            )
        )

    def add_transaction(self, sale: Transaction) -> None:
        self.connection.execute(insert(transactions).values(id=sale.id, **self._sale_columns(sale)))
        self._revise(sale)

    def save_transaction(self, sale: Transaction, previous_revision: int) -> None:
        changed = self.connection.execute(
            update(transactions)
            .where(transactions.c.id == sale.id, transactions.c.revision == previous_revision)
            .values(**self._sale_columns(sale))
        ).rowcount
        if changed != 1:
            raise Conflict(
                "MPT.sale.changed",
                "the transaction changed meanwhile; read it again",
                "交易已被他人修改，请刷新后重试",
            )
        self._revise(sale)

    def transaction(self, transaction_id: str) -> Transaction | None:
        return self._one(transactions, Transaction, transactions.c.id == transaction_id)

    def transaction_revisions(self, transaction_id: str) -> list[Transaction]:
        """Every revision of a sale as it stood, oldest first."""
        query = (
            select(transaction_revisions.c.body)
            .where(transaction_revisions.c.transaction_id == transaction_id)
            .order_by(transaction_revisions.c.revision)
        )
        return self._all(Transaction, query)

    def transactions(
        self,
        *,
        market_id: str | None = None,
        operator_ids: tuple[str, ...] | None = None,
        buyer_ids: tuple[str, ...] | None = None,
        shipment_id: str | None = None,
        state: SaleState | None = None,
    ) -> list[Transaction]:
        query = select(transactions.c.body).order_by(
            transactions.c.sold_on.desc(), transactions.c.id.desc()
        )
        parties = []
        if operator_ids is not None:
            parties.append(transactions.c.operator_id.in_(operator_ids))
        if buyer_ids is not None:
            parties.append(transactions.c.buyer_id.in_(buyer_ids))
        if parties:
            query = query.where(or_(*parties))
        if market_id is not None:
            query = query.where(transactions.c.market_id == market_id)
        if shipment_id is not None:
            query = query.where(transactions.c.shipment_id == shipment_id)
        if state is not None:
            query = query.where(transactions.c.state == state.value)
        return self._all(Transaction, query)

    # shipments and receipts

    def _shipment_columns(self, shipment: Shipment) -> dict[str, object]:
        return {
            "market_id": shipment.market_id,
            "agent_id": shipment.agent_id,
            "buyer_id": shipment.buyer_id,
            "state": shipment.state.value,
            "created_at": shipment.created_at,
            "body": _json(shipment),
        }

    def add_shipment(self, shipment: Shipment) -> None:
        self.connection.execute(
            insert(shipments).values(id=shipment.id, **self._shipment_columns(shipment))
        )

    def save_shipment(self, shipment: Shipment) -> None:
        self.connection.execute(
            update(shipments)
            .where(shipments.c.id == shipment.id)
            .values(**self._shipment_columns(shipment))
        )

    def shipment(self, shipment_id: str) -> Shipment | None:
        return self._one(shipments, Shipment, shipments.c.id == shipment_id)

    def shipments(
        self,
        *,
        market_id: str | None = None,
        agent_ids: tuple[str, ...] | None = None,
        buyer_ids: tuple[str, ...] | None = None,
    ) -> list[Shipment]:
        query = select(shipments.c.body).order_by(
            shipments.c.created_at.desc(), shipments.c.id.desc()
        )
        parties = []
        if agent_ids is not None:
            parties.append(shipments.c.agent_id.in_(agent_ids))
        if buyer_ids is not None:
            parties.append(shipments.c.buyer_id.in_(buyer_ids))
        if parties:
            query = query.where(or_(*parties))
        if market_id is not None:
            query = query.where(and_(shipments.c.market_id == market_id))
        return self._all(Shipment, query)

    def add_fx_receipt(self, receipt: FxReceipt) -> None:
        self.connection.execute(
            insert(fx_receipts).values(
                id=receipt.id,
                shipment_id=receipt.shipment_id,
                operator_id=receipt.operator_id,
                body=_json(receipt),
            )
        )

    def fx_receipts(
        self, *, shipment_id: str | None = None, operator_id: str | None = None
    ) -> list[FxReceipt]:
        query = select(fx_receipts.c.body).order_by(fx_receipts.c.id)
        if shipment_id is not None:
            query = query.where(fx_receipts.c.shipment_id == shipment_id)
        if operator_id is not None:
            query = query.where(fx_receipts.c.operator_id == operator_id)
        return self._all(FxReceipt, query)


class SqlProcurementStore:
    """A ``ProcurementStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def writing(self) -> Iterator[SqlProcurementRecords]:
        try:
            with writer(self.engine) as connection:
                yield SqlProcurementRecords(connection)
        except IntegrityError as error:  # a concurrent registration stored the same key first
            raise DuplicateRecord(str(error.orig)) from error

    @contextmanager
    def reading(self) -> Iterator[SqlProcurementRecords]:
        with reader(self.engine) as connection:
            yield SqlProcurementRecords(connection)
