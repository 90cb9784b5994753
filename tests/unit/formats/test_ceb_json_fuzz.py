"""Fuzzing the CEB JSON reader: whatever the bytes, the answer is a message that can be written
back as CEB XML, or a FormatError (``CEB900.*``) whose CEB900 receipt can be written — never
another exception. Also the API bulk splitter, and the coded refusals one by one."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import builders
from fuzz_edits import Edit, edits, mutate, with_string
from tradewindow.cbec.documents import Message
from tradewindow.formats import ceb_json, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt
from tradewindow.formats.ceb_xml import FormatError

MAX_BYTES = 1024 * 1024
AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
SAMPLES = [ceb_json.write_message(m) for m in builders.import_set().messages]


def answered(data: bytes) -> Message | FormatError:
    """What the reader makes of ``data``, checked to be answerable either way."""
    outcome: Message | FormatError
    try:
        outcome = ceb_json.read_message(data, max_bytes=MAX_BYTES)
    except FormatError as error:
        outcome = error
    if isinstance(outcome, FormatError):
        assert outcome.violations
        assert all(v.code.startswith("CEB900.") and v.en and v.zh for v in outcome.violations)
        receipt = format_error_receipt(outcome, data, guid=str(uuid.uuid4()).upper(), at=AT)
        assert b"CEB900Message" in write_receipt(receipt)
    else:
        assert b"Message" in ceb_xml.write_message(outcome)
    return outcome


@pytest.mark.parametrize(
    ("data", "code", "path"),
    [
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "CEB900.json.too_deep", ""),
        ('{"messageType": "CEB311", "guid": "中"}'.encode("gbk"), "CEB900.json.encoding", ""),
        (b'{"messageType": "CEB311", "guid": "\xff"}', "CEB900.json.encoding", ""),
        (b'{"messageType": "CEB311", "messageType": "CEB411"}', "CEB900.json.duplicate_key",
         "messageType"),
        (b'{"messageType": "CEB311", "Order": [{"OrderHead": {"note": "\\u0000"}}]}',
         "CEB900.json.character", "Order[1]/OrderHead/note"),
        (b'{"messageType": "CEB311", "Order": [{"OrderList": [{}, {"qty": NaN}]}]}',
         "CEB900.json.number", ""),
        (b"[1, 2", "CEB900.json.malformed", ""),
    ],
)  # fmt: skip
def test_unreadable_json_is_refused_with_a_ceb900_code(data: bytes, code: str, path: str) -> None:
    error = answered(data)
    assert isinstance(error, FormatError)
    assert [(v.code, v.path) for v in error.violations] == [(code, path)]


def test_a_refusal_keeps_the_guid_and_type_a_ceb900_names() -> None:
    data = SAMPLES[0].replace(b'"buyerName":"', b'"buyerName":"\\u0007', 1)
    error = answered(data)
    assert isinstance(error, FormatError)
    assert error.message_type == "CEB311"
    assert error.guid is not None
    assert len(error.guid) == 36


def test_a_bulk_is_split_into_its_messages_and_refused_whole_only_for_its_own_faults() -> None:
    body = b'{"messages": [' + b",".join(SAMPLES) + b"]}"
    assert ceb_json.split_bulk(body) == SAMPLES
    assert ceb_json.split_bulk(SAMPLES[0]) is None  # one message
    assert ceb_json.split_bulk(b"[1]") is None  # not an object: the reader says why
    bad_item = b'{"messages": [' + SAMPLES[0].replace(b"{", b'{"a":1,"a":1,', 1) + b"]}"
    items = ceb_json.split_bulk(bad_item)
    assert items is not None
    assert isinstance(answered(items[0]), FormatError)
    for whole, code in [
        (b'{"messages": [], "messages": [1]}', "CEB900.json.duplicate_key"),
        (b'{"messages": []}', "CEB900.json.bulk_invalid"),
        (b'{"messages": {}}', "CEB900.json.bulk_invalid"),
        (b'{"messages": ["\xff"]}', "CEB900.json.encoding"),
    ]:
        with pytest.raises(FormatError) as caught:
            ceb_json.split_bulk(whole)
        assert caught.value.code == code


# --- fuzzing --------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.binary(max_size=600))
def test_fuzz_random_bytes(data: bytes) -> None:
    answered(data)


@settings(max_examples=400)
@given(
    st.sampled_from(SAMPLES),
    st.integers(min_value=0),
    st.text(max_size=60) | st.sampled_from(["\x00", "\ud800", "\ufffe", "a\x1b[0m", "𠀀" * 30]),
    st.booleans(),
)
def test_fuzz_any_text_in_any_string_field(
    sample: bytes, which: int, text: str, ascii_only: bool
) -> None:
    """Every string of every message type, replaced by any text (controls, surrogates,
    noncharacters, astral characters), written raw or as \\u escapes."""
    edited = with_string(json.loads(sample), which, text)
    data = json.dumps(edited, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    answered(data)


_tokens = st.sampled_from(
    [b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\u0000", b"\\ud800", b"\\\\", b"\xff",
     b"\xe4\xb8", b'"guid":"A"', b'"messageType":"CEB311"', b'"Order":[', b"1e999", b"-0",
     b"NaN", b"null", b'"qty":"1.5"', b'"appType":1', b"[" * 40]
)  # fmt: skip
_edit = edits(_tokens, max_token=6)


@settings(max_examples=400)
@given(st.sampled_from(SAMPLES), st.lists(_edit, min_size=1, max_size=4))
def test_fuzz_mutated_valid_messages(data: bytes, changes: list[Edit]) -> None:
    answered(mutate(data, changes))


@settings(max_examples=200)
@given(st.lists(st.sampled_from(SAMPLES), max_size=3), st.lists(_edit, max_size=3))
def test_fuzz_bulks(items: list[bytes], changes: list[Edit]) -> None:
    body = mutate(b'{"messages": [' + b",".join(items) + b"]}", changes)
    split: list[bytes] | FormatError | None
    try:
        split = ceb_json.split_bulk(body)
    except FormatError as error:
        split = error
    if isinstance(split, FormatError):
        assert split.code.startswith("CEB900.json.")
    else:
        for item in split or [body]:
            answered(item)
