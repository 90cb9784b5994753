"""``Idempotency-Key``: a retried POST gets the first answer, byte for byte.

Keys are scoped per party and kept in the database (every API process sees them):

- the first request with a key inserts it *in flight* with the digest of the request
  (method, path, content type and body) and runs;
- its answer (status, media type, headers, body) is then stored with the key;
- the same key with another request digest is refused (422 ``idempotency.key_reused``);
- the same key while the first is still running is refused (409 ``idempotency.in_flight``);
- the same key after completion returns the stored answer unchanged.

A request that ended in a server error leaves no key behind, so it may be retried. A key left
in flight by a process that died is taken over after :data:`STALE_AFTER`.

CEB message filing (``POST /v1/cbec/messages``) writes no key in flight: its answer is kept
with the clearance that made it, in one commit (``filing.requests``), so a key never exists
without its answer. Within one process a second request with a key still running is refused
(409, :meth:`IdempotencyKeys.running`); one in another process waits for the clearance writer
and then gets the kept answer (:meth:`IdempotencyKeys.earlier`).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import msgspec
from litestar import Response

from tradewindow.filing.ports import KeptAnswer
from tradewindow.web.ports import IdempotencyRecords
from tradewindow.web.problems import ApiError

STALE_AFTER = timedelta(minutes=5)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as Stripe and the IETF draft allow


class StoredResponse(msgspec.Struct, frozen=True, kw_only=True):
    status_code: int
    media_type: str
    headers: dict[str, str]
    body: bytes


def request_digest(method: str, path: str, content_type: str, body: bytes) -> str:
    head = f"{method} {path} {content_type}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def checked_key(raw: str | None) -> str:
    """The header's value, or 400 when it is missing or not 1-255 visible ASCII characters."""
    if raw is None or not raw.strip():
        raise ApiError(
            400,
            "idempotency.key_missing",
            "JSON submissions need an Idempotency-Key header",
            "JSON 申报须带 Idempotency-Key 请求头",
        )
    key = raw.strip()
    if not _KEY.fullmatch(key):
        raise ApiError(
            400,
            "idempotency.key_invalid",
            "an Idempotency-Key is 1 to 255 visible ASCII characters",
            "Idempotency-Key 须为1至255个可见ASCII字符",
        )
    return key


