"""The export API end to end (``/v1/export``): each firm files its document, the seller its
list; only the caller's receipts come back; refusals are problem+json with their codes; the
summary is previewed and filed — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import export_set as s
import msgspec
import pytest
from litestar.testing import TestClient

from tradewindow.bootstrap import bootstrap
from tradewindow.export.documents import ExportMessage, Inventory
from tradewindow.formats import ceb_export
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings
from tradewindow.web.app import create_app
from tradewindow.web.window import Window

PARTIES = {
    "platform": (s.EBP_CODE, "ecommerce_platform"),
    "seller": (s.EBC_CODE, "ecommerce_enterprise"),
    "payer": (s.PAY_CODE, "payment_firm"),
    "carrier": (s.LOGISTICS_CODE, "logistics_firm"),
    "site": (s.OPERATOR_CODE, "terminal_operator"),
    "stranger": ("4403960999", "ecommerce_enterprise"),
}


class Api:
    def __init__(self, client: TestClient[Any], keys: dict[str, str]) -> None:
        self.client = client
        self.keys = keys

    def post(self, party: str, code: str, *documents: Any, accept: str = "application/json") -> Any:
        message: ExportMessage = s.message(code, *documents)
        message = msgspec.structs.replace(message, base_transfer=s.base_transfer(PARTIES[party][0]))
        return self.client.post(
            "/v1/export/messages",
            content=ceb_export.write_message(message),
            headers={
                "Authorization": f"Bearer {self.keys[party]}",
                "Content-Type": "application/xml",
                "Accept": accept,
            },
        )


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, credential_pepper="test-pepper-of-sixteen+"
    )
    app = create_app(bootstrap(settings))
    window: Window = app.state.window
    keys = {}
    for party_id, (code, role) in PARTIES.items():
        window.registry.register(
            RegisterParty(id=party_id, name_zh=party_id, name_en=party_id, kind="enterprise",
                          roles=(role,), identifiers=(("cn.customs", code),))
        )  # fmt: skip
        keys[party_id] = window.registry.issue_key(party_id).api_key
    for agency in ("inspection_quarantine", "customs"):
        party_id = agency.replace("_", "-")
        window.registry.register(
            RegisterParty(id=party_id, name_zh=agency, name_en=agency, kind="agency",
                          roles=(agency,), jurisdictions=("CN",))
        )  # fmt: skip
        keys[agency] = window.registry.issue_key(party_id).api_key
    with TestClient(app) as client:
        yield Api(client, keys)
    window.close()


def receipts(response: Any) -> list[tuple[str, list[str]]]:
    body = msgspec.json.decode(response.content)
    found = []
    for item in body["receipts"]:
        (returns,) = [v for v in item["receipt"].values() if isinstance(v, list)]
        found.append((item["message_type"], [r.get("returnStatus", "") for r in returns]))
    return found


def test_a_9610_list_through_the_api_to_departure_and_summary(api: Api) -> None:
    seller_list = s.inventory(agent_code=s.EBC_CODE)
    waiting = api.post("seller", "CEB603", seller_list)
    assert waiting.status_code == 201, waiting.text
    assert receipts(waiting) == [("CEB604", ["2"])]
    assert receipts(api.post("platform", "CEB303")) == [("CEB304", ["120"])]
    assert receipts(api.post("payer", "CEB403")) == [("CEB404", ["120"])]
    woken = api.post("carrier", "CEB505")  # wakes the seller's list: that receipt is the seller's
    assert receipts(woken) == [("CEB506", ["120"])]
    arrived = api.post("site", "CEB507", s.arrival(), accept="application/xml")
    assert arrived.headers["content-type"].startswith("application/xml")
    assert b"CEB508Message" in arrived.content
    departed = api.post("carrier", "CEB509", s.departure())
    assert receipts(departed) == [("CEB510", ["399"])]
    auth = {"Authorization": f"Bearer {api.keys['seller']}"}
    preview = api.client.get("/v1/export/summaries/preview", headers=auth)
    assert preview.status_code == 200, preview.text
    shown = msgspec.json.decode(preview.content)
    assert shown["source"] == "海关总署公告2018年第194号"
    assert [len(x["invt_nos"]) for x in shown["summaries"]] == [1]
    stranger = {"Authorization": f"Bearer {api.keys['stranger']}"}
    assert (
        msgspec.json.decode(
            api.client.get("/v1/export/summaries/preview", headers=stranger).content
        )["summaries"]
        == []
    )
    filed = api.client.post("/v1/export/summaries", headers=auth)
    assert filed.status_code == 201, filed.text
    (item,) = msgspec.json.decode(filed.content)["items"]
    kinds = [r["message_type"] for r in item["receipts"]]
    assert kinds == ["CEB702", "CEB792"]
    (result,) = item["receipts"][1]["receipt"]["SummaryResult"]
    (answer,) = item["receipts"][0]["receipt"]["SummaryReturn"]
    assert result["SummaryResultHead"]["sumNo"] == answer["sumNo"]


def test_refusals_are_problems_with_their_codes(api: Api) -> None:
    taken = api.post("stranger", "CEB603", s.inventory(agent_code="4403960999"))
    assert taken.status_code == 403
    assert msgspec.json.decode(taken.content)["code"] == "auth.not_commissioned"
    broken = api.client.post(
        "/v1/export/messages",
        content=b"<ceb:CEB603Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'>",
        headers={
            "Authorization": f"Bearer {api.keys['seller']}",
            "Content-Type": "application/xml",
        },
    )
    assert broken.status_code == 422
    assert msgspec.json.decode(broken.content)["code"].startswith("CEB900.")
    anonymous = api.client.post("/v1/export/messages", content=b"<x/>")
    assert anonymous.status_code == 401


def test_a_list_moved_on_by_others_is_answered_to_its_filer(api: Api) -> None:
    api.post("seller", "CEB603", s.inventory(agent_code=s.EBC_CODE))
    api.post("platform", "CEB303")
    api.post("payer", "CEB403")
    api.post("carrier", "CEB505")  # wakes the list
    api.post("site", "CEB507", s.arrival())  # releases it
    auth = {"Authorization": f"Bearer {api.keys['seller']}"}
    page = msgspec.json.decode(api.client.get("/v1/export/receipts", headers=auth).content)
    statuses = [
        (item["message_type"], item["receipt"]["InventoryReturn"][0]["returnStatus"])
        for item in page["items"]
    ]
    assert statuses == [("CEB604", "2"), ("CEB604", "120"), ("CEB604", "800")]
    more = api.client.get(f"/v1/export/receipts?after={page['after']}", headers=auth)
    assert msgspec.json.decode(more.content)["items"] == []
    carrier = {"Authorization": f"Bearer {api.keys['carrier']}"}
    theirs = msgspec.json.decode(api.client.get("/v1/export/receipts", headers=carrier).content)
    assert [item["message_type"] for item in theirs["items"]] == ["CEB506"]  # not the seller's
    too_far = api.client.get(f"/v1/export/receipts?after={2**63}", headers=auth)
    assert too_far.status_code == 400


def test_inspection_decides_the_lists_of_food_it_must_see(api: Api) -> None:
    """The policy's inspection prefixes route a list of food supplements (2106) to inspection &
    quarantine: arrival does not release it, the agency's decision does; others see nothing."""
    base = s.inventory(agent_code=s.EBC_CODE)
    food = msgspec.structs.replace(base.items[1], gcode="2106909090", gname="复合维生素片")
    api.post("seller", "CEB603", Inventory(head=base.head, items=[base.items[0], food]))
    api.post("platform", "CEB303")
    api.post("payer", "CEB403")
    api.post("carrier", "CEB505")
    api.post("site", "CEB507", s.arrival())
    inspector = {"Authorization": f"Bearer {api.keys['inspection_quarantine']}"}
    waiting = msgspec.json.decode(
        api.client.get("/v1/export/agency/lists", headers=inspector).content
    )
    ((listed),) = waiting["items"]
    assert (listed["status"], [x["gcode"] for x in listed["lines"]]) == (
        "arrived",
        ["8518300000", "2106909090"],
    )
    invt_no = listed["invt_no"]
    customs = {"Authorization": f"Bearer {api.keys['customs']}"}
    assert (
        msgspec.json.decode(api.client.get("/v1/export/agency/lists", headers=customs).content)[
            "items"
        ]
        == []
    )
    seller = {"Authorization": f"Bearer {api.keys['seller']}"}
    url = f"/v1/export/agency/lists/{invt_no}/decision"
    assert api.client.get("/v1/export/agency/lists", headers=seller).status_code == 404
    assert api.client.post(url, json={"decision": "release"}, headers=customs).status_code == 404
    assert api.client.post(url, json={"decision": "maybe"}, headers=inspector).status_code == 400
    decided = api.client.post(url, json={"decision": "release"}, headers=inspector)
    assert decided.status_code == 200, decided.text
    assert api.client.post(url, json={"decision": "release"}, headers=inspector).status_code == 404
    page = msgspec.json.decode(api.client.get("/v1/export/receipts", headers=seller).content)
    assert [i["receipt"]["InventoryReturn"][0]["returnStatus"] for i in page["items"]] == [
        "2", "120", "300", "800",
    ]  # fmt: skip


