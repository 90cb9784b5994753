"""``tradewindow serve`` and ``tradewindow openapi``: translate arguments, start or print.

``register(subparsers)`` adds both commands to the ``tradewindow`` parser. ``serve`` runs the
API under uvicorn with the app factory (``--workers`` processes share nothing but the
database); ``openapi`` prints the OpenAPI document, as checked in at ``docs/openapi.json``.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from tradewindow.web.app import openapi_text

FACTORY = "tradewindow.web.app:served_app"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="serve the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes (state is in the DB)")
    serve.set_defaults(run=_serve)
    openapi = subparsers.add_parser("openapi", help="print the API's OpenAPI 3 document")
    openapi.set_defaults(run=_openapi)


def _serve(args: argparse.Namespace) -> int:
    print(f"tradewindow API on http://{args.host}:{args.port}/ (OpenAPI at /schema/openapi.json)")
    uvicorn.run(
        FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
    )
    return 0


def _openapi(_args: argparse.Namespace) -> int:
    sys.stdout.write(openapi_text())
    return 0
