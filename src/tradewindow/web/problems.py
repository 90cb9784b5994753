"""Errors as ``application/problem+json`` (RFC 9457), mapped from domain errors in one place.

Every problem carries ``type``, ``title``, ``status``, ``detail`` and ``instance``, plus the
stable ``code`` of the core and ``violations`` (path, code, English, Chinese), all of them.
:func:`problem_response` is the application's only exception handler.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from tradewindow.agencies import errors as agency_errors
from tradewindow.evidence.log import EvidenceError
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import strict_json
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.formats.characters import UnreadableText
from tradewindow.formats.xmldsig import SignatureError
from tradewindow.parties import errors as party_errors
from tradewindow.procurement import errors as procurement_errors
from tradewindow.services import errors as service_errors
from tradewindow.transaction import ClearanceTimeout
from tradewindow.violations import Rejected, Violation

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:tradewindow:problem:"
log = logging.getLogger("tradewindow.web")


class ProblemViolation(msgspec.Struct, frozen=True, kw_only=True):
    path: str
    code: str
    en: str
    zh: str


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """An error response (RFC 9457) with tradewindow's code and every violation."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    violations: list[ProblemViolation] = msgspec.field(default_factory=list)


class ApiError(Exception):
    """An error raised at the edge itself (auth, limits, idempotency, ownership)."""

    def __init__(
        self,
        status: int,
        code: str,
        en: str,
        zh: str,
        *,
        violations: list[Violation] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {en}")
        self.status, self.code, self.en, self.zh = status, code, en, zh
        self.violations = violations or [Violation(path="", code=code, en=en, zh=zh)]
        self.headers = dict(headers or {})


def not_found(what: str) -> ApiError:
    """The one answer for anything absent *or another party's*: never a hint which."""
    return ApiError(404, "http.not_found", f"no {what} here", f"未找到{what}")


_SIGNATURE_STATUS = {"signature.malformed": 400, "signature.unsupported_algorithm": 400}
_PARTY_STATUS: tuple[tuple[type[party_errors.PartyError], int], ...] = (
    (party_errors.Forbidden, 403),
    (party_errors.InvalidClient, 401),
    (party_errors.InvalidParty, 422),
    (party_errors.PartyNotFound, 404),
    (party_errors.CredentialNotFound, 404),
    (party_errors.CertificateNotFound, 404),
    (party_errors.CommissionNotFound, 404),
    (party_errors.IdentifierTaken, 409),
)

_SERVICE_STATUS: dict[type[service_errors.ServiceError], int] = {
    service_errors.NotFound: 404,
    service_errors.Forbidden: 403,
    service_errors.Conflict: 409,
    service_errors.Unavailable: 503,
}

_PROCUREMENT_STATUS: dict[type[procurement_errors.ProcurementError], int] = {
    procurement_errors.NotFound: 404,
    procurement_errors.Forbidden: 403,
    procurement_errors.Conflict: 409,
}


def as_api_error(error: Exception) -> ApiError | None:
    """The domain error as an ApiError (status, code, violations), or None when unknown."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, SignatureError):
        status = _SIGNATURE_STATUS.get(error.code, 409 if error.code.endswith("replayed") else 401)
        return ApiError(status, error.code, error.en, error.zh, violations=[error.violation()])
    if isinstance(error, FormatError):
        return format_refusal(error)
    if isinstance(error, FilingRefused):
        return filing_error(error)
    if isinstance(error, strict_json.JsonRefused):
        return json_refusal(error)
    if isinstance(error, UnreadableText):
        first = error.violations[0]
        return _coded(400, first.code, first.en, first.zh, error.violations)
    if isinstance(error, Rejected):
        first = error.violations[0]
        return _coded(422, first.code, first.en, first.zh, error.violations)
    if isinstance(error, agency_errors.AgencyError):
        status = {agency_errors.NotFound: 404, agency_errors.Conflict: 409}.get(type(error), 422)
        return _coded(status, error.code, error.en, error.zh, [error.violation])
    if isinstance(error, party_errors.PartyError):
        status = next((s for kind, s in _PARTY_STATUS if isinstance(error, kind)), 400)
        return _coded(status, error.code, error.en, error.zh, error.violations)
    if isinstance(error, service_errors.ServiceError):
        status = _SERVICE_STATUS.get(type(error), 422)
        return _coded(status, error.code, error.en, error.zh, [error.violation])
    if isinstance(error, procurement_errors.ProcurementError):
        status = _PROCUREMENT_STATUS.get(type(error), 422)
        return _coded(status, error.code, error.en, error.zh, [error.violation])
    if isinstance(error, EvidenceError):
        return _coded(503, error.code, error.en, error.zh, [])
    if isinstance(error, ClearanceTimeout):  # kept in the inbox: the same guid again answers
        retry = {"Retry-After": "5"}
        return ApiError(503, error.code, error.en, error.zh, headers=retry)
    if isinstance(error, HTTPException):
        return _http(error)
    return None


# the HTTP status of each refusal code of the filing use case (``filing.refusals``); a code
# not listed is a content refusal (422) when it is a CEB900.*, else a conflict (409)
_FILING_STATUS = {
    "auth.forbidden": 403,
    "auth.sender_mismatch": 403,
    "auth.agent_mismatch": 403,
    "auth.ebc_unregistered": 403,
    "auth.not_commissioned": 403,
    "auth.not_owner": 403,
    "CEB.guid.reused": 409,
}


def filing_error(refusal: FilingRefused) -> ApiError:
    """A message the filing use case refused, as its HTTP problem."""
    status = _FILING_STATUS.get(refusal.code, 422 if refusal.code.startswith("CEB900") else 409)
    return _coded(status, refusal.code, refusal.en, refusal.zh, refusal.violations)


def format_refusal(error: FormatError) -> ApiError:
    """A message that cannot be read (``CEB900.*``): 422, every violation."""
    first = error.violations[0]
    return _coded(422, error.code, first.en, first.zh, error.violations)


def json_refusal(error: strict_json.JsonRefused) -> ApiError:
    """A request body that is not strict JSON (``json.*``): 400, with its JSON Pointer."""
    where = Violation(path=error.pointer, code=error.code, en=error.en, zh=error.zh)
    return _coded(400, error.code, error.en, error.zh, [where])


def problem_response(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    """The application's exception handler: every error becomes problem+json."""
    found = as_api_error(error)
    if found is None:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        found = ApiError(500, "server.error", "an internal error occurred", "服务器内部错误")
    return problem(found, request.url.path)


def problem(error: ApiError, instance: str) -> Response[bytes]:
    body = problem_body(error, instance)
    return Response(
        content=body, status_code=error.status, media_type=PROBLEM_JSON, headers=error.headers
    )


def problem_body(error: ApiError, instance: str) -> bytes:
    status = HTTPStatus(error.status)
    return msgspec.json.encode(
        Problem(
            type=TYPE_BASE + error.code,
            title=status.phrase,
            status=error.status,
            detail=f"{error.en} / {error.zh}",
            instance=instance,
            code=error.code,
            violations=[
                ProblemViolation(path=v.path, code=v.code, en=v.en, zh=v.zh)
                for v in error.violations
            ],
        )
    )


def _coded(status: int, code: str, en: str, zh: str, violations: list[Violation]) -> ApiError:
    return ApiError(status, code, en, zh, violations=violations or None)


_HTTP_ZH = {
    400: "请求有误",
    401: "未认证",
    403: "无权访问",
    404: "未找到",
    405: "不支持该方法",
    406: "无法提供所要求的格式",
    413: "请求体过大",
    415: "不支持的内容类型",
    429: "请求过于频繁",
}


def _http(error: HTTPException) -> ApiError:
    status = error.status_code
    code = {413: "limits.body_too_large", 404: "http.not_found"}.get(status, f"http.{status}")
    en = error.detail or HTTPStatus(status).phrase
    violations = []
    if isinstance(error, ValidationException) and isinstance(error.extra, list):
        for item in error.extra:
            if isinstance(item, dict):
                violations.append(
                    Violation(
                        path=str(item.get("key", "")),
                        code="http.invalid_parameter",
                        en=str(item.get("message", en)),
                        zh="参数无效",
                    )
                )
    return ApiError(
        status,
        code,
        en,
        _HTTP_ZH.get(status, HTTPStatus(status).phrase),
        violations=violations or None,
        headers=error.headers,
    )
