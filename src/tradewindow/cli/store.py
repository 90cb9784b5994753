"""``tradewindow migrate``: create or upgrade the database schema to the newest migrations."""

from __future__ import annotations

import argparse

from tradewindow.cli.render import console
from tradewindow.settings import Settings, mask
from tradewindow.store import migrate


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = subparsers.add_parser("migrate", help="create or upgrade the database schema")
    command.set_defaults(run=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    migrate(settings.database_url)
    console.print(f"database at {mask(settings.database_url)} is at the latest schema")
    return 0
