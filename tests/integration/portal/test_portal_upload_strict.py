"""A CEB JSON file uploaded in the portal is read by the same strict rules as the API's body
(issue 15): a member named twice, or a NUL in a name, is refused with its code and nothing is
stored. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from portal_world import World
from test_portal_http import csrf_of, sign_in

import builders
from tradewindow.formats import ceb_json


@pytest.mark.parametrize(
    ("alter", "code"),
    [
        (lambda body: body.replace(b'"orderNo":', b'"orderNo":"SO-FIRST","orderNo":', 1),
         "CEB900.json.duplicate_key"),
        (lambda body: body.replace(b'"buyerName":"', b'"buyerName":"\\u0000', 1),
         "CEB900.json.character"),
    ],
)  # fmt: skip
def test_an_uploaded_json_order_with_a_duplicate_member_or_a_nul_is_refused(
    world: World, client: Any, alter: Any, code: str
) -> None:
    order = builders.import_set().messages[0]
    body = ceb_json.write_message(order)
    altered = alter(body)
    assert altered != body
    assert sign_in(client, "platform-clerk").status_code == 303
    token = csrf_of(client, "/portal/upload")
    headers = {
        "x-csrf-token": token,
        "x-file-name": "order.json",
        "content-type": "application/json",
    }
    answer = client.post("/portal/upload", content=altered, headers=headers)
    assert answer.status_code == 422, answer.text
    assert f"<code>{code}</code>" in answer.text
    listed = client.get("/v1/cbec/filings?kind=order", headers=world.auth("platform"))
    assert listed.json()["items"] == []
