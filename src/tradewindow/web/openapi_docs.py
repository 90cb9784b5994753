"""How the routes describe their answers in the OpenAPI document (problems included)."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec

from tradewindow.web.problems import PROBLEM_JSON, Problem

XML = "application/xml"
_PROBLEMS = {
    400: "bad request (e.g. missing Idempotency-Key, malformed signature)",
    401: "no valid credential, or the signature does not hold",
    403: "the party's roles do not allow this, the sender is not the party, or the party"
    " files for an e-commerce enterprise without its live commission",
    404: "not found — also for anything belonging to another party",
    409: "conflict (guid reused, request in flight, replayed signature, task state)",
    413: "body or bulk too large",
    422: "content refused (CEB900 format errors, idempotency key reused, bad decision)",
    429: "rate limit: retry after Retry-After seconds",
}


def document(answers: dict[int, tuple[Any, str]], *, xml: bool = False) -> dict[int, ResponseSpec]:
    """ResponseSpecs for ``answers`` (status → (type, description)) and every problem."""
    specs = {
        status: ResponseSpec(
            data_container=kind,
            description=text + (" (or CEB XML)" if xml else ""),
            generate_examples=False,
        )
        for status, (kind, text) in answers.items()
    }
    for status, text in _PROBLEMS.items():
        specs.setdefault(
            status,
            ResponseSpec(
                data_container=Problem,
                description=text,
                media_type=PROBLEM_JSON,
                generate_examples=False,
            ),
        )
    return specs
