"""Demo accounts for the portals: one per role, each with a fresh printed password.

``seed_demo_accounts(app)`` gives the first seeded party of each enterprise role a staff
account ``demo-<role>`` and each agency an officer account ``demo-<agency>``; run again, it
gives the same accounts new passwords (so ``make demo`` can always print working ones).
"""

from __future__ import annotations

import msgspec

from tradewindow.bootstrap import App
from tradewindow.parties.model import Party
from tradewindow.parties.seed import seed_commissions, seed_parties
from tradewindow.web.portal.accounts import Accounts, new_password


class DemoAccount(msgspec.Struct, frozen=True, kw_only=True):
    role: str
    party_id: str
    username: str
    password: str
    officer: bool


def accounts_of_app(app: App) -> Accounts:
    """The portals' accounts over the application's store and registry."""
    return Accounts(app.store.engine, app.parties, app.settings.portal)


def seed_demo_accounts(app: App, parties: list[Party] | None = None) -> list[DemoAccount]:
    """One account per role over ``parties`` (default: the demo parties and their
    commissions, registered when missing), with fresh passwords."""
    accounts = accounts_of_app(app)
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
