"""TNT 2.2 event subscriptions over HTTP: create, list, get, update, delete, rotate the secret.

The secret is accepted on ``POST /v2/event-subscriptions`` and ``PUT …/{id}/secret`` only
(``PUT …/{id}`` refuses a body with one: 400) and no answer ever carries it. A subscription
of another party is 404, like one that does not exist. Translation only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import Parameter

from tradewindow.formats import cursors
from tradewindow.logistics.subscriptions import NewSubscription, Subscription
from tradewindow.parties.principal import Principal
from tradewindow.violations import Rejected, Violation
from tradewindow.web.openapi_docs import document
from tradewindow.web.routes.dcsa import JSON, logistics_of, viewer

_PATH = "/v2/event-subscriptions"
_encoder = msgspec.json.Encoder()


class SecretBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``subscriptionID_secret_body``: the new base64 secret."""

    secret: str


class SubscriptionController(Controller):
    path = _PATH
    tags = ["dcsa"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @post(
        "/",
        sync_to_thread=True,
        status_code=201,
        summary="Create a subscription (callbackUrl checked against SSRF; secret kept sealed)",
        responses=document({201: (Subscription, "the subscription, without its secret")}),
    )
    def create(
        self, request: Request[Any, Any, Any], principal: Principal, data: NewSubscription
    ) -> Response[bytes]:
        made = logistics_of(request).subscriptions.create(viewer(principal), data)
        return _answer(made, 201)

    @get(
        "/",
        sync_to_thread=True,
        summary="The caller's subscriptions, in pages",
        responses=document({200: (list[Subscription], "subscriptions, oldest first")}),
    )
    def subscriptions(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        limit: int = Parameter(default=100, ge=1, le=1000),
        cursor: str | None = Parameter(default=None, description="the Next-Page cursor"),
    ) -> Response[bytes]:
        offset = _offset(cursor) if cursor else 0
        found = logistics_of(request).subscriptions.list(
            viewer(principal), limit=limit + 1, offset=offset
        )
        url = request.url
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        headers = {"Current-Page": str(url)}
        if len(found) > limit:
            following = [*kept, ("cursor", _cursor(offset + limit))]
            headers["Next-Page"] = str(url.with_replacements(query=urlencode(following)))
        if cursor:
            headers["First-Page"] = str(url.with_replacements(query=urlencode(kept)))
        return Response(
            content=_encoder.encode([_spec_shape(s) for s in found[:limit]]),
            media_type=JSON,
            headers=headers,
        )

    @get(
        "/{subscription_id:str}",
        sync_to_thread=True,
        summary="One subscription",
        responses=document({200: (Subscription, "the subscription, without its secret")}),
    )
    def subscription(
        self, request: Request[Any, Any, Any], principal: Principal, subscription_id: str
    ) -> Response[bytes]:
        return _answer(logistics_of(request).subscriptions.get(viewer(principal), subscription_id))

    @put(
        "/{subscription_id:str}",
        sync_to_thread=True,
        summary="Replace a subscription's filters and callback (the secret stays)",
        responses=document({200: (Subscription, "the subscription, without its secret")}),
    )
    def update(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        subscription_id: str,
        data: Subscription,
    ) -> Subscription:
        return logistics_of(request).subscriptions.update(viewer(principal), subscription_id, data)

    @delete(
        "/{subscription_id:str}",
        sync_to_thread=True,
        status_code=204,
        summary="Stop a subscription",
        responses=document({}),
    )
    def remove(
        self, request: Request[Any, Any, Any], principal: Principal, subscription_id: str
    ) -> None:
        logistics_of(request).subscriptions.delete(viewer(principal), subscription_id)

    @put(
        "/{subscription_id:str}/secret",
        sync_to_thread=True,
        status_code=204,
        summary="Replace the secret callbacks are signed with",
        responses=document({}),
    )
    def rotate(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        subscription_id: str,
        data: SecretBody,
    ) -> None:
        logistics_of(request).subscriptions.rotate_secret(
            viewer(principal), subscription_id, data.secret
        )


def _spec_shape(subscription: Subscription) -> dict[str, Any]:
    """The subscription without absent filters: the spec's properties are not nullable."""
    return {k: v for k, v in msgspec.to_builtins(subscription).items() if v is not None}


def _answer(subscription: Subscription, status: int = 200) -> Response[bytes]:
    return Response(
        content=_encoder.encode(_spec_shape(subscription)), status_code=status, media_type=JSON
    )


def _cursor(offset: int) -> str:
    return cursors.write("offset=", offset)


def _offset(cursor: str) -> int:
    offset = cursors.read("offset=", cursor)
    if offset is not None:
        return offset
    raise Rejected(
        [
            Violation(
                path="cursor",
                code="TNT.query.invalidCursor",
                en="the cursor is not one this list was given",
                zh="游标无效",
            )
        ]
    )
