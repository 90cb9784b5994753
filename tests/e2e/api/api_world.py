"""An API over a fresh database with parties that match the test builders' codes.

``World`` registers a platform, a payment firm, a logistics firm and a customs broker under the
codes ``tests/builders.py`` writes into documents, a second platform (party B) with its own
code, a second e-commerce enterprise, and the five standard agencies; each gets an API key.
The broker has an Ed25519 key registered (inventory lists are always signed) and a commission
from the enterprise to file its lists (``COMMISSION``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from litestar import Litestar
from litestar.testing import TestClient

import builders
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.documents import Message
from tradewindow.demo.registry import AGENCIES
from tradewindow.evidence.signatures import sign_json
from tradewindow.formats import ceb_json
from tradewindow.parties.commissions import GrantCommission
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import ApiLimits, Settings
from tradewindow.web.app import create_app
from tradewindow.web.window import Window

PEPPER = b"test-pepper-of-sixteen-or-more"
OTHER_PLATFORM_CODE = "4403960009"
OTHER_ENTERPRISE_CODE = "4403960008"

ENTERPRISES = {
    "platform": ("ecommerce_platform", builders.EBP_CODE),
    "payer": ("payment_firm", builders.PAY_CODE),
    "carrier": ("logistics_firm", builders.LOGISTICS_CODE),
    "broker": ("broker", "4403980099"),
    "other-platform": ("ecommerce_platform", OTHER_PLATFORM_CODE),
    "enterprise": ("ecommerce_enterprise", builders.EBC_CODE),
    "other-enterprise": ("ecommerce_enterprise", OTHER_ENTERPRISE_CODE),
}


@dataclass
class World:
    app: Litestar
    client: TestClient[Litestar]
    keys: dict[str, str]  # party id → API key
    signing_key: ed25519.Ed25519PrivateKey
    signing_key_id: str
    commission_id: str  # the enterprise's commission of the broker for CEB621
    counter: int = 0
    agencies: list[str] = field(default_factory=list)

    @property
    def window(self) -> Window:
        window: Window = self.app.state.window
        return window

    def auth(self, party: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[party]}"}

    def key(self) -> str:
        self.counter += 1
        return f"key-{self.counter}-{secrets.token_hex(4)}"

    def post_json(
        self,
        party: str,
        body: bytes | Message,
        *,
        idempotency_key: str | None = "auto",
        sign: bool | None = None,
        headers: dict[str, str] | None = None,
        accept: str | None = None,
    ) -> Any:
        data = body if isinstance(body, bytes) else ceb_json.write_message(body)
        sent = {**self.auth(party), "Content-Type": "application/json"}
        if idempotency_key == "auto":
            idempotency_key = self.key()
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        if sign if sign is not None else party == "broker":
            sent.update(self.signature(data))
        if accept:
            sent["Accept"] = accept
        sent.update(headers or {})
        return self.client.post("/v1/cbec/messages", content=data, headers=sent)

    def signature(self, data: bytes) -> dict[str, str]:
        return sign_json(data, self.signing_key, self.signing_key_id, datetime.now(UTC))

    def release_all(self) -> int:
        """Every open task of every agency claimed, viewed and released; how many."""
        count = 0
        for party in self.agencies:
            tasks = self.client.get("/v1/agency/tasks?status=open", headers=self.auth(party))
            for task in decoded(tasks)["tasks"]:
                url = f"/v1/agency/tasks/{task['id']}"
                assert self.client.post(f"{url}/claim", headers=self.auth(party)).status_code == 200
                assert self.client.get(url, headers=self.auth(party)).status_code == 200
                decided = self.client.post(
                    f"{url}/decision",
                    json={"decision": "release"},
                    headers={**self.auth(party), "Idempotency-Key": self.key()},
                )
                assert decided.status_code == 200, decided.text
                count += 1
        return count

    def file_set(self, parcel: builders.ImportSet) -> list[Any]:
        """Order, payment, waybill and list of ``parcel``, each by its filer; the answers."""
        filers = ("platform", "payer", "carrier", "broker")
        return [self.post_json(p, m) for p, m in zip(filers, parcel.messages, strict=True)]


def open_world(database_url: str, data_dir: Path, *, partitions: int = 1, **limits: Any) -> World:
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        credential_pepper=PEPPER.decode(),
        api=ApiLimits(**limits),
        clearance_partitions=partitions,
    )
    app = create_app(bootstrap(settings))
    window: Window = app.state.window
    registry = window.registry
    keys = {}
    for party_id, (role, code) in ENTERPRISES.items():
        registry.register(
            RegisterParty(
                id=party_id,
                name_zh=party_id,
                name_en=party_id,
                kind="enterprise",
                roles=(role,),
                identifiers=(("cn.customs", code),),
            )
        )
        keys[party_id] = registry.issue_key(party_id).api_key
    agencies = []
    for command in AGENCIES:
        registry.register(command)
        assert command.id is not None
        keys[command.id] = registry.issue_key(command.id).api_key
        agencies.append(command.id)
    private = ed25519.Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    registered = registry.register_certificate("broker", "ed25519", raw)
    commission = window.commissions.grant(
        "enterprise", GrantCommission(agent="broker", scope=("CEB621",)), by="enterprise"
    )
    client = TestClient(app)
    return World(
        app=app,
        client=client,
        keys=keys,
        signing_key=private,
        signing_key_id=registered.id,
        commission_id=commission.id,
        agencies=agencies,
    )


def decoded(response: Any) -> Any:
    return msgspec.json.decode(response.content)
