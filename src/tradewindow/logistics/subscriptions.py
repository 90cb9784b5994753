"""TNT 2.2 event subscriptions: create, list, get, update, delete and secret rotation.

The secret (base64, spec ``format: byte``) is accepted on create and on rotation only and is
never returned: it is kept sealed by ``SecretBox`` because every callback is signed with it.
A subscription only ever receives events its owner may see (``EventVisibility.audience``).
"""

from __future__ import annotations

import base64
import binascii
import builtins
import uuid
from collections.abc import Callable
from datetime import datetime

import msgspec

from tradewindow.clock import utc_now
from tradewindow.logistics.filters import EventFacts, EventFilter, matches, parse_filter
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.ports import SubscriptionRecords, SubscriptionRow
from tradewindow.logistics.visibility import Audience, Viewer
from tradewindow.violations import Rejected, Violation

MIN_SECRET_BYTES = 16
MAX_SECRET_BYTES = 1024


class SubscriptionBody(
    msgspec.Struct, rename="camel", kw_only=True, frozen=True, forbid_unknown_fields=True
):
    """The filters and callback of a subscription (``subscriptionBody``), spec field names."""

    callback_url: str
    event_type: tuple[str, ...] = ()
    shipment_event_type_code: tuple[str, ...] = ()
    document_type_code: tuple[str, ...] = ()
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None
    transport_event_type_code: tuple[str, ...] = ()
    transport_call_id: str | None = msgspec.field(default=None, name="transportCallID")
    vessel_imo_number: str | None = msgspec.field(default=None, name="vesselIMONumber")
    export_voyage_number: str | None = None
    carrier_service_code: str | None = None
    un_location_code: str | None = msgspec.field(default=None, name="UNLocationCode")
    equipment_event_type_code: tuple[str, ...] = ()
    equipment_reference: str | None = None


