"""Browser helpers of the portal's journeys: a fresh page that keeps its console errors, and
screenshots of the main pages to look at ($TRADEWINDOW_SCREENSHOTS or a temporary folder)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

SHOTS = Path(os.environ.get("TRADEWINDOW_SCREENSHOTS") or tempfile.gettempdir()) / "portal"


def open_page(browser: Any, base_url: str, *, width: int = 1280, height: int = 900) -> Any:
    """A fresh context (no cookies) whose console and page errors go to ``page.problems``."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.problems = problems
    return opened


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_line(page: Any, shown: str) -> None:
    """Click "Add a line" and wait until ``shown`` (the new line's selector) is visible and
    htmx has settled: the button comes back out of band and answers clicks only once htmx
    has processed it in the settle step (~20 ms later; a click before it is lost)."""
    page.click("#add-line")
    expect(page.locator(shown)).to_be_visible()
    expect(page.locator(".htmx-settling, .htmx-swapping, .htmx-request")).to_have_count(0)
