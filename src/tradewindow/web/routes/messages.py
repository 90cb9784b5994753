"""``POST /v1/cbec/messages`` and the receipts of a message: translation only.

XML (``application/xml``): one CEB message of up to 100 documents. JSON
(``application/json``): one CEB message, or ``{"messages": [...]}`` of up to
``TRADEWINDOW_API_MAX_BULK``; JSON needs an ``Idempotency-Key``. Answers are JSON by default,
CEB XML with ``Accept: application/xml``; 201 for a new message, 200 for a replay.

Idempotency stores 2xx answers and 422 content refusals (the same bytes always get them);
other refusals (signature, ownership, rate) keep no key, so a corrected retry is judged
afresh. The answer is kept in the clearance unit of work that made it (``filing.requests``),
else (nothing reached clearance) in a transaction of its own.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.cbec.receipts import ReceiptMessage
from tradewindow.evidence.signatures import SubmissionFormat
from tradewindow.filing.ports import KeptAnswer
from tradewindow.filing.requests import AnswerOf
from tradewindow.filing.requests import Request as FilingRequest
from tradewindow.filing.use_case import Filed as Outcome
from tradewindow.formats import ceb_json, ceb_xml
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, require
from tradewindow.web import answers
from tradewindow.web.answers import BulkAnswer, BulkItem, SubmissionAnswer
from tradewindow.web.filing import Filed, file_messages, translated
from tradewindow.web.idempotency import checked_key, replayed, request_digest, stored_of
from tradewindow.web.openapi_docs import XML, document
from tradewindow.web.problems import (
    PROBLEM_JSON,
    ApiError,
    Problem,
    format_refusal,
    not_found,
    problem_body,
)
from tradewindow.web.window import Window

_ANSWER_TYPE = {"CEB311": "CEB312", "CEB411": "CEB412", "CEB511": "CEB512", "CEB621": "CEB622"}


class MessageController(Controller):
    path = "/v1/cbec/messages"
    tags = ["cbec"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @post(
        "/",
        sync_to_thread=True,
        summary="Submit a CEB message (XML or JSON) or a JSON bulk",
        responses=document(
            {
                200: (SubmissionAnswer, "a replay: the stored answer (bulk: BulkAnswer)"),
                201: (SubmissionAnswer, "cleared; XML with Accept: application/xml"),
            }
        ),
        status_code=201,
    )
    def submit(
        self,
        request: Request[Any, Any, Any],
        body: bytes,
        principal: Principal,
        idempotency_key: str | None = Parameter(header="Idempotency-Key", required=False),
    ) -> Response[bytes]:
        window: Window = request.app.state.window
        fmt = _format(request.headers.get("content-type", ""))
        path = request.url.path
        if fmt is SubmissionFormat.XML:
            filed, _ = _respond(window, request, principal, body, fmt, idempotency_key)
            answer = _answer(window, request, filed, None, path)
            if isinstance(answer, ApiError):
                raise answer
            return answer
        key = checked_key(idempotency_key)
        digest = request_digest("POST", path, "json", body)
        keys, party = window.idempotency, principal.party_id
        with keys.running(party, key):
            stored = keys.look(party, key, digest)
            if stored is not None:
                return replayed(stored)

            def answer_of(outcomes: list[Outcome]) -> KeptAnswer | None:
                # in the clearance unit of work: the answer kept there is the one sent
                answer = _answer(window, request, translated(outcomes), bulk, path)
                return keys.keepable(digest, _problem(answer, path))

            try:
                bulk = _bulk_items(window, body)
                filed, filing = _respond(
                    window, request, principal, body, fmt, key, answer_of, bulk
                )
            except ApiError as error:
                return keys.settled(party, key, digest, _problem(error, path))
            except FormatError as error:  # the bulk itself cannot be read: a content refusal
                return keys.settled(party, key, digest, _problem(format_refusal(error), path))
            if filing.earlier is not None:  # another process answered the key meanwhile
                return keys.earlier(filing.earlier, digest)
            if filing.kept is not None:  # kept with the clearance: sent as kept
                return replayed(stored_of(filing.kept))
            answer = _answer(window, request, filed, bulk, path)
            return keys.settled(party, key, digest, _problem(answer, path))

    @get(
        "/{guid:str}/receipts",
        sync_to_thread=True,
        summary="The receipts of a message",
        responses=document({}),
    )
    def receipts(
        self, request: Request[Any, Any, Any], guid: str, principal: Principal
    ) -> SubmissionAnswer:
        window: Window = request.app.state.window
        require(principal, Action.READ_OWN_FILINGS)
        if not window.filings.sent_by(principal.party_id, guid):
            raise not_found("message")
        records = window.app.clearance.answer_for(guid)
        return answers.submission_answer(window, guid, records, replayed=False)

    @get(
        "/{guid:str}/receipts/{receipt_guid:str}",
        sync_to_thread=True,
        summary="One receipt message (JSON, or CEB XML with Accept: application/xml)",
        responses=document({200: (ReceiptMessage, "the receipt message")}, xml=True),
    )
    def receipt(
        self, request: Request[Any, Any, Any], guid: str, receipt_guid: str, principal: Principal
    ) -> Response[bytes]:
        window: Window = request.app.state.window
        require(principal, Action.READ_OWN_FILINGS)
        if not window.filings.sent_by(principal.party_id, guid):
            raise not_found("message")
        records = window.app.clearance.answer_for(guid)
        for message in answers.receipt_messages(guid, records):
            if message.guid == receipt_guid:
                return _one(request, message, 200)
        raise not_found("receipt message")


def _format(content_type: str) -> SubmissionFormat:
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/xml", "text/xml"):
        ceb_xml.check_charset(content_type)
        return SubmissionFormat.XML
    if media == "application/json" or media.endswith("+json"):
        ceb_json.check_charset(content_type)
        return SubmissionFormat.JSON
    raise ApiError(
        415,
        "http.unsupported_media_type",
        "send CEB XML as application/xml or CEB JSON as application/json",
        "请以 application/xml 发送 CEB XML，或以 application/json 发送 CEB JSON",
    )


def _respond(
    window: Window,
    request: Request[Any, Any, Any],
    principal: Principal,
    body: bytes,
    fmt: SubmissionFormat,
    request_id: str | None,
    answer_of: AnswerOf | None = None,
    bulk: list[bytes] | None = None,
) -> tuple[list[Filed], FilingRequest]:
    """The request's messages filed, and what became of its records (``filing.requests``:
    with ``answer_of``, the answer kept)."""
    headers = dict(request.headers.items())
    parts = bulk if bulk is not None else [body]
    return file_messages(window, principal, body, parts, fmt, headers, request_id, answer_of)


def _answer(
    window: Window,
    request: Request[Any, Any, Any],
    filed: list[Filed],
    bulk: list[bytes] | None,
    path: str,
) -> Response[bytes] | ApiError:
    """The answer to the filed messages (a single message's refusal as its error)."""
    if bulk is not None:
        items = [_bulk_item(window, index, f, path) for index, f in enumerate(filed)]
        return _json(BulkAnswer(items=items), 200)
    only = filed[0]
    if only.error is not None:
        return only.error
    assert only.answer is not None  # noqa: S101 - Filed holds one or the other
    answer = answers.submission_answer(
        window, only.answer.guid, only.answer.receipts, only.answer.replayed
    )
    status = 200 if only.answer.replayed else 201
    if _wants_xml(request) and answer.receipts:
        return _xml_answer(answer, status, path)
    return _json(answer, status)


class _Members(msgspec.Struct):
    """Of a JSON body, only whether its top level names ``messages`` (a bulk)."""

    messages: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_members = msgspec.json.Decoder(_Members)


def _bulk_items(window: Window, body: bytes) -> list[bytes] | None:
    """The raw bytes of each message of a bulk; None when ``body`` is a single message.

    A body that is plainly one message (a JSON object without ``messages``) is not split:
    the strict split reads the whole text in Python (~80 µs for a one-order message, three
    times its decoding), and the message's reader holds the same bytes to the same strict
    rules. Anything else (a bulk, or what msgspec cannot read) goes to the strict split,
    which says what is wrong as before."""
    try:
        if _members.decode(body).messages is msgspec.UNSET:
            return None
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        pass  # too deep for msgspec too: the strict split's depth scan refuses it
    items = ceb_json.split_bulk(body)
    if items is not None and len(items) > window.limits.max_bulk:
        raise ApiError(
            413,
            "limits.bulk_too_large",
            f"a bulk holds at most {window.limits.max_bulk} messages, not {len(items)}",
            f"批量申报最多 {window.limits.max_bulk} 个报文，而非 {len(items)} 个",
        )
    return items


def _bulk_item(window: Window, index: int, filed: Filed, path: str) -> BulkItem:
    if filed.error is not None:
        problem = msgspec.json.decode(problem_body(filed.error, path), type=Problem)
        return BulkItem(index=index, status=filed.error.status, problem=problem)
    assert filed.answer is not None  # noqa: S101
    answer = answers.submission_answer(
        window, filed.answer.guid, filed.answer.receipts, filed.answer.replayed
    )
    return BulkItem(index=index, status=200 if filed.answer.replayed else 201, answer=answer)


def _wants_xml(request: Request[Any, Any, Any]) -> bool:
    best = request.accept.best_match(["application/json", "application/xml", "text/xml"])
    return best in ("application/xml", "text/xml")


def _xml_answer(answer: SubmissionAnswer, status: int, path: str) -> Response[bytes]:
    """The receipt message answering the submitted documents; the others (lists woken by
    this message, tax bills) are linked."""
    own = answer.receipts[0]
    links = [
        f'<{path.rstrip("/")}/{answer.guid}/receipts/{m.guid}>; rel="related"'
        for m in answer.receipts
        if m is not own
    ]
    headers = {"Link": ", ".join(links)} if links else {}
    return Response(
        content=answers.xml_bytes(own), status_code=status, media_type=XML, headers=headers
    )


def _one(request: Request[Any, Any, Any], message: ReceiptMessage, status: int) -> Response[bytes]:
    if _wants_xml(request):
        return Response(content=answers.xml_bytes(message), status_code=status, media_type=XML)
    return Response(
        content=answers.json_message(message), status_code=status, media_type="application/json"
    )


def _json(value: msgspec.Struct, status: int) -> Response[bytes]:
    return Response(
        content=answers.json_bytes(value), status_code=status, media_type="application/json"
    )


def _problem(error: ApiError | Response[bytes], path: str) -> Response[bytes]:
    if not isinstance(error, ApiError):
        return error
    return Response(
        content=problem_body(error, path),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers,
    )
