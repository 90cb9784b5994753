"""Commissions (委托关系), pure: granting (every violation at once), validity windows, and the
filing rule — own list, agent mismatch, unregistered enterprise, no / lapsed / wrong commission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.parties.commissions import (
    Commission,
    CommissionState,
    GrantCommission,
    Scope,
    filing_violation,
    prepare_commission,
)
from tradewindow.parties.errors import InvalidCommission
from tradewindow.parties.identifiers import Identifier, Scheme
from tradewindow.parties.model import Party
from tradewindow.parties.principal import PartyKind

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)


def party(party_id: str, code: str, *roles: str) -> Party:
    return Party(
        id=party_id,
        name_zh=party_id,
        name_en=party_id,
        kind=PartyKind.ENTERPRISE,
        roles=roles,
        identifiers=(Identifier(Scheme.CUSTOMS, code),),
        jurisdictions=("CN",),
        city=None,
        sector=None,
        registered_at=NOW,
    )


STORE = party("store", "4403960002", "ecommerce_enterprise")
BROKER = party("broker", "4403980099", "broker")
CARRIER = party("carrier", "4403980001", "logistics_firm")


def grant(
    agent: Party | None = BROKER,
    principal: Party = STORE,
    *,
    scope: tuple[str, ...] = ("CEB621",),
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Commission:
    command = GrantCommission(
        agent=agent.id if agent else "nobody",
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return prepare_commission(
        command, principal, agent, commission_id="c-000000000001", now=NOW, granted_by="store"
    )


def codes(error: pytest.ExceptionInfo[InvalidCommission]) -> list[tuple[str, str]]:
    return [(v.path, v.code) for v in error.value.violations]


def test_a_commission_takes_effect_now_and_keeps_its_scope_once_each() -> None:
    commission = grant(scope=("CEB625", "CEB621", "CEB621"))
    assert commission.principal_id == "store"
    assert commission.agent_id == "broker"
    assert commission.scope == (Scope.INVENTORY, Scope.RETURN)
    assert commission.valid_from == commission.granted_at == NOW
    assert commission.valid_until is None
    assert commission.state(NOW) is CommissionState.LIVE


def test_every_violation_of_a_grant_at_once() -> None:
    with pytest.raises(InvalidCommission) as error:
        grant(
            CARRIER,
            CARRIER,
            scope=("CEB621", "CEB999"),
            valid_from=NOW - HOUR,
            valid_until=NOW - 2 * HOUR,
        )
    assert error.value.code == "commission.invalid"
    assert codes(error) == [
        ("scope[2]", "commission.scope.invalid"),
        ("principal", "commission.principal.role"),
        ("agent", "commission.agent.self"),
        ("valid_from", "commission.valid_from.past"),
        ("valid_until", "commission.valid_until.before_start"),
    ]


@pytest.mark.parametrize(
    ("agent", "scope", "expected"),
    [
        (None, ("CEB621",), [("agent", "commission.agent.unknown")]),
        (CARRIER, ("CEB621",), [("agent", "commission.agent.role")]),  # files no list for others
        (BROKER, (), [("scope", "commission.scope.missing")]),
    ],
    ids=["unknown agent", "agent without a declarant role", "no scope"],
)
def test_each_bad_grant_has_its_code(
    agent: Party | None, scope: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidCommission) as error:
        grant(agent, scope=scope)
    assert codes(error) == expected


def test_times_without_a_zone_are_refused() -> None:
    naive = datetime(2026, 4, 1, 0, 0)  # noqa: DTZ001 - the input under test
    with pytest.raises(InvalidCommission) as error:
        grant(valid_from=naive, valid_until=naive)
    assert codes(error) == [
        ("valid_from", "commission.valid_from.naive"),
        ("valid_until", "commission.valid_until.naive"),
    ]
    assert "+08:00" in error.value.violations[0].en


def test_a_window_in_another_zone_is_the_same_instant() -> None:
    china = timezone(timedelta(hours=8))
    commission = grant(valid_until=datetime(2026, 3, 1, 18, 30, tzinfo=china))  # 10:30 UTC
    assert commission.live_at(NOW + timedelta(minutes=59))
    assert not commission.live_at(NOW + HOUR)


# --- validity windows ---------------------------------------------------------------------

# hypothesis wants naive bounds and adds the zone itself
instants = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2035, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650))


@given(
    start=instants,
    length=st.one_of(st.none(), spans.filter(bool)),
    revoked_after=st.one_of(st.none(), spans),
    at=instants,
)
def test_live_exactly_within_the_window_and_before_revocation(
    start: datetime,
    length: timedelta | None,
    revoked_after: timedelta | None,
    at: datetime,
) -> None:
    until = start + length if length is not None else None
    revoked = start + revoked_after if revoked_after is not None else None
    commission = Commission(
        id="c-000000000001",
        principal_id="store",
        agent_id="broker",
        scope=(Scope.INVENTORY,),
        valid_from=start,
        valid_until=until,
        granted_at=start,
        granted_by="store",
        revoked_at=revoked,
    )
    expected = start <= at and (until is None or at < until) and (revoked is None or at < revoked)
    assert commission.live_at(at) is expected
    assert commission.covers(Scope.INVENTORY, at) is expected
    assert commission.covers(Scope.CANCELLATION, at) is False  # never outside its scope
    assert (commission.state(at) is CommissionState.LIVE) is expected


def test_the_states_of_a_commission_over_time() -> None:
    commission = grant(valid_from=NOW + HOUR, valid_until=NOW + 3 * HOUR)
    assert commission.state(NOW) is CommissionState.PENDING
    assert commission.state(NOW + HOUR) is CommissionState.LIVE
    assert commission.state(NOW + 3 * HOUR) is CommissionState.EXPIRED
    revoked = Commission(**{**_fields(commission), "revoked_at": NOW + 2 * HOUR})
    assert revoked.state(NOW + 2 * HOUR) is CommissionState.REVOKED
    assert revoked.state(NOW + HOUR) is CommissionState.LIVE


def _fields(commission: Commission) -> dict[str, object]:
    return {f: getattr(commission, f) for f in commission.__struct_fields__}


# --- the filing rule ----------------------------------------------------------------------


def check(
    *,
    ebc: str = "4403960002",
    agent: str = "4403980099",
    ebc_party: Party | None = STORE,
    commissions: tuple[Commission, ...] = (),
    scope: Scope = Scope.INVENTORY,
    at: datetime = NOW,
) -> tuple[str, str] | None:
    found = filing_violation(
        path="Inventory[1]/InventoryHead",
        ebc_code=ebc,
        agent_code=agent,
        filer_id="broker",
        filer_codes={"4403980099"},
        ebc_party=ebc_party,
        commissions=commissions,
        scope=scope,
        at=at,
    )
    return None if found is None else (found.path, found.code)


def test_an_enterprise_files_its_own_list_without_a_commission() -> None:
    assert check(ebc="4403980099", agent="4403000000", ebc_party=BROKER) is None


def test_an_agent_with_a_live_commission_may_file() -> None:
    assert check(commissions=(grant(),)) is None


def test_without_a_commission_the_list_is_refused_naming_the_enterprise() -> None:
    found = filing_violation(
        path="Inventory[1]/InventoryHead",
        ebc_code="4403960002",
        agent_code="4403980099",
        filer_id="broker",
        filer_codes={"4403980099"},
        ebc_party=STORE,
        commissions=(),
        scope=Scope.INVENTORY,
        at=NOW,
    )
    assert found is not None
    assert (found.path, found.code) == (
        "Inventory[1]/InventoryHead/ebcCode",
        "auth.not_commissioned",
    )
    assert "4403960002" in found.en
    assert "4403960002" in found.zh


def test_a_commission_of_another_scope_another_agent_or_another_principal_is_no_commission() -> (
    None
):
    refused = ("Inventory[1]/InventoryHead/ebcCode", "auth.not_commissioned")
    assert check(commissions=(grant(scope=("CEB623",)),)) == refused
    other_principal = party("other", "4403960008", "ecommerce_enterprise")
    assert check(commissions=(grant(principal=other_principal),)) == refused
    other_agent = party("other-broker", "4403980098", "broker")
    assert check(commissions=(grant(other_agent),)) == refused


def test_a_commission_not_yet_in_force_lapsed_or_revoked_is_no_commission() -> None:
    refused = ("Inventory[1]/InventoryHead/ebcCode", "auth.not_commissioned")
    window = grant(valid_from=NOW + HOUR, valid_until=NOW + 2 * HOUR)
    assert check(commissions=(window,), at=NOW) == refused
    assert check(commissions=(window,), at=NOW + HOUR) is None
    assert check(commissions=(window,), at=NOW + 2 * HOUR) == refused
    revoked = Commission(**{**_fields(grant()), "revoked_at": NOW + HOUR})
    assert check(commissions=(revoked,), at=NOW + HOUR - timedelta(microseconds=1)) is None
    assert check(commissions=(revoked,), at=NOW + HOUR) == refused


def test_an_unregistered_enterprise_has_commissioned_no_one() -> None:
    assert check(ebc="4403969999", ebc_party=None) == (
        "Inventory[1]/InventoryHead/ebcCode",
        "auth.ebc_unregistered",
    )


def test_filing_for_another_enterprise_means_declaring_as_its_agent() -> None:
    assert check(agent="4403980011", commissions=(grant(),)) == (
        "Inventory[1]/InventoryHead/agentCode",
        "auth.agent_mismatch",
    )


def test_codes_are_compared_without_regard_to_case() -> None:
    assert check(ebc="4403dm2001", ebc_party=None) == (
        "Inventory[1]/InventoryHead/ebcCode",
        "auth.ebc_unregistered",
    )
    found = filing_violation(
        path="p",
        ebc_code="4403dm2001",
        agent_code="x",
        filer_id="sf",
        filer_codes={"4403DM2001"},
        ebc_party=None,
        commissions=(),
        scope=Scope.INVENTORY,
        at=NOW,
    )
    assert found is None
