"""The egress guard at connection time, over a real socket: a callback connects to the address
the guard checked, never to what a second resolution of the name would give (DNS rebinding),
and a subscription cannot be replaced (PUT) by one pointing at a non-global address."""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from tnt_samples import equipment

from tradewindow.logistics.callbacks import CallbackDelivery
from tradewindow.logistics.events import EventService, Viewer
from tradewindow.logistics.filters import facts
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.services import SubscriptionPools
from tradewindow.logistics.subscriptions import NewSubscription, SubscriptionService
from tradewindow.store import SqlStore
from tradewindow.violations import Rejected

OWNER = Viewer(party_id="carrier-1")
SECRET_B64 = base64.b64encode(bytes(range(32))).decode()
NAME = "callback.rebind.test"  # .test never resolves (RFC 2606): only a pinned call arrives


class Hits:
    def __init__(self) -> None:
        self.hosts: list[str] = []


@pytest.fixture
def receiver() -> Iterator[tuple[int, Hits]]:
    hits = Hits()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            hits.hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


class Rebinding:
    """Answers loopback (allowed in this test) the first ``honest`` times, then ``later``."""

    def __init__(self, honest: int, later: str) -> None:
        self.honest = honest
        self.later = later
        self.calls = 0

    def __call__(self, host: str) -> list[str]:
        self.calls += 1
        return ["127.0.0.1"] if self.calls <= self.honest else [self.later]


def deliver(store: SqlStore, guard: EgressGuard, port: int) -> tuple[CallbackDelivery, str]:
    events = EventService(store.logistics.events)
    subscriptions = SubscriptionService(
        store.logistics.subscriptions, secrets=SecretBox.generate(), guard=guard
    )
    body = NewSubscription(callback_url=f"http://{NAME}:{port}/hook", secret=SECRET_B64)
    sid = subscriptions.create(OWNER, body).subscription_id
    event = equipment(event_id="e1")
    events.publish([event], publisher=OWNER.party_id)
    audience = events.audience(event.event_id)
    assert audience is not None
    delivery = CallbackDelivery(
        store.logistics.deliveries,
        subscriptions,
        guard=guard,
        client=httpx.AsyncClient(transport=SubscriptionPools(), timeout=5),
    )
    delivery.enqueue(event.event_id, audience.seq, subscriptions.targets(facts(event), audience))

    async def run() -> None:
        await delivery.deliver_due()
        await delivery.client.aclose()

    asyncio.run(run())
    return delivery, sid


def test_callback_connects_to_the_checked_address_without_resolving_again(
    store: SqlStore, receiver: tuple[int, Hits]
) -> None:
    port, hits = receiver
    resolver = Rebinding(honest=99, later="127.0.0.1")
    delivery, sid = deliver(store, EgressGuard(allow_loopback=True, resolver=resolver), port)
    assert hits.hosts == [f"{NAME}:{port}"]
    assert delivery.states() == {(sid, "e1"): "delivered"}
    assert resolver.calls == 2  # once at creation, once for the delivery: none by the client


def test_name_rebound_after_creation_is_refused_at_delivery(
    store: SqlStore, receiver: tuple[int, Hits]
) -> None:
    port, hits = receiver
    guard = EgressGuard(allow_loopback=True, resolver=Rebinding(honest=1, later="100.100.100.200"))
    delivery, sid = deliver(store, guard, port)
    assert hits.hosts == []
    assert delivery.states() == {(sid, "e1"): "pending"}


@pytest.mark.parametrize(
    "url",
    [
        "http://100.100.100.200/latest/meta-data/",
        "http://100.64.0.1/cb",
        "http://[::ffff:100.100.100.200]/cb",
        "http://[2002:a00:1::]/cb",
        "http://[64:ff9b::a00:1]/cb",
    ],
)
def test_update_to_a_non_global_address_is_refused(store: SqlStore, url: str) -> None:
    subscriptions = SubscriptionService(
        store.logistics.subscriptions,
        secrets=SecretBox.generate(),
        guard=EgressGuard(
            resolver=lambda host: [host] if host[0].isdigit() or ":" in host else ["93.184.216.34"]
        ),
    )
    made = subscriptions.create(
        OWNER, NewSubscription(callback_url="https://cb.example.com/x", secret=SECRET_B64)
    )
    changed = made.__class__(
        **{**{f: getattr(made, f) for f in made.__struct_fields__}, "callback_url": url}
    )
    with pytest.raises(Rejected) as refused:
        subscriptions.update(OWNER, made.subscription_id, changed)
    assert [v.code for v in refused.value.violations] == ["TNT.callbackUrl.forbiddenAddress"]
    assert subscriptions.get(OWNER, made.subscription_id).callback_url == "https://cb.example.com/x"