def test_inspection_works_an_export_list_on_its_desk_like_an_import_one(api: Api) -> None:
    """The export list of food is a task of the inspector's queue (/v1/agency/tasks): its
    view holds the inspected line only, and claiming and releasing it there releases the
    list (the seller gets its CEB604 800)."""
    base = s.inventory(agent_code=s.EBC_CODE)
    food = msgspec.structs.replace(base.items[1], gcode="2106909090", gname="复合维生素片")
    api.post("seller", "CEB603", Inventory(head=base.head, items=[base.items[0], food]))
    for party, code, documents in (
        ("platform", "CEB303", ()),
        ("payer", "CEB403", ()),
        ("carrier", "CEB505", ()),
        ("site", "CEB507", (s.arrival(),)),
    ):
        api.post(party, code, *documents)  # fmt: skip
    inspector = {"Authorization": f"Bearer {api.keys['inspection_quarantine']}"}
    queue = msgspec.json.decode(api.client.get("/v1/agency/tasks", headers=inspector).content)
    (task,) = queue["tasks"]
    assert task["filing"] == f"EXP|{s.EBP_CODE}|{s.ORDER_NO}"
    url = f"/v1/agency/tasks/{task['id']}"
    view = msgspec.json.decode(api.client.get(url, headers=inspector).content)
    lines = view["documents"]["export_inventory"]["Inventory"]["InventoryList"]
    assert [line["gcode"] for line in lines] == ["2106909090"]
    assert api.client.post(f"{url}/claim", headers=inspector).status_code == 200
    decision = {**inspector, "Idempotency-Key": "release-1"}
    decided = api.client.post(f"{url}/decision", json={"decision": "release"}, headers=decision)
    assert decided.status_code == 200, decided.text
    seller = {"Authorization": f"Bearer {api.keys['seller']}"}
    page = msgspec.json.decode(api.client.get("/v1/export/receipts", headers=seller).content)
    statuses = [i["receipt"]["InventoryReturn"][0]["returnStatus"] for i in page["items"]]
    assert statuses[-1] == "800"


