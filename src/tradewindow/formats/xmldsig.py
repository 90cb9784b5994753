"""Enveloped XML signatures (XMLDSig) as the CEB spec asks for them (202205 spec, section 6).

A CEB signature is a ``ds:Signature`` appended as the last child of the message root, with
one Reference to the whole document (``URI=""``) through the enveloped-signature transform,
SignedInfo canonicalised with C14N 1.0 (20010315), and KeyInfo naming the key and carrying
the X.509 certificate. The spec allows two algorithm pairs: SM2/SM3 (preferred in 202205)
and RSA-SHA1 (older keys). RSA-SHA1 is implemented here; the SM2 variants in use are
registered by :mod:`tradewindow.formats.xmldsig_sm2`. An :class:`Algorithm` is a signature
method *and* a digest method: the registry holds each pair that is accepted, so one signature
method may come with several digests (SM2 with SM3 or, from older clients, SHA-1).

Verification fails with a :class:`SignatureError` whose ``code`` is one of
``signature.missing``, ``signature.malformed``, ``signature.unsupported_algorithm``,
``signature.digest_mismatch`` (the signed content was changed) or ``signature.invalid``
(the SignatureValue does not match the key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from tradewindow.formats import hardened_xml
from tradewindow.formats.ceb_xml import declared
from tradewindow.violations import Violation

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
RSA_SHA1_URI = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"

_CANONICALISATIONS = {C14N: False, EXC_C14N: True}  # URI -> exclusive?
_MAX_BYTES = 10 * 1024 * 1024
_MAX_DEPTH = 32


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


class SignatureError(Exception):
    """A signature that cannot be made or does not hold; ``code`` says which way."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code = code
        self.en = en
        self.zh = zh
        super().__init__(f"{code}: {en}")

    def violation(self) -> Violation:
        return Violation(path="Signature", code=self.code, en=self.en, zh=self.zh)


@dataclass(frozen=True, slots=True)
class Algorithm:
    """A signature method and its digest method, by their XMLDSig URIs."""

    signature_method: str
    digest_method: str
    digest: Callable[[bytes], bytes]
    sign: Callable[[Any, bytes], bytes]
    verify: Callable[[Any, bytes, bytes], bool]  # (public key, signature, data) -> holds?


