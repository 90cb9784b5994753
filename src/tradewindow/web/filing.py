"""Filing over HTTP: translation into the filing use case (``tradewindow.filing``) and back.

The rules (roles, sender, every role code and its commission, ownership claims in the
clearance unit of work) are the use case's; here a request's messages are decoded, the
channel's **signature rule** is offered as the use case's signature check, and each
refusal's code becomes an HTTP status (``web.problems.filing_error``).

**Signature rule.** A signature is required on every submission of a party that has any
registered key, and always on CEB621 inventory lists (the 202205 XSD requires ds:Signature):
XML carries ``ds:Signature`` checked against the party's registered certificates, JSON the
Ed25519 headers of ``evidence.signatures`` over the exact request body (a bulk is signed once,
as a whole). The portal's form is vouched for by its signed-in session instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

import msgspec

from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.documents import Message
from tradewindow.evidence.signatures import (
    SubmissionFormat,
    replayed_signature,
    verify_submission,
)
from tradewindow.filing.refusals import FilingRefused
from tradewindow.filing.requests import AnswerOf, Request
from tradewindow.filing.use_case import Filed as Outcome
from tradewindow.filing.use_case import Sender
from tradewindow.intake import ExportSubmission, Format, Incoming, InProcess, Refusal
from tradewindow.parties.principal import Principal
from tradewindow.violations import Violation
from tradewindow.web.auth import signing_keys
from tradewindow.web.problems import ApiError, filing_error
from tradewindow.web.window import Window


class Filed(msgspec.Struct, frozen=True, kw_only=True):
    """One message's outcome: its answer, or the error that refused it."""

    answer: Answer | None = None
    error: ApiError | None = None


def file_messages(
    window: Window,
    principal: Principal,
    body: bytes,
    parts: Sequence[bytes],
    fmt: SubmissionFormat,
    headers: Mapping[str, str],
    request_id: str | None,
    answer_of: AnswerOf | None = None,
) -> tuple[list[Filed], Request]:
    """File ``parts`` (the messages of ``body``: one, or a bulk's items) for ``principal``;
    with the request's records (``filing.requests``: ``answer_of`` the outcomes is kept under
    ``request_id`` as Idempotency-Key when given)."""
    now = window.clock()
    filing = window.app.filing
    joined = filing.records_requests  # else the replay guard is a transaction of its own
    # the id verify_submission remembers a signature for when none is given
    replay_id = hashlib.sha256(body).hexdigest() if request_id is None else request_id
    request = Request(replay_id, now, key=request_id if answer_of else None, answer_of=answer_of)

    # the sender's party (its codes, for the rights) and keys (for the signature) in one read
    party, registered = window.registry.party_and_keys(principal.party_id)

    def signature(required: bool) -> str | None:
        keys = signing_keys(registered)
        if not (keys or required):
            return None
        # one signature covers the whole body: when it fails, the request fails
        seen = None if joined else window.seen
        verified = verify_submission(
            body, fmt, headers, keys, now=now, seen=seen, request_id=request_id
        )
        return verified.signature

    # the bulk's messages through the intake's reader contract (``intake.Reader``), in
    # order; in this process: an API process is one of many, and a JSON message decodes
    # faster here than its Structs would travel back from a worker (docs/adr/0014)
    kind: Format = "xml" if fmt is SubmissionFormat.XML else "json"
    reads = InProcess(window.decoder).decoded(
        (Incoming("api", part, kind) for part in parts), lambda: now, export=False
    )
    items = [_item(read) for _, read, _ in reads]
    sender = _sender(principal, fmt.value)
    outcomes = filing.file(sender, items, signature=signature, request=request, party=party)
    if request.replayed:  # the guard in the unit of work refused them all: as verify would
        raise replayed_signature()
    return [_translated(o) for o in outcomes], request


def translated(outcomes: Sequence[Outcome]) -> list[Filed]:
    """The use case's outcomes as the API answers them."""
    return [_translated(o) for o in outcomes]


def file_vouched(window: Window, principal: Principal, message: bytes, channel: str) -> Filed:
    """File one JSON message for a signed-in person of ``principal``'s party: the API's steps
    but the signature, which the authenticated session (password + CSRF token) stands in for
    (a browser holds no signing key). ``channel`` (e.g. ``"portal-form"``) is recorded as how
    the documents were filed; the evidence log records the message with the party as actor
    and no signature."""
    item = _decode(window, message, SubmissionFormat.JSON, window.clock())
    return _translated(window.app.filing.file(_sender(principal, channel), [item])[0])


def rights_violations(
    window: Window, principal: Principal, message: Message, at: datetime
) -> list[Violation]:
    """Every code of ``message`` the party may not write at ``at`` (the portal's live check)."""
    return window.app.filing.violations(principal.party_id, message, at)


def _sender(principal: Principal, channel: str) -> Sender:
    return Sender(
        party_id=principal.party_id, credential_id=principal.credential_id, channel=channel
    )


def _decode(
    window: Window, data: bytes, fmt: SubmissionFormat, now: datetime
) -> Submission | FilingRefused:
    return _item(
        window.decoder.decode(
            Incoming("api", data, "xml" if fmt is SubmissionFormat.XML else "json"), now
        )
    )


def _item(decoded: Submission | ExportSubmission | Refusal) -> Submission | FilingRefused:
    """A decoded message for the filing use case; a CEB900 as its refusal."""
    assert not isinstance(decoded, ExportSubmission)  # noqa: S101 - read with export=False
    if isinstance(decoded, Refusal):
        error = decoded.error
        first = error.violations[0]
        return FilingRefused(error.code, first.en, first.zh, error.violations)
    return decoded


def _translated(outcome: Outcome) -> Filed:
    if outcome.refusal is not None:
        return Filed(error=filing_error(outcome.refusal))
    return Filed(answer=outcome.answer)
