"""A day of GBA CBEC import traffic for the demo: out of order, with faults on purpose.

Orders are placed over the day following ``seasons.HOURLY`` (China time). Each set's payment
follows within two minutes, the waybill within hours and the list within hours too, but in
about one set in eight the list overtakes a companion (systems lag, agents declare early).
Documents are batched per sender: a message leaves when it holds ``per_message`` documents
or its first document has waited five minutes. Companions of the evening's orders may be
declared after midnight, as they are in real life.

``DemoDay.expectations`` says which sets were spoiled on purpose and what clearance should
make of them; every other set is valid and matching.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

import msgspec

from tradewindow.cbec.documents import CHINA_TZ, Document, Message, Order
from tradewindow.demo.faults import (
    DEFAULT_RATES,
    LIMIT_GROUP,
    Expectation,
    FaultKind,
    Injection,
    Repeat,
    inject,
)
from tradewindow.demo.market import Market, flatten
from tradewindow.demo.parties import Party
from tradewindow.demo.seasons import HOURLY
from tradewindow.demo.sets import MAX_PER_MESSAGE, Outbox, changed_order, order_message
from tradewindow.demo.tradeset import TradeSet, local_seconds

BATCH_WINDOW = 300  # seconds a document waits in its sender's buffer at most
OVERTAKE = 0.12  # share of sets whose list is declared before one of its companions
REPEAT_AFTER = 900  # seconds between a message and its repetition
_HOURS = flatten(range(24), HOURLY)


@dataclass(frozen=True)
class DemoDay:
    """The messages of a generated day and the faults injected into it."""

    day: date
    sets: int
    messages: list[Message]
    expectations: list[Expectation]

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def fault_counts(self) -> Counter[FaultKind]:
        """Sets touched by each kind of fault."""
        counts: Counter[FaultKind] = Counter()
        for expectation in self.expectations:
            counts[expectation.fault] += len(expectation.order_keys)
        return counts


def fault_plan(sets: int, rates: Mapping[FaultKind, float]) -> list[FaultKind]:
    """How many of each fault a day of ``sets`` gets: the rate × sets, rounded."""
    plan: list[FaultKind] = []
    for kind, rate in rates.items():
        if kind is FaultKind.ANNUAL_LIMIT:
            plan += [kind] * round(sets * rate / LIMIT_GROUP)
        else:
            plan += [kind] * round(sets * rate)
    return plan


def generate_day(
    day: date,
    *,
    sets: int,
    seed: int,
    faults: bool = True,
    rates: Mapping[FaultKind, float] = DEFAULT_RATES,
    per_message: int = MAX_PER_MESSAGE,
) -> DemoDay:
    """``sets`` purchases placed on ``day``, as the messages customs receives, in order.

    With ``faults`` about 4 % of the sets are spoiled as ``rates`` says (see
    ``faults.DEFAULT_RATES``); the same (day, sets, seed) always gives the same bytes.
    Iterating the result yields its messages.
    """
    rng = random.Random(f"tradewindow-demo:{seed}:{day.isoformat()}")
    market = Market(rng, buyers=max(500, sets // 2))
    midnight = local_seconds(datetime.combine(day, time(), CHINA_TZ))
    plan: list[FaultKind | None] = list(fault_plan(sets, rates)) if faults else []
    spoiled = sum(LIMIT_GROUP if k is FaultKind.ANNUAL_LIMIT else 1 for k in plan)
    if spoiled > sets:
        raise ValueError(f"{sets} sets cannot hold the {spoiled} sets the fault rates ask for")
    plan += [None] * (sets - spoiled)
    rng.shuffle(plan)

    def timing() -> tuple[int, int, int, int]:
        return _timing(rng, midnight)

    schedule = _Schedule()
    expectations: list[Expectation] = []
    for kind in plan:
        if kind is None:
            schedule.add(market.purchase(timing()))
            continue
        injection = inject(kind, market, timing)
        expectation = injection.expectation
        if injection.repeat is not None:
            guid = market.factory.guid()
            schedule.repeat(injection, guid)
            expectation = msgspec.structs.replace(expectation, message_guid=guid)
        else:
            for s in injection.sets:
                schedule.add(s, waybill=not injection.drop_waybill)
        expectations.append(expectation)
    messages = schedule.messages(Outbox(market.factory.guid, per_message))
    return DemoDay(day, sets, messages, expectations)


def _timing(rng: random.Random, midnight: int) -> tuple[int, int, int, int]:
    """Order, payment, waybill and list times (local seconds) of one set."""
    ordered = midnight + rng.choice(_HOURS) * 3_600 + rng.randrange(3_600)
    paid = ordered + rng.randrange(5, 120)
    waybill = ordered + rng.randrange(600, 4 * 3_600)
    listed = waybill + rng.randrange(60, 2 * 3_600)
    if rng.random() < OVERTAKE:
        # The list overtakes one companion: it is declared early, the companion late.
        slot = rng.randrange(3)
        early = ordered + rng.randrange(30, 300)
        late = listed + rng.randrange(60, 1_800)
        if slot == 0:
            return late, late + 5, waybill, early
        if slot == 1:
            return ordered, late, waybill, early
        return ordered, paid, late, early
    return ordered, paid, waybill, listed


class _Schedule:
    """Documents (and whole messages) by the time they are sent."""

    def __init__(self) -> None:
        # (time, sequence, sender, document) or (time, sequence, None, ready message)
        self._events: list[tuple[int, int, Party | None, Document | Message]] = []

    def _push(self, at: int, sender: Party | None, item: Document | Message) -> None:
        self._events.append((at, len(self._events), sender, item))

    def add(self, s: TradeSet, *, order: bool = True, waybill: bool = True) -> None:
        if order:
            self._push(_seconds(s.order.head.app_time), s.platform, s.order)
        self._push(_seconds(s.payment.head.app_time), s.pay_firm, s.payment)
        if waybill:
            self._push(_seconds(s.waybill.head.app_time), s.carrier, s.waybill)
        self._push(_seconds(s.inventory.head.app_time), s.agent, s.inventory)

    def repeat(self, injection: Injection, guid: str) -> None:
        """The set's order travels alone, then again: the same bytes or other content."""
        s = injection.sets[0]
        self.add(s, order=False)
        first = order_message(guid, s.platform, [s.order])
        again: Order = s.order if injection.repeat is Repeat.SAME else changed_order(s.order)
        at = _seconds(s.order.head.app_time)
        self._push(at, None, first)
        self._push(at + REPEAT_AFTER, None, order_message(guid, s.platform, [again]))

    def messages(self, outbox: Outbox) -> list[Message]:
        heapq.heapify(self._events)
        out: list[Message] = []
        minute = -1
        while self._events:
            at, _, sender, item = heapq.heappop(self._events)
            if at // 60 != minute:
                minute = at // 60
                out += outbox.flush(opened_before=at - BATCH_WINDOW + 1)
            if sender is None:
                out.append(item)  # type: ignore[arg-type]  # a ready message
            elif (message := outbox.add(sender, item, at)) is not None:  # type: ignore[arg-type]
                out.append(message)
        out += outbox.flush()
        return out


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@cache
def _day_seconds(day_text: str) -> int:
    day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:8]))
    return (day.toordinal() - _EPOCH_ORDINAL) * 86_400


def _seconds(app_time: str) -> int:
    """Local seconds of a ``yyyyMMddHHmmss`` text the generator wrote (so well formed)."""
    return (
        _day_seconds(app_time[:8])
        + int(app_time[8:10]) * 3_600
        + int(app_time[10:12]) * 60
        + int(app_time[12:14])
    )
