"""Property-level access: every agency × every document kind, generated from the policy file.

For a document with every field present, the view holds exactly the granted leaves and no
other key at any depth; a kind the agency does not receive gives no view at all.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from agency_documents import KINDS, documents, full_documents, key_paths

from tradewindow.agencies.fields import leaf_paths
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.views import agency_view, personal_data_in

POLICY = shipped_policy()
MATRIX = [(agency, kind) for agency in POLICY.agencies for kind in KINDS]


def ancestors(path: str) -> set[str]:
    parts = path.split("/")
    return {"/".join(parts[:n]) for n in range(1, len(parts))}


@pytest.mark.parametrize(("agency", "kind"), MATRIX, ids=[f"{a}-{k}" for a, k in MATRIX])
def test_view_holds_exactly_the_granted_fields(agency: str, kind: str) -> None:
    document = full_documents()[kind]
    granted = POLICY.agencies[agency].grants.get(kind)

    view = agency_view(POLICY, agency, kind, document)

    if granted is None:
        assert view is None
        return
    assert view is not None
    paths = key_paths(view)
    leaves = {p for p in paths if not any(q.startswith(f"{p}/") for q in paths)}
    assert leaves == granted
    allowed_containers = set().union(*(ancestors(p) for p in granted))
    assert paths - granted <= allowed_containers, "a key outside the policy"


@pytest.mark.parametrize(("agency", "kind"), MATRIX, ids=[f"{a}-{k}" for a, k in MATRIX])
def test_granted_values_are_the_document_values(agency: str, kind: str) -> None:
    document = full_documents()[kind]
    view = agency_view(POLICY, agency, kind, document)
    if view is None:
        return
    for container, fields in view.items():
        if isinstance(fields, list):
            source = {line["gnum"]: line for line in document[container]}
            for line in fields:
                original = source[line["gnum"]] if "gnum" in line else document[container][0]
                assert all(original[name] == value for name, value in line.items())
        else:
            assert all(document[container][name] == value for name, value in fields.items())


def test_every_kind_is_received_by_customs_field_for_field() -> None:
    for kind in KINDS:
        assert POLICY.agencies["customs"].grants[kind] == leaf_paths(kind)


def test_a_field_added_later_is_seen_by_no_agency() -> None:
    for kind, document in full_documents().items():
        grown = copy.deepcopy(document)
        root = next(iter(grown))
        head = grown[root][0] if isinstance(grown[root], list) else grown[root]
        head["riskScore"] = "0.93"
        head["buyerPassportNo"] = "E12345678"
        grown["Attachment"] = {"scan": "base64…", "guid": "leak"}
        for line in grown.get("InventoryList", []) + grown.get("OrderList", []):
            line["supplierPrice"] = "1.00"
        for agency in POLICY.agencies:
            before = agency_view(POLICY, agency, kind, document)
            after = agency_view(POLICY, agency, kind, grown)
            assert after == before, (agency, kind)


def test_a_structure_where_a_value_is_granted_is_left_out() -> None:
    document = full_documents()["payment"]
    document["PaymentHead"]["amountPaid"] = {"value": "1.00", "secret": "x"}
    view = agency_view(POLICY, "foreign_exchange", "payment", document)
    assert view is not None
    assert "amountPaid" not in view["PaymentHead"]
    assert view["PaymentHead"]["currency"] == "142"


def test_an_unknown_agency_sees_nothing() -> None:
    for kind, document in full_documents().items():
        assert agency_view(POLICY, "ministry_of_curiosity", kind, document) is None


# --- inspection & quarantine: only goods on its list ---------------------------------------


def inventory_with_lines(*gcodes: str) -> dict[str, Any]:
    document = documents()["inventory"]
    template = document["InventoryList"][0]
    document["InventoryList"] = [
        {**template, "gnum": n, "gcode": gcode} for n, gcode in enumerate(gcodes, 1)
    ]
    return document


def test_inspection_sees_only_listed_goods_and_keeps_their_numbers() -> None:
    document = inventory_with_lines("8509400090", "1901101000", "9503008900", "3304990099")

    view = agency_view(POLICY, "inspection_quarantine", "inventory", document)

    assert view is not None
    assert [(line["gnum"], line["gcode"]) for line in view["InventoryList"]] == [
        (2, "1901101000"),
        (4, "3304990099"),
    ]
    assert view["InventoryHead"]["country"] == "110"
    assert all(line["country"] == "116" for line in view["InventoryList"])


def test_inspection_gets_no_view_of_a_list_without_listed_goods() -> None:
    document = inventory_with_lines("8509400090", "9503008900", "6403990090")
    assert agency_view(POLICY, "inspection_quarantine", "inventory", document) is None


@pytest.mark.parametrize("kind", ["order", "payment", "waybill", "tax_bill"])
def test_inspection_receives_only_the_inventory_list(kind: str) -> None:
    assert agency_view(POLICY, "inspection_quarantine", kind, documents()[kind]) is None


def test_other_agencies_see_every_line() -> None:
    document = inventory_with_lines("8509400090", "1901101000")
    view = agency_view(POLICY, "foreign_exchange", "inventory", document)
    assert view is not None
    assert [line["gnum"] for line in view["InventoryList"]] == [1, 2]


# --- personal data -------------------------------------------------------------------------

PERSONAL = {
    "OrderHead/buyerName", "OrderHead/buyerIdNumber", "OrderHead/buyerTelephone",
    "OrderHead/buyerRegNo", "OrderHead/consignee", "OrderHead/consigneeTelephone",
    "OrderHead/consigneeAddress", "PaymentHead/payerName", "PaymentHead/payerIdNumber",
    "PaymentHead/telephone", "LogisticsHead/consignee", "LogisticsHead/consigneeTelephone",
    "LogisticsHead/consigneeAddress", "InventoryHead/buyerName",
    "InventoryHead/buyerIdNumber", "InventoryHead/buyerTelephone",
    "InventoryHead/consigneeAddress",
    "MarketSale/buyerDocumentNumber",  # market procurement: a foreign buyer's passport number
    # a CEB625 return an officer reviews names the buyer as its list does
    "InvtRefundHead/buyerName", "InvtRefundHead/buyerIdNumber", "InvtRefundHead/buyerTelephone",
}  # fmt: skip


def test_personal_data_is_the_buyers_payers_and_consignees_identity() -> None:
    assert POLICY.personal_data == PERSONAL


@pytest.mark.parametrize(
    ("agency", "kind", "expected"),
    [
        ("customs", "inventory", [
            "InventoryHead/buyerIdNumber", "InventoryHead/buyerName",
            "InventoryHead/buyerTelephone", "InventoryHead/consigneeAddress",
        ]),
        ("foreign_exchange", "payment", ["PaymentHead/payerIdNumber", "PaymentHead/payerName"]),
        ("foreign_exchange", "order", []),
        ("border_control", "waybill", []),
        ("border_control", "inventory", []),
        ("taxation", "order", []),
        ("inspection_quarantine", "inventory", []),
    ],
)  # fmt: skip
def test_personal_data_in_a_view(agency: str, kind: str, expected: list[str]) -> None:
    view = agency_view(POLICY, agency, kind, full_documents()[kind])
    assert view is not None
    assert personal_data_in(POLICY, view) == expected


def test_foreign_exchange_sees_amounts_and_parties_but_not_the_phone() -> None:
    view = agency_view(POLICY, "foreign_exchange", "payment", documents()["payment"])
    assert view is not None
    head = view["PaymentHead"]
    assert head["amountPaid"] == "1418.30"
    assert head["currency"] == "142"
    assert head["payerName"] == "王小明"
    assert "telephone" not in head


def test_only_customs_and_foreign_exchange_are_given_personal_data() -> None:
    given = {
        agency.code
        for agency in POLICY.agencies.values()
        if any(paths & POLICY.personal_data for paths in agency.grants.values())
    }
    assert given == {"customs", "foreign_exchange"}
