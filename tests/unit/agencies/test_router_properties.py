"""``routing.Router`` (the policy's rules compiled once) answers exactly as the straightforward
``required_agencies`` and ``informed_agencies`` do, on full documents whose routed fields take
values that sometimes hold, on any subset of a filing's documents and on arbitrary JSON."""

from __future__ import annotations

import copy
from typing import Any

from agency_documents import KINDS, full_documents
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.agencies.fields import ANY
from tradewindow.agencies.policy_file import policy_from_text, shipped_policy
from tradewindow.agencies.routing import Router, informed_agencies, required_agencies

POLICY = shipped_policy()
ROUTER = Router(POLICY)
DOCUMENTS = full_documents()
CONDITIONS = [
    condition
    for agency in POLICY.agencies.values()
    for rule in agency.rules
    for condition in rule.conditions
]
# values around every condition's codes, prefixes and thresholds, so that rules sometimes hold
VALUES = sorted(
    {f"{value}{tail}" for c in CONDITIONS for value in c.values for tail in ("", "0", "9")}
    | {str(c.amount + step) for c in CONDITIONS if c.amount is not None for step in (-1, 0, 1)}
    | {"", "x", "0"}
)
scalars = st.none() | st.booleans() | st.integers(-5, 5000) | st.sampled_from(VALUES)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _set(node: Any, parts: list[str], values: list[Any]) -> None:
    """Every element under ``*`` gets the next value (cycling), so lines differ."""
    head, rest = parts[0], parts[1:]
    if head == ANY:
        if isinstance(node, list):
            for index, element in enumerate(node):
                _set(element, rest, values[index:] + values[:index])
    elif not rest:
        if isinstance(node, dict):
            node[head] = values[0]
    elif isinstance(node, dict) and head in node:
        _set(node[head], rest, values)


@given(
    kinds=st.sets(st.sampled_from(KINDS)),
    changes=st.lists(
        st.tuples(st.sampled_from(CONDITIONS), st.lists(scalars, min_size=1, max_size=3)),
        max_size=6,
    ),
)
def test_the_router_routes_filings_as_the_policy_does(
    kinds: set[str], changes: list[tuple[Any, list[Any]]]
) -> None:
    documents = {kind: copy.deepcopy(DOCUMENTS[kind]) for kind in sorted(kinds)}
    for condition, values in changes:
        if condition.kind in documents:
            _set(documents[condition.kind], condition.path.split("/"), values)
    assert ROUTER.required(documents) == required_agencies(POLICY, documents)
    assert ROUTER.informed(documents) == informed_agencies(POLICY, documents)


@given(
    documents=st.dictionaries(
        st.sampled_from((*KINDS, "export_inventory", "mpt_sale", "unknown")),
        st.dictionaries(st.text(max_size=12), json_values, max_size=4),
    )
)
def test_the_router_agrees_on_any_json(documents: dict[str, dict[str, Any]]) -> None:
    assert ROUTER.required(documents) == required_agencies(POLICY, documents)
    assert ROUTER.informed(documents) == informed_agencies(POLICY, documents)


def test_a_policy_without_rules_is_routed_alike() -> None:
    """An agency that never decides and one routed always: the compiled families are empty."""
    text = """
policy_version = "t"
effective_from = 2026-03-01
[agencies.customs]
name_en = "Customs"
name_zh = "海关"
route_when = "always"
[agencies.customs.receives.order]
OrderHead = ["orderNo"]
[agencies.taxation]
name_en = "Taxation"
name_zh = "税务"
[agencies.taxation.receives.order]
OrderHead = ["orderNo"]
"""
    policy = policy_from_text(text)
    documents = {"order": DOCUMENTS["order"]}
    assert Router(policy).required(documents) == required_agencies(policy, documents) == ["customs"]
    assert Router(policy).informed(documents) == informed_agencies(policy, documents)
    assert informed_agencies(policy, documents) == ["taxation"]
