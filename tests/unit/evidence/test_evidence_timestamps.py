"""RFC 3161 tokens over checkpoint hashes (evidence.timestamps), against a TSA made here."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from local_tsa import LocalTsa
from tradewindow.evidence import der, timestamps
from tradewindow.evidence.timestamps import TimestampError

TSA = LocalTsa()
DIGEST = hashlib.sha256(b"checkpoint").digest()


def test_a_token_from_the_tsa_checks_and_gives_its_time() -> None:
    token = timestamps.token_of(TSA.respond(timestamps.request(DIGEST, 12345)))
    assert timestamps.check_token(token, DIGEST, TSA.certificate) == datetime(
        2026, 12, 5, 10, 30, 15, tzinfo=UTC
    )


def test_the_request_is_an_rfc_3161_time_stamp_request() -> None:
    items = der.children(der.read(timestamps.request(DIGEST, 7))[1])
    assert items[0] == (der.INTEGER, b"\x01")
    imprint = der.children(items[1][1])
    assert timestamps.oid_text(der.children(imprint[0][1])[0][1]) == timestamps.SHA256
    assert imprint[1] == (der.OCTET_STRING, DIGEST)
    assert items[2] == (der.INTEGER, b"\x07")
    assert items[3] == (0x01, b"\xff")  # certReq


def test_a_token_over_another_digest_fails() -> None:
    token = TSA.token(hashlib.sha256(b"another").digest())
    with pytest.raises(TimestampError) as caught:
        timestamps.check_token(token, DIGEST, TSA.certificate)
    assert caught.value.code == "timestamp.imprint"


def test_a_token_of_another_tsa_fails_against_the_configured_certificate() -> None:
    token = LocalTsa("Another TSA").token(DIGEST)
    with pytest.raises(TimestampError) as caught:
        timestamps.check_token(token, DIGEST, TSA.certificate)
    assert caught.value.code == "timestamp.signature"


def test_a_token_whose_time_was_changed_fails() -> None:
    token = TSA.token(DIGEST)
    old = TSA.gen_time.strftime("%Y%m%d%H%M%S").encode()
    assert old in token
    altered = token.replace(old, b"20200101000000")
    with pytest.raises(TimestampError) as caught:
        timestamps.check_token(altered, DIGEST, TSA.certificate)
    assert caught.value.code == "timestamp.digest"


def test_a_refusal_by_the_tsa_is_said() -> None:
    refusing = LocalTsa()
    refusing.status = 2
    with pytest.raises(TimestampError) as caught:
        timestamps.token_of(refusing.respond(timestamps.request(DIGEST, 1)))
    assert caught.value.code == "timestamp.refused"


TOKEN = TSA.token(DIGEST)
SIGNED = [
    range(TOKEN.find(part), TOKEN.find(part) + len(part)) for part in TSA.last_signed
]  # the TSTInfo, the signed attributes, the signature


@settings(max_examples=400, deadline=None)
@given(position=st.integers(0, len(TOKEN) - 1), flip=st.integers(1, 255))
def test_any_changed_byte_of_a_token_gets_a_code_and_a_signed_one_fails(
    position: int, flip: int
) -> None:
    token = bytearray(TOKEN)
    token[position] ^= flip
    if any(position in part for part in SIGNED):
        with pytest.raises(TimestampError, match=r"^timestamp\."):
            timestamps.check_token(bytes(token), DIGEST, TSA.certificate)
    else:  # what no signature covers (the certificate copy, the signer id): a code or a pass
        with contextlib.suppress(TimestampError):
            timestamps.check_token(bytes(token), DIGEST, TSA.certificate)


def test_the_signed_parts_are_found_in_the_token() -> None:
    assert len(SIGNED) == 3
    assert all(part.start >= 0 for part in SIGNED)
