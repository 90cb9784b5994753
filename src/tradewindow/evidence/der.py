"""The few DER (X.690) pieces SM2 key files and certificates need.

``cryptography`` reads and writes RSA and Ed25519 keys but knows no SM2 curve, so SM2 PKCS#8
keys, SubjectPublicKeyInfo and self-signed certificates are encoded here by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
OID = 0x06
UTF8_STRING = 0x0C
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18


class DerError(ValueError):
    """The bytes are not the DER structure expected."""


def tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def sequence(*items: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(items))


def integer(value: int) -> bytes:
    return tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=value < 0))


def oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body.extend(reversed(chunk))
    return tlv(OID, bytes(body))


def bit_string(data: bytes) -> bytes:
    return tlv(BIT_STRING, b"\x00" + data)


def time(value: datetime) -> bytes:
    """UTCTime before 2050, GeneralizedTime from then on (RFC 5280, 4.1.2.5)."""
    value = value.astimezone(UTC)
    if value.year < 2050:
        return tlv(UTC_TIME, value.strftime("%y%m%d%H%M%SZ").encode())
    return tlv(GENERALIZED_TIME, value.strftime("%Y%m%d%H%M%SZ").encode())


def read(data: bytes, at: int = 0) -> tuple[int, bytes, int]:
    """(tag, content, offset after) of the element starting at ``at``."""
    if at + 2 > len(data):
        raise DerError("truncated DER element")
    tag, first = data[at], data[at + 1]
    at += 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise DerError("bad DER length")
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + size > len(data):
        raise DerError("truncated DER element")
    return tag, data[at : at + size], at + size


def children(content: bytes) -> list[tuple[int, bytes]]:
    """The (tag, content) elements one after another in ``content``."""
    items, at = [], 0
    while at < len(content):
        tag, value, at = read(content, at)
        items.append((tag, value))
    return items


def expect(item: tuple[int, bytes], tag: int, what: str) -> bytes:
    if item[0] != tag:
        raise DerError(f"{what}: expected tag {tag:#x}, found {item[0]:#x}")
    return item[1]


def element(content: bytes) -> bytes:
    """The whole encoded element (tag, length and content) that ``read`` finds first."""
    _, _, end = read(content)
    return content[:end]
