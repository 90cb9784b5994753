"""The web edge's storage (``web.ports``): idempotency keys, rate limits, the portals'
accounts and sessions, the status page's figures (tables of migrations ``0006_web`` and
``0007_portal``)."""
