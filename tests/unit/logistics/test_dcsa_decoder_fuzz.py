"""Fuzzing the DCSA Track & Trace decoders and the ``GET /v2/events`` query parser: whatever
arrives, a coded refusal (``JsonRefused``, a schema error, ``Rejected``) or a value the rules
judge without raising — never another exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import msgspec
import tnt_samples
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz_edits import with_string
from tradewindow.formats.strict_json import JsonRefused
from tradewindow.logistics import model, v3
from tradewindow.logistics.filters import parse_query
from tradewindow.logistics.validation import validate_event
from tradewindow.violations import Rejected

NOW = tnt_samples.NOW
SAMPLES = [
    model.encode(tnt_samples.shipment()),
    model.encode(tnt_samples.transport()),
    model.encode(tnt_samples.equipment()),
]


def judged(decode: Callable[[bytes], Any], data: bytes) -> Any:
    """``decode(data)`` when it reads; None when it refuses in a way the API codes."""
    try:
        return decode(data)
    except (JsonRefused, msgspec.DecodeError):
        return None


def event_answered(data: bytes) -> None:
    event = judged(model.decode_event, data)
    if event is not None:
        violations = validate_event(event, now=NOW + timedelta(minutes=5))
        assert all(v.code and v.en and v.zh for v in violations)
        assert model.encode(event)
    v3_event = judged(v3.decode_event, data)
    if v3_event is not None:
        converted, reasons = v3.to_v2(v3_event)
        assert converted is not None or reasons


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data: bytes) -> None:
    event_answered(data)
    for split in (model.decode_raw_list, v3.split_request):
        for item in judged(split, data) or []:
            event_answered(item)


@settings(max_examples=300)
@given(
    st.sampled_from(SAMPLES),
    st.integers(min_value=0),
    st.text(max_size=40)
    | st.sampled_from(["\x00", "\ud800", "2025-13-45T99:99:99Z", "9" * 60, "CNYTN\x00"]),
    st.booleans(),
)
def test_fuzz_any_text_in_any_field_of_an_event(
    sample: bytes, which: int, text: str, ascii_only: bool
) -> None:
    tree = with_string(json.loads(sample), which, text)
    data = json.dumps(tree, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    event_answered(data)
    for split in (model.decode_raw_list, v3.split_request):
        body = (
            b"[" + data + b"]" if split is model.decode_raw_list else b'{"events":[' + data + b"]}"
        )
        for item in judged(split, body) or []:
            event_answered(item)


_values = st.text(max_size=30) | st.sampled_from(
    ["", "\x00", "99999999999999999999", "-1", "SHIPMENT,TRANSPORT", "2025-03-14T08:30:00Z",
     "ACT", "CNYTN", "%00", "a" * 300]
)  # fmt: skip
_names = st.sampled_from(
    ["eventType", "shipmentEventTypeCode", "transportEventTypeCode", "equipmentEventTypeCode",
     "carrierBookingReference", "transportDocumentReference", "equipmentReference",
     "UNLocationCode", "vesselIMONumber", "exportVoyageNumber", "carrierServiceCode",
     "eventCreatedDateTime", "eventCreatedDateTime:gte", "eventCreatedDateTime:bad", "limit",
     "cursor", "documentTypeCode", "transportCallID", "unknown"]
) | st.text(max_size=12)  # fmt: skip


@settings(max_examples=400)
@given(st.dictionaries(_names, _values, max_size=5))
def test_fuzz_event_queries(params: dict[str, str]) -> None:
    outcome: object
    try:
        outcome = parse_query(params)
    except Rejected as rejected:
        outcome = rejected
    if isinstance(outcome, Rejected):
        assert all(v.code.startswith("TNT.") and v.en and v.zh for v in outcome.violations)
    else:
        assert 1 <= outcome.limit <= 1000  # type: ignore[attr-defined]
