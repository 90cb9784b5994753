"""Signatures over HTTP: unsigned, bad, wrong key, re-signed altered content, replay."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import msgspec
from api_world import World, decoded
from cryptography.hazmat.primitives.asymmetric import ed25519

import builders
from tradewindow.evidence.signatures import sign_json
from tradewindow.formats import ceb_json


def _list() -> bytes:
    parcel = builders.import_set()
    return ceb_json.write_message(parcel.messages[3])


def _code(response: object) -> str:
    return str(decoded(response)["code"])


def test_an_unsigned_list_is_refused(world: World) -> None:
    response = world.post_json("broker", _list(), sign=False)
    assert (response.status_code, _code(response)) == (401, "signature.missing")


def test_a_signature_that_is_not_base64_is_malformed(world: World) -> None:
    body = _list()
    headers = {**world.signature(body), "Signature": "ed25519=not*base64"}
    response = world.post_json("broker", body, sign=False, headers=headers)
    assert (response.status_code, _code(response)) == (400, "signature.malformed")


def test_a_flipped_signature_byte_is_invalid(world: World) -> None:
    body = _list()
    headers = world.signature(body)
    raw = bytearray(base64.b64decode(headers["Signature"].removeprefix("ed25519=")))
    raw[0] ^= 1
    headers["Signature"] = "ed25519=" + base64.b64encode(bytes(raw)).decode()
    response = world.post_json("broker", body, sign=False, headers=headers)
    assert (response.status_code, _code(response)) == (401, "signature.invalid")


def test_a_key_the_party_did_not_register_is_unknown(world: World) -> None:
    body = _list()
    stranger = ed25519.Ed25519PrivateKey.generate()
    headers = sign_json(body, stranger, "0123456789abcdef", datetime.now(UTC))
    response = world.post_json("broker", body, sign=False, headers=headers)
    assert (response.status_code, _code(response)) == (401, "signature.unknown_key")


def test_the_right_key_id_with_another_private_key_is_invalid(world: World) -> None:
    body = _list()
    stranger = ed25519.Ed25519PrivateKey.generate()
    headers = sign_json(body, stranger, world.signing_key_id, datetime.now(UTC))
    response = world.post_json("broker", body, sign=False, headers=headers)
    assert (response.status_code, _code(response)) == (401, "signature.invalid")


def test_altered_content_under_the_original_signature_is_a_digest_mismatch(world: World) -> None:
    body = _list()
    headers = world.signature(body)
    altered = body.replace(b'"buyerName":"\xe7\x8e\x8b', b'"buyerName":"\xe6\x9d\x8e')
    assert altered != body
    response = world.post_json("broker", altered, sign=False, headers=headers)
    assert (response.status_code, _code(response)) == (401, "signature.digest_mismatch")


def test_altered_content_re_signed_by_a_stranger_is_refused(world: World) -> None:
    altered = _list().replace(b"SO202603010001", b"SO202603019999")
    stranger = ed25519.Ed25519PrivateKey.generate()
    headers = sign_json(altered, stranger, world.signing_key_id, datetime.now(UTC))
    response = world.post_json("broker", altered, sign=False, headers=headers)
    assert (response.status_code, _code(response)) == (401, "signature.invalid")


def test_a_signature_replayed_under_another_idempotency_key_is_refused(world: World) -> None:
    body = _list()
    headers = world.signature(body)
    first = world.post_json("broker", body, sign=False, headers=headers, idempotency_key="a-1")
    assert first.status_code == 201, first.text
    again = world.post_json("broker", body, sign=False, headers=headers, idempotency_key="a-2")
    assert (again.status_code, _code(again)) == (409, "signature.replayed")
    # the same request retried is the original answer, byte for byte
    retry = world.post_json("broker", body, sign=False, headers=headers, idempotency_key="a-1")
    assert (retry.status_code, retry.content) == (first.status_code, first.content)


def test_a_party_with_a_registered_key_must_sign_everything(world: World) -> None:
    # the broker has a key; an (unsigned) order from a party with none is fine
    assert world.post_json("platform", builders.order_message()).status_code == 201
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    world.window.registry.register_certificate("payer", "ed25519", raw)
    unsigned = world.post_json("payer", builders.payment_message(), sign=False)
    assert (unsigned.status_code, _code(unsigned)) == (401, "signature.missing")


def test_the_accepted_message_is_in_the_evidence_log_with_its_signature(world: World) -> None:
    body = _list()
    headers = world.signature(body)
    assert world.post_json("broker", body, sign=False, headers=headers).status_code == 201
    records = [r for r in world.window.evidence.records() if r.kind == "message_accepted"]
    assert len(records) == 1
    assert records[0].actor == "broker"
    assert records[0].signature == headers["Signature"].removeprefix("ed25519=")
    assert world.window.evidence.verify().ok
    assert msgspec.json.decode(records[0].subjects)[0] == builders.import_set().messages[3].guid
