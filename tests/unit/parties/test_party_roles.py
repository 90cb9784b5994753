"""The permission table, role by role and action by action, as the 202205 XSD names senders."""

from __future__ import annotations

import pytest

from tradewindow.parties.errors import Forbidden
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.parties.roles import (
    ENTERPRISE_ROLES,
    FILING_ACTIONS,
    PERMISSIONS,
    STANDARD_AGENCIES,
    Action,
    Basis,
    Role,
    basis,
    check_agency_codes,
    may,
    require,
)

A, D, C = Action, Basis.DIRECT, Basis.COMMISSIONED
_ALL_ENTERPRISE = {A.READ_OWN_FILINGS: D, A.MANAGE_KEYS: D, A.READ_COMMISSIONS: D}
_AGENCY = {A.VIEW_QUEUE: D, A.DECIDE: D, A.MANAGE_KEYS: D}

# Written out independently of roles.PERMISSIONS: what each role may do, and on what basis.
EXPECTED: dict[Role, dict[Action, Basis]] = {
    Role.ECOMMERCE_PLATFORM: {A.FILE_ORDER: D, **_ALL_ENTERPRISE},
    Role.ECOMMERCE_ENTERPRISE: {
        A.FILE_ORDER: D,
        A.FILE_INVENTORY: D,
        A.FILE_CANCELLATION: D,
        A.FILE_RETURN: D,
        A.READ_TAX_BILLS: D,
        A.GRANT_COMMISSIONS: D,  # 境外电商企业委托境内代理人
        **_ALL_ENTERPRISE,
    },
    Role.PAYMENT_FIRM: {A.FILE_PAYMENT: D, **_ALL_ENTERPRISE},
    Role.LOGISTICS_FIRM: {
        A.FILE_ORDER: C,  # 受委托的快件运营人、邮政企业
        A.FILE_PAYMENT: C,
        A.FILE_WAYBILL: D,
        A.FILE_WAYBILL_STATUS: D,
        **_ALL_ENTERPRISE,
    },
    Role.DECLARING_AGENT: {
        A.FILE_INVENTORY: C,  # 电商企业或其代理人
        A.FILE_CANCELLATION: C,
        A.FILE_RETURN: C,
        A.READ_TAX_BILLS: C,
        **_ALL_ENTERPRISE,
    },
    Role.BROKER: {
        A.FILE_INVENTORY: C,
        A.FILE_CANCELLATION: C,
        A.FILE_RETURN: C,
        A.READ_TAX_BILLS: C,
        **_ALL_ENTERPRISE,
    },
    Role.GUARANTOR: {A.READ_TAX_BILLS: D, **_ALL_ENTERPRISE},
    Role.TERMINAL_OPERATOR: {A.FILE_DELIVERY: D, A.PUBLISH_EVENTS: D, **_ALL_ENTERPRISE},
    Role.CARRIER: {A.PUBLISH_EVENTS: D, **_ALL_ENTERPRISE},
    **dict.fromkeys(STANDARD_AGENCIES, _AGENCY),
}


def principal(*roles: str, kind: PartyKind = PartyKind.ENTERPRISE) -> Principal:
    return Principal(
        party_id="p-test",
        kind=kind,
        roles=roles,
        agency=roles[0] if kind is PartyKind.AGENCY else None,
        credential_id="aaaaaaaaaaaaaaaa",
    )


def _of(role: Role) -> Principal:
    kind = PartyKind.AGENCY if role in STANDARD_AGENCIES else PartyKind.ENTERPRISE
    return principal(role.value, kind=kind)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_each_role_each_action(role: Role, action: Action) -> None:
    expected = EXPECTED[role].get(action)
    assert basis(_of(role), action) is expected
    assert may(_of(role), action) is (expected is not None)
    if expected is None:
        with pytest.raises(Forbidden) as refused:
            require(_of(role), action)
        assert refused.value.code == "auth.forbidden"
        assert action.value in refused.value.en
    else:
        assert require(_of(role), action) is expected


def test_the_issue_examples() -> None:
    # "a payment firm cannot file an inventory list; an enterprise cannot decide"
    assert not may(principal("payment_firm"), Action.FILE_INVENTORY)
    assert not may(principal(*(r.value for r in ENTERPRISE_ROLES)), Action.DECIDE)


def test_a_direct_role_wins_over_a_commissioned_one() -> None:
    # SF Express: logistics firm (files orders only as commissioned) and broker
    both = principal("logistics_firm", "ecommerce_enterprise")
    assert basis(both, Action.FILE_ORDER) is Basis.DIRECT
    assert basis(principal("logistics_firm", "broker"), Action.FILE_INVENTORY) is Basis.COMMISSIONED


def test_configured_agencies_act_as_agencies() -> None:
    maritime = principal("maritime_safety", kind=PartyKind.AGENCY)
    assert {a for a in Action if may(maritime, a)} == set(_AGENCY)


def test_an_agency_holding_an_enterprise_role_word_gets_nothing_more() -> None:
    odd = principal("broker", kind=PartyKind.AGENCY)
    assert not may(odd, Action.FILE_INVENTORY)


def test_every_action_has_a_grant_and_filings_map_to_message_types() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert FILING_ACTIONS == {
        "CEB311": A.FILE_ORDER,
        "CEB411": A.FILE_PAYMENT,
        "CEB511": A.FILE_WAYBILL,
        "CEB513": A.FILE_WAYBILL_STATUS,
        "CEB621": A.FILE_INVENTORY,
        "CEB623": A.FILE_CANCELLATION,
        "CEB625": A.FILE_RETURN,
        "CEB711": A.FILE_DELIVERY,
    }


@pytest.mark.parametrize("code", ["Maritime", "x", "broker", "has space", "a" * 33])
def test_bad_configured_agency_codes_fail_fast(code: str) -> None:
    with pytest.raises(ValueError, match="agency code"):
        check_agency_codes([code])
