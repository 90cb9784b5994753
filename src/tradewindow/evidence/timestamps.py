"""RFC 3161 time-stamps of evidence checkpoints: the request, and the check of a token. Pure.

A time-stamping authority (TSA) signs that a digest existed at a time; stamping each
checkpoint's hash puts its time beyond the platform's own clock, and beyond the reach of
whoever holds the platform key (a rewritten chain would need new tokens dated in the past).

* :func:`request` — ``TimeStampReq`` (RFC 3161 §2.4.1) over a SHA-256 digest, with a nonce and
  ``certReq`` so that the TSA includes its certificate;
* :func:`token_of` — the ``TimeStampToken`` of a ``TimeStampResp`` (§2.4.2), refused unless
  the status is granted (0) or grantedWithMods (1);
* :func:`check_token` — the token is CMS ``SignedData`` (RFC 5652) over a ``TSTInfo``: the
  imprint must be the digest asked for, the signed attributes' ``messageDigest`` the digest
  of the ``TSTInfo``, and the signature over the signed attributes must hold for the
  **configured** TSA certificate (a certificate inside the token is not trusted by itself).
  Answers the ``genTime``.

``cryptography`` verifies the signature; the DER is read with :mod:`tradewindow.evidence.der`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from tradewindow.evidence import der
from tradewindow.evidence.der import DerError

SHA256 = "2.16.840.1.101.3.4.2.1"
SIGNED_DATA = "1.2.840.113549.1.7.2"
TST_INFO = "1.2.840.113549.1.9.16.1.4"
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    SHA256: hashes.SHA256,
    "2.16.840.1.101.3.4.2.2": hashes.SHA384,
    "2.16.840.1.101.3.4.2.3": hashes.SHA512,
}
NULL = b"\x05\x00"
BOOLEAN = 0x01
CONTEXT_0 = 0xA0
CONTEXT_1 = 0xA1


class TimestampError(ValueError):
    """A time-stamp response or token that does not hold; ``code`` (``timestamp.*``) says why."""

    def __init__(self, code: str, en: str) -> None:
        self.code, self.en = code, en
        super().__init__(f"{code}: {en}")


def algorithm(dotted: str) -> bytes:
    return der.sequence(der.oid(dotted), NULL)


def request(digest: bytes, nonce: int) -> bytes:
    """A ``TimeStampReq`` for the SHA-256 ``digest``."""
    if len(digest) != 32:
        raise ValueError("a SHA-256 digest has 32 bytes")
    imprint = der.sequence(algorithm(SHA256), der.tlv(der.OCTET_STRING, digest))
    return der.sequence(der.integer(1), imprint, der.integer(nonce), der.tlv(BOOLEAN, b"\xff"))


def token_of(response: bytes) -> bytes:
    """The ``TimeStampToken`` (ContentInfo DER) of a granted ``TimeStampResp``."""
    try:
        tag, body, end = der.read(response)
        if tag != der.SEQUENCE or end != len(response):
            raise DerError("a TimeStampResp is one SEQUENCE")
        items = der.children(body)
        status = der.children(der.expect(items[0], der.SEQUENCE, "PKIStatusInfo"))
        granted = int.from_bytes(der.expect(status[0], der.INTEGER, "PKIStatus"), "big")
    except (DerError, IndexError) as error:
        raise TimestampError("timestamp.unreadable", f"not a TimeStampResp: {error}") from None
    if granted not in (0, 1):
        raise TimestampError("timestamp.refused", f"the TSA refused the request (status {granted})")
    if len(items) < 2:
        raise TimestampError("timestamp.unreadable", "the response holds no token")
    return _element(items[1])


def check_token(token: bytes, digest: bytes, certificate: x509.Certificate) -> datetime:
    """The time the TSA of ``certificate`` vouches ``digest`` (SHA-256) existed at; raises
    :class:`TimestampError` unless the token holds."""
    try:
        return _check(token, digest, certificate)
    except (DerError, IndexError, ValueError) as error:
        if isinstance(error, TimestampError):
            raise
        raise TimestampError("timestamp.unreadable", f"not a time-stamp token: {error}") from None


def _check(token: bytes, digest: bytes, certificate: x509.Certificate) -> datetime:
    content_info = der.children(der.read(token)[1])
    if oid_text(der.expect(content_info[0], der.OID, "contentType")) != SIGNED_DATA:
        raise TimestampError("timestamp.unreadable", "the token is not CMS SignedData")
    signed_data = der.children(
        der.children(der.expect(content_info[1], CONTEXT_0, "content"))[0][1]
    )
    encapsulated = der.children(der.expect(signed_data[2], der.SEQUENCE, "encapContentInfo"))
    if oid_text(der.expect(encapsulated[0], der.OID, "eContentType")) != TST_INFO:
        raise TimestampError("timestamp.unreadable", "the token does not hold a TSTInfo")
    octets = der.children(der.expect(encapsulated[1], CONTEXT_0, "eContent"))[0]
    tst_info = der.expect(octets, der.OCTET_STRING, "eContent")
    info = der.children(der.expect(der.children(tst_info)[0], der.SEQUENCE, "TSTInfo"))
    imprint = der.children(der.expect(info[2], der.SEQUENCE, "messageImprint"))
    imprint_algorithm = oid_text(der.children(imprint[0][1])[0][1])
    if imprint_algorithm != SHA256 or der.expect(imprint[1], der.OCTET_STRING, "hash") != digest:
        raise TimestampError(
            "timestamp.imprint", "the token stamps another digest than the checkpoint's hash"
        )
    gen_time = _generalized_time(der.expect(info[4], der.GENERALIZED_TIME, "genTime"))
    signer_infos = der.children(der.expect(signed_data[-1], der.SET, "signerInfos"))
    if len(signer_infos) != 1:
        raise TimestampError("timestamp.unreadable", "a time-stamp token has one signer")
    _check_signer(der.children(signer_infos[0][1]), tst_info, certificate)
    return gen_time


def _check_signer(signer: list[tuple[int, bytes]], tst_info: bytes, cert: x509.Certificate) -> None:
    digest_oid = oid_text(
        der.children(der.expect(signer[2], der.SEQUENCE, "digestAlgorithm"))[0][1]
    )
    hash_type = _HASHES.get(digest_oid)
    if hash_type is None:
        raise TimestampError("timestamp.algorithm", f"unknown digest algorithm {digest_oid}")
    attributes = der.expect(signer[3], CONTEXT_0, "signedAttrs")
    found: dict[str, bytes] = {}
    for _, attribute in der.children(attributes):
        kind, values = der.children(attribute)[:2]
        found[oid_text(kind[1])] = der.children(values[1])[0][1]
    if oid_text(found.get(CONTENT_TYPE, b"")) != TST_INFO:
        raise TimestampError("timestamp.unreadable", "the signed content type is not TSTInfo")
    if found.get(MESSAGE_DIGEST) != _digest(hash_type(), tst_info):
        raise TimestampError(
            "timestamp.digest", "the signed attributes do not vouch for this TSTInfo"
        )
    signature = der.expect(signer[5], der.OCTET_STRING, "signature")
    signed = der.tlv(der.SET, attributes)  # signed as a SET OF (RFC 5652 §5.4)
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), hash_type())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(hash_type()))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed)
        else:
            raise TimestampError("timestamp.algorithm", "the TSA key's algorithm is not supported")
    except InvalidSignature:
        raise TimestampError(
            "timestamp.signature", "the token is not signed by the configured TSA certificate"
        ) from None


def _digest(algorithm_: hashes.HashAlgorithm, data: bytes) -> bytes:
    hasher = hashes.Hash(algorithm_)
    hasher.update(data)
    return hasher.finalize()


def _element(item: tuple[int, bytes]) -> bytes:
    return der.tlv(item[0], item[1])


def oid_text(content: bytes) -> str:
    """The dotted form of an OBJECT IDENTIFIER's content bytes."""
    if not content:
        return ""
    parts = [min(content[0] // 40, 2), content[0] - 40 * min(content[0] // 40, 2)]
    value = 0
    for byte in content[1:]:
        value = value << 7 | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(part) for part in parts)


def _generalized_time(content: bytes) -> datetime:
    text = content.decode("ascii")
    if not text.endswith("Z"):
        raise TimestampError("timestamp.unreadable", f"genTime {text!r} is not in UTC")
    whole, _, fraction = text[:-1].partition(".")
    moment = datetime.strptime(whole, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    if fraction:
        moment = moment.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    return moment


def checkpoint_digest(checkpoint_hash: str) -> bytes:
    """What a checkpoint's stamp covers: its record hash (already SHA-256), as bytes."""
    return bytes.fromhex(checkpoint_hash)
