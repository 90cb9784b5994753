"""A filing's page in business words: where it stands now is its newest receipt — a CEB622
399 "waiting for …" is shown as an earlier step once the agencies have concluded — the
tax bill has labelled amounts and its total, and the filings are listed newest first by
their order or waybill numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from portal_world import World, csrf_of, form_values, sign_in

import builders


def test_a_concluded_list_is_never_shown_as_waiting_and_its_tax_bill_adds_up(
    world: World, client: Any
) -> None:
    parcel = builders.import_set(order_no="SO-DONE-1", logistics_no="SF9990000101")
    world.file_by_api(client, parcel)
    assert sign_in(client, "clerk").status_code == 303
    token = csrf_of(client, "/portal/file/inventory")
    answer = client.post("/portal/file/inventory", data={**form_values(parcel),
                         "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    key = f"{builders.EBP_CODE}|SO-DONE-1"
    desk = world.window.desk
    waiting = client.get(f"/portal/filings/inventory/{quote(key, safe='')}").text
    assert re.search(r'data-type="CEB622" data-status="399" data-current="true"', waiting)
    for agency in world.window.policy.agencies:
        for task in desk.list_tasks(agency).tasks:
            if task.filing == key and task.status.value == "open":
                desk.claim_and_decide(agency, f"officer:{agency}", task.id, "release", None)
    world.window.app.clearance.settle([key], reason="decided")

    page = client.get(f"/portal/filings/inventory/{quote(key, safe='')}").text
    rows = re.findall(r'<tr data-type="(CEB\d+)" data-status="(\d*)" data-current="(\w+)"', page)
    current = [(kind, status) for kind, status, now in rows if now == "true"]
    assert ("CEB622", "800") in current
    assert ("CEB622", "399") not in current
    assert ("CEB622", "399", "false") in rows  # kept, as an earlier step
    assert rows.index(("CEB622", "800", "true")) < rows.index(("CEB622", "399", "false"))
    for row in re.findall(r'<tr [^>]*data-current="true".*?</tr>', page, re.S):
        assert "waiting for" not in row
    assert '<h1>Inventory list <span class="filing-number">SO-DONE-1</span></h1>' in page
    # the tax bill: every amount labelled, and the total of the three taxes
    bill = re.search(r"<section[^>]*data-tax-bill.*?</section>", page, re.S)
    assert bill is not None
    total = Decimal(re.search(r'data-total="([\d.]+)"', bill[0])[1])  # type: ignore[index]
    amounts = [Decimal(a.replace(",", "")) for a in re.findall(
        r'<dd class="measure">([\d,.]+)</dd>', bill[0])]  # fmt: skip
    assert len(amounts) == 3
    assert total == sum(amounts)
    for label in ("Customs duty", "Import VAT", "Consumption tax", "Total tax"):
        assert label in bill[0]
    assert "returnTime" not in bill[0]
    assert "taxNo" not in bill[0]

    listing = client.get("/portal/filings").text
    numbers = re.findall(r'class="filing-ref">([^<]+)</a>', listing)
    assert numbers[0] == "SO-DONE-1"  # the newest first, by its order number
    assert f">{key}<" not in listing  # not by the internal key
