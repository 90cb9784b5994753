"""Market procurement resources in an API ``World``: a Guangzhou market, the broker registered
as an operator, a foreign buyer and a procurement agent (so one party owns each resource), a
sale, a consolidated and declared shipment."""

from __future__ import annotations

from datetime import date
from typing import Any

from api_world import World, decoded

from tradewindow.clock import utc_now
from tradewindow.procurement.registry import MarketForm

OPERATOR_USCC = "914401017M4Y9K2P0M"
AGENT_USCC = "914401046A1B2C3D11"
MARKET = "gz-liuhua"


def register_market(world: World) -> None:
    world.window.app.market_procurement.sales.register_market(
        MarketForm(
            id=MARKET,
            name_zh="广州流花服装批发市场",
            name_en="Guangzhou Liuhua garment wholesale market",
            city="440100",
            valid_from=date(2020, 1, 1),
        )
    )


def register(world: World, party: str, kind: str, body: dict[str, Any]) -> str:
    answer = world.client.post(f"/v1/procurement/{kind}", json=body, headers=world.auth(party))
    assert answer.status_code == 201, answer.text
    key: str = decoded(answer)["id"]
    return key


def operator_body(**changes: Any) -> dict[str, Any]:
    return {
        "market_id": MARKET,
        "name": "陈记服装",
        "licence_kind": "uscc",
        "licence_number": OPERATOR_USCC,
        "stall": "3F-318",
        "bank_account": "6222021234567890123",
    } | changes


def buyer_body(**changes: Any) -> dict[str, Any]:
    return {
        "market_id": MARKET,
        "name": "Amina Okafor",
        "country": "NG",
        "document_kind": "passport",
        "document_number": "A01234567",
    } | changes


def agent_body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "广州市场采购代理有限公司",
        "uscc": AGENT_USCC,
        "customs_code": "4401960ABC",
        "markets": [MARKET],
    } | changes


def sale_body(operator_id: str, buyer_id: str, *lines: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "operator_id": operator_id,
        "sale": {
            "buyer_id": buyer_id,
            "sold_on": utc_now().date().isoformat(),
            "currency": "USD",
            "lines": [
                {"hs_code": code, "name": "棉制T恤", "quantity": q, "unit": "011", "price": p}
                for code, q, p in lines
            ],
        },
    }


def seed_procurement(world: World, party: str = "broker") -> dict[str, str]:
    """The path parameters ``sale_id`` and ``shipment_id``, every resource owned by ``party``."""
    register_market(world)
    operator = register(world, party, "operators", operator_body())
    buyer = register(world, party, "buyers", buyer_body())
    agent = register(world, party, "agents", agent_body())
    commissioned = world.client.post(
        "/v1/procurement/commissions",
        json={"buyer_id": buyer, "agent_id": agent},
        headers=world.auth(party),
    )
    assert commissioned.status_code == 201, commissioned.text
    sales = []
    for lines in ((("6109100021", "1000", "2.00"),), (("6110200099", "10", "5.50"),)):
        recorded = world.client.post(
            "/v1/procurement/sales",
            json=sale_body(operator, buyer, *lines),
            headers=world.auth(party),
        )
        assert recorded.status_code == 201, recorded.text
        sales.append(decoded(recorded)["id"])
    confirmed = world.client.post(
        f"/v1/procurement/sales/{sales[0]}/confirm", headers=world.auth(party)
    )
    assert confirmed.status_code == 200, confirmed.text
    shipment = world.client.post(
        "/v1/procurement/shipments",
        json={
            "agent_id": agent,
            "shipment": {
                "buyer_id": buyer,
                "transaction_ids": [sales[0]],
                "containers": ["CSQU3054383"],
                "port_of_loading": "CNNSA",
                "destination": "NG",
            },
        },
        headers=world.auth(party),
    )
    assert shipment.status_code == 201, shipment.text
    return {"sale_id": sales[1], "shipment_id": decoded(shipment)["id"]}
