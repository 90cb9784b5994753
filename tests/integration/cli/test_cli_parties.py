"""Seed parties (every role, demo codes, both sides of the border) and the CLI group."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.bootstrap import agency_codes
from tradewindow.cli.parties import register
from tradewindow.demo import parties as demo
from tradewindow.demo.registry import SEED, commissioned_pairs, demo_uscc, seed_parties
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.recorder import CommissionRecords
from tradewindow.parties import Action, Role, Scheme, may
from tradewindow.parties.commission_registry import CommissionRegistry
from tradewindow.parties.identifiers import uscc_problems
from tradewindow.parties.service import PartyRegistry
from tradewindow.store import SqlStore


@pytest.fixture
def registry(store: SqlStore) -> PartyRegistry:
    return PartyRegistry(
        store.parties, pepper=b"seed-pepper", agencies=agency_codes(shipped_policy())
    )


def test_seed_covers_every_role_with_working_keys(registry: PartyRegistry) -> None:
    seeded = seed_parties(registry)
    assert len(seeded) == len(SEED) == 47  # with the six exporters (demo.exports), commerce
    # every standard role, and the policy's commerce agency (informed of market sales)
    assert {role for s in seeded for role in s.party.roles} == {r.value for r in Role} | {
        "commerce"
    }
    for entry in seeded:
        principal = registry.authenticate(entry.api_key)
        assert principal is not None
        assert principal.party_id == entry.party.id
    by_id = {s.party.id: s for s in seeded}
    customs = registry.authenticate(by_id["gacc-guangdong"].api_key)
    alipay = registry.authenticate(by_id["alipay"].api_key)
    assert customs is not None
    assert alipay is not None
    assert may(customs, Action.DECIDE)
    assert not may(alipay, Action.FILE_INVENTORY)
    assert may(alipay, Action.FILE_PAYMENT)


def test_seed_uses_the_demo_generators_codes(registry: PartyRegistry) -> None:
    seed_parties(registry)
    named = [demo.SF, demo.ALIPAY, *demo.BROKERS, *(p.party for p in demo.PLATFORMS)]
    named += [store for p in demo.PLATFORMS for store in p.stores]
    for party in named:
        found = registry.find(Scheme.CUSTOMS, party.code)
        assert found is not None, party.code
        assert found.name_zh == party.name
        uscc = found.identifier(Scheme.USCC)
        assert uscc is not None
        assert uscc.value == demo_uscc(party.code)
        assert uscc_problems(uscc.value) == []
    # a party recognised on both sides: Hong Kong BR and mainland customs code
    hzmb = registry.find(Scheme.HK_BR, "31000003")
    assert hzmb is not None
    assert registry.find(Scheme.CUSTOMS, "4404DM2101") == hzmb
    assert hzmb.jurisdictions == ("CN", "HK")


def test_seeding_twice_keeps_parties_and_replaces_keys(registry: PartyRegistry) -> None:
    first = seed_parties(registry)
    second = seed_parties(registry)
    assert [s.party for s in first] == [s.party for s in second]
    assert registry.authenticate(first[0].api_key) is None
    assert registry.authenticate(second[0].api_key) is not None


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


def test_cli_add_show_and_key_lifecycle(
    cli: argparse.ArgumentParser, registry: PartyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            cli,
            "parties",
            "add",
            "--id",
            "hk-goods",
            "--name-en",
            "HK Goods Ltd",
            "--role",
            "ecommerce_enterprise",
            "--hk-br",
            "31000002",
            "--city",
            "hong-kong",
        )
        == 0
    )
    assert registry.party("hk-goods").jurisdictions == ("HK",)
    assert (
        run(
            cli,
            "parties",
            "add",
            "--id",
            "x2",
            "--name-en",
            "X",
            "--role",
            "broker",
            "--hk-br",
            "31000002",
        )
        == 1
    )
    assert "party.identifier.taken" in capsys.readouterr().out

    assert (
        run(cli, "parties", "key", "issue", "hk.br:31000002", "--label", "erp", "--no-expiry") == 0
    )
    api_key = capsys.readouterr().out.split()[-1]
    principal = registry.authenticate(api_key)
    assert principal is not None
    assert principal.party_id == "hk-goods"

    assert run(cli, "parties", "key", "rotate", principal.credential_id) == 0
    rotated = capsys.readouterr().out.split()[-1]
    assert registry.authenticate(api_key) is None
    assert registry.authenticate(rotated) is not None

    assert run(cli, "parties", "key", "revoke", principal.credential_id) == 0
    assert registry.authenticate(rotated) is None
    assert run(cli, "parties", "show", "hk-goods") == 0
    assert "revoked" in capsys.readouterr().out
    assert run(cli, "parties", "list") == 0
    assert "hk-goods" in capsys.readouterr().out
    assert run(cli, "parties", "show", "cn.customs:4403DM9999") == 1
    assert "party.not_found" in capsys.readouterr().out


def test_cli_reports_every_violation(
    cli: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cli, "parties", "add", "--role", "wizard", "--uscc", "91350100M000100Y44") == 1
    out = capsys.readouterr().out
    for code in ("party.name.missing", "party.role.invalid", "party.identifier.invalid.check"):
        assert code in out


def test_cli_seed_prints_whole_keys(
    cli: argparse.ArgumentParser, registry: PartyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cli, "parties", "seed") == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert lines.pop() == f"{len(commissioned_pairs())} demo commissions registered"
    assert len(lines) == len(SEED)
    party_id, api_key = lines[0].split()[:2]
    principal = registry.authenticate(api_key)
    assert principal is not None
    assert principal.party_id == party_id == "tmall-global"


def test_cli_with_a_short_pepper_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWINDOW_CREDENTIAL_PEPPER", "too-short")
    parser = argparse.ArgumentParser(prog="tradewindow")
    register(parser.add_subparsers())
    assert run(parser, "parties", "list") == 2
    assert "TRADEWINDOW_CREDENTIAL_PEPPER must be at least 16 characters" in capsys.readouterr().out


def test_cli_without_a_pepper_keeps_one_in_the_data_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TRADEWINDOW_CREDENTIAL_PEPPER", raising=False)
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    parser = argparse.ArgumentParser(prog="tradewindow")
    register(parser.add_subparsers())
    assert run(parser, "parties", "list") == 0
    pepper = tmp_path / "var" / "credential-pepper"
    assert len(pepper.read_text().strip()) == 64
    assert pepper.stat().st_mode & 0o777 == 0o600
