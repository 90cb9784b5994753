"""SM2 signatures for CEB XMLDSig, in every variant the field writes (202205 spec, 6.2).

The 202205 spec prefers the Chinese national algorithms and names them by URI::

    SignatureMethod  http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3
    DigestMethod     http://www.chinaport.gov.cn/2022/04/xmldsig#sm3

China E-Port's signing clients of before 2022 (still in use) name the same SM2 signature
``http://www.w3.org/2000/09/xmldsig#sm2-sm3`` and digest the content with SM3
(``http://www.w3.org/2000/09/xmldsig#sm3``) or SHA-1 (``…#sha1``). Importing this module
registers all of them (:data:`VARIANTS`) with :mod:`tradewindow.formats.xmldsig`, so
``xmldsig.sign(xml, Sm2PrivateKey, algorithm=SM2_SM3)`` and ``xmldsig.verify(xml,
Sm2PublicKey)`` handle them like RSA-SHA1. Whatever the digest, the SignatureValue is the SM2
signature (with SM3 and Z_A, below) of the canonical SignedInfo.

The signature follows GB/T 32918.2 (SM2 digital signature): e = SM3(Z_A ‖ M) with
Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) and the default signer ID
``1234567812345678`` (GM/T 0009). The spec does not fix the SignatureValue layout; we write
the 64-byte ``r ‖ s`` that the customs signing clients emit, and accept the DER
``SEQUENCE { r, s }`` form (GM/T 0009) as well when verifying.

gmssl (pure Python) does the curve arithmetic; SM3 comes from OpenSSL through
``cryptography`` (gmssl's SM3 runs at about 3 ms per KB). gmssl's own nonce comes from
``random``, which is not fit for keys, so the nonce here is drawn from ``secrets``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from gmssl import sm2

from tradewindow.formats import xmldsig

SM2_SM3_URI = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
SM3_URI = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"
W3C_SM2_SM3_URI = "http://www.w3.org/2000/09/xmldsig#sm2-sm3"
W3C_SM3_URI = "http://www.w3.org/2000/09/xmldsig#sm3"
DEFAULT_SIGNER_ID = b"1234567812345678"

_TABLE = sm2.default_ecc_table
P = int(_TABLE["p"], 16)
N = int(_TABLE["n"], 16)
A = int(_TABLE["a"], 16)
B = int(_TABLE["b"], 16)
GX = int(_TABLE["g"][:64], 16)
GY = int(_TABLE["g"][64:], 16)


def sm3(data: bytes) -> bytes:
    """The SM3 digest (GB/T 32905) of ``data``."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


@dataclass(frozen=True, slots=True)
class Sm2PublicKey:
    """A point on the SM2 curve (sm2p256v1)."""

    x: int
    y: int

    def __post_init__(self) -> None:
        if not (0 <= self.x < P and 0 <= self.y < P):
            raise ValueError("SM2 public key coordinates are out of range")
        if (self.y * self.y - (self.x**3 + A * self.x + B)) % P != 0:
            raise ValueError("SM2 public key is not a point on the curve")

    @classmethod
    def from_bytes(cls, data: bytes) -> Sm2PublicKey:
        """From the uncompressed form ``04 ‖ x ‖ y`` (65 bytes)."""
        if len(data) != 65 or data[0] != 4:
            raise ValueError("SM2 public key must be 65 bytes, uncompressed (04 ‖ x ‖ y)")
        return cls(int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big"))

    def to_bytes(self) -> bytes:
        return b"\x04" + self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big")


@dataclass(frozen=True, slots=True, repr=False)
class Sm2PrivateKey:
    """An SM2 private scalar; its repr never shows the secret."""

    d: int

    def __post_init__(self) -> None:
        if not 1 <= self.d < N - 1:
            raise ValueError("SM2 private key is out of range")

    @classmethod
    def generate(cls) -> Sm2PrivateKey:
        return cls(secrets.randbelow(N - 2) + 1)

    def public_key(self) -> Sm2PublicKey:
        point = _curve()._kg(self.d, _TABLE["g"])  # gmssl's scalar multiply
        return Sm2PublicKey(int(point[:64], 16), int(point[64:], 16))

    def __repr__(self) -> str:
        return "Sm2PrivateKey(<secret>)"


def signed_digest(
    public_key: Sm2PublicKey, data: bytes, signer_id: bytes = DEFAULT_SIGNER_ID
) -> bytes:
    """e = SM3(Z_A ‖ data), what SM2 actually signs (GB/T 32918.2, 6.1)."""
    if len(signer_id) * 8 >= 1 << 16:
        raise ValueError("SM2 signer ID is too long")
    z = sm3(
        (len(signer_id) * 8).to_bytes(2, "big")
        + signer_id
        + b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY, public_key.x, public_key.y))
    )
    return sm3(z + data)


