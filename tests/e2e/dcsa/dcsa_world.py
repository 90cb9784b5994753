"""An API with Track & Trace parties: a terminal, a shipping line, a shipper, customs.

Events are made from ``tnt_samples`` with times around the real clock (the API checks them
against it). Callbacks may go to loopback and are retried at once (``retry_first`` 0 s).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec
import yaml
from jsonschema import Draft4Validator
from litestar import Litestar
from litestar.testing import TestClient

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "logistics"))  # tnt_samples

import tnt_samples

from tradewindow.bootstrap import bootstrap
from tradewindow.demo.registry import AGENCIES
from tradewindow.logistics.model import Event
from tradewindow.logistics.services import Logistics
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import ApiLimits, Settings
from tradewindow.web.app import create_app
from tradewindow.web.window import Window

PEPPER = b"test-pepper-of-sixteen-or-more"
PARTIES = {
    "terminal": (("terminal_operator",), "4403960101"),
    "line": (("carrier",), "4403960102"),
    "shipper": (("ecommerce_enterprise",), "4403960103"),
    "stranger": (("ecommerce_enterprise",), "4403960104"),
}
CUSTOMS = "gacc-guangdong"


def spec() -> dict[str, Any]:

    text = (
        resources.files("tradewindow.logistics")
        .joinpath("specs", "TNT_v2.2.0-resolved.yaml")
        .read_text("utf-8")
    )
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


_SPEC = spec()
_EVENTS_200 = "#/paths/~1v2~1events/get/responses/200/content/application~1json/schema"
_SUBSCRIPTION = "#/components/schemas/subscription"


def validator(pointer: str) -> Draft4Validator:
    """A validator of the spec's schema at ``pointer`` (refs resolve inside the spec)."""
    return Draft4Validator({"$ref": pointer, **_SPEC})


EVENTS_SCHEMA = validator(_EVENTS_200)
SUBSCRIPTION_SCHEMA = validator(_SUBSCRIPTION)


def schema_errors(body: Any, schema: Draft4Validator = EVENTS_SCHEMA) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in schema.iter_errors(body)]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def fresh(kind: str, **overrides: Any) -> Event:
    """A tnt_samples event (``shipment``, ``transport``, ``equipment``) created now."""
    at = now()
    values: dict[str, Any] = {
        "event_created_date_time": at - timedelta(seconds=5),
        "event_date_time": at - timedelta(minutes=30),
    }
    values.update(overrides)
    made: Event = getattr(tnt_samples, kind)(**values)
    return made


def body(*events: Event) -> bytes:
    return msgspec.json.encode(list(events))


@dataclass
class World:
    app: Litestar
    client: TestClient[Litestar]
    keys: dict[str, str]

    @property
    def window(self) -> Window:
        window: Window = self.app.state.window
        return window

    @property
    def logistics(self) -> Logistics:
        return self.window.app.logistics

    def auth(self, party: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[party]}"}

    def publish(self, party: str, *events: Event) -> Any:
        response = self.client.post(
            "/v2/events",
            content=body(*events),
            headers={**self.auth(party), "Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    def events(self, party: str, query: str = "") -> Any:
        return self.client.get(f"/v2/events{query}", headers=self.auth(party))


def open_world(database_url: str, data_dir: Path) -> World:
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        callback_allow_loopback=True,
        callback_retry_first=timedelta(0),
        credential_pepper=PEPPER.decode(),
        api=ApiLimits(rate=1e6),
    )
    app = create_app(bootstrap(settings))
    window: Window = app.state.window
    keys = {}
    for party_id, (roles, code) in PARTIES.items():
        window.registry.register(
            RegisterParty(
                id=party_id,
                name_zh=party_id,
                name_en=party_id,
                kind="enterprise",
                roles=roles,
                identifiers=(("cn.customs", code),),
            )
        )
        keys[party_id] = window.registry.issue_key(party_id).api_key
    for command in AGENCIES:
        window.registry.register(command)
        assert command.id is not None
        keys[command.id] = window.registry.issue_key(command.id).api_key
    return World(app=app, client=TestClient(app), keys=keys)
