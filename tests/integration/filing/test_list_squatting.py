"""A list's key is its order's (``ebpCode|orderNo``): an enterprise that files a list under
an order number the platform sold for another enterprise gets it returned by matching, and
the enterprise the platform's order names then takes the key back — it is never locked out.
Anyone else still gets ``auth.not_owner``. (SQLite, PostgreSQL.)"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

import builders
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import Message
from tradewindow.filing.use_case import Filed, Sender
from tradewindow.formats import ceb_json
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings
from tradewindow.store.filing.reads import Filings

SQUATTER_CODE = "4403960031"
THIRD_CODE = "4403960032"
OTHER_PAY_CODE = "3120980033"
ORDER_NO = "SO-SQUAT-LIST-1"
LOGISTICS_NO = "SQL0000001"
KEY = f"{builders.EBP_CODE}|{ORDER_NO}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, credential_pepper="squat-pepper-0123456"
    )
    opened = bootstrap(settings)
    for party_id, code in (
        ("enterprise", builders.EBC_CODE),
        ("squatter", SQUATTER_CODE),
        ("third", THIRD_CODE),
    ):
        opened.parties.register(
            RegisterParty(
                id=party_id,
                name_zh=party_id,
                name_en=party_id,
                kind="enterprise",
                roles=("ecommerce_enterprise",),
                identifiers=(("cn.customs", code),),
            )
        )
    try:
        yield opened
    finally:
        opened.close()


def file(app: App, sender: Sender, message: Message) -> Filed:
    data = ceb_json.write_message(message)
    item = Submission(
        message=message,
        digest=hashlib.sha256(data).hexdigest(),
        received_at=builders.NOW,
    )
    [filed] = app.filing.file(sender, [item])
    return filed


def list_of(code: str, guid: str) -> Message:
    order = builders.order(order_no=ORDER_NO)
    inventory = builders.inventory(
        source=order,
        ebc_code=code,
        agent_code=code,
        logistics_no=LOGISTICS_NO,
        cop_no=None,
        guid=builders.guid("list", guid),
    )
    message = builders.inventory_message(inventory, guid_=builders.guid("621", guid))
    return msgspec.structs.replace(message, base_transfer=builders.base_transfer(cop_code=code))


def party(party_id: str) -> Sender:
    return Sender(party_id=party_id, credential_id="test", channel="test")


def test_the_enterprise_the_order_names_takes_a_squatted_list_key_back(app: App) -> None:
    parcel = builders.import_set(order_no=ORDER_NO, logistics_no=LOGISTICS_NO)
    operator = Sender.of_operator("local", "test")
    for message in parcel.messages[:3]:  # the platform's order, the payment, the waybill
        assert file(app, operator, message).refusal is None
    squat = file(app, party("squatter"), list_of(SQUATTER_CODE, "squat"))
    assert squat.answer is not None
    assert [r.status for r in squat.answer.receipts] == ["100"]  # matching: not its order
    reads = Filings(app.store.engine)
    assert reads.filing("squatter", "inventory", KEY) is not None

    third = file(app, party("third"), list_of(THIRD_CODE, "third"))
    assert third.refusal is not None
    assert third.refusal.code == "auth.not_owner"

    genuine = file(app, party("enterprise"), list_of(builders.EBC_CODE, "genuine"))
    assert genuine.refusal is None, genuine.refusal
    assert genuine.answer is not None
    assert genuine.answer.receipts[0].status != "100"
    assert reads.filing("squatter", "inventory", KEY) is None
    mine = reads.filing("enterprise", "inventory", KEY)
    assert mine is not None
    squat_guid = list_of(SQUATTER_CODE, "squat").guid
    assert all(r.message_guid != squat_guid for r in mine.receipts)


def test_the_payment_firm_the_order_names_takes_a_squatted_payment_key_back(app: App) -> None:
    for party_id, code in (("payer", builders.PAY_CODE), ("other-payer", OTHER_PAY_CODE)):
        app.parties.register(
            RegisterParty(
                id=party_id,
                name_zh=party_id,
                name_en=party_id,
                kind="enterprise",
                roles=("payment_firm",),
                identifiers=(("cn.customs", code),),
            )
        )
    order = builders.order(order_no="SO-SQUAT-PAY-1")  # payCode: the genuine payer's
    squatted = builders.payment_message(
        builders.payment(source=order, pay_code=OTHER_PAY_CODE), guid_=builders.guid("p-squat")
    )
    squatted = msgspec.structs.replace(
        squatted, base_transfer=builders.base_transfer(cop_code=OTHER_PAY_CODE)
    )
    assert file(app, party("other-payer"), squatted).refusal is None  # before the order
    operator = Sender.of_operator("local", "test")
    assert file(app, operator, builders.order_message(order)).refusal is None
    genuine = builders.payment_message(
        builders.payment(source=order, app_type="2"), guid_=builders.guid("p-genuine")
    )
    filed = file(app, party("payer"), genuine)
    assert filed.refusal is None, filed.refusal
    key = f"{builders.EBP_CODE}|SO-SQUAT-PAY-1"
    reads = Filings(app.store.engine)
    assert reads.filing("payer", "payment", key) is not None
    assert reads.filing("other-payer", "payment", key) is None
