"""``cbec.ports.LifecycleRecords`` over SQLAlchemy Core, inside the clearance unit of work
it joins (the part ``cbec.ports.CBEC_LIFECYCLE``).

(Over 400 lines: the one adapter of ``cbec.ports.LifecycleRecords``, one short method per port
method over the CBEC tables of a list's life, each row written with its partition key.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, case, delete, func, literal, select, update

from tradewindow.cbec.ports import (
    BillAgent,
    DocKind,
    DocStatus,
    Guarantee,
    ParcelEvent,
    ReturnedLine,
    StockMove,
    TaxAdjustment,
    TaxBillRecord,
)
from tradewindow.cbec.receipts import ReturnStatus
from tradewindow.store.cbec.tables import (
    bill_agents,
    guarantee_holds,
    guarantees,
    parcel_events,
    returned_lines,
    stock_moves,
    tax_adjustments,
    tax_payments,
)
from tradewindow.store.order_keys import order_no_of_list
from tradewindow.store.schema import documents, receipts, tax_bills
from tradewindow.store.types import Money

_CHUNK = 500  # keys per IN (…): well below SQLite's and PostgreSQL's parameter limits


class SqlLifecycleRecords:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def released_at(self, list_keys: Collection[str]) -> dict[str, datetime]:
        found: dict[str, datetime] = {}
        for chunk in _chunks(list_keys):
            query = (
                select(receipts.c.doc_key, func.max(receipts.c.created_at).label("at"))
                .where(
                    receipts.c.kind == DocKind.INVENTORY.value,
                    receipts.c.receipt_type == "CEB622",
                    receipts.c.status == ReturnStatus.RELEASED.value,
                    receipts.c.doc_key.in_(chunk),
                )
                .group_by(receipts.c.doc_key)
            )
            # max() keeps the column's type: the time comes back aware, on either database
            found.update({row.doc_key: row.at for row in self._connection.execute(query)})
        return found

    def tax_bills(self, list_keys: Collection[str]) -> dict[str, TaxBillRecord]:
        found: dict[str, TaxBillRecord] = {}
        for chunk in _chunks(list_keys):
            query = (
                select(tax_bills)
                .where(tax_bills.c.doc_key.in_(chunk))
                .order_by(tax_bills.c.created_at)
            )
            for row in self._connection.execute(query):
                found[row.doc_key] = TaxBillRecord(  # the latest bill of a list wins
                    tax_no=row.tax_no,
                    invt_no=row.invt_no,
                    doc_key=row.doc_key,
                    buyer=row.buyer,
                    customs_tax=row.customs_tax,
                    value_added_tax=row.value_added_tax,
                    consumption_tax=row.consumption_tax,
                    created_at=row.created_at,
                    body=bytes(row.body),
                )
        return found

    def adjustments(self, tax_nos: Collection[str]) -> list[TaxAdjustment]:
        found: list[TaxAdjustment] = []
        for chunk in _chunks(tax_nos):
            query = (
                select(tax_adjustments)
                .where(tax_adjustments.c.tax_no.in_(chunk))
                .order_by(tax_adjustments.c.id)
            )
            found += [
                TaxAdjustment(
                    tax_no=row.tax_no,
                    list_key=row.list_key,
                    cause=row.cause,
                    ref_key=row.ref_key,
                    customs_tax=row.customs_tax,
                    value_added_tax=row.value_added_tax,
                    consumption_tax=row.consumption_tax,
                    at=row.at,
                )
                for row in self._connection.execute(query)
            ]
        return found

    def add_adjustments(self, rows: Sequence[TaxAdjustment]) -> None:
        if rows:
            self._connection.execute(
                tax_adjustments.insert(),
                [
                    {
                        "tax_no": a.tax_no,
                        "list_key": a.list_key,
                        "cause": a.cause,
                        "ref_key": a.ref_key,
                        "customs_tax": a.customs_tax,
                        "value_added_tax": a.value_added_tax,
                        "consumption_tax": a.consumption_tax,
                        "at": a.at,
                        "order_no": order_no_of_list(a.list_key),
                    }
                    for a in rows
                ],
            )

    def returned_lines(self, list_keys: Collection[str]) -> list[ReturnedLine]:
        found: list[ReturnedLine] = []
        for chunk in _chunks(list_keys):
            query = (
                select(returned_lines)
                .where(returned_lines.c.list_key.in_(chunk))
                .order_by(returned_lines.c.id)
            )
            found += [
                ReturnedLine(
                    refund_key=row.refund_key,
                    list_key=row.list_key,
                    gnum=row.gnum,
                    qty=row.qty,
                    value=row.value,
                    customs_tax=row.customs_tax,
                    value_added_tax=row.value_added_tax,
                    consumption_tax=row.consumption_tax,
                    status=DocStatus(row.status),
                    at=row.at,
                )
                for row in self._connection.execute(query)
            ]
        return found

    def add_returned_lines(self, rows: Sequence[ReturnedLine]) -> None:
        if rows:
            self._connection.execute(returned_lines.insert(), [_line(r) for r in rows])

    def set_return_status(self, refund_key: str, status: DocStatus) -> None:
        self._connection.execute(
            update(returned_lines)
            .where(returned_lines.c.refund_key == refund_key)
            .values(status=status.value)
        )

    def parcel_events(self, waybill_keys: Collection[str]) -> list[ParcelEvent]:
        found: list[ParcelEvent] = []
        for chunk in _chunks(waybill_keys):
            query = (
                select(parcel_events)
                .where(parcel_events.c.waybill_key.in_(chunk))
                .order_by(parcel_events.c.id)
            )
            found += [
                ParcelEvent(
                    waybill_key=row.waybill_key,
                    kind=row.kind,
                    at=row.at,
                    ref_key=row.ref_key,
                    recorded_at=row.recorded_at,
                )
                for row in self._connection.execute(query)
            ]
        return found

    def add_parcel_events(self, rows: Sequence[ParcelEvent]) -> None:
        if rows:
            self._connection.execute(
                parcel_events.insert(),
                [
                    {
                        "waybill_key": e.waybill_key,
                        "kind": e.kind,
                        "at": e.at,
                        "ref_key": e.ref_key,
                        "recorded_at": e.recorded_at,
                    }
                    for e in rows
                ],
            )

    def remove_parcel_events(self, waybill_key: str, kind: str) -> None:
        self._connection.execute(
            delete(parcel_events).where(
                parcel_events.c.waybill_key == waybill_key, parcel_events.c.kind == kind
            )
        )

    def stock_balances(self, items: Collection[tuple[str, str]]) -> dict[tuple[str, str], Decimal]:
        found: dict[tuple[str, str], Decimal] = {}
        by_book: dict[str, list[str]] = {}
        for ems_no, item in sorted(set(items)):
            by_book.setdefault(ems_no, []).append(item)
        for ems_no, wanted in by_book.items():
            for chunk in _chunks(wanted):
                query = (
                    select(stock_moves.c.item, func.sum(stock_moves.c.qty).label("balance"))
                    .where(stock_moves.c.ems_no == ems_no, stock_moves.c.item.in_(chunk))
                    .group_by(stock_moves.c.item)
                )
                for row in self._connection.execute(query):
                    found[(ems_no, row.item)] = row.balance
        return found

    def add_stock_moves(self, moves: Sequence[StockMove]) -> None:
        if moves:
            self._connection.execute(
                stock_moves.insert(),
                [
                    {"ems_no": m.ems_no, "item": m.item, "qty": m.qty, "cause": m.cause,
                     "ref": m.ref, "at": m.at}
                    for m in moves
                ],
            )  # fmt: skip

    def released_refs(self, list_keys: Collection[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list_keys):
            query = (
                select(stock_moves.c.ref)
                .where(stock_moves.c.cause == "release", stock_moves.c.ref.in_(chunk))
                .distinct()
            )
            found.update(self._connection.execute(query).scalars())
        return found

    def kept_books(self, ems_nos: Collection[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(ems_nos):
            query = select(stock_moves.c.ems_no).where(stock_moves.c.ems_no.in_(chunk)).distinct()
            found.update(self._connection.execute(query).scalars())
        return found

    def stock_moves(self, ems_no: str | None = None) -> list[StockMove]:
        query = select(stock_moves).order_by(stock_moves.c.id)
        if ems_no is not None:
            query = query.where(stock_moves.c.ems_no == ems_no)
        return [
            StockMove(ems_no=row.ems_no, item=row.item, qty=row.qty, cause=row.cause,
                      ref=row.ref, at=row.at)
            for row in self._connection.execute(query)
        ]  # fmt: skip

    def add_bill_agents(self, rows: Sequence[BillAgent]) -> None:
        if rows:
            self._connection.execute(
                bill_agents.insert(),
                [
                    {"tax_no": r.tax_no, "list_key": r.list_key, "invt_no": r.invt_no,
                     "agent": r.agent, "issued": r.issued, "released_at": r.released_at,
                     "order_no": order_no_of_list(r.list_key)}
                    for r in rows
                ],
            )  # fmt: skip

    def bill_agents(
        self, *, agent: str | None = None, tax_nos: Collection[str] | None = None
    ) -> list[BillAgent]:
        query = select(bill_agents).order_by(bill_agents.c.released_at, bill_agents.c.tax_no)
        if agent is not None:
            query = query.where(bill_agents.c.agent == agent)
        rows: list[Any] = []
        if tax_nos is None:
            rows = list(self._connection.execute(query))
        else:
            for chunk in _chunks(tax_nos):
                rows += self._connection.execute(query.where(bill_agents.c.tax_no.in_(chunk)))
        return [
            BillAgent(tax_no=r.tax_no, list_key=r.list_key, invt_no=r.invt_no, agent=r.agent,
                      issued=r.issued, released_at=r.released_at)
            for r in rows
        ]  # fmt: skip

    def guarantee(self, agent: str) -> Guarantee | None:
        row = self._connection.execute(
            select(guarantees).where(guarantees.c.agent == agent)
        ).first()
        return None if row is None else Guarantee(agent=row.agent, amount=row.amount, used=row.used)

    def guarantees(self, agents: Collection[str]) -> dict[str, Guarantee]:
        found: dict[str, Guarantee] = {}
        for chunk in _chunks(agents):
            query = select(guarantees).where(guarantees.c.agent.in_(chunk))
            for row in self._locked(query.order_by(guarantees.c.agent)):
                found[row.agent] = Guarantee(agent=row.agent, amount=row.amount, used=row.used)
        return found

    def _locked(self, query: Any) -> Any:
        """The rows of ``query`` (a partition's records lock them: ``FOR UPDATE``)."""
        return self._connection.execute(query)

    def set_guarantee(self, agent: str, amount: Decimal, at: datetime) -> None:
        updated = self._connection.execute(
            update(guarantees).where(guarantees.c.agent == agent).values(amount=amount, set_at=at)
        )
        if updated.rowcount == 0:
            self._connection.execute(
                guarantees.insert().values(agent=agent, amount=amount, used=Decimal(0), set_at=at)
            )

    def use_guarantee(self, agent: str, delta: Decimal) -> None:
        kept = self.guarantee(agent)
        if kept is None:
            return
        # never below nothing: a reduction of a bill issued before the guarantee was set
        used = max(kept.used + delta, Decimal(0))
        self._connection.execute(
            update(guarantees).where(guarantees.c.agent == agent).values(used=used)
        )

    def use_guarantees(self, deltas: Mapping[str, Decimal]) -> None:
        rows = [{"agent_": agent, "delta_": delta} for agent, delta in sorted(deltas.items())]
        if not rows:
            return
        grown = guarantees.c.used + bindparam("delta_", type_=Money())
        none = literal(Decimal(0), Money())
        self._connection.execute(
            update(guarantees)
            .where(guarantees.c.agent == bindparam("agent_"))
            .values(used=case((grown < none, none), else_=grown)),  # never below nothing
            rows,
        )

    def payments(self, tax_nos: Collection[str]) -> dict[str, Decimal]:
        found: dict[str, Decimal] = {}
        for chunk in _chunks(tax_nos):
            query = (
                select(tax_payments.c.tax_no, func.sum(tax_payments.c.amount).label("paid"))
                .where(tax_payments.c.tax_no.in_(chunk))
                .group_by(tax_payments.c.tax_no)
            )
            found.update({row.tax_no: row.paid for row in self._connection.execute(query)})
        return found

    def payment(self, payment_id: str) -> tuple[str, str, Decimal, datetime] | None:
        row = self._connection.execute(
            select(tax_payments).where(tax_payments.c.payment_id == payment_id)
        ).first()
        return None if row is None else (row.tax_no, row.agent, row.amount, row.paid_at)

    def add_payment(
        self, payment_id: str, tax_no: str, agent: str, amount: Decimal, paid_at: datetime,
        at: datetime,
    ) -> None:  # fmt: skip
        self._connection.execute(
            tax_payments.insert().values(
                payment_id=payment_id,
                tax_no=tax_no,
                agent=agent,
                amount=amount,
                paid_at=paid_at,
                recorded_at=at,
            )
        )

    def add_hold(self, list_key: str, agent: str, tax: Decimal, at: datetime) -> None:
        self.remove_hold(list_key)
        self._connection.execute(
            guarantee_holds.insert(),
            {"list_key": list_key, "agent": agent, "tax": tax, "held_at": at,
             "order_no": order_no_of_list(list_key)},
        )  # fmt: skip

    def holds(self, agent: str) -> list[str]:
        query = (
            select(guarantee_holds.c.list_key)
            .where(guarantee_holds.c.agent == agent)
            .order_by(guarantee_holds.c.held_at, guarantee_holds.c.list_key)
        )
        return list(self._connection.execute(query).scalars())

    def remove_hold(self, list_key: str) -> None:
        held = guarantee_holds.c
        self._connection.execute(  # by its primary key (order_no, list_key): one shard
            delete(guarantee_holds).where(
                held.order_no == order_no_of_list(list_key), held.list_key == list_key
            )
        )

    def list_of_parcel(self, waybill_key: str) -> str | None:
        query = (
            select(documents.c.key)
            .where(
                documents.c.kind == DocKind.INVENTORY.value,
                documents.c.waybill_ref == waybill_key,
            )
            .order_by(documents.c.updated_at.desc())
            .limit(1)
        )
        found: str | None = self._connection.execute(query).scalar_one_or_none()
        return found


def _line(r: ReturnedLine) -> dict[str, Any]:
    return {
        "refund_key": r.refund_key,
        "list_key": r.list_key,
        "gnum": r.gnum,
        "qty": r.qty,
        "value": r.value,
        "customs_tax": r.customs_tax,
        "value_added_tax": r.value_added_tax,
        "consumption_tax": r.consumption_tax,
        "status": r.status.value,
        "at": r.at,
        "order_no": order_no_of_list(r.list_key),
    }


def _chunks(values: Collection[str]) -> Iterator[list[str]]:
    wanted = sorted(set(values))
    for start in range(0, len(wanted), _CHUNK):
        yield wanted[start : start + _CHUNK]
