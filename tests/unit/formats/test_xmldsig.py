"""Enveloped RSA-SHA1 signatures: sign → verify, and each way a signature can fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from ceb_samples import sample
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from tradewindow.formats import xmldsig
from tradewindow.formats.xmldsig import SignatureError, sign, verify

UNSIGNED = sample("inventory_621.unsigned.xml")
SIGNED = sample("CEB621")
DS = "{http://www.w3.org/2000/09/xmldsig#}"


def failure(xml: bytes, key: Any) -> str:
    with pytest.raises(SignatureError) as caught:
        verify(xml, key)
    assert caught.value.en
    assert caught.value.zh
    return caught.value.code


def test_sign_then_verify(signer_key: rsa.RSAPrivateKey, signer_cert: x509.Certificate) -> None:
    signed = sign(UNSIGNED, signer_key, signer_cert)
    verify(signed, signer_cert)
    verify(signed, signer_key.public_key())
    root = etree.fromstring(signed)
    signature = root[-1]
    assert signature.tag == f"{DS}Signature"
    assert signature.findtext(f"{DS}KeyInfo/{DS}KeyName") == format(signer_cert.serial_number, "x")
    method = signature.find(f"{DS}SignedInfo/{DS}SignatureMethod")
    assert method is not None
    assert method.get("Algorithm") == "http://www.w3.org/2000/09/xmldsig#rsa-sha1"


def test_signature_survives_reserialisation(signer_cert: x509.Certificate) -> None:
    # canonicalisation makes attribute quoting and namespace-declaration order irrelevant
    reserialised = etree.tostring(etree.fromstring(SIGNED), xml_declaration=True, encoding="UTF-8")
    assert reserialised != SIGNED
    verify(reserialised, signer_cert)


def test_digest_is_sha1_of_the_canonical_document_without_the_signature() -> None:
    start = SIGNED.index(b"<ds:Signature")
    end = SIGNED.index(b"</ds:Signature>") + len(b"</ds:Signature>")
    without = etree.fromstring(SIGNED[:start] + SIGNED[end:])
    expected = hashlib.sha1(etree.tostring(without, method="c14n")).digest()  # noqa: S324
    digest = etree.fromstring(SIGNED).findtext(
        f"{DS}Signature/{DS}SignedInfo/{DS}Reference/{DS}DigestValue"
    )
    assert digest is not None
    assert base64.b64decode(digest) == expected


def _leaves(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    tree = root.getroottree()
    return [
        tree.getelementpath(element)
        for element in root.iter()
        if len(element) == 0 and element.text and not str(element.tag).startswith(DS)
    ]


@pytest.mark.parametrize(
    "path", _leaves(SIGNED), ids=lambda p: p.replace("{http://www.chinaport.gov.cn/ceb}", "")
)
def test_changing_one_character_of_any_field_breaks_the_digest(
    path: str, signer_cert: x509.Certificate
) -> None:
    root = etree.fromstring(SIGNED)
    element = root.find(path)
    assert element is not None
    assert element.text
    text = element.text
    element.text = text[:-1] + ("X" if text[-1] != "X" else "Y")
    assert failure(etree.tostring(root), signer_cert) == "signature.digest_mismatch"


def test_changing_the_message_guid_breaks_the_digest(signer_cert: x509.Certificate) -> None:
    tampered = SIGNED.replace(b'guid="1A24472B', b'guid="1A24472C', 1)
    assert failure(tampered, signer_cert) == "signature.digest_mismatch"


def test_adding_an_element_breaks_the_digest(signer_cert: x509.Certificate) -> None:
    tampered = SIGNED.replace(b"<ceb:note>", b"<ceb:note>", 1).replace(
        b"</ceb:BaseTransfer>", b"<ceb:note>x</ceb:note></ceb:BaseTransfer>", 1
    )
    assert failure(tampered, signer_cert) == "signature.digest_mismatch"


def test_wrong_key(other_key: rsa.RSAPrivateKey) -> None:
    assert failure(SIGNED, other_key.public_key()) == "signature.invalid"


def test_signed_by_another_key(other_key: rsa.RSAPrivateKey, signer_cert: x509.Certificate) -> None:
    assert failure(sign(UNSIGNED, other_key), signer_cert) == "signature.invalid"


def test_tampered_signature_value(signer_cert: x509.Certificate) -> None:
    root = etree.fromstring(SIGNED)
    value = root.find(f"{DS}Signature/{DS}SignatureValue")
    assert value is not None
    assert value.text
    raw = bytearray(base64.b64decode(value.text))
    raw[10] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    assert failure(etree.tostring(root), signer_cert) == "signature.invalid"


def test_missing_signature(signer_cert: x509.Certificate) -> None:
    assert failure(UNSIGNED, signer_cert) == "signature.missing"


def _edit_signature(edit: str) -> bytes:
    root = etree.fromstring(SIGNED)
    signature = root.find(f"{DS}Signature")
    assert signature is not None
    if edit == "no_signed_info":
        signature.remove(signature[0])
    elif edit == "signature_value_not_base64":
        signature[1].text = "not base64 at all!"
    elif edit == "reference_to_elsewhere":
        signature[0][2].set("URI", "#Inventory")
    elif edit == "no_enveloped_transform":
        signature[0][2].remove(signature[0][2][0])
    elif edit == "two_signatures":
        root.append(etree.fromstring(etree.tostring(signature)))
    elif edit == "no_digest_value":
        reference = signature[0][2]
        reference.remove(reference[2])
    return etree.tostring(root)


@pytest.mark.parametrize(
    "edit",
    [
        "no_signed_info",
        "signature_value_not_base64",
        "reference_to_elsewhere",
        "no_enveloped_transform",
        "two_signatures",
        "no_digest_value",
    ],
)
def test_malformed_signature(edit: str, signer_cert: x509.Certificate) -> None:
    assert failure(_edit_signature(edit), signer_cert) == "signature.malformed"


@pytest.mark.parametrize("data", [b"", b"<a", SIGNED.replace(b"<?xml", b"<!DOCTYPE a><?xml")])
def test_unreadable_document_is_malformed(data: bytes, signer_cert: x509.Certificate) -> None:
    assert failure(data, signer_cert) == "signature.malformed"


def test_sm2_is_not_yet_supported(signer_cert: x509.Certificate) -> None:
    sm2 = SIGNED.replace(
        b"http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        b"http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3",
    )
    assert failure(sm2, signer_cert) == "signature.unsupported_algorithm"


def test_an_algorithm_can_be_plugged_in() -> None:
    """SM2/SM3 will arrive this way; a keyed hash stands in for it here."""
    secret = b"shared secret"
    keyed = xmldsig.Algorithm(
        signature_method="urn:test:hmac-sha256",
        digest_method="urn:test:sha256",
        digest=lambda data: hashlib.sha256(data).digest(),
        sign=lambda key, data: hmac.new(key, data, "sha256").digest(),
        verify=lambda key, value, data: hmac.compare_digest(
            hmac.new(key, data, "sha256").digest(), value
        ),
    )
    xmldsig.register(keyed)
    try:
        signed = sign(UNSIGNED, secret, key_name="test", algorithm=keyed)
        verify(signed, secret)
        assert failure(signed, b"another secret") == "signature.invalid"
    finally:
        xmldsig.unregister(keyed)
    assert failure(signed, secret) == "signature.unsupported_algorithm"


def test_signing_twice_is_refused(signer_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(SignatureError) as caught:
        sign(SIGNED, signer_key)
    assert caught.value.code == "signature.present"


def test_unsigned_message_has_no_embedded_certificate() -> None:
    assert xmldsig.embedded_certificate(UNSIGNED) is None


def test_signature_error_becomes_a_violation(signer_cert: x509.Certificate) -> None:
    with pytest.raises(SignatureError) as caught:
        verify(UNSIGNED, signer_cert)
    violation = caught.value.violation()
    assert (violation.path, violation.code) == ("Signature", "signature.missing")
