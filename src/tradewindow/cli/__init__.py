"""`tradewindow` commands. Each one only translates arguments into a call and prints the result.

Each capability's command group is a module of this package (``cli/<capability>.py`` with
``register(subparsers)``), named once in ``_CAPABILITY_COMMANDS``; benchmarks register under
``tradewindow bench`` with ``register_bench(targets)`` (``cli/bench.py``), named once in
``_CAPABILITY_BENCHMARKS``. Tables and summaries are drawn by ``cli/render.py``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
from collections.abc import Sequence

# Each capability adds its own command group (`register(subparsers)`), named here once.
_CAPABILITY_COMMANDS = (
    "tradewindow.cli.clearance",
    "tradewindow.cli.demo",
    "tradewindow.cli.store",
    "tradewindow.cli.parties",
    "tradewindow.cli.evidence",
    "tradewindow.cli.analytics",
    "tradewindow.cli.web",
    "tradewindow.cli.portal",
    "tradewindow.cli.logistics",
    "tradewindow.cli.procurement",
    "tradewindow.cli.services",
    "tradewindow.cli.data",
    "tradewindow.cli.bonded",
    "tradewindow.cli.tax",
    "tradewindow.cli.export",
    "tradewindow.cli.partitions",
)
# … and its benchmarks under `tradewindow bench` (`register_bench(subparsers)`).
_CAPABILITY_BENCHMARKS = ("tradewindow.cli.bench",)


def main(argv: Sequence[str] | None = None) -> int:
    # schema checks (status page, serve) must not chatter migration notices into the console
    logging.getLogger("alembic").setLevel(logging.WARNING)
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradewindow",
        description="An open international-trade single window (CBEC clearance, CEB messages).",
    )
    commands = parser.add_subparsers(title="commands")
    for module in _CAPABILITY_COMMANDS:
        try:
            registrar = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name is None or not (module + ".").startswith(error.name + "."):
                raise
            continue  # a capability not installed in this build
        registrar.register(commands)

    bench = commands.add_parser("bench", help="measure throughput against raw baselines")
    targets = bench.add_subparsers(title="benchmarks")
    for module in _CAPABILITY_BENCHMARKS:
        importlib.import_module(module).register_bench(targets)
    return parser
