"""The commission registry on SQLite and PostgreSQL: grant, revoke, history, evidence, the
object-level reads, the filing check's lookups, the CLI and the demo's commissions."""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

import msgspec
import pytest
from sqlalchemy import func, select

from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.bootstrap import agency_codes
from tradewindow.cbec.documents import InventoryMessage
from tradewindow.cli.parties import register
from tradewindow.demo.day import generate_day
from tradewindow.demo.registry import seed_commissions, seed_parties
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.recorder import CommissionRecords
from tradewindow.parties.commission_registry import OPERATOR, CommissionRegistry, Declared
from tradewindow.parties.commissions import CommissionState, GrantCommission, Scope
from tradewindow.parties.errors import CommissionNotFound, InvalidCommission, PartyNotFound
from tradewindow.parties.model import RegisterParty
from tradewindow.parties.service import PartyRegistry
from tradewindow.store import SqlStore
from tradewindow.store.parties.tables import commissions as commission_rows

STORE_CODE, BROKER_CODE, OTHER_CODE = "4403960002", "4403980099", "4403960008"
HOUR = timedelta(hours=1)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def log(store: SqlStore) -> EvidenceLog:
    return EvidenceLog(store.evidence)


@pytest.fixture
def parties(store: SqlStore) -> PartyRegistry:
    registry = PartyRegistry(store.parties, pepper=b"commission-pepper")
    for party_id, role, code in (
        ("store", "ecommerce_enterprise", STORE_CODE),
        ("other", "ecommerce_enterprise", OTHER_CODE),
        ("broker", "broker", BROKER_CODE),
    ):
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
    return registry


@pytest.fixture
def registry(
    store: SqlStore, parties: PartyRegistry, log: EvidenceLog, clock: Clock
) -> CommissionRegistry:
    return CommissionRegistry(store.parties, evidence=CommissionRecords(log), clock=clock)


def inventory(scope: tuple[str, ...] = ("CEB621",), **times: datetime) -> GrantCommission:
    return GrantCommission(agent=BROKER_CODE, scope=scope, **times)


def test_a_grant_is_stored_and_recorded_in_the_evidence_log(
    registry: CommissionRegistry, log: EvidenceLog
) -> None:
    granted = registry.grant("store", inventory(), by="store")
    assert granted.agent_id == "broker"  # found by its customs code
    assert registry.commission(granted.id) == granted
    assert registry.given("store") == [granted]
    assert registry.held("broker") == [granted]
    [record] = list(log.records())
    assert record.kind == "commission_granted"
    assert record.actor == "store"
    assert record.subject_ids == [f"commission:{granted.id}", "party:store", "party:broker"]
    assert record.payload_digest == hashlib.sha256(msgspec.json.encode(granted)).hexdigest()
    assert log.verify().ok


def test_revoking_keeps_the_history_and_records_it_once(
    registry: CommissionRegistry, log: EvidenceLog, clock: Clock, store: SqlStore
) -> None:
    first = registry.grant("store", inventory(), by="store")
    clock.now += HOUR
    revoked = registry.revoke(first.id, principal_id="store", by="store")
    assert revoked.revoked_at == clock.now
    assert revoked.revoked_by == "store"
    assert revoked.state(clock.now) is CommissionState.REVOKED
    clock.now += HOUR
    assert registry.revoke(first.id, by=OPERATOR) == revoked  # idempotent, nothing new
    second = registry.grant("store", inventory(), by=OPERATOR)
    assert registry.given("store") == [revoked, second]  # oldest first, none deleted
    kinds = [(r.kind, r.actor) for r in log.records()]
    assert kinds == [
        ("commission_granted", "store"),
        ("commission_revoked", "store"),
        ("commission_granted", OPERATOR),
    ]
    with store.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(commission_rows)).scalar()
    assert count == 2


def test_only_the_sides_of_a_commission_see_it_and_only_its_principal_revokes_it(
    registry: CommissionRegistry, log: EvidenceLog
) -> None:
    granted = registry.grant("store", inventory(), by="store")
    assert registry.commission(granted.id, party_id="broker") == granted
    for party_id in ("other", "nobody"):
        with pytest.raises(CommissionNotFound):
            registry.commission(granted.id, party_id=party_id)
    for party_id in ("broker", "other"):
        with pytest.raises(CommissionNotFound) as error:
            registry.revoke(granted.id, principal_id=party_id, by=party_id)
        assert error.value.code == "commission.not_found"
    with pytest.raises(CommissionNotFound):
        registry.revoke("c-000000000000", by=OPERATOR)
    assert registry.commission(granted.id).revoked_at is None
    assert len(list(log.records())) == 1


def test_a_refused_grant_stores_and_records_nothing(
    registry: CommissionRegistry, log: EvidenceLog
) -> None:
    with pytest.raises(InvalidCommission) as error:
        registry.grant("store", GrantCommission(agent="4403989999", scope=("CEB621",)), by="s")
    assert [v.code for v in error.value.violations] == ["commission.agent.unknown"]
    with pytest.raises(PartyNotFound):
        registry.grant("nobody", inventory(), by=OPERATOR)
    assert registry.given("store") == []
    assert list(log.records()) == []


def test_agents_are_found_by_id_scheme_and_value_or_bare_code(
    registry: CommissionRegistry,
) -> None:
    for reference in ("broker", f"cn.customs:{BROKER_CODE.lower()}", BROKER_CODE):
        assert registry.resolve(reference).id == "broker"
    for reference in ("nobody", "xx.nope:1", "4403989999"):
        with pytest.raises(PartyNotFound):
            registry.resolve(reference)


