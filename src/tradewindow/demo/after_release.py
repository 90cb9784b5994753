"""The demo day after release (illustrative): bonded stock entered before the day, then —
once the agencies decided — parcels arriving at the supervised sites (CEB711), most signed
for (CEB513), a few lists cancelled (CEB623) and returned whole or in part (CEB625), some
returns refused (more than was released), and one withholding agent's tax guarantee set to
run low.

Late returns (after the 30th day) are not in the demo: nothing it records may be dated in the
future, and the day is yesterday. Everything is filed straight to clearance (as the loader's
other messages) and printed as a summary.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import msgspec

from tradewindow.bootstrap import App
from tradewindow.cbec.bonded import StockEntry, is_bonded, needed
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import Inventory, InventoryMessage, Message, Waybill, WaybillMessage
from tradewindow.cbec.keys import order_key, waybill_key
from tradewindow.cbec.lifecycle.cancellation import CANCELLABLE
from tradewindow.cbec.ports import DocKind, DocStatus, ReceiptRecord
from tradewindow.demo.lifecycle import (
    cancel_messages,
    cancel_of,
    delivery_message,
    delivery_of,
    refund_messages,
    return_of,
    status_messages,
    status_of,
)

SITE_OPERATOR = ("4403940099", "前海跨境电商监管中心")  # the supervised site of the demo
CANCEL_SHARE, WHOLE_SHARE, PARTIAL_SHARE, EXCEEDING_SHARE = 0.03, 0.02, 0.02, 0.005
SIGNED_SHARE = 0.7


class AfterRelease(msgspec.Struct, kw_only=True):
    arrived: int = 0
    signed: int = 0
    outcomes: dict[str, int] = msgspec.field(default_factory=dict)  # "CEB624:399" → n
    guarantee: tuple[str, Decimal, Decimal] | None = None  # agent, amount, left


def enter_bonded_stock(app: App, messages: Iterable[Message], actor: str) -> tuple[int, int]:
    """Stock for every bonded list of the day, a fifth more than they take, entered before
    they are cleared; (account books, items)."""
    wanted: Counter[tuple[str, str]] = Counter()
    for inventory in _lists(messages):
        if is_bonded(inventory):
            for item, qty in needed(inventory).items():
                wanted[item] += int(qty)
    entries = [
        StockEntry(ems_no=ems, item_record_no=item, qty=Decimal(math.ceil(qty * 1.2)),
                   source_declaration=f"5316{ems[-8:]}{index:06d}")
        for index, ((ems, item), qty) in enumerate(sorted(wanted.items()), 1)
    ]  # fmt: skip
    if entries:
        refused = app.clearance.enter_stock(entries, actor=actor)
        assert not refused, refused  # noqa: S101 - built valid
    return len({ems for ems, _ in wanted}), len(wanted)


def after_release(
    app: App, messages: Sequence[Message], *, seed: int, now: datetime
) -> AfterRelease:
    rng = random.Random(f"after-release:{seed}")
    lists = list(_lists(messages))
    waybills = {
        waybill_key(w.head.logistics_code, w.head.logistics_no): w
        for m in messages
        if isinstance(m, WaybillMessage)
        for w in m.waybills
    }
    status, numbers = _on_file(app, lists)
    released = [i for i in lists if status.get(_key(i)) is DocStatus.RELEASED]
    parcels = [w for i in released if (w := waybills.get(_parcel(i))) is not None]
    done = AfterRelease()
    made: list[ReceiptRecord] = []
    # the parcels reach the supervised site, under their master bills, a hundred at a time
    by_bill: dict[tuple[str, str | None], list[Waybill]] = {}
    for parcel in parcels:
        by_bill.setdefault((parcel.head.logistics_code, parcel.head.bill_no), []).append(parcel)
    arrived_at = now - timedelta(hours=6)
    deliveries = [
        delivery_message(delivery_of(group[start : start + 100], SITE_OPERATOR, "5349",
                                     arrived_at, number))
        for number, group in enumerate(by_bill.values(), 1)
        for start in range(0, len(group), 100)
    ]  # fmt: skip
    made += _file(app, deliveries, now)
    done.arrived = len(parcels)
    signed = [p for p in parcels if rng.random() < SIGNED_SHARE]
    statuses = status_messages([status_of(p, now - timedelta(hours=2)) for p in signed])
    made += _file(app, statuses, now)
    done.signed = len(signed)
    signed_keys = {waybill_key(p.head.logistics_code, p.head.logistics_no) for p in signed}
    cancels, refunds = [], []
    for inventory in lists:
        on_file, number = status.get(_key(inventory)), numbers.get(_key(inventory))
        if number is None:
            continue
        draw = rng.random()
        delivered = _parcel(inventory) in signed_keys
        if on_file in CANCELLABLE and not delivered and draw < CANCEL_SHARE:
            cancels.append(cancel_of(inventory, number, now))
        elif on_file is DocStatus.RELEASED and delivered:
            first = inventory.items[0]
            if draw < WHOLE_SHARE:
                refunds.append(return_of(inventory, number, now))
            elif draw < WHOLE_SHARE + PARTIAL_SHARE:
                refunds.append(return_of(inventory, number, now, {first.gnum: Decimal(1)}))
            elif draw < WHOLE_SHARE + PARTIAL_SHARE + EXCEEDING_SHARE:  # more than released
                refunds.append(return_of(inventory, number, now, {first.gnum: first.qty + 1}))
    made += _file(app, [*cancel_messages(cancels), *refund_messages(refunds)], now)
    done.outcomes = dict(sorted(Counter(f"{r.receipt_type}:{r.status}" for r in made).items()))
    done.guarantee = _guarantee_running_low(app)
    return done


def _guarantee_running_low(app: App) -> tuple[str, Decimal, Decimal] | None:
    """The agent with the most unpaid tax gets a guarantee 3 % above it."""
    owed: Counter[str] = Counter()
    outstanding: dict[str, Decimal] = {}
    for bill in app.clearance.tax_bills_of():
        owed[bill.agent] += 1
        outstanding[bill.agent] = outstanding.get(bill.agent, Decimal(0)) + bill.outstanding
    if not owed:
        return None
    agent = owed.most_common(1)[0][0]
    amount = (outstanding[agent] * Decimal("1.03")).quantize(Decimal("1"))
    app.clearance.set_guarantee(agent, amount)
    kept = app.clearance.guarantee(agent)
    left = kept.amount - kept.used if kept is not None else amount
    return agent, amount, left


def _file(app: App, messages: Sequence[Message], received: datetime) -> list[ReceiptRecord]:
    made: list[ReceiptRecord] = []
    for start in range(0, len(messages), 20):
        chunk = messages[start : start + 20]
        answers = app.clearance.submit(
            [
                Submission(
                    message=m,
                    digest=hashlib.sha256(msgspec.json.encode(m)).hexdigest(),
                    received_at=received,
                )
                for m in chunk
            ]
        )
        made += [r for a in answers for r in a.receipts]
    return made


def _lists(messages: Iterable[Message]) -> Iterable[Inventory]:
    for message in messages:
        if isinstance(message, InventoryMessage):
            yield from message.inventories


def _key(inventory: Inventory) -> str:
    return order_key(inventory.head.ebp_code, inventory.head.order_no)


def _parcel(inventory: Inventory) -> str:
    return waybill_key(inventory.head.logistics_code, inventory.head.logistics_no)


def _on_file(app: App, lists: Sequence[Inventory]) -> tuple[dict[str, DocStatus], dict[str, str]]:
    """Each list's status and number (invtNo) as stored."""
    keys = [_key(i) for i in lists]
    status: dict[str, DocStatus] = {}
    numbers: dict[str, str] = {}
    with app.store.unit_of_work() as uow:
        for start in range(0, len(keys), 900):
            stored = uow.documents(DocKind.INVENTORY, keys[start : start + 900])
            status.update({key: doc.status for key, doc in stored.items()})
            numbers.update({key: doc.invt_no for key, doc in stored.items() if doc.invt_no})
    return status, numbers
