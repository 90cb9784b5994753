"""Subscriptions and callback delivery over a real store; the receiver is an httpx mock
transport (no sockets), the clock is injected (no sleeping)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import msgspec
import pytest
from tnt_samples import CONTAINER, NOW, equipment, shipment

from tradewindow.bus.memory import InProcessBus
from tradewindow.logistics.callbacks import CallbackDelivery, RetryPolicy
from tradewindow.logistics.events import EventService, Viewer
from tradewindow.logistics.fanout import Fanout, Relay
from tradewindow.logistics.filters import facts
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.subscriptions import (
    NewSubscription,
    Subscription,
    SubscriptionNotFound,
    SubscriptionService,
)
from tradewindow.store import SqlStore
from tradewindow.violations import Rejected

SECRET = bytes(range(32))
SECRET_B64 = base64.b64encode(SECRET).decode()
OWNER = Viewer(party_id="carrier-1")
PUBLIC = EgressGuard(resolver=lambda host: ["93.184.216.34"])


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class Receiver:
    """Answers with the given statuses in turn (then 204) and records what it got."""

    def __init__(self, *answers: tuple[int, dict[str, str]]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, headers = self.answers.pop(0) if self.answers else (204, {})
        return httpx.Response(status, headers=headers)

    def event_ids(self) -> list[list[str]]:
        return [[e["eventID"] for e in msgspec.json.decode(r.content)] for r in self.requests]


class Rig(msgspec.Struct, kw_only=True):
    clock: Clock
    events: EventService
    subscriptions: SubscriptionService
    delivery: CallbackDelivery
    receiver: Receiver

    def run(self) -> None:
        asyncio.run(self.delivery.deliver_due())


@pytest.fixture
def rig(store: SqlStore) -> Callable[..., Rig]:
    def make(*answers: tuple[int, dict[str, str]], max_bundle: int = 100) -> Rig:
        clock = Clock()
        receiver = Receiver(*answers)
        events = EventService(store.logistics.events, clock=clock)
        subscriptions = SubscriptionService(
            store.logistics.subscriptions, secrets=SecretBox.generate(), guard=PUBLIC, clock=clock
        )
        client = httpx.AsyncClient(transport=httpx.MockTransport(receiver))
        delivery = CallbackDelivery(
            store.logistics.deliveries,
            subscriptions,
            guard=PUBLIC,
            client=client,
            clock=clock,
            policy=RetryPolicy(max_bundle=max_bundle),
        )
        return Rig(
            clock=clock,
            events=events,
            subscriptions=subscriptions,
            delivery=delivery,
            receiver=receiver,
        )

    return make


def subscribe(rig: Rig, **filters: object) -> str:
    body = NewSubscription(callback_url="https://cb.example.com/tnt", secret=SECRET_B64, **filters)  # type: ignore[arg-type]
    return rig.subscriptions.create(OWNER, body).subscription_id


def owe(rig: Rig, *made: object) -> None:
    rig.events.publish(list(made), publisher=OWNER.party_id)  # type: ignore[arg-type]
    for event in made:
        audience = rig.events.audience(event.event_id)  # type: ignore[attr-defined]
        assert audience is not None
        targets = rig.subscriptions.targets(facts(event), audience)  # type: ignore[arg-type]
        rig.delivery.enqueue(event.event_id, audience.seq, targets)  # type: ignore[attr-defined]


def test_signature_and_headers_verified_independently(rig: Callable[..., Rig]) -> None:
    r = rig()
    sid = subscribe(r)
    owe(r, equipment(event_id="e1"))
    r.run()
    [request] = r.receiver.requests
    expected = hmac.new(SECRET, request.content, hashlib.sha256).hexdigest()
    assert request.headers["Notification-Signature"] == f"sha256={expected}"
    assert request.headers["Subscription-ID"] == sid
    assert request.headers["API-Version"] == "2.2.0"
    assert msgspec.json.decode(request.content)[0]["equipmentReference"] == CONTAINER


def test_500_then_204_delivers_the_bundle_exactly_once(rig: Callable[..., Rig]) -> None:
    r = rig((500, {}))
    subscribe(r)
    owe(r, equipment(event_id="a"), equipment(event_id="b"))
    r.run()
    assert r.receiver.event_ids() == [["a", "b"]]
    r.run()  # not due yet: back-off of 60 s
    assert len(r.receiver.requests) == 1
    r.clock.now += timedelta(seconds=60)
    r.run()
    r.clock.now += timedelta(days=2)
    r.run()
    owe(r, equipment(event_id="a"))  # the bus redelivers: owed already, nothing new
    r.run()
    assert r.receiver.event_ids() == [["a", "b"], ["a", "b"]]  # one failure, one delivery


def test_back_off_doubles(rig: Callable[..., Rig]) -> None:
    r = rig((500, {}), (502, {}), (500, {}))
    subscribe(r)
    owe(r, equipment(event_id="a"))
    sent_at = []
    for _ in range(8 * 60):
        r.clock.now += timedelta(seconds=1)
        before = len(r.receiver.requests)
        r.run()
        if len(r.receiver.requests) > before:
            sent_at.append((r.clock.now - NOW).total_seconds())
    assert sent_at == [1, 61, 181, 421]  # waits of 60, 120 and 240 s


def test_413_halves_the_bundle(rig: Callable[..., Rig]) -> None:
    r = rig((413, {}), (413, {}))
    subscribe(r)
    owe(r, *(equipment(event_id=f"e{i}") for i in range(8)))
    r.run()
    assert [len(ids) for ids in r.receiver.event_ids()] == [8, 4, 2, 2, 2, 2]
    delivered = [i for ids in r.receiver.event_ids()[2:] for i in ids]
    assert delivered == [f"e{i}" for i in range(8)]


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(rig: Callable[..., Rig], status: int) -> None:
    r = rig((status, {"Retry-After": "600"}))
    subscribe(r)
    owe(r, equipment(event_id="a"))
    r.run()
    r.clock.now += timedelta(seconds=599)
    r.run()
    assert len(r.receiver.requests) == 1  # 60 s back-off would have retried by now
    r.clock.now += timedelta(seconds=1)
    r.run()
    assert len(r.receiver.requests) == 2


def test_redirects_are_not_followed(rig: Callable[..., Rig]) -> None:
    r = rig((307, {"Location": "http://169.254.169.254/latest"}))
    subscribe(r)
    owe(r, equipment(event_id="a"))
    r.run()
    # the call went to the checked address, for the subscriber's name
    assert [str(q.url) for q in r.receiver.requests] == ["https://93.184.216.34/tnt"]
    assert [q.headers["Host"] for q in r.receiver.requests] == ["cb.example.com"]
    assert [q.extensions["sni_hostname"] for q in r.receiver.requests] == ["cb.example.com"]
    assert r.delivery.states() != {}
    assert set(r.delivery.states().values()) == {"pending"}


def test_filters_and_visibility_choose_the_subscriptions(rig: Callable[..., Rig]) -> None:
    r = rig()
    wants_load = subscribe(r, equipment_event_type_code=("LOAD",))
    wants_shipments = subscribe(r, event_type=("SHIPMENT",))
    stranger = r.subscriptions.create(
        Viewer(party_id="stranger"),
        NewSubscription(callback_url="https://x.example/cb", secret=SECRET_B64),
    ).subscription_id
    owe(
        r,
        equipment(event_id="load"),
        equipment(event_id="disc", equipment_event_type_code="DISC"),
        shipment(event_id="conf"),
    )
    r.run()
    got = {
        q.headers["Subscription-ID"]: [e["eventID"] for e in msgspec.json.decode(q.content)]
        for q in r.receiver.requests
    }
    assert got == {wants_load: ["load"], wants_shipments: ["conf"]}
    assert stranger not in got


def test_retracted_before_delivery_is_withdrawn(rig: Callable[..., Rig]) -> None:
    r = rig()
    subscribe(r)
    owe(r, equipment(event_id="gone"))
    r.events.retract("gone", publisher=OWNER.party_id)
    r.run()
    assert r.receiver.requests == []
    assert set(r.delivery.states().values()) == {"withdrawn"}


def test_subscription_lifecycle_never_returns_the_secret(rig: Callable[..., Rig]) -> None:
    r = rig()
    sid = subscribe(r, carrier_booking_reference="BKG-0001")
    got = r.subscriptions.get(OWNER, sid)
    assert "secret" not in msgspec.json.decode(msgspec.json.encode(got))
    assert [s.subscription_id for s in r.subscriptions.list(OWNER)] == [sid]
    changed = r.subscriptions.update(
        OWNER, sid, Subscription(callback_url="https://cb.example.com/v2", subscription_id=sid)
    )
    assert changed.callback_url == "https://cb.example.com/v2"
    assert changed.carrier_booking_reference is None
    with pytest.raises(msgspec.ValidationError):  # PUT cannot carry a secret
        msgspec.json.decode(
            b'{"callbackUrl":"https://a.example","secret":"eA=="}', type=Subscription
        )
    new_secret = bytes(reversed(range(32)))
    r.subscriptions.rotate_secret(OWNER, sid, base64.b64encode(new_secret).decode())
    target = r.subscriptions.target(sid)
    assert target is not None
    assert target.secret == new_secret
    with pytest.raises(SubscriptionNotFound):
        r.subscriptions.get(Viewer(party_id="other"), sid)
    r.subscriptions.delete(OWNER, sid)
    with pytest.raises(SubscriptionNotFound):
        r.subscriptions.delete(OWNER, sid)


def test_bad_subscription_reports_everything(store: SqlStore) -> None:
    service = SubscriptionService(
        store.logistics.subscriptions,
        secrets=SecretBox.generate(),
        guard=EgressGuard(resolver=lambda h: ["10.0.0.1"]),
    )
    body = NewSubscription(
        callback_url="https://internal.example/cb",
        secret="c2hvcnQ=",  # noqa: S106  (too short on purpose)
        event_type=("PARCEL",),
    )
    with pytest.raises(Rejected) as caught:
        service.create(OWNER, body)
    assert sorted(v.code for v in caught.value.violations) == [
        "TNT.callbackUrl.forbiddenAddress",
        "TNT.query.invalidCode",
        "TNT.secret.invalid",
    ]


def test_relay_and_fanout_in_process(rig: Callable[..., Rig]) -> None:
    r = rig()
    subscribe(r)
    r.events.publish([equipment(event_id=f"e{i}") for i in range(5)], publisher=OWNER.party_id)

    async def scenario() -> None:
        bus = InProcessBus()
        relay = Relay(r.events, bus)
        assert await relay.pump() == 5
        assert await relay.pump() == 0  # the mark holds
        fanout = Fanout(r.events, r.subscriptions, r.delivery, store_events=False)
        consumer = await bus.consumer("tw.events.>", "fanout")
        taken, report = await fanout.run_once(consumer, timeout=0)
        assert (taken, report.delivered) == (5, 5)

    asyncio.run(scenario())
    assert r.receiver.event_ids() == [[f"e{i}" for i in range(5)]]
