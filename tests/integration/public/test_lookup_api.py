"""The lookup's JSON API answers from the reference tables: HS by code and by words, HS
paths, UN/LOCODE locations and the customs code tables with their ISO mappings."""

from __future__ import annotations

import pytest

from tradewindow.reference import hs_children, locodes_in


def test_hs_by_code_lists_the_heading_and_all_its_subheadings(client) -> None:
    answer = client.get("/api/v1/lookup/hs", params={"q": "0401"}).json()
    codes = [entry["code"] for entry in answer["results"]]
    assert codes == ["0401", *(child.code for child in hs_children("0401"))]
    assert codes == ["0401", "040110", "040120", "040140", "040150"]
    assert answer["note"] is None
    assert not answer["truncated"]


def test_hs_by_words_finds_entries_containing_every_word(client) -> None:
    answer = client.get("/api/v1/lookup/hs", params={"q": "milk powder"}).json()
    assert answer["results"]
    for entry in answer["results"]:
        text = entry["description"].casefold()
        assert "milk" in text
        assert "powder" in text
    assert "040210" in [entry["code"] for entry in answer["results"]]


def test_hs_limit_cuts_and_says_so(client) -> None:
    answer = client.get("/api/v1/lookup/hs", params={"q": "04", "limit": 3}).json()
    assert [entry["code"] for entry in answer["results"]] == ["04", "0401", "040110"]
    assert answer["truncated"]


def test_a_chinese_hs_query_finds_named_headings_and_says_what_is_covered(client) -> None:
    answer = client.get("/api/v1/lookup/hs", params={"q": "奶粉"}).json()
    assert [entry["code"] for entry in answer["results"]] == ["0402", "1901"]
    milk = answer["results"][0]
    assert milk["name_zh"] == "浓缩、加糖或其他甜物质的乳及奶油"
    assert milk["name_zh_hant"] == "濃縮、加糖或其他甜物質的乳及奶油"
    assert milk["description"].startswith("Milk and cream; concentrated")
    assert answer["note"] == "hs.zh_partial"


@pytest.mark.parametrize(
    ("simplified", "traditional"), [("化妆品", "化妝品"), ("纸尿裤", "紙尿褲")]
)
def test_traditional_and_simplified_queries_answer_alike(client, simplified, traditional) -> None:
    def codes(query: str) -> list[str]:
        answer = client.get("/api/v1/lookup/hs", params={"q": query}).json()
        return [entry["code"] for entry in answer["results"]]

    assert codes(simplified) == codes(traditional)
    assert codes(simplified)


def test_hs_entries_carry_chinese_names_where_the_table_has_them(client) -> None:
    chapter = client.get("/api/v1/lookup/hs/33").json()
    assert chapter["entry"]["name_zh"] == "精油及香膏；芳香料制品及化妆盥洗品"
    assert chapter["entry"]["name_zh_hant"] == "精油及香膏；芳香料製品及化妝盥洗品"
    children = {child["code"]: child for child in chapter["children"]}
    assert children["3304"]["name_zh"].startswith("美容品或化妆品")
    assert children["3302"]["name_zh"] is None  # not a heading the table names
    subheading = client.get("/api/v1/lookup/hs/330499").json()
    assert [step["name_zh"] for step in subheading["path"]][:2] == [
        chapter["entry"]["name_zh"],
        children["3304"]["name_zh"],
    ]
    assert subheading["entry"]["name_zh"] is None


def test_a_national_code_resolves_to_its_subheading_with_its_path(client) -> None:
    detail = client.get("/api/v1/lookup/hs/1901101000").json()
    assert detail["entry"]["code"] == "190110"
    assert [step["code"] for step in detail["path"]] == ["19", "1901", "190110"]
    assert detail["children"] == []
    chapter = client.get("/api/v1/lookup/hs/04").json()
    assert [c["code"] for c in chapter["children"]] == [h.code for h in hs_children("04")]
    assert len(chapter["children"]) == 10


def test_an_unknown_hs_code_is_a_problem(client) -> None:
    response = client.get("/api/v1/lookup/hs/9999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "http.not_found"


def test_ports_by_code_then_by_name_within_a_country(client) -> None:
    by_code = client.get("/api/v1/lookup/ports", params={"q": "CN SZX"}).json()
    assert by_code["results"][0]["code"] == "CNSZX"
    by_name = client.get("/api/v1/lookup/ports", params={"q": "yantian", "country": "cn"})
    found = by_name.json()["results"]
    assert found
    assert all(entry["country"] == "CN" for entry in found)
    assert all("yantian" in entry["name"].casefold() for entry in found)


def test_ports_only_keeps_locations_with_the_port_function(client) -> None:
    answer = client.get("/api/v1/lookup/ports", params={"country": "HK", "port": "true"}).json()
    expected = [e.code for e in locodes_in("HK") if e.has_function("1")]
    assert [entry["code"] for entry in answer["results"]] == expected[:50]
    assert all("1" in entry["function"] for entry in answer["results"])


@pytest.mark.parametrize(
    ("table", "query", "code", "mapping"),
    [
        ("currencies", "USD", "502", {"iso_alpha3": "USD", "iso_numeric": "840"}),
        ("currencies", "美元", "502", {"iso_alpha3": "USD", "iso_numeric": "840"}),
        ("countries", "HKG", "110", {"iso_alpha2": "HK", "iso_alpha3": "HKG"}),
        ("countries", "united states", "502", {"iso_alpha2": "US", "iso_alpha3": "USA"}),
        ("units", "KGM", "035", {"rec20": "KGM"}),
        ("offices", "5300", "5300", {"district": "5300", "gba_city": "shenzhen"}),
        ("trade-modes", "9610", "9610", {"directions": "EI", "cbec": "yes"}),
    ],
)
def test_customs_codes_with_their_mappings(client, table, query, code, mapping) -> None:
    answer = client.get(f"/api/v1/lookup/codes/{table}", params={"q": query}).json()
    entry = next(e for e in answer["entries"] if e["code"] == code)
    assert entry["mapping"] == mapping
    assert entry["name_en"]
    assert entry["name_zh"]


def test_an_unknown_table_and_a_bad_limit_are_problems(client) -> None:
    unknown = client.get("/api/v1/lookup/codes/ports")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "lookup.table.unknown"
    bad = client.get("/api/v1/lookup/hs", params={"q": "milk", "limit": 0})
    assert bad.status_code == 400


def test_the_public_apis_are_in_the_openapi_document(client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in (
        "/api/v1/lookup/hs",
        "/api/v1/lookup/hs/{code}",
        "/api/v1/lookup/ports",
        "/api/v1/lookup/codes/{table}",
        "/api/v1/sandbox",
        "/api/v1/status",
    ):
        assert path in paths, path
    assert "security" not in paths["/api/v1/sandbox"]["post"]
