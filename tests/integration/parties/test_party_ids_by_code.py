"""``PartyRegistry.ids_by_code`` (the last-mile hooks' one read for a batch's codes) gives
the same answer as ``find`` one code at a time, customs code first, then USCC (hypothesis
over sets of registered, unregistered and differently spelled codes; SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewindow.parties import RegisterParty, Scheme
from tradewindow.parties.service import PartyRegistry
from tradewindow.store import SqlStore

SCHEMES = (Scheme.CUSTOMS, Scheme.USCC)
CODES = [
    "4403DM2001",  # sf-express's customs code
    "4403dm2001 ",  # the same, spelled otherwise
    "914403001922038216",  # sf-express's USCC: found by the second scheme
    "3301DM2002",  # cainiao's customs code
    "3301DM2003",  # nobody's
    "",
    "not a code",
]


def one_at_a_time(registry: PartyRegistry, code: str) -> str | None:
    party = registry.find(Scheme.CUSTOMS, code) or registry.find(Scheme.USCC, code)
    return None if party is None else party.id


def registered(store: SqlStore) -> PartyRegistry:
    registry = PartyRegistry(
        store.parties, pepper=b"pepper", clock=lambda: datetime(2025, 3, 1, tzinfo=UTC)
    )
    base = {"kind": "enterprise", "roles": ("logistics_firm",), "city": "shenzhen"}
    registry.register(
        RegisterParty(
            id="sf-express",
            name_zh="顺丰速运有限公司",
            name_en="SF Express Co., Ltd.",
            identifiers=(("cn.customs", "4403DM2001"), ("cn.uscc", "914403001922038216")),
            **base,  # type: ignore[arg-type]
        )
    )
    registry.register(
        RegisterParty(
            id="cainiao",
            name_zh="菜鸟",
            name_en="Cainiao",
            identifiers=(("cn.customs", "3301DM2002"),),
            **base,  # type: ignore[arg-type]
        )
    )
    return registry


def test_the_batched_lookup_names_the_registered_parties(store: SqlStore) -> None:
    registry = registered(store)
    assert registry.ids_by_code(CODES, SCHEMES) == {
        "4403DM2001": "sf-express",
        "4403dm2001 ": "sf-express",
        "914403001922038216": "sf-express",
        "3301DM2002": "cainiao",
        "3301DM2003": None,
        "": None,
        "not a code": None,
    }
    assert registry.ids_by_code([], SCHEMES) == {}


@pytest.fixture
def registry(store: SqlStore) -> PartyRegistry:
    return registered(store)  # once per test (not per example): the examples only read


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(codes=st.lists(st.sampled_from(CODES)))
def test_batched_equals_one_at_a_time(registry: PartyRegistry, codes: list[str]) -> None:
    assert registry.ids_by_code(codes, SCHEMES) == {
        code: one_at_a_time(registry, code) for code in codes
    }