class IdempotencyKeys:
    def __init__(self, records: IdempotencyRecords, *, clock: Callable[[], datetime]) -> None:
        self._records = records
        self._clock = clock
        self._running: set[tuple[str, str]] = set()  # (party, key) of requests running here
        self._lock = threading.Lock()

    # --- keys kept with the clearance (message filing) -------------------------------------

    @contextmanager
    def running(self, party_id: str, key: str) -> Iterator[None]:
        """While the request with the party's key runs in this process; 409 when one is."""
        with self._lock:
            if (party_id, key) in self._running:
                raise _in_flight()
            self._running.add((party_id, key))
        try:
            yield
        finally:
            with self._lock:
                self._running.discard((party_id, key))

    def look(self, party_id: str, key: str, digest: str) -> StoredResponse | None:
        """The answer kept under the key (read only); None: none yet; 422 when it answered
        another request; 409 while a request of another route holds it in flight."""
        found = self._records.find(party_id, key)
        if found is None:
            return None
        if found.request_digest != digest:
            raise _key_reused()
        if found.state == "done":
            return _stored(found.status_code, found.media_type, found.headers, found.body)
        if self._clock() - found.created_at < STALE_AFTER:
            raise _in_flight()
        return None  # left in flight by a process that died: this request's answer replaces it

    def keepable(self, digest: str, response: Response[bytes]) -> KeptAnswer | None:
        """What is kept of the answer to the request of ``digest``: 2xx answers and 422
        content refusals (the same bytes always get them); None for the others."""
        status = response.status_code or 200
        if not (status < 300 or status == 422):
            return None
        stored = stored_answer(response)
        return KeptAnswer(
            request_digest=digest,
            status_code=stored.status_code,
            media_type=stored.media_type,
            headers=msgspec.json.encode(stored.headers),
            body=stored.body,
        )

    def settled(
        self, party_id: str, key: str, digest: str, response: Response[bytes]
    ) -> Response[bytes]:
        """``response`` kept under the key in a transaction of its own (when the clearance
        kept nothing: no message reached it, or partitioned clearance), if it is kept at all;
        the answer another process kept first wins."""
        kept = self.keepable(digest, response)
        if kept is None:
            return response
        first = self._records.keep(party_id, key, kept, self._clock())
        return response if first is None else self.earlier(first, digest)

    def earlier(self, kept: KeptAnswer, digest: str) -> Response[bytes]:
        """The answer another request kept under the key first: sent again, or 422 when that
        request was another."""
        if kept.request_digest != digest:
            raise _key_reused()
        return replayed(stored_of(kept))

    # --- keys in flight (the other routes: ``once``) ---------------------------------------

    def begin(self, party_id: str, key: str, digest: str) -> StoredResponse | None:
        """None when this request is the key's first (now in flight); the stored answer of a
        completed earlier request; raises ApiError 422 / 409 otherwise."""
        now = self._clock()
        if self._records.try_start(party_id, key, digest, now):
            return None
        with self._records.transaction() as transaction:
            found = transaction.find(party_id, key)
            if found is None:  # abandoned between our INSERT and SELECT: take it
                transaction.start(party_id, key, digest, now)
                return None
            if found.request_digest != digest:
                raise _key_reused()
            if found.state == "done":
                return _stored(found.status_code, found.media_type, found.headers, found.body)
            if now - found.created_at < STALE_AFTER:
                raise _in_flight()
            transaction.take_over(party_id, key, now)  # its process died: this request takes it
            return None

    def finish(self, party_id: str, key: str, response: StoredResponse) -> None:
        self._records.finish(
            party_id,
            key,
            status_code=response.status_code,
            media_type=response.media_type,
            headers=msgspec.json.encode(response.headers),
            body=response.body,
        )

    def abandon(self, party_id: str, key: str) -> None:
        self._records.abandon(party_id, key)

    def once(
        self, party_id: str, raw_key: str | None, path: str, body: bytes, run: Run
    ) -> Response[bytes]:
        """``run``'s answer to a JSON POST, made once per (party, ``Idempotency-Key``): a
        retry of the same request gets that answer again, byte for byte (see the module
        docstring for the refusals); a request that raised leaves no key behind."""
        key = checked_key(raw_key)
        stored = self.begin(party_id, key, request_digest("POST", path, "json", body))
        if stored is not None:
            return replayed(stored)
        try:
            response = run()
        except BaseException:
            self.abandon(party_id, key)
            raise
        self.finish(party_id, key, stored_answer(response))
        return response


Run = Callable[[], "Response[bytes]"]


def stored_answer(response: Response[bytes]) -> StoredResponse:
    """What a key keeps of an answer (its length is recomputed when it is sent again)."""
    return StoredResponse(
        status_code=response.status_code or 200,
        media_type=str(response.media_type),
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
        body=response.content,
    )


def replayed(stored: StoredResponse) -> Response[bytes]:
    return Response(
        content=stored.body,
        status_code=stored.status_code,
        media_type=stored.media_type,
        headers=stored.headers,
    )


def stored_of(kept: KeptAnswer) -> StoredResponse:
    return _stored(kept.status_code, kept.media_type, kept.headers, kept.body)


def _stored(
    status_code: int | None, media_type: str | None, headers: bytes | None, body: bytes | None
) -> StoredResponse:
    return StoredResponse(
        status_code=status_code or 200,
        media_type=media_type or "",
        headers=msgspec.json.decode(headers or b"{}"),
        body=body or b"",
    )


def _key_reused() -> ApiError:
    return ApiError(
        422,
        "idempotency.key_reused",
        "this Idempotency-Key was used for a different request",
        "该 Idempotency-Key 已用于内容不同的请求",
    )


def _in_flight() -> ApiError:
    return ApiError(
        409,
        "idempotency.in_flight",
        "a request with this Idempotency-Key is still being processed",
        "使用该 Idempotency-Key 的请求仍在处理中",
        headers={"Retry-After": "1"},
    )
