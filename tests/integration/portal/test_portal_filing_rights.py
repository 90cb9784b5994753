"""The portal files through the same use case as the API: an upload naming another firm's
code is refused with the API's code and leaves nothing claimed; the firm's own is filed."""

from __future__ import annotations

from typing import Any

import msgspec
from portal_world import RIVAL_CODE, World, csrf_of, sign_in
from sqlalchemy import select

import builders
from tradewindow.cbec.documents import Message
from tradewindow.formats import ceb_json
from tradewindow.store.filing.tables import api_messages, filings


def order_from(sender_code: str, ebp_code: str, order_no: str) -> Message:
    order = builders.order(order_no=order_no, ebp_code=ebp_code)
    message = builders.order_message(order, guid_=builders.guid("portal-rights", order_no))
    return msgspec.structs.replace(
        message, base_transfer=builders.base_transfer(cop_code=sender_code)
    )


def upload(client: Any, message: Message) -> Any:
    token = csrf_of(client, "/portal/upload")
    return client.post(
        "/portal/upload",
        content=ceb_json.write_message(message),
        headers={
            "content-type": "application/json",
            "x-file-name": "order.json",
            "x-csrf-token": token,
        },
    )


def claimed(world: World) -> list[tuple[str, str]]:
    with world.window.app.store.engine.connect() as connection:
        owners = connection.execute(select(filings.c.key, filings.c.party_id)).all()
        senders = connection.execute(select(api_messages.c.party_id)).scalars().all()
    return [(row.key, row.party_id) for row in owners] + [("message", s) for s in senders]


def test_an_upload_in_another_firms_name_is_refused_as_over_the_api(
    world: World, client: Any
) -> None:
    assert sign_in(client, "rival-clerk").status_code == 303
    theirs = order_from(RIVAL_CODE, builders.EBP_CODE, "SO-PORTAL-R1")  # the platform's ebpCode
    refused = upload(client, theirs)
    assert refused.status_code == 403, refused.text
    assert "auth.not_commissioned" in refused.text
    assert claimed(world) == []
    over_api = world.post_json(client, "rival", theirs)
    assert over_api.status_code == 403
    assert msgspec.json.decode(over_api.content)["code"] == "auth.not_commissioned"
    assert claimed(world) == []
    own = upload(client, order_from(RIVAL_CODE, RIVAL_CODE, "SO-PORTAL-R2"))
    assert own.status_code == 201, own.text
    assert claimed(world) == [(f"{RIVAL_CODE}|SO-PORTAL-R2", "rival"), ("message", "rival")]
