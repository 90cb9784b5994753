"""``tradewindow serve`` and ``tradewindow openapi``: translate arguments, start or print.

``register(subparsers)`` adds both commands to the ``tradewindow`` parser. ``serve`` runs the
API under uvicorn with the app factory (``--workers`` processes share nothing but the
database); ``openapi`` prints the OpenAPI document, as checked in at ``docs/openapi.json``.
"""

from __future__ import annotations

import argparse
import json
import sys

FACTORY = "tradewindow.web.app:create_app"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="serve the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes (state is in the DB)")
    serve.set_defaults(run=_serve)
    openapi = subparsers.add_parser("openapi", help="print the API's OpenAPI 3 document")
    openapi.set_defaults(run=_openapi)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

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


def openapi_text() -> str:
    """The OpenAPI document as checked in: sorted keys, two-space indent, final newline."""
    return json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def openapi_document() -> dict[str, object]:
    """The document of the routes, without opening a database (no services are built)."""
    from litestar import Litestar

    from tradewindow.web.app import api_router, openapi_config, pages

    routers, template_config = pages()
    app = Litestar(
        route_handlers=[api_router(), *routers],
        openapi_config=openapi_config(),
        template_config=template_config,
    )
    schema: dict[str, object] = app.openapi_schema.to_schema()
    return schema


def register_bench(targets: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = targets.add_parser("api", help="HTTP bulk intake vs in-process, single latency")
    bench.add_argument("--sets", type=int, default=2000)
    bench.add_argument("--singles", type=int, default=640, help="single submissions to time")
    bench.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    bench.add_argument(
        "--database", choices=["sqlite", "postgresql"], default="sqlite",
        help="postgresql uses TRADEWINDOW_BENCH_DATABASE_URL or TRADEWINDOW_TEST_DATABASE_URL",
    )  # fmt: skip
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(run=_bench)


def _bench(args: argparse.Namespace) -> int:
    from rich.console import Console

    from tradewindow.web.bench import render, run

    report = run(
        sets=args.sets, singles=args.singles, workers=args.workers, database_kind=args.database
    )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        render(report, Console())
    return 0
