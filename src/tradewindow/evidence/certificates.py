"""Software key pairs and self-signed certificates: SM2, RSA and Ed25519.

So a new user can sign without the hardware token the CEB ecosystem needs today:
:func:`new_key_pair` makes a private key (PKCS#8 PEM) and a self-signed X.509 v3 certificate
whose serial number (lower-case hex) is the key id — what ``xmldsig.sign`` writes as KeyName
and what the ``Signature-Key`` header of a JSON submission names.

SM2 keys use the OpenSSL layout (``id-ecPublicKey`` with the ``sm2p256v1`` curve; certificates
signed ``SM2-with-SM3``, DER ``r, s``, default signer ID), so ``openssl`` reads them.
"""

from __future__ import annotations

import base64
import enum
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID

from tradewindow.clock import utc_now
from tradewindow.evidence import der
from tradewindow.formats import xmldsig_sm2
from tradewindow.formats.xmldsig_sm2 import Sm2PrivateKey, Sm2PublicKey

EC_PUBLIC_KEY = "1.2.840.10045.2.1"
SM2_CURVE = "1.2.156.10197.1.301"
SM2_WITH_SM3 = "1.2.156.10197.1.501"
COMMON_NAME = "2.5.4.3"

PrivateKey = Sm2PrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = Sm2PublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey


class KeyAlgorithm(enum.StrEnum):
    SM2 = "sm2"  # CEB 202205, preferred
    RSA = "rsa"  # CEB, older keys (rsa-sha1)
    ED25519 = "ed25519"  # JSON submissions


class KeyFileError(ValueError):
    """A key or certificate file tradewindow cannot read."""


@dataclass(frozen=True, slots=True)
class KeyPair:
    key_id: str
    algorithm: KeyAlgorithm
    private_pem: bytes
    certificate_pem: bytes
    public_pem: bytes


def new_key_pair(
    algorithm: KeyAlgorithm,
    subject: str = "tradewindow software key",
    *,
    now: datetime | None = None,
    valid_for: timedelta = timedelta(days=730),
) -> KeyPair:
    """A fresh private key and a self-signed certificate valid from ``now`` for ``valid_for``."""
    now = (now or utc_now()).replace(microsecond=0)
    serial = secrets.randbits(63) | (1 << 62)  # positive, always 16 hex digits
    if algorithm is KeyAlgorithm.SM2:
        sm2_key = Sm2PrivateKey.generate()
        certificate_der = _sm2_certificate(sm2_key, serial, subject, now, now + valid_for)
        return KeyPair(
            key_id=f"{serial:x}",
            algorithm=algorithm,
            private_pem=_pem("PRIVATE KEY", _sm2_pkcs8(sm2_key)),
            certificate_pem=_pem("CERTIFICATE", certificate_der),
            public_pem=_pem("PUBLIC KEY", sm2_public_key_info(sm2_key.public_key())),
        )
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if algorithm is KeyAlgorithm.RSA
        else ed25519.Ed25519PrivateKey.generate()
    )
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now)
        .not_valid_after(now + valid_for)
        .sign(key, hashes.SHA256() if isinstance(key, rsa.RSAPrivateKey) else None)
    )
    return KeyPair(
        key_id=f"{serial:x}",
        algorithm=algorithm,
        private_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
        public_pem=key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


def load_private_key(pem: bytes) -> PrivateKey:
    """A PKCS#8 (or SEC1 for SM2) private key PEM, unencrypted."""
    label, body = _unpem(pem)
    if label == "PRIVATE KEY":
        sm2_key = _sm2_from_pkcs8(body)
        if sm2_key is not None:
            return sm2_key
    elif label == "EC PRIVATE KEY":
        return _sm2_from_ec_private_key(body)
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"cannot read the private key: {error}") from None
    if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise KeyFileError(f"tradewindow signs with SM2, RSA or Ed25519, not {type(key).__name__}")
    return key


def load_public_key(pem: bytes) -> PublicKey:
    """The public key of a certificate or SubjectPublicKeyInfo PEM (the latter also raw DER)."""
    label, body = _unpem(pem) if pem.lstrip().startswith(b"-----") else ("PUBLIC KEY", pem)
    try:
        if label == "CERTIFICATE":
            body = certificate_public_key_info(body)
        elif label != "PUBLIC KEY":
            raise KeyFileError(f"expected a CERTIFICATE or PUBLIC KEY, found {label}")
        sm2_key = _sm2_from_public_key_info(body)
        if sm2_key is not None:
            return sm2_key
        key = serialization.load_der_public_key(body)
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"cannot read the public key: {error}") from None
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise KeyFileError(f"tradewindow verifies SM2, RSA or Ed25519, not {type(key).__name__}")
    return key


def algorithm_of(key: PrivateKey | PublicKey) -> KeyAlgorithm:
    if isinstance(key, Sm2PrivateKey | Sm2PublicKey):
        return KeyAlgorithm.SM2
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return KeyAlgorithm.RSA
    return KeyAlgorithm.ED25519


def certificate_serial(pem: bytes) -> str:
    """The serial number of a certificate PEM in lower-case hex (its key id)."""
    label, body = _unpem(pem)
    if label != "CERTIFICATE":
        raise KeyFileError(f"expected a CERTIFICATE, found {label}")
    try:
        return f"{int.from_bytes(_tbs_fields(body)[1][1], 'big'):x}"
    except der.DerError as error:
        raise KeyFileError(f"cannot read the certificate: {error}") from None


