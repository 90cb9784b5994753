"""Shared moves of the fuzz tests: edit any string of a JSON tree, mutate bytes by edits."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

Edit = tuple[str, float, int, bytes]


def string_leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path (member names, indices) of every string in a decoded JSON tree."""
    if isinstance(node, str):
        return [path]
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in string_leaves(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in string_leaves(v, (*path, i))]
    return []


def with_string(tree: Any, which: int, text: str) -> Any:
    """``tree`` (decoded JSON, changed in place) with its ``which``-th string (modulo the
    count) replaced by ``text``."""
    leaves = string_leaves(tree)
    *parents, last = leaves[which % len(leaves)]
    node = tree
    for part in parents:
        node = node[part]
    node[last] = text
    return tree


def edits(tokens: st.SearchStrategy[bytes], max_token: int = 8) -> st.SearchStrategy[Edit]:
    """One edit: delete, insert, replace, truncate or duplicate, somewhere, with a token."""
    return st.tuples(
        st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]),
        st.floats(min_value=0, max_value=1),
        st.integers(min_value=1, max_value=40),
        tokens | st.binary(min_size=1, max_size=max_token),
    )


def mutate(data: bytes, changes: list[Edit]) -> bytes:
    """``data`` after each edit in turn."""
    for operation, where, length, token in changes:
        at = int(where * len(data))
        if operation == "delete":
            data = data[:at] + data[at + length :]
        elif operation == "insert":
            data = data[:at] + token + data[at:]
        elif operation == "replace":
            data = data[:at] + token + data[at + len(token) :]
        elif operation == "duplicate":  # a run written twice: a member, a tag
            data = data[:at] + data[at : at + length] + data[at:]
        else:
            data = data[:at]
    return data
