"""Routing: which agencies must decide on a filing, by the shipped policy's rules, and which
are informed of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from agency_documents import documents

from tradewindow.agencies.policy_file import policy_from_text, shipped_policy
from tradewindow.agencies.routing import informed_agencies, required_agencies, values_at

POLICY = shipped_policy()
Docs = dict[str, dict[str, Any]]


def lines(*gcodes: str) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        template = docs["inventory"]["InventoryList"][0]
        docs["inventory"]["InventoryList"] = [
            {**template, "gnum": n, "gcode": gcode} for n, gcode in enumerate(gcodes, 1)
        ]

    return edit


def head(kind: str, **fields: str) -> Callable[[Docs], None]:
    root = {"inventory": "InventoryHead", "payment": "PaymentHead"}[kind]

    def edit(docs: Docs) -> None:
        docs[kind][root].update(fields)

    return edit


def without(kind: str) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        del docs[kind]

    return edit


CASES = [
    # the builders' parcel: cosmetics, infant formula, vitamins by air, 1418.30 CNY
    ("as built", [], ["customs", "inspection_quarantine"]),
    ("no listed goods", [lines("8509400090", "9503008900")], ["customs"]),
    ("one listed line among others", [lines("8509400090", "0402210000")],
     ["customs", "inspection_quarantine"]),
    ("a 6-digit prefix matches, its neighbour does not", [lines("3302109000")], ["customs"]),
    ("cosmetics heading", [lines("3307200000")], ["customs", "inspection_quarantine"]),
    ("direct purchase by road", [lines("8509400090"), head("inventory", trafMode="4")],
     ["customs", "border_control"]),
    ("direct purchase by waterway", [lines("8509400090"), head("inventory", trafMode="2")],
     ["customs", "border_control"]),
    ("bonded goods by road", [lines("8509400090"),
                              head("inventory", trafMode="4", tradeMode="1210")], ["customs"]),
    ("postal", [lines("8509400090"), head("inventory", trafMode="6")], ["customs"]),
    ("payment at the threshold", [lines("8509400090"), head("payment", amountPaid="3000.00")],
     ["customs"]),
    ("payment just over", [lines("8509400090"), head("payment", amountPaid="3000.01")],
     ["customs", "foreign_exchange"]),
    ("payment in US dollars", [lines("8509400090"), head("payment", currency="502")],
     ["customs", "foreign_exchange"]),
    ("no payment on file", [lines("8509400090"), without("payment")], ["customs"]),
    ("everyone", [head("inventory", trafMode="3"), head("payment", amountPaid="4999.99")],
     ["customs", "inspection_quarantine", "border_control", "foreign_exchange"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edits", "expected"), CASES, ids=[c[0] for c in CASES])
def test_required_agencies(
    case: str, edits: list[Callable[[Docs], None]], expected: list[str]
) -> None:
    docs = documents()
    for edit in edits:
        edit(docs)
    assert required_agencies(POLICY, docs) == expected


def test_taxation_is_informed_and_never_required() -> None:
    assert not POLICY.agencies["taxation"].decides


def test_an_unreadable_amount_does_not_route() -> None:
    docs = documents()
    docs["payment"]["PaymentHead"]["amountPaid"] = "lots"
    assert "foreign_exchange" not in required_agencies(POLICY, docs)


def test_values_at_reads_every_line() -> None:
    docs = documents()
    assert list(values_at(docs["inventory"], "InventoryList/*/gcode")) == [
        "3304990099", "1901101000", "2106909090",
    ]  # fmt: skip
    assert list(values_at(docs["inventory"], "InventoryHead/trafMode")) == ["5"]
    assert list(values_at(docs["inventory"], "InventoryHead/emsNo")) == []


# --- informed agencies ---------------------------------------------------------------------

INFORMED_CASES = [
    ("as built", [], ["taxation"]),
    ("everyone decides: taxation is still only informed",
     [head("inventory", trafMode="3"), head("payment", amountPaid="4999.99")], ["taxation"]),
    ("no order on file: the list is enough", [without("order")], ["taxation"]),
    ("only documents taxation is not granted",
     [without("order"), without("inventory"), without("tax_bill")], []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "edits", "expected"), INFORMED_CASES, ids=[c[0] for c in INFORMED_CASES]
)
def test_informed_agencies(
    case: str, edits: list[Callable[[Docs], None]], expected: list[str]
) -> None:
    docs = documents()
    for edit in edits:
        edit(docs)
    assert informed_agencies(POLICY, docs) == expected


def test_a_deciding_agency_that_is_not_required_is_not_informed() -> None:
    docs = documents()  # by air: border control is not required, and so not informed either
    assert "border_control" not in required_agencies(POLICY, docs)
    assert "border_control" not in informed_agencies(POLICY, docs)
    assert "foreign_exchange" not in informed_agencies(POLICY, docs)


INFORMED_OF_SOME_LINES = """
policy_version = "t1"
effective_from = 2026-03-01

[lists]
food = ["19", "2106"]

[agencies.customs]
name_en = "Customs"
name_zh = "海关"
route_when = "always"

[agencies.customs.receives.inventory]
InventoryHead = ["orderNo"]

[agencies.market_regulation]
name_en = "Market regulation"
name_zh = "市场监管"

[agencies.market_regulation.only_lines]
"InventoryList/*/gcode" = { prefix_in = "food" }

[agencies.market_regulation.receives.inventory]
"InventoryList/*" = ["gcode"]
"""


def test_an_informed_agency_seeing_no_line_of_the_filing_is_not_informed() -> None:
    policy = policy_from_text(INFORMED_OF_SOME_LINES)
    docs = documents()  # infant formula (1901) and supplements (2106) among the lines
    assert informed_agencies(policy, docs) == ["market_regulation"]
    lines("8509400090", "3304990099")(docs)
    assert informed_agencies(policy, docs) == []