def sign(private_key: Sm2PrivateKey, data: bytes) -> bytes:
    """The SM2 signature ``r ‖ s`` (64 bytes) of ``data`` with the default signer ID."""
    e = signed_digest(private_key.public_key(), data)
    curve = _curve(private_key)
    while True:  # a nonce giving r = 0, r + k = n or s = 0 is drawn again (p ≈ 2⁻²⁵⁶)
        k = secrets.randbelow(N - 1) + 1
        value = curve.sign(e, f"{k:064x}")
        if value is not None:
            return bytes.fromhex(value)


def verify(public_key: Sm2PublicKey, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` (``r ‖ s`` or DER) is ``public_key``'s signature of ``data``."""
    pair = _r_s(signature)
    if pair is None:
        return False
    r, s = pair
    if not (1 <= r < N and 1 <= s < N):
        return False
    curve = _curve()
    curve.public_key = f"{public_key.x:064x}{public_key.y:064x}"
    return bool(curve.verify(f"{r:064x}{s:064x}", signed_digest(public_key, data)))


def der_signature(raw: bytes) -> bytes:
    """``r ‖ s`` as DER ``SEQUENCE { INTEGER r, INTEGER s }`` (the X.509 form)."""
    return _der(
        0x30, b"".join(_der_int(int.from_bytes(half, "big")) for half in (raw[:32], raw[32:]))
    )


def _r_s(signature: bytes) -> tuple[int, int] | None:
    if len(signature) == 64:
        return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    # DER: 30 len 02 len r 02 len s, each integer at most 33 bytes
    if len(signature) < 8 or signature[0] != 0x30 or signature[1] != len(signature) - 2:
        return None
    values, at = [], 2
    for _ in range(2):
        if at + 2 > len(signature) or signature[at] != 0x02:
            return None
        size = signature[at + 1]
        if size == 0 or size > 33 or at + 2 + size > len(signature):
            return None
        values.append(int.from_bytes(signature[at + 2 : at + 2 + size], "big"))
        at += 2 + size
    if at != len(signature):
        return None
    return values[0], values[1]


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    length = bytes([size]) if size < 0x80 else bytes([0x80 | 1, size])  # r, s: < 256 bytes
    return bytes([tag]) + length + content


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _curve(private_key: Sm2PrivateKey | None = None) -> Any:
    # the public key is set by attribute: gmssl's constructor strips "04" with lstrip, which
    # also eats a leading 0 or 4 of x
    secret = f"{private_key.d:064x}" if private_key else None
    return sm2.CryptSM2(private_key=secret, public_key="")


def _xmldsig_sign(private_key: Any, data: bytes) -> bytes:
    if not isinstance(private_key, Sm2PrivateKey):
        raise TypeError("sm2-sm3 needs an SM2 private key")
    return sign(private_key, data)


def _xmldsig_verify(public_key: Any, signature: bytes, data: bytes) -> bool:
    return isinstance(public_key, Sm2PublicKey) and verify(public_key, signature, data)


def _variant(signature_method: str, digest_method: str) -> xmldsig.Algorithm:
    digest = xmldsig.RSA_SHA1.digest if digest_method == xmldsig.SHA1 else sm3
    return xmldsig.Algorithm(
        signature_method=signature_method,
        digest_method=digest_method,
        digest=digest,
        sign=_xmldsig_sign,
        verify=_xmldsig_verify,
    )


SM2_SM3 = _variant(SM2_SM3_URI, SM3_URI)
"""The 202205 spec's URIs (section 6.2.1.2, 6.2.1.3.2): what tradewindow signs with."""
W3C_SM2_SM3 = _variant(W3C_SM2_SM3_URI, W3C_SM3_URI)
W3C_SM2_SHA1 = _variant(W3C_SM2_SM3_URI, xmldsig.SHA1)
VARIANTS = {
    "chinaport-2022": SM2_SM3,
    "w3c-sm3": W3C_SM2_SM3,
    "w3c-sha1": W3C_SM2_SHA1,
    "w3c-chinaport-sm3": _variant(W3C_SM2_SM3_URI, SM3_URI),  # the two spellings mixed
}
SIGNATURE_METHODS = frozenset({SM2_SM3_URI, W3C_SM2_SM3_URI})
for _algorithm in VARIANTS.values():
    xmldsig.register(_algorithm)
