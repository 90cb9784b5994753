"""The logistics services one process uses, built once by ``bootstrap`` from settings.

Callback delivery needs an HTTP client bound to a running event loop, so it is made where
one runs (the worker, the benchmark): :meth:`Logistics.client` and :meth:`Logistics.delivery`.

The client keeps one small connection pool per subscription (:class:`SubscriptionPools`),
not one pool for all: httpcore checks every idle connection of a pool each time it hands one
out, so 200 subscribers called back at once through one pool of 200 kept-alive connections
took 5-8 s a round (measured), while a pool each answers the same round in about 0.1 s.
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

import httpx
import msgspec

from tradewindow.clock import utc_now
from tradewindow.logistics.callbacks import CallbackDelivery, RetryPolicy
from tradewindow.logistics.customs import CustomsEvents
from tradewindow.logistics.events import EventService
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.lastmile import FollowClearance, PartiesOf
from tradewindow.logistics.ports import DeliveryRecords, EventRecords, SubscriptionRecords
from tradewindow.logistics.settings import CallbackSettings
from tradewindow.logistics.subscriptions import SubscriptionService
from tradewindow.settings import Settings


class Logistics(msgspec.Struct, frozen=True, kw_only=True):
    events: EventService
    subscriptions: SubscriptionService
    customs: CustomsEvents
    guard: EgressGuard
    policy: RetryPolicy
    callbacks: CallbackSettings
    follow_clearance: FollowClearance  # Clearance's ``on_decided``
    deliveries: DeliveryRecords  # what callbacks are owed

    def delivery(self, client: httpx.AsyncClient) -> CallbackDelivery:
        """Callback delivery over ``client`` (made inside the event loop that will use it)."""
        return CallbackDelivery(
            self.deliveries,
            self.subscriptions,
            guard=self.guard,
            client=client,
            policy=self.policy,
            clock=self.events.clock,
        )

    def client(self) -> httpx.AsyncClient:
        """An HTTP client for callbacks: kept-alive connections in a pool per subscription,
        redirects never followed."""
        return httpx.AsyncClient(
            transport=SubscriptionPools(),
            timeout=self.callbacks.timeout_seconds,
            follow_redirects=False,
        )


class LogisticsRecords(msgspec.Struct, frozen=True, kw_only=True):
    """The storage the services run over (``store.logistics.open_records``)."""

    events: EventRecords
    subscriptions: SubscriptionRecords
    deliveries: DeliveryRecords


class SubscriptionPools(httpx.AsyncBaseTransport):
    """Routes each callback to the connection pool of its ``Subscription-ID`` (a subscription
    is called back one bundle at a time, so two connections are plenty); the least recently
    used pools beyond ``max_pools`` are closed. One TLS context serves every pool."""

    def __init__(self, *, max_pools: int = 10_000, per_pool: int = 2) -> None:
        self.max_pools = max_pools
        self.limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool)
        self.tls = httpx.create_ssl_context()
        self.pools: OrderedDict[str, httpx.AsyncHTTPTransport] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # the name is part of the key: a pool's TLS connections were verified for one name
        key = f"{request.headers.get('Subscription-ID')} {request.headers.get('Host')}"
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = httpx.AsyncHTTPTransport(verify=self.tls, limits=self.limits)
            while len(self.pools) > self.max_pools:
                _, oldest = self.pools.popitem(last=False)
                await oldest.aclose()
        self.pools.move_to_end(key)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        while self.pools:
            _, pool = self.pools.popitem()
            await pool.aclose()


def open_logistics(
    records: LogisticsRecords,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    parties_of: PartiesOf | None = None,
) -> Logistics:
    """The logistics services; ``parties_of`` resolves the customs codes named on cleared
    lists to registered parties, who then follow those shipments' events."""
    callbacks = CallbackSettings.from_settings(settings)
    guard = EgressGuard(
        allow_loopback=callbacks.allow_loopback,
        allow=[ipaddress.ip_network(network) for network in callbacks.egress_allow],
    )
    events = EventService(records.events, clock=clock)
    customs = CustomsEvents(events, clock=clock)
    return Logistics(
        events=events,
        subscriptions=SubscriptionService(
            records.subscriptions,
            secrets=SecretBox(callbacks.secret_keys),
            guard=guard,
            clock=clock,
        ),
        customs=customs,
        guard=guard,
        policy=RetryPolicy(
            first=callbacks.retry_first, cap=callbacks.retry_cap, max_bundle=callbacks.max_bundle
        ),
        callbacks=callbacks,
        follow_clearance=FollowClearance(customs, parties_of),
        deliveries=records.deliveries,
    )
