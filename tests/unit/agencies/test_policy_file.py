"""Loading the data-sharing policy: the shipped file, and every mistake caught at load time."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from tradewindow.agencies.policy_file import load_policy, policy_from_text, shipped_policy
from tradewindow.agencies.sharing_policy import Operator, PolicyInvalid, parse_policy

MINIMAL = """
policy_version = "t1"
effective_from = 2026-03-01

[lists]
food = ["19", "2106"]

[agencies.customs]
name_en = "Customs"
name_zh = "海关"
route_when = "always"

[agencies.customs.receives.inventory]
InventoryHead = ["orderNo", "buyerName"]
"InventoryList/*" = ["gcode"]
"""


def codes(error: PolicyInvalid) -> list[tuple[str, str]]:
    return [(v.path, v.code) for v in error.violations]


def test_the_shipped_policy_loads_with_its_version_and_date() -> None:
    policy = shipped_policy()
    assert policy.version == "2026.2"  # 2026.2: CBEC export grants and routing (issue 13)
    assert policy.effective_from == date(2026, 3, 1)
    assert list(policy.agencies) == [
        "customs", "inspection_quarantine", "border_control", "taxation", "foreign_exchange",
        "commerce",
    ]  # fmt: skip
    assert policy.agencies["inspection_quarantine"].name_zh == "检验检疫"


def test_the_shipped_file_reads_the_same_from_a_path(tmp_path: Path) -> None:
    text = resources.files("tradewindow.agencies").joinpath("policy.toml").read_text("utf-8")
    (tmp_path / "policy.toml").write_text(text, "utf-8")
    assert load_policy(tmp_path / "policy.toml") == shipped_policy()


def test_a_minimal_policy() -> None:
    policy = policy_from_text(MINIMAL)
    customs = policy.agencies["customs"]
    assert customs.grants == {
        "inventory": frozenset(
            {"InventoryHead/orderNo", "InventoryHead/buyerName", "InventoryList/*/gcode"}
        )
    }
    assert customs.always
    assert customs.decides
    assert policy.personal_data == frozenset()


def test_an_agency_added_by_configuration() -> None:
    text = (
        MINIMAL
        + """
[agencies.market_supervision]
name_en = "Market Supervision"
name_zh = "市场监管"

[[agencies.market_supervision.route_when]]
"InventoryList/*/gcode" = { prefix_in = "food" }
"OrderHead/acturalPaid" = { over = "1000" }

[agencies.market_supervision.receives.order]
"OrderList/*" = ["itemName", "barCode"]
"""
    )
    agency = policy_from_text(text).agencies["market_supervision"]
    (rule,) = agency.rules
    assert [(c.path, c.kind, c.operator) for c in rule.conditions] == [
        ("InventoryList/*/gcode", "inventory", Operator.PREFIX_IN),
        ("OrderHead/acturalPaid", "order", Operator.OVER),
    ]
    assert rule.conditions[0].values == ("19", "2106")
    assert rule.conditions[1].amount == Decimal(1000)
    assert not agency.always


@pytest.mark.parametrize(
    ("edit", "path", "code"),
    [
        # a typo, a wrong case and a wrong container must not silently deny or grant
        (("orderNo", "ordrNo"), "agencies.customs.receives.inventory.InventoryHead[1]",
         "policy.path.unknown"),
        (("buyerName", "BuyerName"), "agencies.customs.receives.inventory.InventoryHead[2]",
         "policy.path.unknown"),
        (('"InventoryList/*" = ["gcode"]', '"OrderList/*" = ["gcode"]'),
         "agencies.customs.receives.inventory.OrderList/*[1]", "policy.path.unknown"),
        # a whole line (or head) cannot be granted, only its fields
        (('"InventoryList/*" = ["gcode"]', 'InventoryList = ["*"]'),
         "agencies.customs.receives.inventory.InventoryList[1]", "policy.path.unknown"),
        (("receives.inventory]", "receives.invoice]"), "agencies.customs.receives.invoice",
         "policy.kind.unknown"),
        (('route_when = "always"', 'route_when = "sometimes"'), "agencies.customs.route_when",
         "policy.route_when.invalid"),
        (('policy_version = "t1"', ""), "policy_version", "policy.version.missing"),
        (("effective_from = 2026-03-01", 'effective_from = "soon"'), "effective_from",
         "policy.effective_from.invalid"),
        (('name_zh = "海关"', 'name_zh = "海关"\nscope = "all"'), "agencies.customs.scope",
         "policy.key.unknown"),
        (('food = ["19", "2106"]', 'food = ["19", "21x"]'), "lists.food", "policy.list.invalid"),
    ],
)  # fmt: skip
def test_a_mistake_is_refused_at_load(edit: tuple[str, str], path: str, code: str) -> None:
    text = MINIMAL.replace(*edit)
    assert text != MINIMAL
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(text)
    assert (path, code) in codes(refused.value)


def test_routing_mistakes_are_refused() -> None:
    text = (
        MINIMAL
        + """
