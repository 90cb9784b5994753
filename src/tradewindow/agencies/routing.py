"""Which agencies must decide on a filing, by the policy file's ``route_when`` rules, and
which are informed of it.

A filing is one inventory list together with its order, payment, waybill and (once issued)
tax bill, each as wire JSON keyed by document kind. An agency is required when its
``route_when`` is ``always`` or when any of its rules holds (a rule holds when all its
conditions do; a condition on a line field holds when it holds for any line; a condition on a
document the filing lacks does not hold).

An agency without ``route_when`` never decides; it is *informed* of a filing when the policy
grants it at least one of the filing's documents (a document of which it would see nothing,
e.g. no line among those it may see, does not count). So is an agency whose rules read no
document of the filing's family (``fields.FAMILIES``: CBEC import, CBEC export, market
procurement), which therefore never decides on such filings: foreign exchange decides on
import payments, and is informed of an export filing (its receipt of payment).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeGuard

from tradewindow.agencies.fields import ANY, FAMILIES
from tradewindow.agencies.sharing_policy import AgencyPolicy, Condition, Policy
from tradewindow.agencies.views import agency_sees

Documents = Mapping[str, Mapping[str, Any]]  # document kind → wire JSON
_Holds = Callable[[Documents], bool]  # one condition, compiled


class Router:
    """:func:`required_agencies` and :func:`informed_agencies` of one policy, its rules
    compiled once (each condition to a function of the documents, each agency's families of
    documents read) rather than read for every filing: the release gate routes every
    concluded list. Same answers, same order (``tests/unit/agencies/test_router_properties.py``
    compares them)."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._agencies = [
            (
                code,
                agency.always,
                tuple(tuple(_compiled(c) for c in rule.conditions) for rule in agency.rules),
                frozenset(FAMILIES.get(c.kind) for r in agency.rules for c in r.conditions),
                agency,
            )
            for code, agency in policy.agencies.items()
        ]

    def required(self, documents: Documents) -> list[str]:
        """:func:`required_agencies` of the policy."""
        return [
            code
            for code, always, rules, _, _ in self._agencies
            if always or any(all(holds(documents) for holds in rule) for rule in rules)
        ]

    def informed(self, documents: Documents) -> list[str]:
        """:func:`informed_agencies` of the policy."""
        families = {FAMILIES.get(kind) for kind in documents}
        return [
            code
            for code, always, _, read, agency in self._agencies
            if not (always or not read.isdisjoint(families))
            and any(
                kind in agency.trees
                and (kind not in agency.lines_of or agency_sees(self._policy, code, kind, doc))
                for kind, doc in documents.items()
            )
        ]


def _compiled(condition: Condition) -> _Holds:
    """:func:`holds` of ``condition``, its path split once; a path without ``*`` (one value
    at most) walked directly."""
    kind, parts, test = condition.kind, _parts(condition.path), condition.test
    if ANY in parts:

        def holds_on_lines(documents: Documents) -> bool:
            document = documents.get(kind)
            return document is not None and any(test(v) for v in _values(document, parts))

        return holds_on_lines

    def holds_once(documents: Documents) -> bool:
        node: object = documents.get(kind)
        for part in parts:
            if not _is_mapping(node) or part not in node:
                return False
            node = node[part]
        return test(node)

    return holds_once


def _is_mapping(node: object) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(node, Mapping)``, a plain dict (wire JSON) answered without the ABC."""
    return type(node) is dict or isinstance(node, Mapping)


def _values(document: Mapping[str, Any], parts: tuple[str, ...]) -> list[object]:
    """:func:`values_at` for a path already split, as a list."""
    nodes: list[object] = [document]
    for part in parts:
        found: list[object] = []
        for node in nodes:
            if part == ANY:
                if isinstance(node, list):
                    found.extend(node)
            elif _is_mapping(node) and part in node:
                found.append(node[part])
        nodes = found
    return nodes


def required_agencies(policy: Policy, documents: Documents) -> list[str]:
    """The codes of the agencies that must decide on ``documents``, in policy-file order."""
    return [code for code, agency in policy.agencies.items() if is_required(agency, documents)]


def informed_agencies(policy: Policy, documents: Documents) -> list[str]:
    """The codes of the agencies that cannot decide on ``documents`` (see the module) but
    are granted at least one of them, in policy-file order."""
    return [
        code
        for code, agency in policy.agencies.items()
        if not decides_on(agency, documents)
        and any(agency_sees(policy, code, kind, doc) for kind, doc in documents.items())
    ]


def decides_on(agency: AgencyPolicy, documents: Documents) -> bool:
    """Whether the agency decides on filings of the family of ``documents``: always, or a
    rule of it reads a document of that family."""
    families = {FAMILIES.get(kind) for kind in documents}
    return agency.always or any(
        FAMILIES.get(condition.kind) in families
        for rule in agency.rules
        for condition in rule.conditions
    )


def is_required(agency: AgencyPolicy, documents: Documents) -> bool:
    if agency.always:
        return True
    return any(
        all(holds(condition, documents) for condition in rule.conditions) for rule in agency.rules
    )


def holds(condition: Condition, documents: Documents) -> bool:
    document = documents.get(condition.kind)
    if document is None:
        return False
    return any(condition.test(value) for value in values_at(document, condition.path))


def values_at(document: Mapping[str, Any], path: str) -> Iterator[object]:
    """Every value found at ``path`` (one per line under a ``*``); nothing when absent."""
    yield from _values(document, _parts(path))


@functools.lru_cache(maxsize=512)
def _parts(path: str) -> tuple[str, ...]:
    """A policy path's steps (the policy's few paths are read for every filing)."""
    return tuple(path.split("/"))
