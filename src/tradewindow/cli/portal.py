"""``tradewindow accounts …``: the operator's commands over the portals' accounts.

``register(subparsers)`` adds the group to the main parser. ``add`` creates a staff account
of a party (an officer's when the party is an agency) and prints its password once, unless one
is given on standard input (``--password-stdin``); ``password`` sets a new one; ``seed``
creates the demo accounts, one per role; ``list`` shows a party's accounts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from rich.console import Console
from rich.table import Table

from tradewindow.bootstrap import App, bootstrap
from tradewindow.demo.accounts import print_demo_accounts, seed_demo_accounts
from tradewindow.parties.errors import PartyError
from tradewindow.settings import Settings, SettingsError
from tradewindow.web.portal.accounts import AccountError, new_password
from tradewindow.web.window import portal_accounts

AppOpener = Callable[[], AbstractContextManager[App]]
console = Console()


@contextmanager
def app_from_environment() -> Iterator[App]:

    app = bootstrap(Settings.from_env())
    try:
        yield app
    finally:
        app.close()


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    open_app: AppOpener = app_from_environment,
) -> None:
    group = subparsers.add_parser("accounts", help="people who sign in to the portals")
    commands = group.add_subparsers(title="account commands")

    add = commands.add_parser("add", help="an account of a party's staff (or an officer)")
    add.add_argument("--party", required=True, help="party id, e.g. qianhai-overseas-goods")
    add.add_argument("--username", required=True)
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password")
    add.set_defaults(run=_run(open_app, _add))

    password = commands.add_parser("password", help="set a new password (and lift a lock)")
    password.add_argument("--username", required=True)
    password.add_argument("--password-stdin", action="store_true", help="read the password")
    password.set_defaults(run=_run(open_app, _password))

    listing = commands.add_parser("list", help="a party's accounts")
    listing.add_argument("--party", required=True)
    listing.set_defaults(run=_run(open_app, _list))

    seed = commands.add_parser("seed", help="demo accounts, one per role, with new passwords")
    seed.set_defaults(run=_run(open_app, _seed))


Command = Callable[[App, argparse.Namespace], int]


def _run(open_app: AppOpener, command: Command) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            with open_app() as app:
                return command(app, args)
        except SettingsError as error:
            console.print(f"[red]settings[/red] {error}", highlight=False)
            return 2
        except (AccountError, PartyError) as error:
            console.print(f"[red]{error.code}[/red] {error.en} / {error.zh}", highlight=False)
            return 1

    return run


def _chosen_password(args: argparse.Namespace) -> tuple[str, bool]:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return new_password(), True


def _add(app: App, args: argparse.Namespace) -> int:
    password, made = _chosen_password(args)
    account = portal_accounts(app).add(
        args.party, args.username, password, display_name=args.display_name
    )
    kind = "officer" if account.officer else "staff"
    console.print(f"account {account.username} ({kind} of {account.party_id})", highlight=False)
    if made:
        console.print(f"password: {password}", highlight=False, markup=False)
    return 0


def _password(app: App, args: argparse.Namespace) -> int:
    password, made = _chosen_password(args)
    account = portal_accounts(app).set_password(args.username, password)
    console.print(f"account {account.username}: new password set", highlight=False)
    if made:
        console.print(f"password: {password}", highlight=False, markup=False)
    return 0


def _list(app: App, args: argparse.Namespace) -> int:
    table = Table(title=f"accounts of {args.party}")
    for column in ("username", "name", "officer", "locked until"):
        table.add_column(column)
    for account in portal_accounts(app).accounts_of(args.party):
        locked = account.locked_until.isoformat() if account.locked_until else ""
        table.add_row(account.username, account.display_name, str(account.officer), locked)
    console.print(table)
    return 0


def _seed(app: App, _: argparse.Namespace) -> int:
    print_demo_accounts(seed_demo_accounts(app), console)
    return 0
