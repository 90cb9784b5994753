"""Properties of agency views over arbitrary JSON: never a key outside the grant, never a crash,
and whatever is added to a document (at any depth, under any name) changes no view unless the
policy names it."""

from __future__ import annotations

import copy
from typing import Any

from agency_documents import KINDS, full_documents
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.agencies.fields import ANY
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.routing import required_agencies
from tradewindow.agencies.views import agency_sees, agency_view

POLICY = shipped_policy()
DOCUMENTS = full_documents()
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=12,
)
names = st.text(min_size=1, max_size=16).filter(lambda n: n != ANY)


def leaves(node: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found |= leaves(value, f"{prefix}{key}/")
    elif isinstance(node, list):
        for element in node:
            found |= leaves(element, f"{prefix}{ANY}/")
    else:
        found.add(prefix.rstrip("/"))
    return found


def containers(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every dict inside ``document``, itself included."""
    found = [document]
    for value in document.values():
        if isinstance(value, dict):
            found += containers(value)
        elif isinstance(value, list):
            for element in value:
                if isinstance(element, dict):
                    found += containers(element)
    return found


@given(
    kind=st.sampled_from(KINDS),
    agency=st.sampled_from(sorted(POLICY.agencies)),
    where=st.integers(min_value=0),
    name=names,
    value=json_values,
)
def test_an_added_key_anywhere_changes_no_view(
    kind: str, agency: str, where: int, name: str, value: Any
) -> None:
    document = DOCUMENTS[kind]
    grown = copy.deepcopy(document)
    targets = containers(grown)
    target = targets[where % len(targets)]
    if name in target:
        return  # replacing a field is not adding one
    target[name] = value
    assert agency_view(POLICY, agency, kind, grown) == agency_view(POLICY, agency, kind, document)


@given(
    kind=st.sampled_from(KINDS),
    agency=st.sampled_from(sorted(POLICY.agencies)),
    document=st.dictionaries(st.text(max_size=16), json_values, max_size=4),
)
def test_any_json_gives_only_granted_leaves_and_never_raises(
    kind: str, agency: str, document: dict[str, Any]
) -> None:
    view = agency_view(POLICY, agency, kind, document)
    granted = POLICY.agencies[agency].grants.get(kind, frozenset())
    if view is not None:
        assert {leaf for leaf in leaves(view) if leaf} <= granted | {
            p.rsplit("/", 1)[0] for p in granted
        } | {p.split("/", 1)[0] for p in granted}


@given(documents=st.dictionaries(st.sampled_from(KINDS), st.dictionaries(st.text(), json_values)))
def test_routing_any_json_never_raises_and_customs_always_decides(
    documents: dict[str, dict[str, Any]],
) -> None:
    assert required_agencies(POLICY, documents)[0] == "customs"


# the codes the policy's line conditions test, so that changed lines sometimes hold
LINE_CODES = sorted(
    {
        f"{value}{tail}"
        for agency in POLICY.agencies.values()
        for condition in agency.lines_of.values()
        for value in condition.values
        for tail in ("", "0000")
    }
)


@given(
    kind=st.sampled_from(KINDS),
    agency=st.sampled_from(sorted(POLICY.agencies)),
    where=st.integers(min_value=0),
    value=json_values | st.sampled_from(LINE_CODES),
    document=st.none() | st.dictionaries(st.text(max_size=16), json_values, max_size=4),
)
def test_agency_sees_exactly_when_it_has_a_view(
    kind: str, agency: str, where: int, value: Any, document: dict[str, Any] | None
) -> None:
    """``agency_sees`` (what routing asks) agrees with ``agency_view`` (what it shows), on
    full documents with any one field changed and on arbitrary JSON."""
    if document is None:
        document = copy.deepcopy(DOCUMENTS[kind])
        fields = [(c, k) for c in containers(document) for k in c]
        target, name = fields[where % len(fields)]
        target[name] = value
    seen = agency_view(POLICY, agency, kind, document) is not None
    assert agency_sees(POLICY, agency, kind, document) is seen
