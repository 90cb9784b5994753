"""What one agency may see of one document: deny by default.

:func:`agency_view` builds a *new* dict holding only the granted leaves; it never copies a
document and deletes from it, so anything the policy does not name — including a field added
to the documents after the policy was written, or a key that is not a field at all — is not in
the view. A granted leaf is copied only when its value is a single value (string, number,
boolean, null): if a document ever carried a structure where the policy expects a value, the
structure is left out rather than passed on whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tradewindow.agencies.fields import ANY
from tradewindow.agencies.sharing_policy import AgencyPolicy, Condition, Policy, Tree

_SINGLE = (str, int, float, bool, type(None))


def agency_view(
    policy: Policy, agency: str, kind: str, document: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The part of ``document`` (wire JSON of kind ``kind``) that ``agency`` may see.

    None when the agency is unknown, does not receive ``kind``, or sees only some lines
    (inspection & quarantine) and no line of this document is among them.
    """
    granted = policy.agency(agency)
    if granted is None or kind not in granted.trees:
        return None
    tree = granted.trees[kind]
    condition = granted.lines_of.get(kind)
    if condition is not None:
        return _lines_view(document, tree, condition)
    return _pick(document, tree)


def agency_sees(policy: Policy, agency: str, kind: str, document: Mapping[str, Any]) -> bool:
    """Whether :func:`agency_view` of the same arguments is not None, without building the
    view (routing asks this of every agency for every filing)."""
    granted = policy.agency(agency)
    if granted is None or kind not in granted.trees:
        return False
    condition = granted.lines_of.get(kind)
    if condition is None:
        return True
    container, field = condition.path.split(f"/{ANY}/")
    lines = _at(document, container.split("/"))
    return isinstance(lines, list) and any(
        isinstance(line, Mapping) and condition.test(line.get(field)) for line in lines
    )


def personal_data_in(policy: Policy, view: Mapping[str, Any]) -> list[str]:
    """The personal-data paths (``InventoryHead/buyerName`` …) present in ``view``, sorted —
    what the caller must record as read."""
    return sorted({path for path in _leaf_paths(view, "") if path in policy.personal_data})


def receivers(policy: Policy, kind: str) -> list[AgencyPolicy]:
    """The agencies that receive documents of ``kind``."""
    return [agency for agency in policy.agencies.values() if kind in agency.trees]


def _lines_view(
    document: Mapping[str, Any], tree: Tree, condition: Condition
) -> dict[str, Any] | None:
    container, field = condition.path.split(f"/{ANY}/")
    parts = container.split("/")  # "InventoryList", or "Inventory/InventoryList" (export)
    lines = _at(document, parts)
    if not isinstance(lines, list):
        return None
    kept = [line for line in lines if isinstance(line, Mapping) and condition.test(line.get(field))]
    if not kept:
        return None
    return _pick(_with(document, parts, kept), tree)


def _at(node: object, parts: list[str]) -> object:
    for part in parts:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _with(node: Mapping[str, Any], parts: list[str], value: object) -> dict[str, Any]:
    """A copy of ``node`` with ``value`` at ``parts`` (the containers above it copied)."""
    head, rest = parts[0], parts[1:]
    inner = node[head] if rest else None
    return {
        **node,
        head: _with(inner, rest, value) if rest and isinstance(inner, Mapping) else value,
    }


def _pick(source: Mapping[str, Any], tree: Tree) -> dict[str, Any]:
    """The granted part of ``source``, its fields in the document's own order (the XSD's)."""
    view: dict[str, Any] = {}
    for name, value in source.items():
        if name not in tree:
            continue
        sub = tree[name]
        if sub is None:
            if isinstance(value, _SINGLE):
                view[name] = value
        elif ANY in sub:
            element_tree = sub[ANY]
            if isinstance(value, list) and element_tree is not None:
                view[name] = [_pick(e, element_tree) for e in value if isinstance(e, Mapping)]
        elif isinstance(value, Mapping):
            view[name] = _pick(value, sub)
    return view


def _leaf_paths(node: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for name, value in node.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _leaf_paths(value, f"{path}/")
        elif isinstance(value, list):
            for element in value:
                if isinstance(element, Mapping):
                    yield from _leaf_paths(element, f"{path}/{ANY}/")
        else:
            yield path
