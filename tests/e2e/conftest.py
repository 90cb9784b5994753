"""The one browser of the end-to-end tests: Debian's Chromium (never a downloaded one),
driven by Playwright. One process can hold only one sync Playwright at a time, and while it
runs it keeps an event loop running in the main thread (so ``asyncio.run`` elsewhere fails):
every folder's page tests share this fixture, launched per test module and stopped after it
(``make test`` distributes whole files to workers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("browser tier: /usr/bin/chromium is absent (apt-get install -y chromium)")
    # playwright is imported only by the browser tier, which may be absent
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()