[agencies.border_control]
name_en = "Border Control"
name_zh = "边检"

[[agencies.border_control.route_when]]
"InventoryHead/trafMod" = { in = ["4"] }

[[agencies.border_control.route_when]]
"InventoryHead/trafMode" = { equals = "4" }

[[agencies.border_control.route_when]]
"PaymentHead/amountPaid" = { over = 3000.5 }

[[agencies.border_control.route_when]]
"InventoryList/*/gcode" = { prefix_in = "cosmetics" }
"""
    )
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(text)
    assert codes(refused.value) == [
        ('agencies.border_control.route_when[1]."InventoryHead/trafMod"', "policy.path.unknown"),
        ('agencies.border_control.route_when[2]."InventoryHead/trafMode"',
         "policy.condition.operator"),
        ('agencies.border_control.route_when[3]."PaymentHead/amountPaid"',
         "policy.condition.amount"),
        ('agencies.border_control.route_when[4]."InventoryList/*/gcode"', "policy.list.unknown"),
    ]  # fmt: skip


def test_an_agency_cut_to_some_lines_may_receive_nothing_else() -> None:
    text = (
        MINIMAL
        + """
[agencies.inspection_quarantine]
name_en = "I&Q"
name_zh = "检验检疫"

[agencies.inspection_quarantine.only_lines]
"InventoryList/*/gcode" = { prefix_in = "food" }

[agencies.inspection_quarantine.receives.inventory]
"InventoryList/*" = ["gcode"]

[agencies.inspection_quarantine.receives.order]
"OrderList/*" = ["itemName"]
"""
    )
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(text)
    assert codes(refused.value) == [
        ("agencies.inspection_quarantine.receives", "policy.only_lines.other_kind")
    ]


def test_a_policy_where_nobody_always_decides_is_refused() -> None:
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(MINIMAL.replace('route_when = "always"\n', ""))
    assert codes(refused.value) == [("agencies", "policy.routing.no_always")]


def test_every_mistake_is_reported_at_once() -> None:
    text = MINIMAL.replace("orderNo", "ordrNo").replace("buyerName", "buyerNam")
    text = text.replace('policy_version = "t1"', "")
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(text)
    assert [code for _, code in codes(refused.value)] == [
        "policy.version.missing", "policy.path.unknown", "policy.path.unknown",
    ]  # fmt: skip
    assert all(v.en and v.zh for v in refused.value.violations)


def test_a_personal_data_path_is_checked_too() -> None:
    text = MINIMAL + '\n[personal_data]\nInventoryHead = ["buyerNme"]\n'
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(text)
    assert codes(refused.value) == [("personal_data.InventoryHead[1]", "policy.path.unknown")]


def test_bad_toml_is_a_coded_refusal() -> None:
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text("policy_version = ")
    assert codes(refused.value) == [("", "policy.toml.invalid")]


def test_parse_policy_takes_the_table() -> None:
    assert parse_policy(tomllib.loads(MINIMAL)) == policy_from_text(MINIMAL)
