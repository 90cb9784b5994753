"""Events across processes: the relay puts stored events on the bus (the events table is its
outbox), the fan-out takes them off, matches subscriptions and owes callbacks.

Both are at-least-once on the bus and exactly-once where it counts: the relay's message ID is
``<eventID>@<seq>`` so a republish after a crash is dropped by the bus (JetStream
``Nats-Msg-Id``), and the fan-out acknowledges a message only after the deliveries it owes are
committed, each once per (subscription, eventID), so a redelivered message owes nothing new.
"""

from __future__ import annotations

import msgspec

from tradewindow.bus.ports import Bus, Consumer, Message
from tradewindow.logistics.callbacks import CallbackDelivery, DeliveryReport
from tradewindow.logistics.events import EventService
from tradewindow.logistics.filters import facts
from tradewindow.logistics.model import decode_event
from tradewindow.logistics.subscriptions import SubscriptionService


class Envelope(msgspec.Struct, frozen=True, kw_only=True):
    event_id: str
    publisher: str
    retracted: bool
    event: msgspec.Raw


_envelope_decoder = msgspec.json.Decoder(Envelope)


def subject(prefix: str, event_type: str) -> str:
    return f"{prefix}.events.{event_type.lower()}"


class Relay:
    """Publishes every stored change to the bus, in ``seq`` order, resuming at its mark."""

    def __init__(
        self, events: EventService, bus: Bus, *, name: str = "events", prefix: str = "tw"
    ) -> None:
        self.events = events
        self.bus = bus
        self.name = name
        self.prefix = prefix

    async def pump(self, limit: int = 500) -> int:
        """Publish the next changes after the mark; the number published."""
        changes = self.events.changes_after(self._mark(), limit)
        for change in changes:
            kind = msgspec.json.decode(change.body, type=dict[str, object]).get("eventType")
            envelope = Envelope(
                event_id=change.event_id,
                publisher=change.publisher,
                retracted=change.retracted,
                event=msgspec.Raw(change.body),
            )
            await self.bus.publish(
                subject(self.prefix, str(kind)),
                msgspec.json.encode(envelope),
                msg_id=f"{change.event_id}@{change.seq}",
            )
        if changes:
            self._set_mark(changes[-1].seq)
        return len(changes)

    def _mark(self) -> int:
        return self.events.records.relay_mark(self.name)

    def _set_mark(self, seq: int) -> None:
        self.events.records.set_relay_mark(self.name, seq)


class Fanout:
    """Takes events off the bus: stores them (when this process has its own store), owes
    them to the matching subscriptions, acknowledges, then delivers what is due."""

    def __init__(
        self,
        events: EventService,
        subscriptions: SubscriptionService,
        delivery: CallbackDelivery,
        *,
        store_events: bool = True,
    ) -> None:
        self.events = events
        self.subscriptions = subscriptions
        self.delivery = delivery
        self.store_events = store_events

    def owe(self, message: Message) -> None:
        envelope = _envelope_decoder.decode(message.data)
        if envelope.retracted:
            if self.store_events:
                self.events.retract(envelope.event_id, publisher=envelope.publisher)
            return
        event = decode_event(envelope.event)
        if self.store_events:
            self.events.publish([event], publisher=envelope.publisher)
        audience = self.events.audience(envelope.event_id)
        if audience is None:  # refused here, or retracted meanwhile
            return
        targets = self.subscriptions.targets(facts(event), audience)
        self.delivery.enqueue(envelope.event_id, audience.seq, targets)

    async def run_once(
        self, consumer: Consumer, *, batch: int = 100, timeout: float = 1.0
    ) -> tuple[int, DeliveryReport]:
        """One round: fetch, owe, acknowledge, deliver. The number of messages taken and
        what delivery did."""
        messages = await consumer.fetch(batch, timeout)
        for message in messages:
            self.owe(message)
            await message.ack()
        return len(messages), await self.delivery.deliver_due()
