"""The S3-compatible object store (AWS S3, MinIO, Ceph RGW, Alibaba OSS's S3 API), configured by
URL: ``s3://ACCESS:SECRET@host[:port]/bucket/prefix?region=…&scheme=https``.

Same names as the local store (the SHA-256 of the bytes) under the prefix. Every request is
signed with SigV4 (:mod:`tradewindow.datachannel.sigv4`, tested against AWS's examples); a PUT
is acknowledged by S3 only once the object is durably stored. The tests exercise the signing,
not a live bucket.
"""

from __future__ import annotations

import hashlib
import http.client
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from tradewindow.clock import Clock, utc_now
from tradewindow.datachannel.sealing import Buffer
from tradewindow.datachannel.sigv4 import EMPTY_SHA256, Credential, signed_headers


class S3Objects:
    def __init__(
        self,
        endpoint: str,
        bucket: str,
        prefix: str,
        credential: Credential,
        *,
        https: bool = True,
        clock: Clock = utc_now,
    ) -> None:
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.credential = credential
        self.https = https
        self.clock = clock

    @classmethod
    def from_url(cls, url: str) -> S3Objects:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ValueError("an S3 store URL is s3://ACCESS:SECRET@host/bucket/prefix")
        bucket, _, prefix = parts.path.lstrip("/").partition("/")
        query = parse_qs(parts.query)
        credential = Credential(
            access_key=unquote(parts.username or ""),
            secret_key=unquote(parts.password or ""),
            region=query.get("region", ["us-east-1"])[0],
        )
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        https = query.get("scheme", ["https"])[0] != "http"
        return cls(host, bucket, prefix, credential, https=https)

    def url(self, name: str) -> str:
        key = f"{self.prefix}/{name}" if self.prefix else name
        scheme = "https" if self.https else "http"
        return f"{scheme}://{self.endpoint}/{self.bucket}/{key}"

    def request_headers(
        self, method: str, name: str, payload_sha256: str, extra: dict[str, str] | None = None
    ) -> dict[str, str]:
        """The signed headers of one request (what the tests check)."""
        at: datetime = self.clock()
        return signed_headers(self.credential, method, self.url(name), payload_sha256, at, extra)

    def _send(
        self, method: str, name: str, body: Buffer, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        connection = (
            http.client.HTTPSConnection(self.endpoint, timeout=60)
            if self.https
            else http.client.HTTPConnection(self.endpoint, timeout=60)
        )
        try:
            path = urlsplit(self.url(name)).path
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def put(self, data: Buffer, name: str | None = None) -> str:
        payload = hashlib.sha256(data).hexdigest()  # SigV4 signs the payload's hash
        name = name or payload
        headers = self.request_headers("PUT", name, payload)
        status, text = self._send("PUT", name, data, headers)
        if status != 200:
            raise OSError(f"S3 PUT {name} answered {status}: {text[:200]!r}")
        return name

    def get(self, name: str, start: int = 0, end: int | None = None) -> bytes:
        extra = {"range": f"bytes={start}-{'' if end is None else end - 1}"}
        headers = self.request_headers("GET", name, EMPTY_SHA256, extra)
        status, body = self._send("GET", name, b"", headers)
        if status == 404:
            raise KeyError(name)
        if status not in (200, 206):
            raise OSError(f"S3 GET {name} answered {status}")
        return body

    def delete(self, name: str) -> None:
        status, _ = self._send(
            "DELETE", name, b"", self.request_headers("DELETE", name, EMPTY_SHA256)
        )
        if status not in (200, 204):
            raise OSError(f"S3 DELETE {name} answered {status}")

    def exists(self, name: str) -> bool:
        status, _ = self._send("HEAD", name, b"", self.request_headers("HEAD", name, EMPTY_SHA256))
        return status == 200