def test_times_come_back_timezone_aware_as_the_same_instants(
    registry: CommissionRegistry, clock: Clock
) -> None:
    until = (clock.now + 48 * HOUR).astimezone(timezone(timedelta(hours=8)))  # China time
    granted = registry.grant("store", inventory(valid_until=until), by="store")
    stored = registry.commission(granted.id)
    assert stored.valid_until == until
    assert stored.valid_until is not None
    assert stored.valid_until.utcoffset() is not None
    assert stored.valid_from == clock.now


def test_the_filing_check_reads_each_list_against_the_registry(
    registry: CommissionRegistry, parties: PartyRegistry, clock: Clock
) -> None:
    broker = parties.party("broker")
    lists = [
        Declared(path="Inventory[1]/InventoryHead", ebc_code=STORE_CODE, agent_code=BROKER_CODE),
        Declared(path="Inventory[2]/InventoryHead", ebc_code=OTHER_CODE, agent_code=BROKER_CODE),
        Declared(path="Inventory[3]/InventoryHead", ebc_code="4403969999", agent_code=BROKER_CODE),
    ]
    found = registry.filing_violations(broker, lists, Scope.INVENTORY, clock.now)
    assert [(v.path, v.code) for v in found] == [
        ("Inventory[1]/InventoryHead/ebcCode", "auth.not_commissioned"),
        ("Inventory[2]/InventoryHead/ebcCode", "auth.not_commissioned"),
        ("Inventory[3]/InventoryHead/ebcCode", "auth.ebc_unregistered"),
    ]
    granted = registry.grant("store", inventory(valid_until=clock.now + HOUR), by="store")
    found = registry.filing_violations(broker, lists[:1], Scope.INVENTORY, clock.now)
    assert found == []
    assert registry.filing_violations(broker, lists[:1], Scope.CANCELLATION, clock.now) != []
    lapsed = registry.filing_violations(broker, lists[:1], Scope.INVENTORY, clock.now + HOUR)
    assert [v.code for v in lapsed] == ["auth.not_commissioned"]
    registry.revoke(granted.id, by=OPERATOR)
    assert registry.filing_violations(broker, lists[:1], Scope.INVENTORY, clock.now) != []


# --- the CLI and the demo -----------------------------------------------------------------


@pytest.fixture
def cli(parties: PartyRegistry, registry: CommissionRegistry) -> argparse.ArgumentParser:
    @contextmanager
    def open_registry() -> Iterator[PartyRegistry]:
        yield parties

    @contextmanager
    def open_commissions() -> Iterator[CommissionRegistry]:
        yield registry

    parser = argparse.ArgumentParser(prog="tradewindow")
    register(parser.add_subparsers(), open_registry, open_commissions)
    return parser


def run(cli: argparse.ArgumentParser, *argv: str) -> int:
    args = cli.parse_args(argv)
    result: int = args.run(args)
    return result


def test_cli_grant_list_and_revoke(
    cli: argparse.ArgumentParser,
    registry: CommissionRegistry,
    log: EvidenceLog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command = ("parties", "commission", "grant", f"cn.customs:{STORE_CODE}", BROKER_CODE)
    assert run(cli, *command, "--scope", "CEB621", "--scope", "CEB625") == 0
    [granted] = registry.given("store")
    assert granted.scope == (Scope.INVENTORY, Scope.RETURN)
    assert granted.granted_by == OPERATOR
    assert granted.id in capsys.readouterr().out
    assert run(cli, "parties", "commission", "list", "broker", "--held") == 0
    listed = capsys.readouterr().out
    assert granted.id in listed
    assert "live" in listed
    assert run(cli, "parties", "commission", "revoke", granted.id) == 0
    assert registry.commission(granted.id).revoked_by == OPERATOR
    assert [r.actor for r in log.records()] == [OPERATOR, OPERATOR]


def test_cli_reports_every_violation_of_a_grant(
    cli: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        cli, "parties", "commission", "grant", "broker", "store", "--valid-until", "2026-01-01"
    )
    assert code == 1
    out = capsys.readouterr().out
    for expected in (
        "commission.invalid",
        "commission.principal.role",
        "commission.agent.role",
        "commission.valid_until.naive",
    ):
        assert expected in out
    assert run(cli, "parties", "commission", "revoke", "c-000000000000") == 1
    assert "commission.not_found" in capsys.readouterr().out


def test_the_demo_commissions_cover_every_list_of_a_demo_day_once(
    store: SqlStore, log: EvidenceLog
) -> None:
    parties = PartyRegistry(
        store.parties, pepper=b"commission-pepper", agencies=agency_codes(shipped_policy())
    )
    seed_parties(parties)
    registry = CommissionRegistry(store.parties, evidence=CommissionRecords(log))
    first = seed_commissions(registry)
    assert seed_commissions(registry) == []  # twice is safe
    assert ("hk-goods-select", "qianhai-cbec-agent") in {
        (c.principal_id, c.agent_id) for c in first
    }
    assert len(list(log.records())) == len(first)
    day = generate_day(date(2026, 3, 1), sets=200, seed=11)
    lists = [i.head for m in day.messages if isinstance(m, InventoryMessage) for i in m.inventories]
    pairs = {(head.ebc_code, head.agent_code) for head in lists}
    assert len(pairs) > 10
    now = datetime.now(UTC)
    for ebc_code, agent_code in sorted(pairs):
        agent = registry.resolve(agent_code)  # every demo agent is a registered party
        declared = [
            Declared(path="Inventory[1]/InventoryHead", ebc_code=ebc_code, agent_code=agent_code)
        ]
        assert registry.filing_violations(agent, declared, Scope.INVENTORY, now) == []