def certificate_public_key_info(certificate_der: bytes) -> bytes:
    """The encoded SubjectPublicKeyInfo inside a DER certificate (any algorithm)."""
    fields = _tbs_fields(certificate_der)
    return der.tlv(der.SEQUENCE, der.expect(fields[6], der.SEQUENCE, "subjectPublicKeyInfo"))


def sm2_public_key_info(key: Sm2PublicKey) -> bytes:
    return der.sequence(
        der.sequence(der.oid(EC_PUBLIC_KEY), der.oid(SM2_CURVE)), der.bit_string(key.to_bytes())
    )


# --- SM2 encodings ---------------------------------------------------------------------------


def _sm2_pkcs8(key: Sm2PrivateKey) -> bytes:
    ec_private_key = der.sequence(
        der.integer(1),
        der.tlv(der.OCTET_STRING, key.d.to_bytes(32, "big")),
        der.tlv(0xA1, der.bit_string(key.public_key().to_bytes())),
    )
    return der.sequence(
        der.integer(0),
        der.sequence(der.oid(EC_PUBLIC_KEY), der.oid(SM2_CURVE)),
        der.tlv(der.OCTET_STRING, ec_private_key),
    )


def _sm2_certificate(
    key: Sm2PrivateKey, serial: int, subject: str, not_before: datetime, not_after: datetime
) -> bytes:
    name = der.sequence(
        der.tlv(
            der.SET, der.sequence(der.oid(COMMON_NAME), der.tlv(der.UTF8_STRING, subject.encode()))
        )
    )
    signature_algorithm = der.sequence(der.oid(SM2_WITH_SM3))
    tbs = der.sequence(
        der.tlv(0xA0, der.integer(2)),
        der.integer(serial),
        signature_algorithm,
        name,
        der.sequence(der.time(not_before), der.time(not_after)),
        name,
        sm2_public_key_info(key.public_key()),
    )
    signature = xmldsig_sm2.der_signature(xmldsig_sm2.sign(key, tbs))
    return der.sequence(tbs, signature_algorithm, der.bit_string(signature))


def _sm2_from_pkcs8(body: bytes) -> Sm2PrivateKey | None:
    try:
        _, content, _ = der.read(body)
        items = der.children(content)
        algorithm = der.children(der.expect(items[1], der.SEQUENCE, "privateKeyAlgorithm"))
        if not _is_sm2(algorithm):
            return None
        return _sm2_from_ec_private_key(der.expect(items[2], der.OCTET_STRING, "privateKey"))
    except (der.DerError, IndexError):
        return None  # not ours: let cryptography say what is wrong


def _sm2_from_ec_private_key(body: bytes) -> Sm2PrivateKey:
    try:
        _, content, _ = der.read(body)
        scalar = der.expect(der.children(content)[1], der.OCTET_STRING, "privateKey")
        return Sm2PrivateKey(int.from_bytes(scalar, "big"))
    except (der.DerError, IndexError, ValueError) as error:
        raise KeyFileError(f"cannot read the SM2 private key: {error}") from None


def _sm2_from_public_key_info(body: bytes) -> Sm2PublicKey | None:
    _, content, _ = der.read(body)
    items = der.children(content)
    if len(items) != 2 or not _is_sm2(
        der.children(der.expect(items[0], der.SEQUENCE, "algorithm"))
    ):
        return None
    bits = der.expect(items[1], der.BIT_STRING, "subjectPublicKey")
    if not bits or bits[0] != 0:
        raise der.DerError("subjectPublicKey has unused bits")
    return Sm2PublicKey.from_bytes(bits[1:])


def _is_sm2(algorithm: list[tuple[int, bytes]]) -> bool:
    encoded = [der.tlv(tag, value) for tag, value in algorithm]
    return bool(encoded) and (
        encoded[0] == der.oid(SM2_CURVE)
        or (encoded[0] == der.oid(EC_PUBLIC_KEY) and encoded[1:2] == [der.oid(SM2_CURVE)])
    )


def _tbs_fields(certificate_der: bytes) -> list[tuple[int, bytes]]:
    """version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, …"""
    _, certificate, _ = der.read(certificate_der)
    tbs = der.expect(der.children(certificate)[0], der.SEQUENCE, "tbsCertificate")
    fields = der.children(tbs)
    if not fields or fields[0][0] != 0xA0:
        raise der.DerError("only X.509 v3 certificates are read")
    if len(fields) < 7:
        raise der.DerError("tbsCertificate is incomplete")
    return fields


# --- PEM -------------------------------------------------------------------------------------


def _pem(label: str, body: bytes) -> bytes:
    text = base64.b64encode(body).decode("ascii")
    lines = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n".encode("ascii")


_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s+(.*?)\s*-----END \1-----", re.DOTALL)


def _unpem(pem: bytes) -> tuple[str, bytes]:
    match = _PEM.search(pem)
    if match is None:
        raise KeyFileError("not a PEM file (no -----BEGIN …----- block)")
    try:
        return match[1].decode("ascii"), base64.b64decode(b"".join(match[2].split()), validate=True)
    except ValueError:
        raise KeyFileError("the PEM block is not base64") from None
