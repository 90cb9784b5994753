"""The bonded warehouse's account book in the portal (SQLite and PostgreSQL): its operator
records goods brought in and sees each item's balance; a bad entry is refused with its codes
and records nothing; a firm's clerk may not see the page."""

from __future__ import annotations

from typing import Any

from portal_world import World, csrf_of, sign_in

from tradewindow.parties.model import RegisterParty


def test_the_operator_records_stock_and_sees_the_balance(world: World, client: Any) -> None:
    registry = world.window.registry
    registry.register(
        RegisterParty(id="bonded-site", name_zh="前海保税仓", name_en="bonded site",
                      kind="enterprise", roles=("terminal_operator",),
                      identifiers=(("cn.customs", "4403940001"),))
    )  # fmt: skip
    world.accounts.add("bonded-site", "warehouse-clerk", "correct horse battery staple")
    assert sign_in(client, "warehouse-clerk").status_code == 303
    token = csrf_of(client, "/portal/bonded")
    entry = {"csrf_token": token, "emsNo": "T5349W000001", "itemRecordNo": "REC0001",
             "qty": "12", "sourceDeclaration": "531620260000012345"}  # fmt: skip
    bad = client.post("/portal/bonded", data={**entry, "qty": "0"}, follow_redirects=False)
    assert bad.status_code == 422
    assert 'data-code="bonded.qty.not_positive"' in bad.text
    done = client.post("/portal/bonded", data=entry, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert 'data-item="REC0001" data-balance="12"' in page
    client.cookies.clear()
    assert sign_in(client, "clerk").status_code == 303
    assert client.get("/portal/bonded").status_code == 403
