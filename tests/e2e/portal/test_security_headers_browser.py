"""Every page in Chromium with the security headers on (issue 15 item 3): the browser reports
no Content-Security-Policy violation on any page (public, clerk's, officer's; the dashboards'
ECharts are drawn under the same policy in tests/e2e/pages, the sandbox's htmx in
tests/e2e/public), every answer carries the headers, and no page can be framed."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from portal_browser import open_page
from portal_world import World
from test_every_page_browser import CLERK, OFFICER, PUBLIC
from test_portal_journeys import _file_all, sign_in

import builders
from tradewindow.web.headers import CONTENT_SECURITY_POLICY

# every CSP violation the page sees, kept where the test can read it
WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile));"""


def test_every_page_has_the_headers_and_no_csp_violation(
    world: World, browser: Any, base_url: str
) -> None:
    parcel = builders.import_set(order_no="SO-CSP-1", logistics_no="SF9990000401")
    _file_all(world, parcel)
    key = f"{builders.EBP_CODE}|SO-CSP-1"
    (task,) = [t for t in world.window.desk.list_tasks("inspection_quarantine").tasks
               if t.filing == key]  # fmt: skip
    visits = [(None, path) for path in PUBLIC]
    visits += [("clerk", path.format(key=quote(key, safe=""))) for path in CLERK]
    visits += [("officer-inspection-quarantine", path.format(task=task.id)) for path in OFFICER]
    pages: dict[str | None, Any] = {}
    try:
        for who, path in visits:
            if who not in pages:
                pages[who] = open_page(browser, base_url)
                pages[who].context.add_init_script(WATCH)
                if who:
                    sign_in(pages[who], who)
            page = pages[who]
            answer = page.goto(path)
            headers = answer.all_headers()
            assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert headers["x-frame-options"] == "DENY", path
            assert headers["x-content-type-options"] == "nosniff", path
            assert headers["referrer-policy"] == "same-origin", path
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__violations") == [], path
        for page in pages.values():
            csp = [p for p in page.problems if "Content Security Policy" in p]
            assert csp == []
    finally:
        for page in pages.values():
            page.context.close()


def test_a_page_cannot_be_framed(world: World, browser: Any, base_url: str) -> None:
    page = open_page(browser, base_url)
    try:
        page.set_content(f'<iframe src="{base_url}/sign-in"></iframe>')
        frame = page.frames[-1]
        page.wait_for_timeout(500)
        # the browser refused to render the framed page: no sign-in form inside it
        assert frame.locator("input[name=username]").count() == 0
        assert any("frame-ancestors" in p for p in page.problems), page.problems
    finally:
        page.context.close()
