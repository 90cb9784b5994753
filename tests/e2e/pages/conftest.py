"""Fixtures of the page tests: a generated analytics history, the pages in a minimal Litestar
app (until the app factory mounts them), served by uvicorn on a loopback port, and Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.datastructures import State
from litestar.testing import TestClient
from loopback import serve
from stats_history import History, build

from tradewindow.web.app import pages
from tradewindow.web.headers import security_headers
from tradewindow.web.pages.stats import LAKE_STATE


def make_app(lake_root: Path) -> Litestar:
    routers, template_config = pages()
    return Litestar(
        route_handlers=routers,
        template_config=template_config,
        state=State({LAKE_STATE: lake_root}),
        before_send=[security_headers],  # the charts are drawn under the platform's CSP
    )


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build(tmp_path_factory.mktemp("lake"))


@pytest.fixture(scope="session")
def app(history: History) -> Litestar:
    return make_app(history.lake.root)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def base_url(app: Litestar) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free loopback port."""
    with serve(app) as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) whose console errors and page errors are kept
    in ``page.problems``."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("requestfailed", lambda request: _failed(problems, request))
    opened.problems = problems
    yield opened
    context.close()


def _failed(problems: list[str], request: Any) -> None:
    # a request the browser itself abandons because the page navigated on (a language
    # switch while the favicon loads) is no failure of the server's
    if request.failure != "net::ERR_ABORTED":
        problems.append(f"failed: {request.url} ({request.failure})")
