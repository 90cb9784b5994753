"""Informed agencies over HTTP, end to end: a parcel filed by its four filers and released by
the deciding agencies; taxation, which never decides, lists and reads its notice of it (values
and the tax bill, never the buyer); another agency cannot; bad parameters are coded refusals;
a notice holding personal data is recorded in the evidence log on every read."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec
import pytest
from api_world import World, decoded, open_world

import builders
from tradewindow.agencies.sharing_policy import Policy, parse_policy

TAX = "guangdong-tax"
KEY = f"{builders.EBP_CODE}|{builders.ORDER_NO}"


def test_taxation_sees_the_values_and_the_tax_bill_of_a_released_parcel(world: World) -> None:
    assert all(r.status_code == 201 for r in world.file_set(builders.import_set()))
    listed = decoded(world.client.get("/v1/agency/notices", headers=world.auth(TAX)))
    assert [(n["filing"], n["agency"]) for n in listed["notices"]] == [(KEY, "taxation")]
    assert (listed["page"], listed["hasMore"]) == (1, False)
    notice = listed["notices"][0]["id"]
    before = decoded(world.client.get(f"/v1/agency/notices/{notice}", headers=world.auth(TAX)))
    assert sorted(before["documents"]) == ["inventory", "order"]  # no tax bill before release

    filing = world.client.get(
        f"/v1/cbec/filings/inventory/{quote(KEY)}", headers=world.auth("broker")
    )
    assert "taxation" not in [a["agency"] for a in decoded(filing)["agencies"]["agencies"]]
    world.release_all()
    detail = decoded(
        world.client.get(f"/v1/cbec/filings/inventory/{quote(KEY)}", headers=world.auth("broker"))
    )
    assert detail["agencies"]["status"] == "released"  # never waited for taxation

    response = world.client.get(f"/v1/agency/notices/{notice}", headers=world.auth(TAX))
    assert response.status_code == 200
    view = decoded(response)
    assert sorted(view["documents"]) == ["inventory", "order", "tax_bill"]
    bill = decoded(
        world.client.get(f"/v1/cbec/tax-bills/{detail['invtNo']}", headers=world.auth("broker"))
    )
    head = bill["Tax"][0]["TaxHeadRd"]
    shown = view["documents"]["tax_bill"]["TaxHeadRd"]
    assert shown["taxNo"] == head["taxNo"]
    assert shown["valueAddedTax"] == head["valueAddedTax"]
    assert "guid" not in shown
    order = view["documents"]["order"]["OrderHead"]
    assert order["goodsValue"] == str(builders.import_set().order.head.goods_value)
    assert view["personalData"] == []
    for secret in ("王小明", builders.BUYER_ID, "13800138000"):
        assert secret not in response.text
    assert not [r for r in world.window.evidence.records() if r.actor == TAX]  # nothing personal


def test_a_deciding_agency_has_no_notices_and_cannot_read_taxations(world: World) -> None:
    world.file_set(builders.import_set())
    (notice,) = decoded(world.client.get("/v1/agency/notices", headers=world.auth(TAX)))["notices"]
    for party in ("gacc-guangdong", "gacc-guangdong-quarantine", "safe-guangdong"):
        listed = decoded(world.client.get("/v1/agency/notices", headers=world.auth(party)))
        assert listed["notices"] == []
        answer = world.client.get(f"/v1/agency/notices/{notice['id']}", headers=world.auth(party))
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert decoded(answer)["code"] == "agency.notice.not_found"
        assert KEY not in answer.text
    answer = world.client.get("/v1/agency/notices/987654", headers=world.auth(TAX))
    assert decoded(answer)["code"] == "agency.notice.not_found"
    refused = world.client.get("/v1/agency/notices", headers=world.auth("broker"))
    assert refused.status_code == 403
    assert decoded(refused)["code"] == "auth.forbidden"


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("size=0", "size"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("sort=sideways", "sort"),
        ("filing=" + "9" * 201, "filing"),
    ],
)
def test_bad_listing_parameters_are_coded_refusals(world: World, query: str, path: str) -> None:
    answer = world.client.get(f"/v1/agency/notices?{query}", headers=world.auth(TAX))
    assert answer.status_code == 400, answer.text
    problem = decoded(answer)
    assert problem["code"] == "http.400"
    assert [(v["path"], v["code"]) for v in problem["violations"]] == [
        (path, "http.invalid_parameter")
    ]


def test_a_notice_id_that_is_not_a_number_is_not_found(world: World) -> None:
    answer = world.client.get("/v1/agency/notices/abc", headers=world.auth(TAX))
    assert answer.status_code == 404
    assert decoded(answer)["code"] == "http.not_found"


def test_the_page_size_is_capped_by_the_apis_setting_and_filters_sort(tmp_path: Path) -> None:
    world = open_world(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, page_size=2)
    with world.client:
        for n in range(3):
            parcel = builders.import_set(order_no=f"SO-CAP-{n}", logistics_no=f"SF-CAP-{n}")
            assert all(r.status_code == 201 for r in world.file_set(parcel))
        first = decoded(world.client.get("/v1/agency/notices?size=50", headers=world.auth(TAX)))
        assert (first["size"], first["hasMore"], len(first["notices"])) == (2, True, 2)
        second = decoded(
            world.client.get("/v1/agency/notices?size=50&page=2", headers=world.auth(TAX))
        )
        assert (second["hasMore"], len(second["notices"])) == (False, 1)
        oldest = [n["filing"].split("|")[1] for n in first["notices"] + second["notices"]]
        assert oldest == ["SO-CAP-0", "SO-CAP-1", "SO-CAP-2"]
        newest = decoded(
            world.client.get("/v1/agency/notices?sort=newest", headers=world.auth(TAX))
        )
        assert [n["filing"].split("|")[1] for n in newest["notices"]] == ["SO-CAP-2", "SO-CAP-1"]
        one = decoded(world.client.get("/v1/agency/notices?filing=cap-1", headers=world.auth(TAX)))
        assert [n["filing"].split("|")[1] for n in one["notices"]] == ["SO-CAP-1"]
    world.window.close()


def taxation_sees_the_buyer() -> Policy:
    """The shipped policy, but taxation is given the buyer's name and ID (to test the log)."""
    text = resources.files("tradewindow.agencies").joinpath("policy.toml").read_text("utf-8")
    table: dict[str, Any] = tomllib.loads(text)
    table["agencies"]["taxation"]["receives"]["order"]["OrderHead"] += [
        "buyerName",
        "buyerIdNumber",
    ]
    return parse_policy(table)


def test_every_read_of_personal_data_in_a_notice_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tradewindow.bootstrap.shipped_policy", taxation_sees_the_buyer)
    world = open_world(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    with world.client:
        world.file_set(builders.import_set())
        listed = decoded(world.client.get("/v1/agency/notices", headers=world.auth(TAX)))
        notice = listed["notices"][0]["id"]

        def reads() -> list[list[str]]:
            return [
                msgspec.json.decode(r.subjects)
                for r in world.window.evidence.records()
                if r.kind == "personal_data_read" and r.actor == TAX
            ]

        assert reads() == []  # listing shows references only
        for _ in range(2):
            view = decoded(
                world.client.get(f"/v1/agency/notices/{notice}", headers=world.auth(TAX))
            )
            assert view["documents"]["order"]["OrderHead"]["buyerName"] == "王小明"
        expected = [KEY, f"notice:{notice}", "field:OrderHead/buyerIdNumber",
                    "field:OrderHead/buyerName"]  # fmt: skip
        assert view["personalData"] == ["OrderHead/buyerIdNumber", "OrderHead/buyerName"]
        assert reads() == [expected, expected]  # every read, not the first only
    world.window.close()
