"""An unknown URL, or any refusal outside the portals, answers a browser with a page in its
language and every other client with problem+json — the same status and code either way."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/no-such-page", "/stats/nothing/here", "/v1/nowhere"])
def test_a_browser_gets_a_page_for_an_unknown_url(client: TestClient, path: str) -> None:  # type: ignore[type-arg]
    response = client.get(f"{path}?lang=zh-Hant", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-status="404"' in response.text
    assert "頁面不存在" in response.text
    assert f"地址 {path} 沒有頁面" in response.text
    assert 'href="/"' in response.text  # a way back in


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/problem+json",
        "text/html;q=0.5, application/json",
    ],
)
def test_an_api_client_still_gets_problem_json(client: TestClient, accept: str | None) -> None:  # type: ignore[type-arg]
    headers = {"Accept": accept} if accept else {}
    response = client.get("/no-such-page", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "http.not_found"


def test_an_api_refusal_keeps_its_status_and_code_as_a_page(client: TestClient) -> None:  # type: ignore[type-arg]
    response = client.get("/v1/cbec/filings", headers={"Accept": BROWSER})
    assert response.status_code == 401
    assert 'data-code="auth.' in response.text
    api = client.get("/v1/cbec/filings")
    assert api.status_code == 401
    assert api.json()["code"] in response.text
