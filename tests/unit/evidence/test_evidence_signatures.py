"""verify_submission: every way a signature fails has its own code; JSON and CEB XML."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from evidence_keys import NOW, registered
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.evidence import certificates
from tradewindow.evidence.certificates import KeyAlgorithm, KeyPair
from tradewindow.evidence.replay import MemorySeenSignatures
from tradewindow.evidence.signatures import (
    SignatureError,
    SubmissionFormat,
    sign_json,
    verify_submission,
)
from tradewindow.formats import xmldsig, xmldsig_sm2

CEB = Path(__file__).parents[2] / "data" / "ceb"
UNSIGNED = (CEB / "inventory_621.unsigned.xml").read_bytes()
BODY = json.dumps({"orderNo": "ORD20250601001", "goodsValue": "199.00"}).encode()
JSON, XML = SubmissionFormat.JSON, SubmissionFormat.XML


def ed25519_key(pair: KeyPair) -> ed25519.Ed25519PrivateKey:
    key = certificates.load_private_key(pair.private_pem)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return key


def refusal(
    body: bytes, fmt: SubmissionFormat, headers: dict[str, str], keys: Any, **kw: Any
) -> str:
    with pytest.raises(SignatureError) as caught:
        verify_submission(body, fmt, headers, keys, now=kw.pop("now", NOW), **kw)
    assert caught.value.en
    assert caught.value.zh
    assert caught.value.violation().path == "Signature"
    return caught.value.code


# --- JSON ------------------------------------------------------------------------------------


def test_json_signed_by_a_registered_key_is_verified(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    verified = verify_submission(BODY, JSON, headers, [registered(ed25519_pair)], now=NOW)
    assert verified.key_id == ed25519_pair.key_id
    assert verified.algorithm is KeyAlgorithm.ED25519
    assert verified.signed_at == NOW
    assert headers["Signature"] == f"ed25519={verified.signature}"


def test_header_names_are_case_insensitive(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    lowered = {name.lower(): value for name, value in headers.items()}
    verify_submission(BODY, JSON, lowered, [registered(ed25519_pair)], now=NOW)


def test_unsigned_json_is_refused_as_missing(ed25519_pair: KeyPair) -> None:
    assert refusal(BODY, JSON, {}, [registered(ed25519_pair)]) == "signature.missing"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Signature", "ed25519=not*base64"),
        ("Signature", "ed25519=AAAA"),  # 3 bytes, not 64
        ("Signature-Timestamp", "yesterday"),
        ("Signature-Timestamp", "2025-06-01T08:00:00"),  # no zone
        ("Content-Digest", "md5=abc"),
        ("Signature-Key", ""),
    ],
)
def test_malformed_signature_headers(ed25519_pair: KeyPair, header: str, value: str) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    headers[header] = value
    assert refusal(BODY, JSON, headers, [registered(ed25519_pair)]) == "signature.malformed"


def test_another_scheme_is_unsupported(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    headers["Signature"] = headers["Signature"].replace("ed25519=", "hmac=")
    code = refusal(BODY, JSON, headers, [registered(ed25519_pair)])
    assert code == "signature.unsupported_algorithm"


def test_a_key_not_registered_for_the_party_is_unknown(
    ed25519_pair: KeyPair, other_ed25519_pair: KeyPair
) -> None:
    headers = sign_json(BODY, ed25519_key(other_ed25519_pair), other_ed25519_pair.key_id, NOW)
    assert refusal(BODY, JSON, headers, [registered(ed25519_pair)]) == "signature.unknown_key"


def test_signed_with_the_wrong_key_under_a_registered_key_id_is_invalid(
    ed25519_pair: KeyPair, other_ed25519_pair: KeyPair
) -> None:
    headers = sign_json(BODY, ed25519_key(other_ed25519_pair), ed25519_pair.key_id, NOW)
    assert refusal(BODY, JSON, headers, [registered(ed25519_pair)]) == "signature.invalid"


def test_altered_content_is_a_digest_mismatch(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    altered = BODY.replace(b"199.00", b"19.00")
    code = refusal(altered, JSON, headers, [registered(ed25519_pair)])
    assert code == "signature.digest_mismatch"


def test_altered_content_with_a_fixed_up_digest_is_invalid(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    altered = BODY.replace(b"199.00", b"19.00")
    fake = sign_json(altered, ed25519.Ed25519PrivateKey.generate(), ed25519_pair.key_id, NOW)
    headers["Content-Digest"] = fake["Content-Digest"]
    assert refusal(altered, JSON, headers, [registered(ed25519_pair)]) == "signature.invalid"


def test_altered_content_re_signed_by_another_key_is_refused(
    ed25519_pair: KeyPair, other_ed25519_pair: KeyPair
) -> None:
    altered = BODY.replace(b"199.00", b"19.00")
    resigned = sign_json(altered, ed25519_key(other_ed25519_pair), ed25519_pair.key_id, NOW)
    assert refusal(altered, JSON, resigned, [registered(ed25519_pair)]) == "signature.invalid"


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_timestamp_outside_five_minutes_is_a_replay(
    ed25519_pair: KeyPair, skew: timedelta
) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW + skew)
    assert refusal(BODY, JSON, headers, [registered(ed25519_pair)]) == "signature.replayed"


def test_a_timestamp_within_five_minutes_passes(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    later = NOW + timedelta(minutes=4, seconds=59)
    verify_submission(BODY, JSON, headers, [registered(ed25519_pair)], now=later)


def test_the_same_signature_on_another_request_is_a_replay(ed25519_pair: KeyPair) -> None:
    seen = MemorySeenSignatures()
    keys = [registered(ed25519_pair)]
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    verify_submission(BODY, JSON, {**headers, "Idempotency-Key": "k1"}, keys, now=NOW, seen=seen)
    # a retry of the same request passes (the idempotency layer answers it)
    verify_submission(BODY, JSON, {**headers, "Idempotency-Key": "k1"}, keys, now=NOW, seen=seen)
    replay = {**headers, "Idempotency-Key": "k2"}
    assert refusal(BODY, JSON, replay, keys, seen=seen) == "signature.replayed"


def test_revoked_and_expired_keys_have_their_own_codes(ed25519_pair: KeyPair) -> None:
    headers = sign_json(BODY, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    revoked = registered(ed25519_pair, revoked=True)
    assert refusal(BODY, JSON, headers, [revoked]) == "signature.key_revoked"
    expired = registered(ed25519_pair, valid_to=NOW - timedelta(days=1))
    assert refusal(BODY, JSON, headers, [expired]) == "signature.key_expired"


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["Signature", "Signature-Key", "Signature-Timestamp", "Content-Digest"]),
        st.text(max_size=120),
    )
)
def test_any_headers_give_a_coded_refusal_never_a_crash(
    ed25519_pair: KeyPair, headers: dict[str, str]
) -> None:
    with pytest.raises(SignatureError) as caught:
        verify_submission(BODY, JSON, headers, [registered(ed25519_pair)], now=NOW)
    assert caught.value.code.startswith("signature.")


# --- CEB XML ---------------------------------------------------------------------------------


def sm2_signed(pair: KeyPair, xml: bytes = UNSIGNED) -> bytes:
    key = certificates.load_private_key(pair.private_pem)
    certificate = x509.load_pem_x509_certificate(pair.certificate_pem)
    return xmldsig.sign(xml, key, certificate, key_name=pair.key_id, algorithm=xmldsig_sm2.SM2_SM3)


def test_sm2_signed_xml_names_the_202205_algorithms(sm2_pair: KeyPair) -> None:
    signed = sm2_signed(sm2_pair)
    assert b'Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"' in signed
    assert b'Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"' in signed
    verified = verify_submission(signed, XML, {}, [registered(sm2_pair)], now=NOW)
    assert verified.algorithm is KeyAlgorithm.SM2
    assert verified.key_id == sm2_pair.key_id


@pytest.mark.parametrize("variant", ["w3c-sm3", "w3c-sha1", "w3c-chinaport-sm3"])
def test_the_sm2_variants_of_older_signing_clients_are_verified_as_sm2(
    sm2_pair: KeyPair, variant: str
) -> None:
    """China E-Port clients that name SM2 ``xmldsig#sm2-sm3`` (with an SM3 or SHA-1 digest)
    were refused as signature.unsupported_algorithm; a filing so signed is now accepted."""
    key = certificates.load_private_key(sm2_pair.private_pem)
    algorithm = xmldsig_sm2.VARIANTS[variant]
    signed = xmldsig.sign(UNSIGNED, key, key_name=sm2_pair.key_id, algorithm=algorithm)
    assert b'Algorithm="http://www.w3.org/2000/09/xmldsig#sm2-sm3"' in signed
    verified = verify_submission(signed, XML, {}, [registered(sm2_pair)], now=NOW)
    assert verified.algorithm is KeyAlgorithm.SM2


def test_the_older_rsa_sha1_form_is_verified(rsa_pair: KeyPair) -> None:
    key = certificates.load_private_key(rsa_pair.private_pem)
    signed = xmldsig.sign(UNSIGNED, key, key_name=rsa_pair.key_id)
    verified = verify_submission(signed, XML, {}, [registered(rsa_pair)], now=NOW)
    assert verified.algorithm is KeyAlgorithm.RSA


def test_the_sample_message_signed_by_the_test_signer_is_verified() -> None:
    certificate_pem = (CEB / "test_signer_cert.pem").read_bytes()
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    key = registered(
        _pair_of(certificate_pem, f"{certificate.serial_number:x}"),
        valid_from=certificate.not_valid_before_utc,
        valid_to=certificate.not_valid_after_utc,
    )
    signed = (CEB / "inventory_621.xml").read_bytes()
    now = certificate.not_valid_before_utc + timedelta(days=1)
    assert verify_submission(signed, XML, {}, [key], now=now).key_id == key.key_id


def test_unsigned_xml_is_missing(sm2_pair: KeyPair) -> None:
    assert refusal(UNSIGNED, XML, {}, [registered(sm2_pair)]) == "signature.missing"


def test_altered_xml_is_a_digest_mismatch(sm2_pair: KeyPair) -> None:
    signed = sm2_signed(sm2_pair)
    altered = signed.replace(b"<ceb:copNo>", b"<ceb:copNo>9", 1)
    assert altered != signed
    assert refusal(altered, XML, {}, [registered(sm2_pair)]) == "signature.digest_mismatch"


def test_xml_signed_by_another_key_under_the_registered_name_is_invalid(
    sm2_pair: KeyPair,
) -> None:
    impostor = certificates.new_key_pair(KeyAlgorithm.SM2)
    forged = sm2_signed(impostor).replace(impostor.key_id.encode(), sm2_pair.key_id.encode())
    assert refusal(forged, XML, {}, [registered(sm2_pair)]) == "signature.invalid"


def test_xml_by_an_unregistered_key_is_unknown(sm2_pair: KeyPair) -> None:
    stranger = certificates.new_key_pair(KeyAlgorithm.SM2)
    code = refusal(sm2_signed(stranger), XML, {}, [registered(sm2_pair)])
    assert code == "signature.unknown_key"


def test_a_broken_signature_value_is_malformed(sm2_pair: KeyPair) -> None:
    signed = sm2_signed(sm2_pair)
    start = signed.index(b"<ds:SignatureValue>") + len(b"<ds:SignatureValue>")
    broken = signed[:start] + b"***" + signed[start + 3 :]
    assert refusal(broken, XML, {}, [registered(sm2_pair)]) == "signature.malformed"


def test_the_same_xml_signature_under_another_guid_is_a_replay(sm2_pair: KeyPair) -> None:
    seen = MemorySeenSignatures()
    signed = sm2_signed(sm2_pair)
    keys = [registered(sm2_pair)]
    verify_submission(signed, XML, {}, keys, now=NOW, seen=seen, request_id="guid-1")
    code = refusal(signed, XML, {}, keys, seen=seen, request_id="guid-2")
    assert code == "signature.replayed"


def _pair_of(certificate_pem: bytes, key_id: str) -> KeyPair:
    return KeyPair(key_id, KeyAlgorithm.RSA, b"", certificate_pem, b"")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"orderNo":"A1","goodsValue":"1.00","goodsValue":"999.00"}', "duplicate_key"),
        (b'{"order":{"orderNo":"A1","orderNo":"B2"}}', "duplicate_key"),
        (b'{"orderNo":"A\\u0000"}', "character"),
    ],
)
def test_a_validly_signed_json_body_with_duplicate_members_is_refused(
    ed25519_pair: KeyPair, body: bytes, code: str
) -> None:
    """Issue 15: the signature held and the last value won, where another parser may read the
    first. The signature is good; the body is refused for what it could mean."""
    headers = sign_json(body, ed25519_key(ed25519_pair), ed25519_pair.key_id, NOW)
    assert refusal(body, JSON, headers, [registered(ed25519_pair)]) == f"signature.json.{code}"
