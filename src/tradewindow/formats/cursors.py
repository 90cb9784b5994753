"""Opaque page cursors: a position (a row id or an offset) behind a short tag, in base64url.

A cursor comes back from outside, so reading one is decoding untrusted text: anything that is
not a cursor this API wrote — not base64, not the tag, not digits, or a position no 64-bit
column can hold (``?cursor=`` of ``f99999999999999999999``) — reads as None, and the caller
answers with its own coded refusal. Nothing unbounded ever reaches SQL.
"""

from __future__ import annotations

import base64
import binascii

MAX_POSITION = 2**63 - 1  # BIGINT and SQLite INTEGER
_MAX_LENGTH = 256


def write(tag: str, position: int) -> str:
    """The cursor for ``position`` (0 … MAX_POSITION) under ``tag`` (``f``, ``offset=``)."""
    return base64.urlsafe_b64encode(f"{tag}{position}".encode()).decode().rstrip("=")


def read(tag: str, cursor: str) -> int | None:
    """The position of a cursor :func:`write` made with ``tag``; None for anything else."""
    if len(cursor) > _MAX_LENGTH:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    digits = text.removeprefix(tag)
    if not text.startswith(tag) or not digits.isascii() or not digits.isdigit():
        return None
    return position(int(digits))


def position(value: object) -> int | None:
    """``value`` when it is a position a cursor may hold (an int, 0 … MAX_POSITION)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_POSITION:
        return value
    return None
