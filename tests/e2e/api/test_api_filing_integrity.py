"""The hostile-tenant findings of the filing-integrity issue, replayed over the API: nobody
files in another firm's name, the genuine firm is never locked out of its own number, and a
refused message leaves nothing but its answer and its evidence record (SQLite, PostgreSQL)."""

from __future__ import annotations

import msgspec
from api_world import OTHER_PLATFORM_CODE, World, decoded

import builders
from tradewindow.cbec.documents import Message
from tradewindow.parties.commissions import GrantCommission
from tradewindow.parties.model import RegisterParty

OTHER_PAY_CODE = "3120980002"
OTHER_LOGISTICS_CODE = "4403980002"


def register(world: World, party_id: str, role: str, code: str) -> None:
    registry = world.window.registry
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
    world.keys[party_id] = registry.issue_key(party_id).api_key


def sent_by(message: Message, code: str, guid: str) -> Message:
    return msgspec.structs.replace(
        message, guid=builders.guid(guid), base_transfer=builders.base_transfer(cop_code=code)
    )


def refused(world: World, party: str, message: Message) -> str:
    answer = world.post_json(party, message)
    assert answer.status_code == 403, answer.text
    code: str = decoded(answer)["code"]
    return code


def test_nobody_files_in_another_firms_name(db_world: World) -> None:
    world = db_world
    register(world, "other-payer", "payment_firm", OTHER_PAY_CODE)
    register(world, "other-carrier", "logistics_firm", OTHER_LOGISTICS_CODE)
    order = builders.order(order_no="SO-SQUAT-1")
    # one platform squats another's order number
    squat = sent_by(builders.order_message(order), OTHER_PLATFORM_CODE, "squat")
    assert refused(world, "other-platform", squat) == "auth.not_commissioned"
    # a payment firm as another, a logistics firm as another
    payment = builders.payment_message(builders.payment(source=order))
    assert refused(world, "other-payer", sent_by(payment, OTHER_PAY_CODE, "p")) == (
        "auth.not_commissioned"
    )
    waybill = builders.waybill_message(builders.waybill(source=order, logistics_no="SQ1"))
    assert refused(world, "other-carrier", sent_by(waybill, OTHER_LOGISTICS_CODE, "w")) == (
        "auth.not_commissioned"
    )
    # a logistics firm with no commission files an order and a payment for the platform
    carrier = builders.LOGISTICS_CODE
    assert refused(world, "carrier", sent_by(builders.order_message(order), carrier, "o2")) == (
        "auth.not_commissioned"
    )
    assert refused(world, "carrier", sent_by(payment, carrier, "p2")) == "auth.not_commissioned"
    # nothing of any of it stayed but its evidence
    assert (
        world.client.get("/v1/cbec/filings", headers=world.auth("other-platform")).json()["items"]
        == []
    )
    refusals = [r for r in world.window.evidence.records() if r.kind == "message_refused"]
    assert len(refusals) == 5
    # the genuine firms file their own documents under those numbers
    answers = world.file_set(
        builders.ImportSet(
            order=order,
            payment=builders.payment(source=order),
            waybill=builders.waybill(source=order, logistics_no="SQ1"),
            inventory=builders.inventory(source=order, logistics_no="SQ1", cop_no=None),
        )
    )
    assert [a.status_code for a in answers] == [201, 201, 201, 201], [a.text for a in answers]


def test_a_commissioned_express_operator_files_for_the_platform(db_world: World) -> None:
    world = db_world
    world.window.commissions.grant(
        "platform", GrantCommission(agent="carrier", scope=("CEB311",)), by="platform"
    )
    order = builders.order(order_no="SO-EXPRESS-1")
    answer = world.post_json(
        "carrier", sent_by(builders.order_message(order), builders.LOGISTICS_CODE, "express")
    )
    assert answer.status_code == 201, answer.text
    # its commission covers orders only: a payment for the platform's payer is still refused
    payment = builders.payment_message(builders.payment(source=order))
    carrier = builders.LOGISTICS_CODE
    assert refused(world, "carrier", sent_by(payment, carrier, "express-p")) == (
        "auth.not_commissioned"
    )
