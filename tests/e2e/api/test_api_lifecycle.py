"""After release over HTTP (``POST /v1/cbec/messages``, the one filing path): the list's
declaring broker cancels or returns it under a commission for CEB623 / CEB625, the carrier
reports the parcel signed for (CEB513), the supervised site's operator its arrival (CEB711);
a stranger's cancellation is refused before anything is looked up."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api_world import World, decoded
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import builders
import lifecycle_builders as lb
from tradewindow.evidence.signatures import sign_json
from tradewindow.formats import ceb_json
from tradewindow.parties.commissions import GrantCommission
from tradewindow.parties.model import RegisterParty

KEY = f"{builders.EBP_CODE}|{builders.ORDER_NO}"


def receipts(response: Any) -> list[tuple[str, str]]:
    body = decoded(response)
    return [
        (message["messageType"], returned["returnStatus"])
        for message in body["receipts"]
        for name, returns in message.items()
        if name.endswith("Return")
        for returned in returns
    ]


def released(world: World) -> tuple[builders.ImportSet, str]:
    parcel = builders.import_set()
    answers = world.file_set(parcel)
    assert [r.status_code for r in answers] == [201] * 4
    world.release_all()
    filing = world.client.get(f"/v1/cbec/filings/inventory/{KEY}", headers=world.auth("broker"))
    detail = decoded(filing)
    assert detail["agencies"]["status"] == "released"
    return parcel, str(detail["invtNo"])


def commission(world: World, *scope: str) -> None:
    world.window.commissions.grant(
        "enterprise", GrantCommission(agent="broker", scope=scope), by="enterprise"
    )


def test_the_broker_cancels_under_a_commission_for_cancellations(world: World) -> None:
    parcel, invt_no = released(world)
    cancel = lb.cancel_message(lb.cancel(parcel.inventory, invt_no))
    refused = world.post_json("broker", cancel)
    assert refused.status_code == 403, refused.text
    assert decoded(refused)["code"] == "auth.not_commissioned"
    commission(world, "CEB623")
    accepted = world.post_json("broker", cancel)
    assert accepted.status_code == 201, accepted.text
    assert receipts(accepted) == [("CEB624", "399")]
    filing = world.client.get(f"/v1/cbec/filings/inventory/{KEY}", headers=world.auth("broker"))
    detail = decoded(filing)
    assert detail["status"] == "cancelled"
    # the list's own page shows the cancellation's answer among its receipts
    assert "CEB624" in [m["messageType"] for m in detail["receipts"]]


def test_another_broker_cannot_cancel_the_list(world: World) -> None:
    parcel, invt_no = released(world)
    world.window.registry.register(
        RegisterParty(
            id="other-broker", name_zh="其他报关", name_en="other broker", kind="enterprise",
            roles=("broker",), identifiers=(("cn.customs", "4403980100"),),
        )
    )  # fmt: skip
    world.keys["other-broker"] = world.window.registry.issue_key("other-broker").api_key
    world.window.commissions.grant(
        "enterprise", GrantCommission(agent="other-broker", scope=("CEB623",)), by="enterprise"
    )
    cancel = lb.cancel(parcel.inventory, invt_no, agent_code="4403980100", agent_name="其他报关")
    message = lb.cancel_message(cancel)
    message = type(message)(
        guid=message.guid,
        base_transfer=builders.base_transfer(cop_code="4403980100", cop_name="其他报关"),
        cancels=message.cancels,
    )
    key = ed25519.Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    cert = world.window.registry.register_certificate("other-broker", "ed25519", raw)
    data = ceb_json.write_message(message)
    headers = {
        **world.auth("other-broker"),
        "Content-Type": "application/json",
        "Idempotency-Key": world.key(),
        **sign_json(data, key, cert.id, datetime.now(UTC)),
    }
    response = world.client.post("/v1/cbec/messages", content=data, headers=headers)
    # the list is the broker's: the other broker is told only that
    assert response.status_code == 403, response.text
    assert decoded(response)["code"] == "auth.not_owner"
    filing = world.client.get(f"/v1/cbec/filings/inventory/{KEY}", headers=world.auth("broker"))
    assert decoded(filing)["status"] == "released"


def test_a_partial_return_and_the_parcels_own_messages(world: World) -> None:
    parcel, invt_no = released(world)
    commission(world, "CEB625")
    refund = lb.refund(parcel.inventory, invt_no, {2: Decimal(1)})
    returned = world.post_json("broker", lb.refund_message(refund))
    assert returned.status_code == 201, returned.text
    assert receipts(returned) == [("CEB626", "399")]
    signed = world.post_json("carrier", lb.status_message(lb.waybill_status(parcel.waybill)))
    assert signed.status_code == 201, signed.text
    assert receipts(signed) == [("CEB514", "120")]
    # the list's page says where its parcel is: signed for, never recorded as arrived
    filing = world.client.get(f"/v1/cbec/filings/inventory/{KEY}", headers=world.auth("broker"))
    parcel = decoded(filing)["parcel"]
    assert parcel["signedAt"] is not None
    assert parcel["arrivedAt"] is None
    assert (parcel["allowed"], [v["code"] for v in parcel["violations"]]) == (
        False, ["gate.parcel.not_arrived"],
    )  # fmt: skip
