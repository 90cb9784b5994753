"""The portals over a fresh database: parties that match the test builders' codes, an API
key each, and portal accounts — a small firm's clerk, a rival firm's clerk, a customs broker's
clerk (the builders' agentCode; not commissioned by anyone), and one officer per standard
agency. Shared by the portal's integration and browser tests."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar

import builders
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.documents import Message
from tradewindow.demo.registry import AGENCIES
from tradewindow.formats import ceb_json
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import PortalLimits, Settings
from tradewindow.store.web.accounts import SqlAccountRecords
from tradewindow.web.app import create_app
from tradewindow.web.portal.accounts import Accounts
from tradewindow.web.portal.session import STATE_KEY
from tradewindow.web.window import Window

PEPPER = b"test-pepper-of-sixteen-or-more"
PASSWORD = "correct horse battery staple"  # noqa: S105 - the test accounts' password
RIVAL_CODE = "4403960077"
ENTERPRISES = {
    "platform": ("ecommerce_platform", builders.EBP_CODE),
    "payer": ("payment_firm", builders.PAY_CODE),
    "carrier": ("logistics_firm", builders.LOGISTICS_CODE),
    "firm": ("ecommerce_enterprise", builders.EBC_CODE),
    "rival": ("ecommerce_enterprise", RIVAL_CODE),
    "broker": ("broker", "4403980099"),
}


class Clock:
    """The accounts' clock, moved by tests (lock-outs and session lifetimes). Real time plus
    ``shift``; ``stop()`` holds it still, so a test's edge (14:59 after a lock) cannot slip past
    while a loaded machine spends seconds hashing passwords."""

    def __init__(self) -> None:
        self.shift = timedelta(0)
        self.stopped_at: datetime | None = None

    def stop(self) -> None:
        self.stopped_at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return (self.stopped_at or datetime.now(UTC)) + self.shift


@dataclass
class World:
    app: Litestar
    keys: dict[str, str]  # party id → API key
    accounts: Accounts
    clock: Clock
    officers: dict[str, str] = field(default_factory=dict)  # agency code → username

    @property
    def window(self) -> Window:
        window: Window = self.app.state.window
        return window

    def auth(self, party: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[party]}"}

    def post_json(self, client: Any, party: str, message: Message) -> Any:
        headers = {**self.auth(party), "Content-Type": "application/json",
                   "Idempotency-Key": f"k-{secrets.token_hex(6)}"}  # fmt: skip
        return client.post("/v1/cbec/messages", content=ceb_json.write_message(message),
                           headers=headers)  # fmt: skip

    def file_by_api(self, client: Any, parcel: builders.ImportSet) -> None:
        """The order, payment and waybill of ``parcel``, each by its filer over the API."""
        for party, message in zip(("platform", "payer", "carrier"), parcel.messages[:3],
                                  strict=True):  # fmt: skip
            answer = self.post_json(client, party, message)
            assert answer.status_code == 201, answer.text


def open_world(database_url: str, data_dir: Path, *, allow_http: bool = True) -> World:
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        credential_pepper=PEPPER.decode(),
        portal=PortalLimits(allow_http=allow_http),
    )
    app = create_app(bootstrap(settings))
    window: Window = app.state.window
    registry = window.registry
    keys = {}
    for party_id, (role, code) in ENTERPRISES.items():
        registry.register(
            RegisterParty(id=party_id, name_zh=f"{party_id}有限公司", name_en=f"{party_id} Ltd",
                          kind="enterprise", roles=(role,), identifiers=(("cn.customs", code),))
        )  # fmt: skip
        keys[party_id] = registry.issue_key(party_id).api_key
    clock = Clock()
    accounts = Accounts(
        SqlAccountRecords(window.app.store.engine), registry, settings.portal, clock=clock
    )
    app.state[STATE_KEY] = accounts
    world = World(app=app, keys=keys, accounts=accounts, clock=clock)
    accounts.add("firm", "clerk", PASSWORD, display_name="Li Na")
    accounts.add("rival", "rival-clerk", PASSWORD, display_name="Chen Wei")
    accounts.add("platform", "platform-clerk", PASSWORD)
    accounts.add("broker", "broker-clerk", PASSWORD)
    for command in AGENCIES:
        registry.register(command)
        assert command.id is not None
        keys[command.id] = registry.issue_key(command.id).api_key
        agency = command.roles[0]
        accounts.add(command.id, f"officer-{agency}".replace("_", "-"), PASSWORD)
        world.officers[agency] = f"officer-{agency}".replace("_", "-")
    return world


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the form (with its CSRF token); the answer, not followed."""
    token = CSRF.search(client.get("/sign-in").text)[1]  # type: ignore[index]
    return client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def csrf_of(client: Any, path: str) -> str:
    return CSRF.search(client.get(path).text)[1]  # type: ignore[index]


def decoded(response: Any) -> Any:
    return msgspec.json.decode(response.content)


def form_values(parcel: builders.ImportSet) -> dict[str, str]:
    """The inventory list of ``parcel`` as the filing form's inputs (CEB names)."""
    inventory = msgspec.to_builtins(parcel.inventory)
    values = {f"head.{k}": str(v) for k, v in inventory["InventoryHead"].items()
              if k not in ("guid", "appType", "appTime", "appStatus")}  # fmt: skip
    for n, line in enumerate(inventory["InventoryList"], 1):
        values |= {f"line.{n}.{k}": str(v) for k, v in line.items() if k != "gnum"}
    return values
