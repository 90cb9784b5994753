"""The strict JSON reader: each rule with its code and place, and fuzzing that it answers every
input with a refusal or a pass, never another exception."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.formats import strict_json
from tradewindow.formats.characters import FORBIDDEN
from tradewindow.formats.strict_json import JsonRefused, check, split


def refused(data: bytes, **limits: Any) -> JsonRefused:
    with pytest.raises(JsonRefused) as caught:
        check(data, **limits)
    return caught.value


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}',
        b'{"a": "\\\\u0000"}',  # an escaped backslash, then the text u0000
        b'{"a": "\\\\b"}',
        b'{"a": "\\ud83d\\ude00 \\t\\n\\r"}',  # a surrogate pair is one character
        '{"名称": "湾区优选", "emoji": "😀"}'.encode(),
        b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',  # brackets in a string
        b"[" * 32 + b"]" * 32,
        b'{"a": {"b": 1}, "b": {"a": 1}}',  # the same name in different objects
    ],
)
def test_strict_json_passes(data: bytes) -> None:
    check(data)


@pytest.mark.parametrize(
    ("data", "code", "pointer"),
    [
        (b'{"a": 1, "a": 2}', "json.duplicate_key", "/a"),
        (b'{"x": [{"k": 1}, {"k": 1, "\\u006b": 2}]}', "json.duplicate_key", "/x/1/k"),
        (b'{"a": "x\\u0000y"}', "json.character", "/a"),
        (b'{"a": ["ok", "\\u001F"]}', "json.character", "/a/1"),
        (b'{"a": "\\b"}', "json.character", "/a"),
        (b'{"a": "\\\\\\u0000"}', "json.character", "/a"),  # \\ then \u0000
        (b'{"a": "\\ud800"}', "json.character", "/a"),
        (b'{"a": "\\udc00 alone"}', "json.character", "/a"),
        (b'{"a": "\\ufffe"}', "json.character", "/a"),
        (b'{"a": "\\ud83f\\udfff"}', "json.character", "/a"),  # U+1FFFF
        ('{"a": "\ufdd0"}'.encode(), "json.character", "/a"),
        (b'{"\\u0001": 1}', "json.character", "/\\u0001"),
        (b"\xef\xbb\xbf{}", "json.encoding", ""),
        ('{"a": "中文"}'.encode("gbk"), "json.encoding", ""),
        ('{"a": "中文"}'.encode("utf-16"), "json.encoding", ""),
        (b'{"a": "\xff"}', "json.encoding", ""),
        (b"[" * 33 + b"]" * 33, "json.too_deep", ""),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "json.too_deep", ""),
        (b"[NaN]", "json.number", ""),
        (b'{"a": Infinity}', "json.number", ""),
        (b'{"a": ', "json.malformed", ""),
        (b"", "json.malformed", ""),
        (b"{'a': 1}", "json.malformed", ""),
    ],
)
def test_strict_json_refuses_with_code_and_place(data: bytes, code: str, pointer: str) -> None:
    error = refused(data)
    assert (error.code, error.pointer) == (code, pointer)
    assert error.en
    assert error.zh


def test_depth_limit_is_the_callers() -> None:
    nested = b"[" * 40 + b"]" * 40
    assert refused(nested).code == "json.too_deep"
    check(nested, max_depth=40)


def test_a_declared_charset_other_than_utf8_is_refused() -> None:
    strict_json.charset("application/json")
    strict_json.charset('application/json; charset="UTF-8"')
    with pytest.raises(JsonRefused) as caught:
        strict_json.charset("application/json; charset=GBK")
    assert caught.value.code == "json.encoding"
    assert "gbk" in caught.value.en


def test_a_bulk_is_split_into_the_bytes_of_its_items_each_checked_on_its_own() -> None:
    items = [b'{"a": 1, "a": 2}', b'{"b": "\\u0000"}', b'"\\ud800"', b"[NaN]", b"1"]
    assert split(b" [" + b" ,\n".join(items) + b"] ") == items
    assert split(b'{"x": 1, "messages": [' + b",".join(items) + b"]}", member="messages") == items
    assert split(b'{"x": 1}', member="messages") is None
    assert split(b"[]") == []


@pytest.mark.parametrize(
    ("whole", "member", "code", "pointer"),
    [
        (b'{"messages": [], "messages": []}', "messages", "json.duplicate_key", "/messages"),
        (b'{"messages": [], "x": "\\u0000"}', "messages", "json.character", "/x"),
        (b'{"messages": [], "x": {"a": 1, "a": 1}}', "messages", "json.duplicate_key", "/x/a"),
        (b'{"messages": {}}', "messages", "json.structure", "/messages"),
        (b"[1]", "messages", "json.structure", ""),
        (b'{"a": 1}', None, "json.structure", ""),
        (b"[" + b"[" * 40 + b"]" * 40 + b"]", None, "json.too_deep", ""),
        (b'["\xff"]', None, "json.encoding", ""),
        (b"[1,", None, "json.malformed", ""),
        (b"[1] [2]", None, "json.malformed", ""),
        (b'{"messages": [1] "x": 2}', "messages", "json.malformed", ""),
    ],
)
def test_a_bulk_is_refused_whole_only_for_faults_of_its_own(
    whole: bytes, member: str | None, code: str, pointer: str
) -> None:
    with pytest.raises(JsonRefused) as caught:
        split(whole, member=member)
    assert (caught.value.code, caught.value.pointer) == (code, pointer)


def test_a_long_or_unprintable_name_is_shown_escaped_and_cut() -> None:
    name = "\\u0001" + "k" * 200
    error = refused(f'{{"{name}": 1, "{name}": 2}}'.encode())
    assert len(error.pointer) <= 65
    assert "\\u0001" in error.pointer
    assert not FORBIDDEN.search(error.en + error.pointer)


# --- fuzzing: every input is refused with a json.* code or passes ------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def answers(data: bytes) -> JsonRefused | None:
    refusal: JsonRefused | None = None
    try:
        check(data)
    except JsonRefused as error:
        refusal = error
    if refusal is not None:
        assert refusal.code.startswith("json.")
        assert refusal.en
        assert refusal.zh
        assert not FORBIDDEN.search(refusal.en + refusal.zh + refusal.pointer)
    return refusal


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data: bytes) -> None:
    answers(data)


@settings(max_examples=300)
@given(_json_values)
def test_fuzz_any_json_value_passes_unless_it_holds_a_forbidden_character(value: Any) -> None:
    data = json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass")
    outcome = answers(data)
    assert (outcome is None) == (not holds_forbidden(value)), outcome
    if outcome is None:  # and what passed, msgspec reads as the same value
        assert msgspec.json.decode(data) == value
    else:
        assert outcome.code in ("json.character", "json.encoding")


@settings(max_examples=300)
@given(_json_values)
def test_fuzz_escaped_json_is_judged_as_the_same_text_written_raw(value: Any) -> None:
    """The scan of \\u escapes and the scan of raw characters refuse the same values."""
    escaped = answers(json.dumps(value, ensure_ascii=True).encode())
    assert (escaped is None) == (not holds_forbidden(value))


def holds_forbidden(value: Any) -> bool:
    if isinstance(value, str):
        return FORBIDDEN.search(value) is not None
    if isinstance(value, list):
        return any(holds_forbidden(v) for v in value)
    if isinstance(value, dict):
        return any(holds_forbidden(k) or holds_forbidden(v) for k, v in value.items())
    return False


_pieces = st.sampled_from(
    [b"{", b"}", b"[", b"]", b",", b":", b'"', b'"a"', b"1", b"\\", b"\\u0000", b"\\ud800",
     b"\\b", b"\xff", b"\xe4\xb8", b"\xef\xbf\xbe", b"NaN", b"null", b" ", b'"k":1']
)  # fmt: skip


@settings(max_examples=400)
@given(st.lists(_pieces, max_size=40))
def test_fuzz_json_tokens(pieces: list[bytes]) -> None:
    answers(b"".join(pieces))
    items: list[bytes] | JsonRefused | None
    try:
        items = split(b"".join(pieces))
    except JsonRefused as error:
        items = error
    if isinstance(items, JsonRefused):
        assert items.code.startswith("json.")
    else:
        for item in items or []:
            answers(item)
