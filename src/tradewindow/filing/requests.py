"""A channel's request whose own records commit with the clearance of its messages.

An API request used to make write transactions of its own besides its messages' clearance:
the replay guard of its signature and, under an ``Idempotency-Key``, a key *in flight* before
and its answer after. When the clearance has one writer (``FileMessages.records_requests``),
those records join the clearance unit of work instead (part ``FILING_REQUESTS``), which group
commit shares between concurrent requests: a request then costs no commit of its own.

- **Replay guard.** Before anything of the request is declared, its signature is remembered
  for its request id; a signature first seen on another request refuses every message of this
  one (``signature.replayed``, as the channel's own check did).
- **Idempotency.** The answer is kept under the key in the unit of work that answers the
  request's last message, so a key is never kept without its answer, and an answer never sent
  without its key kept. A key some other process answered meanwhile refuses the messages here
  (``idempotency.answered``, never shown): the channel sends that answer again. Two requests
  with one key in one process are kept apart by the channel (``web.idempotency``).

A crash before the commit leaves none of it: the retry is judged afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from tradewindow.cbec.ports import UnitOfWork
from tradewindow.filing.ports import FILING_REQUESTS, KeptAnswer
from tradewindow.violations import Violation

if TYPE_CHECKING:
    from tradewindow.filing.use_case import Filed

# the channel's answer to a request's outcomes, to keep under its key (None: not kept)
AnswerOf = Callable[["list[Filed]"], KeptAnswer | None]


class Request:
    """One request of a channel, received ``at``: ``request_id`` is what its signature is
    remembered for (the Idempotency-Key, the CEB guid or the body's digest); with ``key``,
    ``answer_of(outcomes)`` is kept under it. The use case sets what became of it:
    ``replayed`` (its signature was another request's), ``earlier`` (the answer kept under the
    key first), ``kept``."""

    def __init__(
        self,
        request_id: str,
        at: datetime,
        *,
        key: str | None = None,
        answer_of: AnswerOf | None = None,
    ) -> None:
        self.request_id = request_id
        self.at = at
        self.key = key
        self.answer_of = answer_of
        self.signature_digest: str | None = None  # SHA-256 hex of the verified signature
        self.replayed = False
        self.earlier: KeptAnswer | None = None
        self.kept: KeptAnswer | None = None


def request_stopped(uow: UnitOfWork, request: Request, party_id: str) -> Violation | None:
    """Why none of the request's messages is cleared (its signature was another request's,
    or its key was answered meanwhile), after remembering its signature; else None."""
    records = uow.part(FILING_REQUESTS)
    digest = request.signature_digest
    request.replayed = digest is not None and (
        records.first_request(digest, request.request_id, request.at) != request.request_id
    )
    if request.replayed:
        return Violation(  # the words of evidence.signatures' own refusal
            path="Signature",
            code="signature.replayed",
            en="this signature was already used on another request",
            zh="该签名已在另一笔申报中使用过（重放）",
        )
    request.earlier = records.kept(party_id, request.key) if request.key is not None else None
    if request.earlier is not None:
        return Violation(
            path="Idempotency-Key",
            code="idempotency.answered",
            en="a request with this Idempotency-Key was answered meanwhile",
            zh="使用该 Idempotency-Key 的请求已有应答",
        )
    return None


def keep_answer(uow: UnitOfWork, request: Request, party_id: str, outcomes: list[Filed]) -> None:
    """Keep the channel's answer to ``outcomes`` under the request's key, in ``uow``."""
    if request.key is None or request.answer_of is None or request.earlier is not None:
        return
    request.kept = request.answer_of(outcomes)
    if request.kept is not None:
        uow.part(FILING_REQUESTS).keep(party_id, request.key, request.kept, request.at)
