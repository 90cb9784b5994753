"""Security headers on every answer, page or API, error or not (OWASP ASVS 14.4).

A ``before_send`` hook of the application, so the headers are on answers made by exception
handlers, static files and the framework's own refusals (a path with no route) too. The
Content-Security-Policy allows scripts and styles from the platform's own origin only: no
inline script, no ``eval`` (htmx runs with ``allowEval`` and its injected indicator style off,
see ``base.html``; ``<script type="application/json">`` blocks are data and never run).
Inline ``style`` *attributes* stay allowed (``style-src-attr``) because the dashboards size
their bars with them; they cannot run code. Pages cannot be framed (``frame-ancestors 'none'``
and ``X-Frame-Options: DENY``). HSTS is sent only over TLS, where the browser honours it.
"""

from __future__ import annotations

from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


async def security_headers(message: Message, scope: Scope) -> None:
    """Add the security headers to an answer's start (a ``before_send`` hook: Litestar runs it
    for every answer, 404s of no route included). A header the route set itself is kept."""
    if message["type"] != "http.response.start":
        return
    extra = (*HEADERS, HSTS) if scope.get("scheme") == "https" else HEADERS
    headers = message.setdefault("headers", [])
    present = {bytes(name).lower() for name, _ in headers}
    missing = [(name, value) for name, value in extra if name not in present]
    if isinstance(headers, list):
        headers.extend(missing)
    else:
        message["headers"] = [*headers, *missing]
