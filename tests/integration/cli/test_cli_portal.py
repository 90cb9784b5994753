"""``tradewindow accounts`` and the demo accounts, over a real SQLite store."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

from tradewindow.bootstrap import App, bootstrap
from tradewindow.cli import portal as commands
from tradewindow.demo.accounts import print_demo_accounts, seed_demo_accounts
from tradewindow.settings import Settings
from tradewindow.web.portal.accounts import SignInRefused
from tradewindow.web.window import portal_accounts


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Iterator[App]:
    opened = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path,
                                credential_pepper="test-pepper-of-sixteen-or-more"))  # fmt: skip
    yield opened
    opened.close()


def test_demo_accounts_one_per_role_sign_in_with_their_printed_password(app: App) -> None:
    made = seed_demo_accounts(app)
    roles = [account.role for account in made]
    assert len(roles) == len(set(roles))
    assert {"ecommerce_enterprise", "payment_firm", "logistics_firm", "customs"} <= set(roles)
    assert {a.role for a in made if a.officer} == {
        "customs", "inspection_quarantine", "border_control", "taxation", "foreign_exchange",
        "commerce",
    }  # fmt: skip
    accounts = portal_accounts(app)
    for account in made:
        assert accounts.sign_in(account.username, account.password).session.account.officer is (
            account.officer
        )
    again = seed_demo_accounts(app)  # new passwords; the old ones stop working
    with pytest.raises(SignInRefused):
        accounts.sign_in(made[0].username, made[0].password)
    assert accounts.sign_in(again[0].username, again[0].password)


def test_accounts_add_prints_a_password_that_signs_in(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo_accounts(app)
    out = io.StringIO()
    monkeypatch.setattr(commands, "console", Console(file=out, width=200))

    @contextmanager
    def opened() -> Iterator[App]:
        yield app

    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers(), opened)
    args = parser.parse_args(["accounts", "add", "--party", "alipay", "--username", "zhang.san"])
    assert args.run(args) == 0
    password = out.getvalue().split("password: ")[1].split()[0]
    assert portal_accounts(app).sign_in("zhang.san", password)
    taken = parser.parse_args(["accounts", "add", "--party", "alipay", "--username", "zhang.san"])
    assert taken.run(taken) == 1
    assert "account.username.taken" in out.getvalue()


def test_demo_passwords_print_whole_on_a_narrow_terminal_and_go_to_a_private_file(
    app: App, tmp_path: Path
) -> None:
    made = seed_demo_accounts(app)
    out = io.StringIO()
    file = tmp_path / "portal-accounts.txt"
    print_demo_accounts(made, Console(file=out, width=40), "http://127.0.0.1:8000/", file)
    printed = out.getvalue().splitlines()
    written = file.read_text(encoding="utf-8").splitlines()
    for account in made:  # each account on one line: username and password never folded
        (line,) = [line for line in printed if account.username in line.split()]
        assert line.split()[-1] == account.password
        assert line in written
    assert file.stat().st_mode & 0o777 == 0o600
    assert "http://127.0.0.1:8000/sign-in" in out.getvalue()
