"""Cancel or return a list from its page in "my filings" (SQLite and PostgreSQL): the live
check tells what would happen (quota and tax given back) or every fault with its code, the
form files a CEB623 / CEB625 through the one filing path, and another firm's clerk cannot
reach the list at all."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from portal_world import World, csrf_of, form_values, sign_in

import builders

KEY = f"{builders.EBP_CODE}|SO-AFTER-1"
PAGE = f"/portal/filings/inventory/{quote(KEY, safe='')}"
ACT = f"/portal/lists/{quote(KEY, safe='')}"


def filed_and_released(world: World, client: Any) -> None:
    parcel = builders.import_set(order_no="SO-AFTER-1", logistics_no="SF9990000201")
    world.file_by_api(client, parcel)
    assert sign_in(client, "clerk").status_code == 303
    token = csrf_of(client, "/portal/file/inventory")
    answer = client.post("/portal/file/inventory", data={**form_values(parcel),
                         "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    desk = world.window.desk
    for agency in world.window.policy.agencies:
        for task in desk.list_tasks(agency).tasks:
            if task.filing == KEY and task.status.value == "open":
                desk.claim_and_decide(agency, f"officer:{agency}", task.id, "release", None)
    world.window.app.clearance.settle([KEY], reason="decided")


def test_the_return_form_previews_and_files_a_return(world: World, client: Any) -> None:
    filed_and_released(world, client)
    page = client.get(PAGE).text
    assert 'data-action="return"' in page
    assert 'data-action="cancel"' in page  # released, not yet delivered out
    token = csrf_of(client, PAGE)
    form = {"csrf_token": token, "reason": "不想要了", "qty.2": "1"}
    check = client.post(f"{ACT}/return/check", data=form)
    assert check.status_code == 200
    quota = re.search(r'data-after-release="ok" data-quota="([\d.]+)"', check.text)
    assert quota is not None
    assert Decimal(quota[1]) == Decimal("261.97")  # a third of line 2's 785.91
    too_many = client.post(f"{ACT}/return/check", data={**form, "qty.2": "4"})
    assert 'data-code="CEB625.qty.exceeds"' in too_many.text
    sent = client.post(f"{ACT}/return", data=form, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    message = client.get(sent.headers["location"]).text
    assert "CEB626" in message
    # the list's page now lists the return's answer; a cancellation would be refused
    check = client.post(f"{ACT}/cancel/check", data={"csrf_token": token, "reason": "x"})
    assert 'data-code="CEB623.invtNo.has_returns"' in check.text


def test_the_cancel_form_files_a_cancellation(world: World, client: Any) -> None:
    filed_and_released(world, client)
    token = csrf_of(client, PAGE)
    blank = client.post(f"{ACT}/cancel/check", data={"csrf_token": token, "reason": " "})
    assert 'data-code="CEB623.reason.missing"' in blank.text
    sent = client.post(f"{ACT}/cancel", data={"csrf_token": token, "reason": "买家取消订单"},
                       follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text
    page = client.get(PAGE).text
    assert 'data-status="cancelled"' in page
    assert 'data-action="cancel"' not in page


def test_another_firms_clerk_cannot_reach_the_list(world: World, client: Any) -> None:
    filed_and_released(world, client)
    client.cookies.clear()
    assert sign_in(client, "rival-clerk").status_code == 303
    token = csrf_of(client, "/portal/filings")
    answer = client.post(f"{ACT}/cancel/check", data={"csrf_token": token, "reason": "x"})
    assert answer.status_code == 404
