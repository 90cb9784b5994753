"""Fuzzing read_message: whatever the bytes, the answer is a ReadMessage that can be written
back as CEB XML, or a FormatError whose CEB900 receipt can be written."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from ceb_samples import LIMITS, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_edits import Edit, edits, mutate
from tradewindow.cbec.documents import SpecVersion
from tradewindow.formats import ceb_schema
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, read_receipt, write_receipt
from tradewindow.formats.ceb_xml import FormatError, ReadMessage, read_message, write_message

AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
XSD = ceb_schema.schemas_available()

SAMPLES = [sample(name) for name in ("CEB311", "CEB411", "CEB511", "CEB621")]
TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</ceb:Order>",
    b"<ceb:Order>",
    b"<ceb:OrderList>",
    b"<ceb:qty>",
    b"</ceb:qty>",
    b"<!DOCTYPE x>",
    b'<!ENTITY e "x">',
    b"&amp;",
    b"&e;",
    b"&#0;",
    b"&#x1F600;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b"\x00",
    b"\xff\xfe",
    b"\xe5\xa5",
    b'xmlns:ceb="urn:other"',
    b'xmlns="http://www.chinaport.gov.cn/ceb"',
    b'guid=""',
    b"1e999",
    b"NaN",
    b"-",
    b".",
    b"9" * 60,
    b"<ds:Signature>",
    b"<ceb:ExtendMessage>",
]


def answers(data: bytes) -> None:
    result: ReadMessage | FormatError
    try:
        result = read_message(data, **LIMITS)
    except FormatError as error:
        result = error
    if isinstance(result, FormatError):
        assert result.violations
        assert all(v.code.startswith("CEB900.") and v.en and v.zh for v in result.violations)
        receipt = format_error_receipt(result, data, guid="0" * 36, at=AT)
        assert b"CEB900Message" in write_receipt(receipt)
    else:
        assert isinstance(result, ReadMessage)
        assert b"Message" in write_message(result.message)
        if XSD:  # the official schemas answer with violations, never an exception
            for spec in SpecVersion:
                found = ceb_schema.validate(result.root, spec)
                assert all(v.code.startswith("CEB900.") for v in found)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    answers(data)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("<>/=\"' ceb:COrdLis&;#!?[]-0123456789.\n"), max_size=300))
def test_random_markup(text: str) -> None:
    answers(text.encode())


_TEXT = re.compile(rb">([^<>]+)</")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SAMPLES),
    st.integers(min_value=0),
    st.text(max_size=60) | st.sampled_from(["\x00", "\ufffe", "&#0;", "&#xD800;", "]]>"]),
    st.booleans(),
)
def test_any_text_in_any_element(sample: bytes, which: int, text: str, escaped: bool) -> None:
    """Any element's text replaced by any text, escaped for XML or raw (controls, surrogates
    and noncharacters included: the reader refuses what XML cannot hold)."""
    spans = list(_TEXT.finditer(sample))
    span = spans[which % len(spans)]
    value = (escape(text) if escaped else text).encode("utf-8", "surrogatepass")
    answers(sample[: span.start(1)] + value + sample[span.end(1) :])


_edit = edits(st.sampled_from(TOKENS))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES), st.lists(_edit, min_size=1, max_size=4))
def test_mutated_valid_messages(data: bytes, changes: list[Edit]) -> None:
    answers(mutate(data, changes))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SAMPLES), st.lists(_edit, min_size=1, max_size=3))
def test_read_receipt_raises_only_format_error(data: bytes, changes: list[Edit]) -> None:
    mutated = mutate(data.replace(b"CEB311Message", b"CEB312Message"), changes)
    refusal: FormatError | None = None
    try:
        read_receipt(mutated, **LIMITS)
    except FormatError as error:
        refusal = error
    assert refusal is None or refusal.violations