WAREHOUSE = {
    "warehouse_code": "OW-US-LAX-01", "name": "洛杉矶湾区海外仓", "country": "502",
    "address": "1200 E Carson St, Carson, CA 90745", "area_m2": "5200", "tenure": "leased",
    "evidence": "LEASE-2025-0117", "valid_from": "2025-07-01", "valid_until": "2027-06-30",
}  # fmt: skip


def test_a_9810_list_needs_the_sellers_registered_warehouse(api: Api) -> None:
    seller = {"Authorization": f"Bearer {api.keys['seller']}"}
    head = {"trade_mode": "9810", "ebp_code": "OW-US-LAX-01", "agent_code": s.EBC_CODE}
    refused = api.post("seller", "CEB603", s.inventory(**head))
    assert "CEB603.ebpCode.warehouse_unregistered" in refused.text
    bad = api.client.post(
        "/v1/export/warehouses", json={**WAREHOUSE, "country": "142"}, headers=seller
    )
    assert bad.status_code == 422
    assert msgspec.json.decode(bad.content)["code"] == "warehouse.country.not_abroad"
    made = api.client.post("/v1/export/warehouses", json=WAREHOUSE, headers=seller)
    assert made.status_code == 201, made.text
    assert msgspec.json.decode(made.content)["enterprise_code"] == s.EBC_CODE
    booking = s.order(order_type="W", ebp_code="OW-US-LAX-01")  # the seller books its warehouse
    assert receipts(api.post("seller", "CEB303", booking)) == [("CEB304", ["120"])]
    api.post("carrier", "CEB505")
    listed = api.post("seller", "CEB603", s.inventory(**head, guid=s.guid("again")))
    assert receipts(listed) == [("CEB604", ["120"])]


def test_a_message_the_xsd_refuses_is_a_422_naming_each_fault(api: Api) -> None:
    answer = api.post("carrier", "CEB505", s.waybill(logistics_no="L" * 200))
    assert answer.status_code == 422
    problem = msgspec.json.decode(answer.content)
    assert problem["code"] == "CEB505.logisticsNo.too_long"
    assert [v["path"] for v in problem["violations"]] == ["Logistics[1]/logisticsNo"]
