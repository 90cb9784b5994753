"""The tax guarantees a clearance unit of work reads together (``guarantees``, and
``GuaranteeBook.expect``) are those it would read one agent at a time (hypothesis over sets of
agents with and without a guarantee; SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewindow.cbec.ports import CBEC_LIFECYCLE
from tradewindow.cbec.settlement import GuaranteeBook
from tradewindow.store import SqlStore

AT = datetime(2025, 3, 1, tzinfo=UTC)
KEPT = {"A1": Decimal("200.00"), "A2": Decimal("0"), "A3": Decimal("1234.56")}
AGENTS = [*KEPT, "B1", "B2"]  # the Bs keep no guarantee here


@pytest.fixture
def kept(store: SqlStore) -> SqlStore:
    with store.unit_of_work() as uow:
        records = uow.part(CBEC_LIFECYCLE)
        for agent, amount in KEPT.items():
            records.set_guarantee(agent, amount, AT)
        records.use_guarantee("A3", Decimal("34.56"))
        uow.commit()
    return store


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(agents=st.lists(st.sampled_from(AGENTS)), asked=st.sampled_from(AGENTS))
def test_read_together_as_one_at_a_time(kept: SqlStore, agents: list[str], asked: str) -> None:
    with kept.unit_of_work() as uow:
        records = uow.part(CBEC_LIFECYCLE)
        alone = {agent: records.guarantee(agent) for agent in agents}
        assert records.guarantees(agents) == {a: g for a, g in alone.items() if g is not None}
        together, single = GuaranteeBook(uow), GuaranteeBook(uow)
        together.expect(agents)
        assert together.available(asked) == single.available(asked)
        for agent in agents:
            assert together.available(agent) == single.available(agent)


def test_what_is_left_of_each_guarantee(kept: SqlStore) -> None:
    with kept.unit_of_work() as uow:
        book = GuaranteeBook(uow)
        book.expect(AGENTS)
        assert book.available("B1") is None
        assert book.available("A3") == Decimal("1200.00")
        book.use("A3", Decimal("200"))
        assert book.available("A3") == Decimal("1000.00")
        assert book.available("A2") == Decimal("0")
