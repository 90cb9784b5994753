"""``tradewindow parties key issue``: a key is valid for at least a day, or issued explicitly
without expiry, and either way recorded in the evidence log (issue 15: ``--expires-days 0``
issued a key that never expired), and a party name or key label holding a control character
is refused with a code. On SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from tradewindow.cli.parties import register
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.recorder import CommissionRecords, KeyRecords
from tradewindow.parties.commission_registry import CommissionRegistry
from tradewindow.parties.errors import InvalidCredential, PartyNotFound
from tradewindow.parties.model import RegisterParty
from tradewindow.parties.service import PartyRegistry
from tradewindow.store import SqlStore

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def evidence(store: SqlStore) -> EvidenceLog:
    return EvidenceLog(store.evidence)


@pytest.fixture
def registry(store: SqlStore, evidence: EvidenceLog) -> PartyRegistry:
    registry = PartyRegistry(
        store.parties, pepper=b"seed-pepper", key_evidence=KeyRecords(evidence)
    )
    registry.register(
        RegisterParty(
            id="hk-goods",
            name_zh="",
            name_en="HK Goods Ltd",
            kind="enterprise",
            roles=("ecommerce_enterprise",),
            identifiers=(("hk.br", "31000002"),),
        )
    )
    return registry


@pytest.fixture
def cli(registry: PartyRegistry, store: SqlStore) -> argparse.ArgumentParser:
    @contextmanager
    def open_registry() -> Iterator[PartyRegistry]:
        yield registry

    @contextmanager
    def open_commissions() -> Iterator[CommissionRegistry]:
        yield CommissionRegistry(
            store.parties, evidence=CommissionRecords(EvidenceLog(store.evidence))
        )

    parser = argparse.ArgumentParser(prog="tradewindow")
    register(parser.add_subparsers(), open_registry, open_commissions)
    return parser


def run(cli: argparse.ArgumentParser, *argv: str) -> int:
    args = cli.parse_args(argv)
    result: int = args.run(args)
    return result


def key_records(evidence: EvidenceLog) -> list[list[str]]:
    return [[*r.subject_ids, r.actor] for r in evidence.records() if r.kind == "key_issued"]


@pytest.mark.parametrize("days", ["0", "-3"])
def test_an_expiry_under_a_day_is_refused(
    cli: argparse.ArgumentParser,
    registry: PartyRegistry,
    days: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(cli, "parties", "key", "issue", "hk-goods", "--expires-days", days) == 1
    assert "credential.expiry.too_soon" in capsys.readouterr().out
    assert registry.credentials_of("hk-goods") == []


def test_neither_an_expiry_nor_no_expiry_is_refused(cli: argparse.ArgumentParser) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.parse_args(["parties", "key", "issue", "hk-goods"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        cli.parse_args(
            ["parties", "key", "issue", "hk-goods", "--no-expiry", "--expires-days", "5"]
        )


def test_a_key_without_expiry_is_recorded_as_such(
    cli: argparse.ArgumentParser, registry: PartyRegistry, evidence: EvidenceLog
) -> None:
    assert run(cli, "parties", "key", "issue", "hk-goods", "--no-expiry") == 0
    (credential,) = registry.credentials_of("hk-goods")
    assert credential.expires_at is None
    assert key_records(evidence) == [
        [f"credential:{credential.id}", "party:hk-goods", "expires:never", "operator"]
    ]
    assert evidence.verify().ok


def test_a_key_for_a_day_expires_and_is_recorded(
    cli: argparse.ArgumentParser, registry: PartyRegistry, evidence: EvidenceLog
) -> None:
    assert run(cli, "parties", "key", "issue", "hk-goods", "--expires-days", "1", "--client") == 0
    (credential,) = registry.credentials_of("hk-goods")
    assert credential.expires_at is not None
    assert timedelta(hours=23) < credential.expires_at - credential.created_at <= timedelta(days=1)
    (record,) = key_records(evidence)
    assert record[2].startswith("expires:20")


def test_the_registry_itself_refuses_a_short_or_naive_expiry(registry: PartyRegistry) -> None:
    with pytest.raises(InvalidCredential) as caught:
        registry.issue_key("hk-goods", expires_at=datetime.now(UTC) + timedelta(hours=23))
    assert [v.code for v in caught.value.violations] == ["credential.expiry.too_soon"]
    with pytest.raises(InvalidCredential) as caught:
        registry.issue_key("hk-goods", expires_at=datetime(2030, 1, 1))  # noqa: DTZ001
    assert [v.code for v in caught.value.violations] == ["credential.expiry.naive"]
    issued = registry.issue_key("hk-goods")  # the portal's keys: none expire, each recorded
    assert issued.credential.expires_at is None


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\ufffe", "\udc80"])
def test_a_party_name_with_a_control_character_is_refused_with_a_code(
    cli: argparse.ArgumentParser,
    registry: PartyRegistry,
    character: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 15: a NUL in a name was accepted, and the name could not be written as CEB XML
    (on PostgreSQL it could not even be stored)."""
    name = f"Bad{character}Name Ltd"
    argv = ["parties", "add", "--id", "bad-name", "--name-en", name, "--role", "broker"]
    assert run(cli, *argv, "--hk-br", "31000099") == 1
    out = capsys.readouterr().out
    assert "text.character" in out
    assert "name_en" in out
    with pytest.raises(PartyNotFound):
        registry.party("bad-name")


def test_a_key_label_with_a_nul_is_refused(
    cli: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["parties", "key", "issue", "hk-goods", "--label", "erp\x00", "--no-expiry"]
    assert run(cli, *argv) == 1
    assert "text.character" in capsys.readouterr().out
