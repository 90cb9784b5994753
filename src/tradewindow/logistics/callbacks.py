"""Delivering events to subscribers' callbacks (TNT 2.2 ``callbacks``).

Each delivery is a row per (subscription, eventID): enqueuing twice changes nothing, so from
the platform's side an event reaches a callback once, however often the bus redelivers it
(a newer version of the event re-arms the row). A callback gets a JSON array of events, signed
``Notification-Signature: sha256=<hex>`` (HMAC-SHA256 of the exact body, keyed with the decoded
secret), with ``Subscription-ID`` and ``API-Version``. A 2xx answer delivers the bundle; 413
halves it and tries again at once; 429 and 503 wait for ``Retry-After``; anything else
(including a redirect, never followed, and a refused address) backs off exponentially from
``retry_first`` doubling to ``retry_cap``.

Every delivery passes the egress guard again and connects to the address the guard checked
(:class:`~tradewindow.logistics.guard.Destination`): the name is resolved once per delivery,
so a name re-pointed at an internal address after the check is never reached.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import msgspec

from tradewindow.clock import utc_now
from tradewindow.logistics.guard import Destination, EgressGuard, EgressRefused
from tradewindow.logistics.ports import DeliveryRecords, Due, Retry
from tradewindow.logistics.subscriptions import SubscriptionService, Target

API_VERSION = "2.2.0"


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    first: timedelta = timedelta(seconds=60)
    cap: timedelta = timedelta(hours=24)
    max_bundle: int = 100

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failure: first, 2×first, 4×first … up to cap."""
        return min(self.first * (1 << max(0, min(attempts - 1, 40))), self.cap)


def signature(secret: bytes, body: bytes) -> str:
    """The ``Notification-Signature`` header value of ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as delay-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when - now, timedelta(0))


class DeliveryReport(msgspec.Struct, kw_only=True):
    delivered: int = 0  # events delivered
    posts: int = 0  # HTTP requests made
    deferred: int = 0  # events waiting for a later attempt
    withdrawn: int = 0  # retracted or unsubscribed before delivery


class _Outcome(msgspec.Struct):
    delivered: list[tuple[Due, int]] = msgspec.field(default_factory=list)
    deferred: list[tuple[Due, int | None, timedelta | None]] = msgspec.field(default_factory=list)
    withdrawn: list[Due] = msgspec.field(default_factory=list)


class CallbackDelivery:
    def __init__(
        self,
        records: DeliveryRecords,
        subscriptions: SubscriptionService,
        *,
        guard: EgressGuard,
        client: httpx.AsyncClient,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.records = records
        self.subscriptions = subscriptions
        self.guard = guard
        self.client = client
        self.policy = policy or RetryPolicy()
        self.clock = clock

    def enqueue(self, event_id: str, seq: int, targets: Sequence[Target]) -> None:
        """Owe ``event_id`` (version ``seq``) to each target, once."""
        if not targets:
            return
        self.records.owe(event_id, seq, [t.subscription_id for t in targets], self.clock())

    async def deliver_due(self, limit: int = 10_000) -> DeliveryReport:
        """Attempt every delivery that is due, one task per subscription; what became of each
        delivery is written in one transaction at the end (one commit, not one per callback)."""
        due = self.records.due(self.clock(), limit)
        report = DeliveryReport()
        by_subscription: dict[str, list[Due]] = {}
        for row in due:
            by_subscription.setdefault(row.subscription_id, []).append(row)
        targets = self.subscriptions.targets_by_id(list(by_subscription))
        outcome = _Outcome()
        await asyncio.gather(
            *(
                self._deliver(targets.get(sid), rows, report, outcome)
                for sid, rows in by_subscription.items()
            )
        )
        self._record(outcome)
        return report

    async def _deliver(
        self, target: Target | None, rows: list[Due], report: DeliveryReport, outcome: _Outcome
    ) -> None:
        live = [row for row in rows if row.body is not None]
        gone = [row for row in rows if row.body is None] if target else rows
        if gone:
            outcome.withdrawn.extend(gone)
            report.withdrawn += len(gone)
        if target is None or not live:
            return
        try:
            destination = self.guard.admit(target.callback_url)
        except EgressRefused:
            outcome.deferred.extend((row, None, None) for row in live)
            report.deferred += len(live)
            return
        size = self.policy.max_bundle
        while live:
            bundle = live[:size]
            status, wait = await self._post(target, destination, bundle)
            report.posts += 1
            if status is not None and 200 <= status < 300:
                outcome.delivered.extend((row, status) for row in bundle)
                report.delivered += len(bundle)
                live = live[size:]
            elif status == 413 and size > 1:
                size = max(1, len(bundle) // 2)
            else:
                outcome.deferred.extend((row, status, wait) for row in live)
                report.deferred += len(live)
                return

    async def _post(
        self, target: Target, destination: Destination, bundle: list[Due]
    ) -> tuple[int | None, timedelta | None]:
        body = b"[" + b",".join(row.body or b"" for row in bundle) + b"]"
        headers = {
            "Host": destination.host_header,
            "Content-Type": "application/json",
            "Notification-Signature": signature(target.secret, body),
            "Subscription-ID": target.subscription_id,
            "API-Version": API_VERSION,
        }
        try:
            response = await self.client.post(
                destination.pinned_url,
                content=body,
                headers=headers,
                follow_redirects=False,
                # the certificate is checked against the name, the connection goes to the address
                extensions={"sni_hostname": destination.host},
            )
        except httpx.HTTPError:
            return None, None
        wait = None
        if response.status_code in (429, 503):
            wait = retry_after(response.headers.get("Retry-After"), self.clock())
        return response.status_code, wait

    def _record(self, outcome: _Outcome) -> None:
        now = self.clock()
        self.records.settle(
            delivered=outcome.delivered,
            deferred=[
                Retry(
                    row,
                    failed_status,
                    now + (wait if wait is not None else self.policy.delay(row.attempts + 1)),
                )
                for row, failed_status, wait in outcome.deferred
            ],
            withdrawn=outcome.withdrawn,
            at=now,
        )

    def states(self) -> dict[tuple[str, str], str]:
        """(subscription, eventID) → state, for inspection and tests."""
        return self.records.states()
