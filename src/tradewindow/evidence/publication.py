"""Published checkpoints: what the platform hands a third party (an agency, a court, an
auditor) so that it can later prove the platform did not rewrite its history. Pure.

A publication is canonical JSON::

    format               "tradewindow-evidence-anchors/1"
    platform_public_key  base64 of the Ed25519 key's 32 raw bytes
    key                  its fingerprint (``platform-key:…``), to compare with the one the
                         platform announces
    published_at         when it was made
    anchors              every checkpoint (``evidence.chain.Anchor``), each signed by the
                         platform key, each with its RFC 3161 token when a TSA stamped it

The holder keeps it out of the platform's reach. ``tradewindow evidence verify --published``
walks the chain against it: a chain cut short under a published checkpoint, or rewritten
under one (even re-signed by whoever holds the database, the data folder and the platform
key), fails, because the published checkpoint vouches for the old head.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.evidence.chain import Anchor, anchor_problem, key_fingerprint, time_text

FORMAT = "tradewindow-evidence-anchors/1"


class Publication(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    format: str
    platform_public_key: str
    key: str
    published_at: str
    anchors: list[Anchor]

    def public_key(self) -> ed25519.Ed25519PublicKey | None:
        try:
            raw = base64.b64decode(self.platform_public_key, validate=True)
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        except (binascii.Error, ValueError):
            return None


class PublicationError(ValueError):
    """A publication that cannot be used; ``code`` (``published.*``) says why."""

    def __init__(self, code: str, en: str) -> None:
        self.code, self.en = code, en
        super().__init__(f"{code}: {en}")


def build(anchors: Sequence[Anchor], public_key: ed25519.Ed25519PublicKey, at: datetime) -> bytes:
    return msgspec.json.encode(
        Publication(
            format=FORMAT,
            platform_public_key=base64.b64encode(public_key.public_bytes_raw()).decode("ascii"),
            key=key_fingerprint(public_key),
            published_at=time_text(at),
            anchors=list(anchors),
        )
    )


def read(data: bytes, trusted: Sequence[ed25519.Ed25519PublicKey]) -> Publication:
    """The publication in ``data``, its key one of ``trusted`` and every anchor signed by it;
    raises :class:`PublicationError` otherwise."""
    try:
        publication = msgspec.json.decode(data, type=Publication)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as error:
        raise PublicationError("published.unreadable", f"not a publication: {error}") from None
    if publication.format != FORMAT:
        raise PublicationError("published.format", f"unknown format {publication.format[:60]!r}")
    key = publication.public_key()
    if key is None or key_fingerprint(key) != publication.key:
        raise PublicationError("published.platform_key", "the platform key cannot be read")
    if not trusted:
        raise PublicationError(
            "published.untrusted",
            "no trusted platform key given: the key inside a publication proves nothing alone",
        )
    if publication.key not in {key_fingerprint(k) for k in trusted}:
        raise PublicationError(
            "published.platform_key",
            f"published under {publication.key}, which is not a trusted platform key",
        )
    for anchor in publication.anchors:
        if (problem := anchor_problem(anchor, key)) is not None:
            raise PublicationError("published.bad_signature", problem)
    return publication
