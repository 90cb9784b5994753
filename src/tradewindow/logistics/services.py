"""The logistics services one process uses, built once by ``bootstrap`` from settings.

Callback delivery needs an HTTP client bound to a running event loop, so it is made where
one runs (the worker, the benchmark): :meth:`Logistics.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import msgspec
from sqlalchemy import Engine

from tradewindow.logistics.callbacks import CallbackDelivery, RetryPolicy
from tradewindow.logistics.customs import CustomsEvents
from tradewindow.logistics.events import EventService, utc_now
from tradewindow.logistics.guard import CallbackGuard, SecretBox
from tradewindow.logistics.lastmile import FollowClearance
from tradewindow.logistics.settings import CallbackSettings
from tradewindow.logistics.subscriptions import SubscriptionService
from tradewindow.settings import Settings


class Logistics(msgspec.Struct, frozen=True, kw_only=True):
    events: EventService
    subscriptions: SubscriptionService
    customs: CustomsEvents
    guard: CallbackGuard
    policy: RetryPolicy
    callbacks: CallbackSettings
    follow_clearance: FollowClearance  # Clearance's ``on_decided``

    def delivery(self, client: httpx.AsyncClient) -> CallbackDelivery:
        """Callback delivery over ``client`` (made inside the event loop that will use it)."""
        return CallbackDelivery(
            self.events.engine,
            self.subscriptions,
            guard=self.guard,
            client=client,
            policy=self.policy,
            clock=self.events.clock,
        )

    def client(self, connections: int = 200) -> httpx.AsyncClient:
        """An HTTP client for callbacks: one kept-alive connection per concurrent
        subscriber up to ``connections``, redirects never followed."""
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        return httpx.AsyncClient(
            limits=limits, timeout=self.callbacks.timeout_seconds, follow_redirects=False
        )


def open_logistics(
    engine: Engine, settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> Logistics:
    callbacks = CallbackSettings.from_settings(settings)
    guard = CallbackGuard(allow_loopback=callbacks.allow_loopback)
    events = EventService(engine, clock=clock)
    customs = CustomsEvents(events, clock=clock)
    return Logistics(
        events=events,
        subscriptions=SubscriptionService(
            engine, secrets=SecretBox(callbacks.secret_keys), guard=guard, clock=clock
        ),
        customs=customs,
        guard=guard,
        policy=RetryPolicy(
            first=callbacks.retry_first, cap=callbacks.retry_cap, max_bundle=callbacks.max_bundle
        ),
        callbacks=callbacks,
        follow_clearance=FollowClearance(customs),
    )
