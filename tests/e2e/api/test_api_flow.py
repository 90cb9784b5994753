"""One parcel declared over HTTP end to end: four filers, receipts, agencies, combined status."""

from __future__ import annotations

from api_world import World, decoded

import builders


def statuses(response: object) -> list[tuple[str, str]]:
    body = decoded(response)
    found = []
    for message in body["receipts"]:
        for receipt in message.get("OrderReturn", []) + message.get("PaymentReturn", []):
            found.append((message["messageType"], receipt["returnStatus"]))
        for receipt in message.get("LogisticsReturn", []) + message.get("InventoryReturn", []):
            found.append((message["messageType"], receipt["returnStatus"]))
    return found


def test_a_parcel_is_released_only_when_every_required_agency_released(world: World) -> None:
    order, payment, waybill, inventory = world.file_set(builders.import_set())

    assert [r.status_code for r in (order, payment, waybill, inventory)] == [201] * 4
    assert statuses(order) == [("CEB312", "120")]
    assert statuses(payment) == [("CEB412", "120")]
    assert statuses(waybill) == [("CEB512", "120")]
    key = f"{builders.EBP_CODE}|{builders.ORDER_NO}"
    filing = world.client.get(f"/v1/cbec/filings/inventory/{key}", headers=world.auth("broker"))
    assert filing.status_code == 200
    agencies = decoded(filing)["agencies"]
    assert agencies["status"] == "pending"
    assert "inspection_quarantine" in agencies["waitingFor"]  # face cream and infant formula
    # customs concluded (399) but other agencies have not decided: no release yet
    assert statuses(inventory) == [("CEB622", "120"), ("CEB622", "399")]

    assert world.release_all() == len(agencies["agencies"]) - 1  # customs: automated

    filing = world.client.get(f"/v1/cbec/filings/inventory/{key}", headers=world.auth("broker"))
    detail = decoded(filing)
    assert detail["agencies"]["status"] == "released"
    shown = [r["returnStatus"] for m in detail["receipts"] for r in m.get("InventoryReturn", [])]
    assert shown == ["120", "399", "800"]
    bill = world.client.get(f"/v1/cbec/tax-bills/{detail['invtNo']}", headers=world.auth("broker"))
    assert bill.status_code == 200
    assert decoded(bill)["messageType"] == "CEB816"
    xml = world.client.get(
        f"/v1/cbec/tax-bills/{detail['invtNo']}",
        headers={**world.auth("broker"), "Accept": "application/xml"},
    )
    assert xml.headers["content-type"].startswith("application/xml")
    assert b"CEB816Message" in xml.content
