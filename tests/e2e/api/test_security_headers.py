"""The security headers on every kind of answer over HTTP (issue 15 item 3): pages, static
files, API refusals, a path with no route; HSTS only over TLS."""

from __future__ import annotations

import pytest
from api_world import World
from litestar.testing import TestClient

from tradewindow.web.headers import CONTENT_SECURITY_POLICY

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/sign-in", 200),
        ("GET", "/static/css/site.css", 200),
        ("GET", "/no-such-page", 404),
        ("GET", "/v1/cbec/filings", 401),
        ("POST", "/v1/oauth/token", 400),
        ("GET", "/schema/openapi.json", 200),
    ],
)
def test_every_answer_carries_the_headers(
    world: World, method: str, path: str, status: int
) -> None:
    answer = world.client.request(method, path)
    assert answer.status_code == status, answer.text
    assert {name: answer.headers.get(name) for name in EXPECTED} == EXPECTED
    assert "strict-transport-security" not in answer.headers  # plain HTTP: meaningless


def test_hsts_over_tls(world: World) -> None:
    with TestClient(world.client.app, base_url="https://testserver.local") as tls:
        answer = tls.get("/")
    assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert answer.headers["x-frame-options"] == "DENY"


def test_csp_allows_no_inline_script_nor_eval() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
