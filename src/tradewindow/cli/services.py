"""``tradewindow services``: the service-trade registries from the command line.

``stats`` prints the rule-integration items by field and status and the applications by
profession and state; ``erase-expired`` erases the documents of closed applications kept past
the disclosure policy's retention periods (run it daily). The periodic re-check of recognised
licences (``Recognitions.recheck``) needs the home registers' connectors, which in this
version are the simulated registers of the serving process: it runs there (the demo, the
tests), not from a separate command.
"""

from __future__ import annotations

import argparse

from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.cli.render import console


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("services", help="service-trade registries")
    commands = group.add_subparsers(dest="services_command")
    stats = commands.add_parser("stats", help="items and applications counted")
    stats.set_defaults(run=_stats)
    erase = commands.add_parser(
        "erase-expired", help="erase documents of closed applications past retention"
    )
    erase.set_defaults(run=_erase)
    group.set_defaults(run=lambda _args: _usage(group))


def _usage(group: argparse.ArgumentParser) -> int:
    group.print_help()
    return 2


def _stats(_args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        trade = app.service_trade
        items = Table("field", "status", "items", title="rule-integration items (published)")
        for field, status, count in trade.registry.counts():
            items.add_row(field, status, f"{count:,}")
        applications = Table("profession", "home", "city", "state", "applications")
        for profession, home, city, state, count in trade.recognitions.counts():
            applications.add_row(profession, home, city, state, f"{count:,}")
        console.print(items)
        console.print(applications)
    finally:
        app.close()
    return 0


def _erase(_args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        erased = app.service_trade.recognitions.erase_expired_records()
    finally:
        app.close()
    console.print(f"documents erased of {erased:,} closed application(s) past retention")
    return 0
