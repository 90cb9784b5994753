"""Registering a party: every violation at once; several jurisdictions on one party."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tradewindow.parties.errors import InvalidParty
from tradewindow.parties.identifiers import Identifier, Scheme
from tradewindow.parties.model import RegisterParty, prepare_party
from tradewindow.parties.principal import PartyKind

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_one_party_with_identifiers_of_three_jurisdictions() -> None:
    party = prepare_party(
        RegisterParty(
            name_zh="港珠澳跨境运输有限公司",
            name_en="HZMB Cross-border Transport Company Limited",
            kind="enterprise",
            roles=("logistics_firm", "carrier", "carrier"),
            identifiers=(
                ("hk.br", "31000003-000"),
                ("cn.customs", "4404dm2101"),
                ("cn.uscc", "914403001922038216"),
                ("mo.cr", "81001 (SO)"),
            ),
        ),
        "hzmb",
        NOW,
    )
    assert party.jurisdictions == ("CN", "HK", "MO")
    assert party.roles == ("carrier", "logistics_firm")
    assert party.identifier(Scheme.HK_BR) == Identifier(Scheme.HK_BR, "31000003")
    assert party.identifier(Scheme.CUSTOMS) == Identifier(Scheme.CUSTOMS, "4404DM2101")
    assert party.identifier(Scheme.MO_CR) == Identifier(Scheme.MO_CR, "81001")
    assert party.kind is PartyKind.ENTERPRISE
    assert party.agency is None
    assert party.active


def test_every_violation_is_reported_together() -> None:
    with pytest.raises(InvalidParty) as refused:
        prepare_party(
            RegisterParty(
                name_zh=" ",
                name_en="",
                kind="enterprise",
                roles=("payment_firm", "customs", "wizard"),
                identifiers=(
                    ("cn.uscc", "91350100M000100Y44"),
                    ("hk.br", "1234"),
                    ("cn.customs", "4403DM2001"),
                    ("cn.customs", "4403dm2001"),
                ),
                jurisdictions=("TW",),
            ),
            "Bad Id",
            NOW,
        )
    found = [(v.path, v.code) for v in refused.value.violations]
    assert found == [
        ("id", "party.id.invalid"),
        ("name", "party.name.missing"),
        ("roles[2]", "party.role.invalid"),
        ("roles[3]", "party.role.invalid"),
        ("identifiers[1]/value", "party.identifier.invalid.check"),
        ("identifiers[2]/value", "party.identifier.invalid.format"),
        ("identifiers[4]", "party.identifier.duplicate"),
        ("jurisdictions[1]", "party.jurisdiction.invalid"),
    ]
    assert refused.value.code == "party.invalid"
    assert all(v.zh for v in refused.value.violations)


def test_an_agency_holds_exactly_one_agency_code() -> None:
    def agency(*roles: str) -> RegisterParty:
        return RegisterParty(
            name_zh="海关", name_en="Customs", kind="agency", roles=roles, jurisdictions=("CN",)
        )

    assert prepare_party(agency("customs"), "customs", NOW).agency == "customs"
    assert prepare_party(agency("maritime"), "msa", NOW, agencies={"maritime"}).agency == "maritime"
    for roles in [("maritime",), ("customs", "taxation"), ("broker",), ()]:
        with pytest.raises(InvalidParty) as refused:
            prepare_party(agency(*roles), "a1", NOW)
        assert [v.code for v in refused.value.violations] == ["party.role.invalid"]


def test_an_enterprise_needs_an_identifier_and_a_jurisdiction() -> None:
    with pytest.raises(InvalidParty) as refused:
        prepare_party(
            RegisterParty(name_zh="某公司", name_en="", kind="enterprise", roles=("broker",)),
            "some-firm",
            NOW,
        )
    assert [v.code for v in refused.value.violations] == [
        "party.identifier.missing",
        "party.jurisdiction.missing",
    ]


def test_unknown_kind() -> None:
    with pytest.raises(InvalidParty) as refused:
        prepare_party(
            RegisterParty(name_zh="x", name_en="x", kind="person", roles=("broker",)), "x1", NOW
        )
    assert "party.kind.invalid" in [v.code for v in refused.value.violations]
