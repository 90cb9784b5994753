"""The RFC 3161 client that has a configured time-stamping authority stamp checkpoints.

The TSA is called through the egress policy of every outbound call (``bootstrap`` passes
``logistics.guard.EgressGuard`` as ``evidence.ports.Egress``): its address is checked and
pinned, no redirect is followed. A TSA on a private network is named in ``TRADEWINDOW_EGRESS_ALLOW``
like any other private destination. A failed call leaves the checkpoint unstamped (it is
signed and anchored all the same) and says so on the log.
"""

from __future__ import annotations

import base64
import logging
import secrets

import httpx
from cryptography import x509

from tradewindow.evidence import timestamps
from tradewindow.evidence.chain import Anchor
from tradewindow.evidence.log import Stamper
from tradewindow.evidence.ports import Egress
from tradewindow.settings import Settings

log = logging.getLogger(__name__)
MEDIA_QUERY = "application/timestamp-query"
MEDIA_REPLY = "application/timestamp-reply"
MAX_REPLY = 64 * 1024


def tsa_certificate(settings: Settings) -> x509.Certificate | None:
    path = settings.evidence.tsa_certificate
    return None if path is None else x509.load_pem_x509_certificate(path.read_bytes())


class TsaClient:
    """Stamps anchors at ``url``; a token is kept only when it checks against ``certificate``."""

    def __init__(
        self, url: str, certificate: x509.Certificate, guard: Egress, timeout: float = 10.0
    ) -> None:
        self.url, self.certificate, self.guard, self.timeout = url, certificate, guard, timeout

    def __call__(self, anchor: Anchor) -> str | None:
        try:
            return self.stamp(anchor)
        except Exception as error:
            log.warning("checkpoint %s not time-stamped by %s: %s", anchor.seq, self.url, error)
            return None

    def stamp(self, anchor: Anchor) -> str:
        """The base64 token over ``anchor``'s hash; raises when none can be had."""
        digest = timestamps.checkpoint_digest(anchor.hash)
        destination = self.guard.admit(self.url, "evidence.tsa_url")
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            response = client.post(
                destination.pinned_url,
                content=timestamps.request(digest, secrets.randbits(63)),
                headers={"Host": destination.host_header, "Content-Type": MEDIA_QUERY},
                extensions={"sni_hostname": destination.host},
            )
        if response.status_code != 200 or len(response.content) > MAX_REPLY:
            raise timestamps.TimestampError(
                "timestamp.refused", f"the TSA answered HTTP {response.status_code}"
            )
        token = timestamps.token_of(response.content)
        timestamps.check_token(token, digest, self.certificate)
        return base64.b64encode(token).decode("ascii")


def tsa_stamper(settings: Settings, guard: Egress) -> Stamper | None:
    """The configured TSA's client, or None (the embedded default: no time-stamping)."""
    certificate = tsa_certificate(settings)
    if settings.evidence.tsa_url is None or certificate is None:
        return None
    return TsaClient(settings.evidence.tsa_url, certificate, guard)
