"""The web edge of the single window: the HTTP API (``app.create_app``) and, in ``pages``,
the server-rendered page shell. Routes translate only; the services are in ``window``."""
