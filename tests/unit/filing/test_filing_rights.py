"""The filing rights (``filing.rights``), pure: whose each code of each message type must be,
and the commission that lets an agent write a principal's code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

import builders
import lifecycle_builders as lb
from tradewindow.cbec.documents import Message
from tradewindow.cbec.ports import DocKind, DocStatus, StoredDocument
from tradewindow.filing.rights import (
    CODE_RULES,
    SCOPES,
    Authority,
    Filer,
    Need,
    code_violations,
    foreign_codes,
    list_squatted,
    payment_squatted,
    sender_violation,
)
from tradewindow.parties.commissions import Commission, Scope
from tradewindow.parties.identifiers import Identifier, Scheme
from tradewindow.parties.model import Party
from tradewindow.parties.principal import PartyKind

AT = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
ME = Filer("me", frozenset({"4403970001"}))
THEM = "4403970002"


def party(party_id: str, code: str) -> Party:
    return Party(
        id=party_id,
        name_zh=party_id,
        name_en=party_id,
        kind=PartyKind.ENTERPRISE,
        roles=("ecommerce_platform",),
        identifiers=(Identifier(Scheme.CUSTOMS, code),),
        jurisdictions=("CN",),
        city=None,
        sector=None,
        registered_at=AT,
    )


def commission(
    scope: Scope, *, until: datetime | None = None, revoked: datetime | None = None
) -> Commission:
    return Commission(
        id="c-1",
        principal_id="them",
        agent_id="me",
        scope=(scope,),
        valid_from=AT - timedelta(days=1),
        valid_until=until,
        granted_at=AT - timedelta(days=1),
        granted_by="them",
        revoked_at=revoked,
    )


def message_of(kind: str, principal: str, agent: str = "4403970001") -> Message:
    source = builders.order()
    built: Message
    listed = builders.inventory(source=source, ebc_code=principal, agent_code=agent)
    if kind == "CEB623":
        built = lb.cancel_message(lb.cancel(listed, "534920261000000001"))
    elif kind == "CEB625":
        built = lb.refund_message(lb.refund(listed, "534920261000000001"))
    elif kind == "CEB513":
        shipped = builders.waybill(source=source, logistics_code=principal)
        built = lb.status_message(lb.waybill_status(shipped))
    elif kind == "CEB711":
        built = lb.delivery_message(
            lb.delivery(builders.waybill(source=source), operator_code=principal)
        )
    elif kind == "CEB311":
        built = builders.order_message(builders.order(ebp_code=principal))
    elif kind == "CEB411":
        built = builders.payment_message(builders.payment(source=source, pay_code=principal))
    elif kind == "CEB511":
        built = builders.waybill_message(builders.waybill(source=source, logistics_code=principal))
    else:
        built = builders.inventory_message(
            builders.inventory(source=source, ebc_code=principal, agent_code=agent)
        )
    return msgspec.structs.replace(
        built, base_transfer=builders.base_transfer(cop_code="4403970001")
    )


def test_every_message_type_has_one_principal_code() -> None:
    for kind, rules in CODE_RULES.items():
        assert [r.need for r in rules].count(Need.PRINCIPAL) == 1, kind
        # a commission can cover it, but for the supervised site's own warehouse delivery
        assert (SCOPES[kind] is None) == (kind == "CEB711"), kind


@pytest.mark.parametrize("kind", sorted(CODE_RULES))
def test_ones_own_code_needs_no_commission(kind: str) -> None:
    message = message_of(kind, "4403970001")
    assert foreign_codes(message, ME) == set()
    assert code_violations(message, ME, {}, AT) == []


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("CEB311", "Order[1]/OrderHead/ebpCode"),
        ("CEB411", "Payment[1]/PaymentHead/payCode"),
        ("CEB511", "Logistics[1]/LogisticsHead/logisticsCode"),
        ("CEB621", "Inventory[1]/InventoryHead/ebcCode"),
        ("CEB623", "InvtCancel[1]/ebcCode"),
        ("CEB625", "InvtRefund[1]/InvtRefundHead/ebcCode"),
        ("CEB513", "LogisticsStatus[1]/logisticsCode"),
        ("CEB711", "Delivery[1]/DeliveryHead/operatorCode"),
    ],
)
def test_anothers_code_without_a_commission_is_refused_at_its_path(kind: str, path: str) -> None:
    message = message_of(kind, THEM)
    assert foreign_codes(message, ME) == {THEM}
    authorities = {THEM: Authority(party("them", THEM))}
    [violation] = code_violations(message, ME, authorities, AT)
    assert (violation.path, violation.code) == (path, "auth.not_commissioned")
    # a code nobody holds gets the same answer (CEB621/623/625: the enterprise is unregistered)
    [unknown] = code_violations(message, ME, {}, AT)
    agent_kinds = ("CEB621", "CEB623", "CEB625")
    expected = "auth.ebc_unregistered" if kind in agent_kinds else "auth.not_commissioned"
    assert unknown.code == expected
    if kind not in agent_kinds:
        assert (unknown.en, unknown.zh) == (violation.en, violation.zh)


def test_a_list_for_another_enterprise_must_carry_the_senders_agent_code() -> None:
    message = message_of("CEB621", THEM, agent="4403979999")
    [violation] = code_violations(message, ME, {THEM: Authority(party("them", THEM))}, AT)
    assert (violation.path, violation.code) == (
        "Inventory[1]/InventoryHead/agentCode",
        "auth.agent_mismatch",
    )


STATES = {
    "live": (commission, True),
    "expired": (lambda s: commission(s, until=AT - timedelta(hours=1)), False),
    "revoked": (lambda s: commission(s, revoked=AT - timedelta(hours=1)), False),
    "ends at the receipt": (lambda s: commission(s, until=AT), False),
}


@given(
    kind=st.sampled_from(sorted(k for k in CODE_RULES if SCOPES[k] is not None)),
    state=st.sampled_from(sorted(STATES)),
    other_scope=st.booleans(),
)
def test_only_a_live_commission_for_the_type_lets_the_agent_write_the_code(
    kind: str, state: str, other_scope: bool
) -> None:
    make, live = STATES[state]
    own = SCOPES[kind]
    assert own is not None
    scope = own
    if other_scope:
        scope = next(s for s in Scope if s is not own)
    authorities = {THEM: Authority(party("them", THEM), (make(scope),))}
    found = code_violations(message_of(kind, THEM), ME, authorities, AT)
    assert (found == []) == (live and not other_scope)
    assert all(v.code == "auth.not_commissioned" for v in found)


def test_the_sender_code_must_be_ones_own() -> None:
    message = message_of("CEB311", "4403970001")
    assert sender_violation(message, ME) is None
    other = Filer("other", frozenset({THEM}))
    found = sender_violation(message, other)
    assert found is not None
    assert (found.path, found.code) == ("BaseTransfer/copCode", "auth.sender_mismatch")


def stored(kind: DocKind, document: object, status: DocStatus) -> StoredDocument:
    return StoredDocument(
        kind=kind,
        key="k",
        status=status,
        message_guid="m",
        body=msgspec.json.encode(document),
        received_at=AT,
        updated_at=AT,
    )


@pytest.mark.parametrize(
    ("newcomer", "squatter", "status", "order_on_file", "taken"),
    [
        (builders.EBC_CODE, THEM, DocStatus.RETURNED, True, True),
        (builders.EBC_CODE, THEM, DocStatus.DELETED, True, True),
        (builders.EBC_CODE, THEM, DocStatus.WAITING, True, False),  # still live: no
        (builders.EBC_CODE, THEM, DocStatus.RETURNED, False, False),  # no order says whose
        (THEM, builders.EBC_CODE, DocStatus.RETURNED, True, False),  # the order names another
        (builders.EBC_CODE, builders.EBC_CODE, DocStatus.RETURNED, True, False),  # not squatted
    ],
)
def test_a_list_key_is_taken_back_only_by_the_enterprise_the_order_names(
    newcomer: str, squatter: str, status: DocStatus, order_on_file: bool, taken: bool
) -> None:
    order = builders.order()  # ebcCode EBC_CODE
    on_file = stored(DocKind.INVENTORY, builders.inventory(source=order, ebc_code=squatter), status)
    ordered = stored(DocKind.ORDER, order, DocStatus.ACCEPTED) if order_on_file else None
    assert list_squatted(newcomer, on_file, ordered) is taken


@pytest.mark.parametrize(
    ("newcomer", "squatter", "order_on_file", "taken"),
    [
        (builders.PAY_CODE, THEM, True, True),
        (builders.PAY_CODE, THEM, False, False),  # no order says whose
        (THEM, builders.PAY_CODE, True, False),  # the order names another payment firm
        (builders.PAY_CODE, builders.PAY_CODE, True, False),  # not squatted
    ],
)
def test_a_payment_key_is_taken_back_only_by_the_payment_firm_the_order_names(
    newcomer: str, squatter: str, order_on_file: bool, taken: bool
) -> None:
    order = builders.order()  # payCode PAY_CODE
    on_file = stored(
        DocKind.PAYMENT, builders.payment(source=order, pay_code=squatter), DocStatus.ACCEPTED
    )
    ordered = stored(DocKind.ORDER, order, DocStatus.ACCEPTED) if order_on_file else None
    assert payment_squatted(newcomer, on_file, ordered) is taken
