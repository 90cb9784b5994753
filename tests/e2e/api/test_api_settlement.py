"""Tax settlement and bonded stock over HTTP: an agent reads its own statement (JSON and
CSV) and guarantee, another party is told nothing; an early payment is refused with its
code; the supervised site's operator records stock entries (all or none) and reads them."""

from __future__ import annotations

from decimal import Decimal

from api_world import World, decoded

import builders
from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.parties.model import RegisterParty

AGENT = builders.EBC_CODE  # the builders' lists name their enterprise as guarantor


def released(world: World) -> None:
    answers = world.file_set(builders.import_set())
    assert [r.status_code for r in answers] == [201] * 4
    world.release_all()


def test_the_agent_reads_its_statement_and_guarantee(world: World) -> None:
    world.window.app.clearance.set_guarantee(AGENT, Decimal("1000.00"))
    released(world)
    month = world.window.clock().astimezone(CHINA_TZ).strftime("%Y-%m")
    url = f"/v1/cbec/tax/statement?agent={AGENT}&month={month}"
    answer = world.client.get(url, headers=world.auth("enterprise"))
    assert answer.status_code == 200, answer.text
    (row,) = decoded(answer)["rows"]
    assert (row["status"], Decimal(row["charged"])) == ("not_yet_payable", Decimal("176.53"))
    csv = world.client.get(url, headers={**world.auth("enterprise"), "Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].startswith(row["taxNo"])
    guarantee = world.client.get(f"/v1/cbec/tax/guarantee?agent={AGENT}",
                                 headers=world.auth("enterprise"))  # fmt: skip
    assert Decimal(decoded(guarantee)["used"]) == Decimal("176.53")
    # another enterprise asking for this agent's bills: as if no such agent existed
    other = world.client.get(url, headers=world.auth("other-enterprise"))
    assert other.status_code == 404
    early = world.client.post(
        "/v1/cbec/tax/payments",
        json={"agent": AGENT, "paymentId": "P-1", "taxNo": row["taxNo"], "amount": "176.53"},
        headers={**world.auth("enterprise"), "Idempotency-Key": world.key()},
    )
    assert early.status_code == 422, early.text
    assert decoded(early)["code"] == "tax.bill.not_payable_yet"


def test_the_site_operator_records_stock_all_or_none(world: World) -> None:
    world.window.registry.register(
        RegisterParty(id="bonded-site", name_zh="前海保税仓", name_en="bonded site",
                      kind="enterprise", roles=("terminal_operator",),
                      identifiers=(("cn.customs", "4403940001"),))
    )  # fmt: skip
    world.keys["bonded-site"] = world.window.registry.issue_key("bonded-site").api_key
    good = {"emsNo": "T5349W000001", "itemRecordNo": "REC0001", "qty": "10",
            "sourceDeclaration": "531620260000012345"}  # fmt: skip
    bad = {**good, "qty": "0"}
    headers = {**world.auth("bonded-site"), "Idempotency-Key": world.key()}
    refused = world.client.post("/v1/cbec/bonded/entries", json={"entries": [good, bad]},
                                headers=headers)  # fmt: skip
    assert refused.status_code == 422
    assert [v["path"] for v in decoded(refused)["violations"]] == ["entries[2]/qty"]
    headers = {**world.auth("bonded-site"), "Idempotency-Key": world.key()}
    entered = world.client.post("/v1/cbec/bonded/entries", json={"entries": [good]},
                                headers=headers)  # fmt: skip
    assert entered.status_code == 201, entered.text
    stock = world.client.get("/v1/cbec/bonded/stock", headers=world.auth("bonded-site"))
    (item,) = decoded(stock)["items"]
    assert Decimal(item["balance"]) == 10
    assert (
        world.client.get("/v1/cbec/bonded/stock", headers=world.auth("broker")).status_code == 403
    )
