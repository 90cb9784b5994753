"""Market procurement over HTTP: operators' sales to a customs decision, the declaration as WCO
XML, coded refusals (registrations, value cap, excluded goods), FX settlement, who reaches what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from api_world import World, decoded
from lxml import etree
from procurement_world import (
    MARKET,
    agent_body,
    buyer_body,
    operator_body,
    register,
    register_market,
    sale_body,
    seed_procurement,
)

from tradewindow.analytics.rates import shipped_rates
from tradewindow.clock import utc_now
from tradewindow.evidence.chain import RecordKind
from tradewindow.formats.wco_declaration import NAMESPACE


def test_operators_sales_to_a_customs_decision(world: World) -> None:
    register_market(world)
    chen = register(world, "platform", "operators", operator_body())
    li = register(
        world,
        "payer",
        "operators",
        operator_body(licence_kind="registration", licence_number="440104600001236"),
    )
    buyer = register(world, "enterprise", "buyers", buyer_body())
    agent = register(world, "broker", "agents", agent_body())
    granted = world.client.post(
        "/v1/procurement/commissions",
        json={"buyer_id": buyer, "agent_id": agent},
        headers=world.auth("enterprise"),
    )
    assert granted.status_code == 201, granted.text
    sales = []
    for party, operator, lines in (
        ("platform", chen, (("6109100021", "1000", "2.00"), ("6110200099", "100", "9.99"))),
        ("payer", li, (("4202221000", "20", "35.00"),)),
    ):
        answer = world.client.post(
            "/v1/procurement/sales",
            json=sale_body(operator, buyer, *lines),
            headers=world.auth(party),
        )
        assert answer.status_code == 201, answer.text
        sales.append(decoded(answer)["id"])
    assert (
        decoded(world.client.get("/v1/procurement/sales", headers=world.auth("payer")))["items"][0][
            "id"
        ]
        == sales[1]
    )  # Li sees only its own sale
    listed = world.client.get("/v1/procurement/sales?state=recorded", headers=world.auth("broker"))
    assert {item["id"] for item in decoded(listed)["items"]} == set(sales)  # the agent: both
    for key, party in zip(sales, ("enterprise", "broker"), strict=True):
        confirmed = world.client.post(
            f"/v1/procurement/sales/{key}/confirm", headers=world.auth(party)
        )
        assert confirmed.status_code == 200, confirmed.text
    shipment = world.client.post(
        "/v1/procurement/shipments",
        json={
            "agent_id": agent,
            "shipment": {
                "buyer_id": buyer,
                "transaction_ids": sales,
                "containers": ["CSQU3054383"],
                "port_of_loading": "CNHUA",
                "destination": "NG",
            },
        },
        headers=world.auth("broker"),
    )
    assert shipment.status_code == 201, shipment.text
    shipment_id = decoded(shipment)["id"]
    assert decoded(shipment)["value_usd"] == "3699.00"
    url = f"/v1/procurement/shipments/{shipment_id}"
    drafted = decoded(world.client.get(f"{url}/declaration", headers=world.auth("broker")))
    assert [(i["hs_code"], i["value"]) for i in drafted["declaration"]["items"]] == [
        ("6109100021", "2000.00"),
        ("6110200099", "999.00"),
        ("4202221000", "700.00"),
    ]
    xml = world.client.get(
        f"{url}/declaration", headers={**world.auth("broker"), "Accept": "application/xml"}
    )
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(xml.content)
    assert root.findtext(f"{{{NAMESPACE}}}InvoiceAmount") == "3699.00"
    assert b"A01234567" not in xml.content  # the buyer's passport stays on the platform
    # customs decides only what was declared; only customs may decide at all
    early = world.client.post(
        f"{url}/decision", json={"decision": "released"}, headers=world.auth("gacc-guangdong")
    )
    assert (early.status_code, decoded(early)["code"]) == (409, "MPT.shipment.decide.state")
    assert world.client.post(f"{url}/declare", headers=world.auth("broker")).status_code == 200
    broker = world.client.post(
        f"{url}/decision", json={"decision": "released"}, headers=world.auth("broker")
    )
    assert broker.status_code == 404
    bad = world.client.post(
        f"{url}/decision", json={"decision": "maybe"}, headers=world.auth("gacc-guangdong")
    )
    assert (bad.status_code, decoded(bad)["code"]) == (422, "MPT.decision.unknown")
    decided = world.client.post(
        f"{url}/decision",
        json={"decision": "released", "note": "document review"},
        headers=world.auth("gacc-guangdong"),
    )
    assert decided.status_code == 200, decided.text
    for key, party in zip(sales, ("platform", "payer"), strict=True):
        sale = decoded(world.client.get(f"/v1/procurement/sales/{key}", headers=world.auth(party)))
        assert (sale["state"], sale["decision"]) == ("declared", "released: document review")
    # foreign exchange: Chen received all, Li part
    for party, operator, amount in (("platform", chen, "2999.00"), ("payer", li, "500")):
        receipt = world.client.post(
            "/v1/procurement/fx-receipts",
            json={
                "operator_id": operator,
                "shipment_id": shipment_id,
                "currency": "USD",
                "amount": amount,
                "received_on": utc_now().date().isoformat(),
            },
            headers=world.auth(party),
        )
        assert receipt.status_code == 201, receipt.text
    # the agencies: taxation's VAT exemption records, foreign exchange's receipts, each cut
    month = utc_now().strftime("%Y-%m")
    exempt = decoded(
        world.client.get(
            f"/v1/procurement/views/vat-exemptions?month={month}",
            headers=world.auth("guangdong-tax"),
        )
    )
    usd = shipped_rates().rate("USD", utc_now().date())  # the shipped (approximate) table
    assert {(e["operator_id"], e["total_cny"]) for e in exempt["items"]} == {
        (chen, str((Decimal("2999.00") * usd).quantize(Decimal("0.01")))),
        (li, str((Decimal("700.00") * usd).quantize(Decimal("0.01")))),
    }
    receipts = decoded(
        world.client.get("/v1/procurement/views/fx-receipts", headers=world.auth("safe-guangdong"))
    )
    assert len(receipts["views"]) == 2
    assert "buyerDocumentNumber" not in str(receipts)
    taxation_sales = decoded(
        world.client.get("/v1/procurement/views/sales", headers=world.auth("guangdong-tax"))
    )
    assert all("buyerId" not in v["MarketSale"] for v in taxation_sales["views"])
    customs = decoded(
        world.client.get("/v1/procurement/views/sales", headers=world.auth("gacc-guangdong"))
    )
    assert customs["personal_data"] == ["MarketSale/buyerDocumentNumber"]
    reads = [
        r
        for r in world.window.app.evidence.records()
        if r.kind == RecordKind.PERSONAL_DATA_READ and r.subject_ids[0].startswith("mpt-sale:")
    ]
    assert sorted(r.subject_ids[0] for r in reads) == sorted(f"mpt-sale:{key}" for key in sales)
    assert {r.subject_ids[1] for r in reads} == {"field:MarketSale/buyerDocumentNumber"}
    refused = world.client.get("/v1/procurement/views/sales", headers=world.auth("broker"))
    assert (refused.status_code, decoded(refused)["code"]) == (403, "MPT.views.agency_only")
    settled = decoded(world.client.get(f"{url}/settlement", headers=world.auth("broker")))
    assert {row["operator_id"]: row["unmatched_usd"] for row in settled["items"]} == {
        chen: "0.00",
        li: "200.00",
    }


def test_refusals_are_coded(world: World) -> None:
    register_market(world)
    bad = world.client.post(
        "/v1/procurement/operators",
        json=operator_body(licence_number="914401017M4Y9K2P01", bank_account="x"),
        headers=world.auth("platform"),
    )
    assert bad.status_code == 422
    assert [v["code"] for v in decoded(bad)["violations"]] == [
        "MPT.operator.licence.check",
        "MPT.operator.bank_account.format",
    ]
    operator = register(world, "platform", "operators", operator_body())
    again = world.client.post(
        "/v1/procurement/operators", json=operator_body(), headers=world.auth("payer")
    )
    assert decoded(again)["code"] == "MPT.operator.licence.duplicate"
    other = world.client.post(
        "/v1/procurement/buyers",
        json=buyer_body(market_id="fs-zhangcha"),
        headers=world.auth("enterprise"),
    )
    assert decoded(other)["code"] == "MPT.buyer.market.unknown"  # scoped to its market
    buyer = register(world, "enterprise", "buyers", buyer_body())
    agent = register(world, "broker", "agents", agent_body())
    world.client.post(
        "/v1/procurement/commissions",
        json={"buyer_id": buyer, "agent_id": agent},
        headers=world.auth("enterprise"),
    )
    keys = []
    for lines in ((("8517130000", "200", "800.01"),), (("9302000000", "1", "500"),)):
        answer = world.client.post(
            "/v1/procurement/sales",
            json=sale_body(operator, buyer, *lines),
            headers=world.auth("platform"),
        )
        keys.append(decoded(answer)["id"])
        world.client.post(
            f"/v1/procurement/sales/{keys[-1]}/confirm", headers=world.auth("enterprise")
        )
    refused = world.client.post(
        "/v1/procurement/shipments",
        json={
            "agent_id": agent,
            "shipment": {
                "buyer_id": buyer,
                "transaction_ids": keys,
                "containers": [],
                "port_of_loading": "CNNSA",
                "destination": "NG",
            },
        },
        headers=world.auth("broker"),
    )
    assert refused.status_code == 422
    assert [v["code"] for v in decoded(refused)["violations"]] == [
        "MPT.goods.excluded.restricted",
        "MPT.shipment.value.cap",
    ]
    assert MARKET in {m["id"] for m in decoded(world.client.get(
        "/v1/procurement/markets", headers=world.auth("platform")))["items"]}  # fmt: skip


def test_another_partys_sale_and_shipment_are_404(world: World) -> None:
    owned = seed_procurement(world)
    for url in (
        f"/v1/procurement/sales/{owned['sale_id']}",
        f"/v1/procurement/shipments/{owned['shipment_id']}",
        f"/v1/procurement/shipments/{owned['shipment_id']}/declaration",
    ):
        assert world.client.get(url, headers=world.auth("broker")).status_code == 200
        stranger = world.client.get(url, headers=world.auth("other-platform"))
        assert stranger.status_code == 404
        assert decoded(stranger)["code"].endswith("not_found")
    assert (
        decoded(world.client.get("/v1/procurement/me", headers=world.auth("other-platform")))[
            "operators"
        ]
        == []
    )


def _csv(*rows: str) -> bytes:
    header = "sale_ref,buyer_id,sold_on,currency,hs_code,name,quantity,unit,price"
    return "\n".join((header, *rows)).encode()


def test_sales_uploaded_as_csv_all_or_none_then_corrected_and_cancelled(world: World) -> None:
    register_market(world)
    operator = register(world, "platform", "operators", operator_body())
    buyer = register(world, "enterprise", "buyers", buyer_body())
    today = utc_now().date().isoformat()
    auth = {**world.auth("platform"), "content-type": "text/csv"}

    def upload(data: bytes, party_operator: str = operator) -> Any:
        return world.client.post(
            f"/v1/procurement/sales/upload?operator={party_operator}", content=data, headers=auth
        )

    refused = upload(
        _csv(
            f"A,{buyer},{today},USD,6109100021,棉制T恤,100,011,2.00",
            f"B,{buyer},{today},USD,6109100021,棉制T恤,0,011,2.00",
            f"C,{buyer},{today}",
        )
    )
    assert refused.status_code == 422, refused.text
    assert [(v["path"], v["code"]) for v in decoded(refused)["violations"]] == [
        ("row[3]", "MPT.csv.columns")
    ]
    refused = upload(
        _csv(
            f"A,{buyer},{today},USD,6109100021,棉制T恤,100,011,2.00",
            f"B,{buyer},{today},USD,6109100021,棉制T恤,0,011,2.00",
        )
    )
    assert refused.status_code == 422, refused.text
    assert {v["path"].split("/")[0] for v in decoded(refused)["violations"]} == {"sale[B]"}
    listed = world.client.get("/v1/procurement/sales", headers=world.auth("platform"))
    assert decoded(listed)["items"] == []  # all or none: A was not kept

    answer = upload(
        _csv(
            f"A,{buyer},{today},USD,6109100021,棉制T恤,100,011,2.00",
            f"A,{buyer},{today},USD,6110200099,针织衫,10,011,9.99",
            f"B,{buyer},{today},USD,4202221000,手提包,2,011,35.00",
        )
    )
    assert answer.status_code == 201, answer.text
    first, second = decoded(answer)["items"]
    assert (Decimal(first["total"]), Decimal(second["total"])) == (Decimal("299.90"), Decimal(70))
    assert upload(_csv(), operator).status_code == 422  # MPT.csv.empty
    lines = f"X,{buyer},{today},USD,6109100021,棉制T恤,1,011,2.00"
    assert upload(_csv(lines), "op-not-mine").status_code == 404  # another's (or no) operator

    corrected = world.client.post(
        f"/v1/procurement/sales/{first['id']}/correct",
        json={
            "lines": [
                sale_body(operator, buyer, ("6109100021", "120", "2.00"))["sale"]["lines"][0]
            ],
            "note": "数量有误",
        },
        headers=world.auth("platform"),
    )
    assert corrected.status_code == 200, corrected.text
    assert Decimal(decoded(corrected)["total"]) == Decimal(240)
    cancelled = world.client.post(
        f"/v1/procurement/sales/{second['id']}/cancel",
        json={"note": "buyer changed its mind"},
        headers=world.auth("platform"),
    )
    assert decoded(cancelled)["state"] == "cancelled"
    again = world.client.post(
        f"/v1/procurement/sales/{second['id']}/correct",
        json={"note": "too late"},
        headers=world.auth("platform"),
    )
    assert again.status_code == 409
    assert decoded(again)["code"] == "MPT.sale.corrected.state"
    history = decoded(
        world.client.get(f"/v1/procurement/sales/{first['id']}", headers=world.auth("enterprise"))
    )["history"]
    assert [(step["action"], step["note"]) for step in history] == [
        ("recorded", ""),
        ("corrected", "数量有误"),
    ]
    assert world.client.post(
        f"/v1/procurement/sales/{first['id']}/cancel", json={}, headers=world.auth("enterprise")
    ).status_code in {403, 404}  # the buyer cannot cancel the operator's sale
