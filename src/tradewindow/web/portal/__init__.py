"""The signed-in portals: sign-in, the enterprise portal (``/portal``: file by form or upload,
my filings, keys) and the agency workbench (``/workbench``; ``/workbench/notices`` for an
agency that is informed but does not decide).

Mounted by the app factory with ``*portal.mount.routers()``; every page reads and writes through
the same services and role checks as the HTTP API (``filing``, ``store.filing``, the
agency desk), so a page never shows what the API would refuse.
"""
