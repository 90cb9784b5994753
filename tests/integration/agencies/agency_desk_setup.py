"""Filings cleared by the real CBEC engine, then handed to the agencies' desk."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import msgspec
from sqlalchemy import select

import builders as b
from tradewindow.agencies.queue import AgencyDesk, Task
from tradewindow.cbec.clearance import Clearance, Submission
from tradewindow.cbec.documents import Inventory, Message
from tradewindow.cbec.ports import DocKind, DocStatus
from tradewindow.cbec.receipts import TaxBill
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import SqlStore
from tradewindow.store.schema import tax_bills


def clear(store: SqlStore, *sets: b.ImportSet) -> None:
    """Send every set's four messages through CBEC clearance; each list must be released."""
    clearance = Clearance(
        store, codes=ReferenceCodeTables(), rates=TariffRates(),
        match_timeout=timedelta(hours=24), clock=lambda: b.NOW,
    )  # fmt: skip
    messages: list[Message] = [m for s in sets for m in s.messages]
    clearance.submit([_submission(m) for m in messages])
    keys = [key(s) for s in sets]
    with store.unit_of_work() as uow:
        stored = uow.documents(DocKind.INVENTORY, keys)
    assert {k: stored[k].status for k in keys} == dict.fromkeys(keys, DocStatus.RELEASED)


def route(desk: AgencyDesk, store: SqlStore, parcel: b.ImportSet) -> list[Task]:
    """What the CBEC release path does: route the released list with its companions."""
    return desk.route_released_list(
        key(parcel),
        parcel.inventory,
        (parcel.order, parcel.payment, parcel.waybill, stored_tax_bill(store, parcel)),
    )


def stored_tax_bill(store: SqlStore, parcel: b.ImportSet) -> TaxBill | None:
    with store.engine.connect() as connection:
        body = connection.execute(
            select(tax_bills.c.body).where(tax_bills.c.doc_key == key(parcel))
        ).scalar()
    return None if body is None else msgspec.json.decode(body, type=TaxBill)


def key(parcel: b.ImportSet) -> str:
    head = parcel.inventory.head
    return f"{head.ebp_code}|{head.order_no}"


def parcel(n: int, **overrides: str) -> b.ImportSet:
    """The n-th distinct parcel; ``overrides`` change its list head (e.g. traf_mode)."""
    base = b.import_set(order_no=f"SO2026030100{n:02d}", logistics_no=f"SF12345678{n:05d}")
    if not overrides:
        return base
    inventory: Inventory = msgspec.structs.replace(
        base.inventory, head=msgspec.structs.replace(base.inventory.head, **overrides)
    )
    return b.ImportSet(
        order=base.order, payment=base.payment, waybill=base.waybill, inventory=inventory
    )


def _submission(message: Message) -> Submission:
    data = msgspec.json.encode(message)
    return Submission(message=message, digest=hashlib.sha256(data).hexdigest(), received_at=b.NOW)
