"""``tradewindow demo``: generate a realistic GBA day, clear it, explain it, serve it."""

from __future__ import annotations

import argparse
from pathlib import Path

from tradewindow.cli.render import console, print_summary
from tradewindow.demo.run import run_demo
from tradewindow.demo.stats import HISTORY_LINES

INTERRUPTED = 130  # the shell's status of a command ended by Ctrl-C (128 + SIGINT)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = subparsers.add_parser("demo", help="generate a realistic GBA day and clear it")
    demo.add_argument("--sets", type=int, default=20_000, help="import sets to generate")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--dir", type=Path, default=Path("var/demo"), help="working folder")
    demo.add_argument("--port", type=int, default=8000, help="serve the pages and API here")
    demo.add_argument(
        "--history",
        type=int,
        default=HISTORY_LINES,
        help="lines of generated statistics history over the 24 months before the day",
    )
    demo.add_argument(
        "--no-serve",
        action="store_true",
        help="build the day in the foreground and stop after the summary",
    )
    demo.set_defaults(run=_demo)


def _demo(args: argparse.Namespace) -> int:
    port = None if args.no_serve else args.port
    try:
        run_demo(
            args.dir,
            sets=args.sets,
            seed=args.seed,
            console=console,
            port=port,
            history_lines=args.history,
            show_summary=print_summary,
        )
    except KeyboardInterrupt:  # Ctrl-C before the server was up: what was committed stays
        console.print("tradewindow demo stopped")
        return INTERRUPTED
    return 0
