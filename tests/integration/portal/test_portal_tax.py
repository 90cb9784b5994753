"""The withholding agent's tax statement in the portal (SQLite and PostgreSQL): the month's
bills of the lists it guarantees with their dates and status, and the same rows as CSV."""

from __future__ import annotations

from typing import Any

from portal_world import World, csrf_of, form_values, sign_in

import builders


def test_the_firm_sees_its_months_bills_and_downloads_them(world: World, client: Any) -> None:
    parcel = builders.import_set(order_no="SO-TAX-1", logistics_no="SF9990000401")
    world.file_by_api(client, parcel)
    key = f"{builders.EBP_CODE}|SO-TAX-1"
    # the firm (the lists' guarantor) files its own list and the agencies release it
    assert sign_in(client, "clerk").status_code == 303
    token = csrf_of(client, "/portal/file/inventory")
    client.post("/portal/file/inventory", data={**form_values(parcel), "csrf_token": token},
                follow_redirects=False)  # fmt: skip
    desk = world.window.desk
    for agency in world.window.policy.agencies:
        for task in desk.list_tasks(agency).tasks:
            if task.filing == key and task.status.value == "open":
                desk.claim_and_decide(agency, f"officer:{agency}", task.id, "release", None)
    world.window.app.clearance.settle([key], reason="decided")
    month = world.window.clock().strftime("%Y-%m")
    page = client.get(f"/portal/tax?month={month}").text
    assert 'data-status="not_yet_payable"' in page
    assert 'data-outstanding="176.53' in page
    csv = client.get(f"/portal/tax/statement.csv?month={month}")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].endswith(",not_yet_payable")
