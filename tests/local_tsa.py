"""A time-stamping authority made in the tests (RFC 3161 over CMS SignedData, RFC 5652):
an EC P-256 key, a self-signed certificate marked for time-stamping, tokens built by hand
with ``tradewindow.evidence.der`` and served over HTTP on 127.0.0.1."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tradewindow.evidence import der
from tradewindow.evidence.timestamps import (
    CONTENT_TYPE,
    MESSAGE_DIGEST,
    SHA256,
    SIGNED_DATA,
    TST_INFO,
    algorithm,
)

ECDSA_SHA256 = "1.2.840.10045.4.3.2"
POLICY = "1.3.6.1.4.1.99999.1"


class LocalTsa:
    def __init__(self, name: str = "Test TSA", gen_time: datetime | None = None) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime(2026, 1, 1, tzinfo=UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True)
            .sign(self.key, hashes.SHA256())
        )
        self.gen_time = gen_time or datetime(2026, 12, 5, 10, 30, 15, tzinfo=UTC)
        self.serial = 0
        self.requests: list[bytes] = []
        self.status = 0
        self.last_signed: tuple[bytes, ...] = ()

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def tst_info(self, digest: bytes, nonce: int | None) -> bytes:
        self.serial += 1
        fields = [
            der.integer(1),
            der.oid(POLICY),
            der.sequence(algorithm(SHA256), der.tlv(der.OCTET_STRING, digest)),
            der.integer(self.serial),
            der.tlv(der.GENERALIZED_TIME, self.gen_time.strftime("%Y%m%d%H%M%S.%fZ").encode()),
        ]
        if nonce is not None:
            fields.append(der.integer(nonce))
        return der.sequence(*fields)

    def token(self, digest: bytes, nonce: int | None = None) -> bytes:
        info = self.tst_info(digest, nonce)
        attributes = der.sequence(
            der.oid(CONTENT_TYPE), der.tlv(der.SET, der.oid(TST_INFO))
        ) + der.sequence(
            der.oid(MESSAGE_DIGEST),
            der.tlv(der.SET, der.tlv(der.OCTET_STRING, hashlib.sha256(info).digest())),
        )
        signature = self.key.sign(der.tlv(der.SET, attributes), ec.ECDSA(hashes.SHA256()))
        self.last_signed = (info, attributes, signature)  # what a test may alter
        issuer = self.certificate.issuer.public_bytes()
        signer = der.sequence(
            der.integer(1),
            der.sequence(issuer, der.integer(self.certificate.serial_number)),
            algorithm(SHA256),
            der.tlv(0xA0, attributes),
            der.sequence(der.oid(ECDSA_SHA256)),
            der.tlv(der.OCTET_STRING, signature),
        )
        signed_data = der.sequence(
            der.integer(3),
            der.tlv(der.SET, algorithm(SHA256)),
            der.sequence(der.oid(TST_INFO), der.tlv(0xA0, der.tlv(der.OCTET_STRING, info))),
            der.tlv(0xA0, self.certificate.public_bytes(serialization.Encoding.DER)),
            der.tlv(der.SET, signer),
        )
        return der.sequence(der.oid(SIGNED_DATA), der.tlv(0xA0, signed_data))

    def respond(self, request: bytes) -> bytes:
        """The ``TimeStampResp`` to a ``TimeStampReq``."""
        self.requests.append(request)
        if self.status != 0:
            return der.sequence(der.sequence(der.integer(self.status)))
        items = der.children(der.read(request)[1])
        imprint = der.children(items[1][1])
        digest = imprint[1][1]
        nonce = int.from_bytes(items[2][1], "big") if len(items) > 2 and items[2][0] == 2 else None
        return der.sequence(der.sequence(der.integer(0)), self.token(digest, nonce))

    @contextmanager
    def serving(self) -> Iterator[str]:
        """The TSA at ``http://127.0.0.1:<port>/tsa`` while the block runs."""
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                reply = tsa.respond(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *_: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
        finally:
            server.shutdown()
            server.server_close()