class NewSubscription(SubscriptionBody, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """``subscriptionBodyWithSecret``: what ``POST /v2/event-subscriptions`` accepts."""

    secret: str


class Subscription(SubscriptionBody, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """``subscription``: what the API returns and ``PUT`` accepts; never a secret."""

    subscription_id: str = msgspec.field(default="", name="subscriptionID")


class SubscriptionNotFound(LookupError):
    """No subscription with this ID belongs to the caller."""


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """A subscription an event goes to, with what its callback needs."""

    subscription_id: str
    callback_url: str
    secret: bytes


def event_filter(body: SubscriptionBody) -> EventFilter:
    """The filters of a subscription, checked as ``GET /v2/events`` checks its own."""
    params: dict[str, str] = {}
    for name, value in msgspec.to_builtins(body).items():
        if name == "callbackUrl" or name == "subscriptionID" or name == "secret":
            continue
        if isinstance(value, list | tuple) and value:
            params[name] = ",".join(value)
        elif isinstance(value, str):
            params[name] = value
    return parse_filter(params)


def decode_secret(secret: str, path: str = "secret") -> bytes:
    try:
        raw = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not MIN_SECRET_BYTES <= len(raw) <= MAX_SECRET_BYTES:
        raise Rejected(
            [
                Violation(
                    path=path,
                    code="TNT.secret.invalid",
                    en=f"secret must be base64 of {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes",
                    zh=f"secret 须为 {MIN_SECRET_BYTES} 至 {MAX_SECRET_BYTES} 字节的 base64 编码",
                )
            ]
        )
    return raw


class SubscriptionService:
    def __init__(
        self,
        records: SubscriptionRecords,
        *,
        secrets: SecretBox,
        guard: EgressGuard,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.records = records
        self.secrets = secrets
        self.guard = guard
        self.clock = clock

    def create(self, owner: Viewer, body: NewSubscription) -> Subscription:
        _, secret = self._checked(body, body.secret)
        assert secret is not None  # noqa: S101  (a new subscription always has one)
        subscription_id = str(uuid.uuid4())
        now = self.clock()
        self.records.add(
            SubscriptionRow(
                subscription_id=subscription_id,
                owner=owner.party_id,
                owner_agency=owner.agency,
                callback_url=body.callback_url,
                filters=_encode_body(body),
                sealed_secret=self.secrets.seal(secret),
            ),
            now,
        )
        return self.get(owner, subscription_id)

    def list(self, owner: Viewer, *, limit: int = 100, offset: int = 0) -> list[Subscription]:
        found = self.records.filters_of(owner.party_id, limit, offset)
        return [_decode(subscription_id, filters) for subscription_id, filters in found]

    def get(self, owner: Viewer, subscription_id: str) -> Subscription:
        filters = self.records.filters(owner.party_id, subscription_id)
        if filters is None:
            raise SubscriptionNotFound(subscription_id)
        return _decode(subscription_id, filters)

    def update(self, owner: Viewer, subscription_id: str, body: Subscription) -> Subscription:
        """Replace filters and callback; the secret stays (it changes only by rotation)."""
        if body.subscription_id and body.subscription_id != subscription_id:
            raise Rejected(
                [
                    Violation(
                        path="subscriptionID",
                        code="TNT.subscriptionID.mismatch",
                        en="the body's subscriptionID differs from the one in the path",
                        zh="请求体中的 subscriptionID 与路径中的不一致",
                    )
                ]
            )
        self._checked(body, None)
        changed = self.records.change(
            owner.party_id, subscription_id, body.callback_url, _encode_body(body), self.clock()
        )
        if not changed:
            raise SubscriptionNotFound(subscription_id)
        return self.get(owner, subscription_id)

    def delete(self, owner: Viewer, subscription_id: str) -> None:
        if not self.records.remove(owner.party_id, subscription_id):
            raise SubscriptionNotFound(subscription_id)

    def rotate_secret(self, owner: Viewer, subscription_id: str, secret: str) -> None:
        sealed = self.secrets.seal(decode_secret(secret))
        if not self.records.reseal(owner.party_id, subscription_id, sealed, self.clock()):
            raise SubscriptionNotFound(subscription_id)

    def targets(self, event: EventFacts, audience: Audience) -> builtins.list[Target]:
        """The subscriptions an event goes to: filters met and owner entitled to see it."""
        found = []
        for row in self.records.every():
            if not audience.admits(row.owner, row.owner_agency):
                continue
            if not matches(event_filter(_decode(row.subscription_id, row.filters)), event):
                continue
            found.append(self._target(row))
        return found

    def targets_by_id(self, subscription_ids: builtins.list[str]) -> dict[str, Target]:
        """The callback targets of the subscriptions that still exist, by ID."""
        rows = self.records.by_id(subscription_ids)
        return {row.subscription_id: self._target(row) for row in rows}

    def target(self, subscription_id: str) -> Target | None:
        rows = self.records.by_id([subscription_id])
        return self._target(rows[0]) if rows else None

    def _target(self, row: SubscriptionRow) -> Target:
        return Target(
            subscription_id=row.subscription_id,
            callback_url=row.callback_url,
            secret=self.secrets.open(row.sealed_secret),
        )

    def _checked(
        self, body: SubscriptionBody, secret: str | None
    ) -> tuple[EventFilter | None, bytes | None]:
        found: list[Violation] = list(self.guard.check(body.callback_url))
        filters = None
        decoded = None
        try:
            filters = event_filter(body)
        except Rejected as rejected:
            found.extend(rejected.violations)
        if secret is not None:
            try:
                decoded = decode_secret(secret)
            except Rejected as rejected:
                found.extend(rejected.violations)
        if found:
            raise Rejected(found)
        return filters, decoded


_body_encoder = msgspec.json.Encoder()


def _encode_body(body: SubscriptionBody) -> bytes:
    plain = SubscriptionBody(**{f: getattr(body, f) for f in SubscriptionBody.__struct_fields__})
    return _body_encoder.encode(plain)


_body_decoder = msgspec.json.Decoder(SubscriptionBody)


def _decode(subscription_id: str, stored: bytes) -> Subscription:
    body = _body_decoder.decode(stored)
    return Subscription(
        subscription_id=subscription_id,
        **{f: getattr(body, f) for f in SubscriptionBody.__struct_fields__},
    )
