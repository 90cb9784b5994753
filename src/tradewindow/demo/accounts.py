"""Demo accounts for the portals: one per role, each with a fresh printed password.

``seed_demo_accounts(app)`` gives the first seeded party of each enterprise role a staff
account ``demo-<role>`` and each agency an officer account ``demo-<agency>``; run again, it
gives the same accounts new passwords (so ``make demo`` can always print working ones);
``print_demo_accounts`` and ``print_credentials`` show them (and the demo API keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec
from rich.console import Console

from tradewindow.bootstrap import App
from tradewindow.demo.registry import seed_commissions, seed_parties
from tradewindow.parties.model import Party
from tradewindow.web.portal.accounts import new_password
from tradewindow.web.window import portal_accounts


class DemoAccount(msgspec.Struct, frozen=True, kw_only=True):
    role: str
    party_id: str
    username: str
    password: str
    officer: bool


def seed_demo_accounts(app: App, parties: list[Party] | None = None) -> list[DemoAccount]:
    """One account per role over ``parties`` (default: the demo parties and their
    commissions, registered when missing), with fresh passwords."""
    accounts = portal_accounts(app)
    chosen = parties
    if chosen is None:
        chosen = [s.party for s in seed_parties(app.parties)]
        seed_commissions(app.commissions)
    made = []
    seen: set[str] = set()
    for party in chosen:
        role = party.roles[0] if party.roles else ""
        if not role or role in seen:
            continue
        seen.add(role)
        username = f"demo-{role}".replace("_", "-")
        password = new_password()
        if accounts.account(username) is None:
            name = party.name_en or party.name_zh
            accounts.add(party.id, username, password, display_name=f"{name} (demo)")
        else:
            accounts.set_password(username, password)
        officer = party.agency is not None
        made.append(DemoAccount(role=role, party_id=party.id, username=username,
                                password=password, officer=officer))  # fmt: skip
    return made


# the export sellers' clerks (demo.exports): the portal's export pages are theirs
EXPORT_ACCOUNTS = (
    ("exporter (Shenzhen)", "shenzhen-bay-outbound", "demo-exporter-shenzhen"),
    ("exporter (Guangzhou)", "guangzhou-flower-city-apparel", "demo-exporter-guangzhou"),
)


def seed_export_accounts(app: App) -> list[DemoAccount]:
    """A staff account for each export seller (registered by the demo's seed), with a fresh
    password, as ``seed_demo_accounts`` gives one per role."""
    accounts = portal_accounts(app)
    made = []
    for role, party_id, username in EXPORT_ACCOUNTS:
        party = app.parties.party(party_id)
        password = new_password()
        if accounts.account(username) is None:
            accounts.add(party.id, username, password, display_name=f"{party.name_en} (demo)")
        else:
            accounts.set_password(username, password)
        made.append(DemoAccount(role=role, party_id=party.id, username=username,
                                password=password, officer=False))  # fmt: skip
    return made


def print_demo_accounts(
    made: list[DemoAccount], out: Console, url: str = "", file: Path | None = None
) -> None:
    """The demo accounts (for ``make demo``), with where to sign in; also written to ``file``
    (readable by its owner only) when one is given."""
    rows = [(a.role, a.party_id, a.username, a.password) for a in made]
    print_credentials(
        out,
        "Portal sign-in: one account per role / 门户登录：每个角色一个账户",
        ("role", "party", "username", "password"),
        rows,
        file,
    )
    out.print(f"sign in at {url.rstrip('/')}/sign-in", highlight=False)


def print_credentials(
    out: Console,
    title: str,
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    file: Path | None = None,
) -> None:
    """Rows holding secrets as aligned plain lines: a table would fold a long key or
    password over two lines on a narrow terminal and break it for copy and paste."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    out.print(f"[bold]{title}[/]")
    for line in lines:
        out.print(line, soft_wrap=True, highlight=False, markup=False)
    if file is not None:
        file.touch(mode=0o600)
        file.chmod(0o600)  # an older file may have been readable by others
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.print(f"(also in {file})", highlight=False)