def _rsa_sha1_sign(private_key: Any, data: bytes) -> bytes:
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise TypeError("rsa-sha1 needs an RSA private key")
    return private_key.sign(data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - CEB rsa-sha1


def _rsa_sha1_verify(public_key: Any, signature: bytes, data: bytes) -> bool:
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except InvalidSignature:
        return False
    return True


def _sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()  # noqa: S324 - the digest CEB's rsa-sha1 keys use


RSA_SHA1 = Algorithm(
    signature_method=RSA_SHA1_URI,
    digest_method=SHA1,
    digest=_sha1,
    sign=_rsa_sha1_sign,
    verify=_rsa_sha1_verify,
)
ALGORITHMS: dict[tuple[str, str], Algorithm] = {}  # (signature method, digest method) →


def register(algorithm: Algorithm) -> None:
    """Make ``algorithm`` (its pair of methods) known to :func:`verify`, usable by :func:`sign`."""
    ALGORITHMS[algorithm.signature_method, algorithm.digest_method] = algorithm


def unregister(algorithm: Algorithm) -> None:
    """Forget ``algorithm``'s pair."""
    ALGORITHMS.pop((algorithm.signature_method, algorithm.digest_method), None)


def signature_methods() -> frozenset[str]:
    """Every signature method URI some registered pair uses."""
    return frozenset(method for method, _ in ALGORITHMS)


register(RSA_SHA1)


def sign(
    xml: bytes,
    private_key: Any,
    certificate: x509.Certificate | None = None,
    *,
    key_name: str | None = None,
    algorithm: Algorithm = RSA_SHA1,
) -> bytes:
    """``xml`` with an enveloped ``ds:Signature`` appended to its root.

    KeyInfo carries ``key_name`` (default: the certificate's serial number in hex) and the
    certificate, when given. Raises :class:`SignatureError` (``signature.present``) if the
    message is already signed.
    """
    root = _parse(xml)
    if root.find(_ds("Signature")) is not None:
        raise SignatureError("signature.present", "the message is already signed", "报文已经加签")
    signature = _signature_skeleton(algorithm)
    _append_keeping_layout(root, signature)
    if certificate is not None or key_name is not None:
        signature.append(_key_info(certificate, key_name))
    signed_info = signature.find(_ds("SignedInfo"))
    assert signed_info is not None  # noqa: S101 - built just above
    digest_value = signed_info.find(f"{_ds('Reference')}/{_ds('DigestValue')}")
    assert digest_value is not None  # noqa: S101 - built just above
    digest_value.text = _b64(algorithm.digest(_enveloped_content(signature, exclusive=False)))
    value = algorithm.sign(private_key, _canonical(signed_info, exclusive=False))
    signature_value = signature.find(_ds("SignatureValue"))
    assert signature_value is not None  # noqa: S101 - built just above
    signature_value.text = _b64(value)
    return declared(root)


def verify(xml: bytes, public_key: Any) -> None:
    """Return if ``xml`` carries a valid enveloped signature by ``public_key``, else raise.

    ``public_key`` is the signer's public key or X.509 certificate. Raises
    :class:`SignatureError`; the digest is checked before the signature value, so content
    changed after signing shows as ``signature.digest_mismatch``.
    """
    if isinstance(public_key, x509.Certificate):
        public_key = public_key.public_key()
    root = _parse(xml)
    signatures = root.findall(_ds("Signature"))
    if not signatures:
        raise SignatureError(
            "signature.missing", "the message carries no ds:Signature", "报文缺少签名节点"
        )
    if len(signatures) > 1:
        raise _malformed("the message carries more than one ds:Signature")
    signature = signatures[0]
    signed_info, algorithm, exclusive, expected_digest, signature_value = _read(signature)
    if algorithm.digest(_enveloped_content(signature, exclusive=exclusive)) != expected_digest:
        raise SignatureError(
            "signature.digest_mismatch",
            "the signed content has changed since it was signed",
            "报文内容与签名摘要不符，签名后被修改",
        )
    if not algorithm.verify(public_key, signature_value, _canonical(signed_info, exclusive)):
        raise SignatureError(
            "signature.invalid",
            "the signature value does not match the signer's key",
            "签名值与签名证书公钥不符",
        )


def embedded_certificate(xml: bytes) -> x509.Certificate | None:
    """The X.509 certificate in the signature's KeyInfo, if any (not trusted by itself)."""
    root = _parse(xml)
    element = root.find(
        f"{_ds('Signature')}/{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}"
    )
    if element is None or not element.text:
        return None
    try:
        return x509.load_der_x509_certificate(_unb64(element.text))
    except ValueError:
        raise _malformed("the X509Certificate cannot be read") from None


# --- internals -------------------------------------------------------------------------------


def _parse(xml: bytes) -> etree._Element:
    try:
        return hardened_xml.parse(xml, max_bytes=_MAX_BYTES, max_depth=_MAX_DEPTH)
    except hardened_xml.UnsafeXml as error:
        raise _malformed(f"the signed message cannot be read: {error.en}") from None


def _signature_skeleton(algorithm: Algorithm) -> etree._Element:
    signature = etree.Element(_ds("Signature"), nsmap={"ds": DS})
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=algorithm.signature_method)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI="")
    transforms = etree.SubElement(reference, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform"), Algorithm=ENVELOPED)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=algorithm.digest_method)
    etree.SubElement(reference, _ds("DigestValue"))
    etree.SubElement(signature, _ds("SignatureValue"))
    return signature


def _key_info(certificate: x509.Certificate | None, key_name: str | None) -> etree._Element:
    key_info = etree.Element(_ds("KeyInfo"))
    if key_name is None and certificate is not None:
        key_name = format(certificate.serial_number, "x")
    if key_name is not None:
        etree.SubElement(key_info, _ds("KeyName")).text = key_name
    if certificate is not None:
        data = etree.SubElement(key_info, _ds("X509Data"))
        der = certificate.public_bytes(serialization.Encoding.DER)
        etree.SubElement(data, _ds("X509Certificate")).text = _b64(der)
    return key_info


def _append_keeping_layout(root: etree._Element, signature: etree._Element) -> None:
    """Append as the root's last child, indented like its siblings when the text is pretty."""
    last = root[-1] if len(root) else None
    if last is not None and (last.tail or "").strip() == "":
        before = last.getprevious()
        indent = before.tail if before is not None else root.text
        if indent is not None and indent.strip() == "":
            signature.tail = last.tail
            last.tail = indent
    root.append(signature)


def _read(
    signature: etree._Element,
) -> tuple[etree._Element, Algorithm, bool, bytes, bytes]:
    signed_info = signature.find(_ds("SignedInfo"))
    if signed_info is None:
        raise _malformed("ds:Signature has no SignedInfo")
    method = _algorithm_of(signed_info, "CanonicalizationMethod")
    if method not in _CANONICALISATIONS:
        raise _unsupported(method)
    exclusive = _CANONICALISATIONS[method]
    signature_method = _algorithm_of(signed_info, "SignatureMethod")
    if signature_method not in signature_methods():
        raise _unsupported(signature_method)
    references = signed_info.findall(_ds("Reference"))
    if len(references) != 1 or references[0].get("URI") != "":
        raise _malformed('SignedInfo must hold exactly one Reference with URI=""')
    reference = references[0]
    transforms = [
        t.get("Algorithm") for t in reference.findall(f"{_ds('Transforms')}/{_ds('Transform')}")
    ]
    if not transforms or transforms[0] != ENVELOPED:
        raise _malformed("the Reference must use the enveloped-signature transform")
    for transform in transforms[1:]:
        if transform not in _CANONICALISATIONS:
            raise _unsupported(transform or "")
        exclusive = _CANONICALISATIONS[transform]
    digest_method = _algorithm_of(reference, "DigestMethod")
    algorithm = ALGORITHMS.get((signature_method, digest_method))
    if algorithm is None:  # a digest not used with this signature method
        raise _unsupported(digest_method)
    digest_value = reference.find(_ds("DigestValue"))
    signature_value = signature.find(_ds("SignatureValue"))
    if digest_value is None or signature_value is None:
        raise _malformed("ds:Signature lacks a DigestValue or SignatureValue")
    return (
        signed_info,
        algorithm,
        exclusive,
        _unb64(digest_value.text or ""),
        _unb64(signature_value.text or ""),
    )


def _algorithm_of(parent: etree._Element, name: str) -> str:
    element = parent.find(_ds(name))
    if element is None or element.get("Algorithm") is None:
        raise _malformed(f"{etree.QName(parent).localname} lacks a {name} Algorithm")
    return element.get("Algorithm") or ""


def _enveloped_content(signature: etree._Element, *, exclusive: bool) -> bytes:
    """The document minus the Signature element (its tail text stays), canonicalised."""
    parent = signature.getparent()
    assert parent is not None  # noqa: S101 - a Signature is found under the root
    index = parent.index(signature)
    previous = signature.getprevious()
    kept_text, kept_tail = parent.text, previous.tail if previous is not None else None
    if signature.tail:
        if previous is None:
            parent.text = (parent.text or "") + signature.tail
        else:
            previous.tail = (previous.tail or "") + signature.tail
    tail = signature.tail
    parent.remove(signature)
    try:
        return _canonical(parent.getroottree(), exclusive)
    finally:
        parent.insert(index, signature)
        signature.tail = tail
        parent.text = kept_text
        if previous is not None:
            previous.tail = kept_tail


def _canonical(node: etree._Element | etree._ElementTree, exclusive: bool) -> bytes:
    return etree.tostring(node, method="c14n", exclusive=exclusive, with_comments=False)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise _malformed("a DigestValue, SignatureValue or certificate is not base64") from None


def _malformed(why: str) -> SignatureError:
    return SignatureError("signature.malformed", why, f"签名节点格式错误：{why}")


def _unsupported(uri: str) -> SignatureError:
    return SignatureError(
        "signature.unsupported_algorithm",
        f"the signature uses an algorithm tradewindow does not support: {uri[:100]}",
        f"签名使用了不支持的算法：{uri[:100]}",
    )
