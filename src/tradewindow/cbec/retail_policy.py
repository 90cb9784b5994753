"""China's CBEC retail import tax policy, dated: the limits and how goods within them are taxed.

Two editions are in force one after the other:

- 财关税〔2016〕18号 《关于跨境电子商务零售进口税收政策的通知》, from 2016-04-08;
- 财关税〔2018〕49号 《关于完善跨境电子商务零售进口税收政策的通知》, from 2019-01-01.

Each rule below is a small named unit quoting the article it implements. Amounts are CNY.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

import msgspec


class CbecPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """One edition of the CBEC retail import tax policy."""

    source: str  # the notice that sets it, e.g. "财关税〔2018〕49号"
    effective_from: date
    transaction_limit: Decimal  # 单次交易限值
    annual_limit: Decimal  # 个人年度交易限值
    tariff_rate_within_limits: Decimal  # 关税税率暂设为0%
    domestic_tax_factor: Decimal  # VAT and consumption tax: 法定应纳税额的70%
    single_item_full_tax: bool  # a single indivisible item over the limit may clear at full tax


POLICY_2016 = CbecPolicy(
    source="财关税〔2016〕18号",
    effective_from=date(2016, 4, 8),
    transaction_limit=Decimal("2000"),
    annual_limit=Decimal("20000"),
    tariff_rate_within_limits=Decimal(0),
    domestic_tax_factor=Decimal("0.7"),
    single_item_full_tax=False,
)
"""财关税〔2016〕18号, 三: "跨境电子商务零售进口商品的单次交易限值为人民币2000元，个人年度
交易限值为人民币20000元。在限值以内进口的跨境电子商务零售进口商品，关税税率暂设为0%；
进口环节增值税、消费税取消免征税额，暂按法定应纳税额的70%征收。超过单次限值、累加后超过
个人年度限值的单次交易，以及完税价格超过2000元限值的单个不可分割商品，均按照一般贸易方式
全额征税。" — so nothing over a limit clears through the CBEC channel."""

POLICY_2019 = CbecPolicy(
    source="财关税〔2018〕49号",
    effective_from=date(2019, 1, 1),
    transaction_limit=Decimal("5000"),
    annual_limit=Decimal("26000"),
    tariff_rate_within_limits=Decimal(0),
    domestic_tax_factor=Decimal("0.7"),
    single_item_full_tax=True,
)
"""财关税〔2018〕49号, 一: "将跨境电子商务零售进口商品的单次交易限值由人民币2000元提高至
5000元，年度交易限值由人民币20000元提高至26000元。" 二: "完税价格超过5000元单次交易限值但
低于26000元年度交易限值，且订单下仅一件商品时，可以自跨境电商零售渠道进口，按照货物税率
全额征收关税和进口环节增值税、消费税，交易额计入年度交易总额，但年度交易总额超过年度交易
限值的，应按一般贸易管理。" Taxation within the limits is unchanged from 财关税〔2016〕18号
(tariff 0, VAT and consumption tax at 70%)."""

EDITIONS: tuple[CbecPolicy, ...] = (POLICY_2016, POLICY_2019)


def policy_on(day: date) -> CbecPolicy | None:
    """The edition in force on ``day`` (the list's declaration day), or None before 2016-04-08."""
    in_force = [edition for edition in EDITIONS if edition.effective_from <= day]
    return max(in_force, key=lambda edition: edition.effective_from) if in_force else None


def exceeds_transaction_limit(policy: CbecPolicy, transaction_value: Decimal) -> bool:
    """单次交易限值: the transaction value (goods, freight and insurance — 财关税〔2016〕18号, 二:
    "以实际交易价格（包括货物零售价格、运费和保险费）作为完税价格") is over the per-transaction
    limit. The limit itself is within it."""
    return transaction_value > policy.transaction_limit


def exceeds_annual_limit(
    policy: CbecPolicy, buyer_year_total: Decimal, transaction_value: Decimal
) -> bool:
    """个人年度交易限值: the buyer's total this year, this transaction included, is over the
    annual limit ("累加后超过个人年度限值的单次交易"). Reaching the limit exactly is within it."""
    return buyer_year_total + transaction_value > policy.annual_limit


class Line(Protocol):
    @property
    def qty(self) -> Decimal: ...


def is_single_indivisible_item(lines: Sequence[Line]) -> bool:
    """单个不可分割商品 / "订单下仅一件商品": the list has exactly one line, of quantity one."""
    return len(lines) == 1 and lines[0].qty == 1


def clears_at_full_tax(
    policy: CbecPolicy,
    lines: Sequence[Line],
    transaction_value: Decimal,
) -> bool:
    """财关税〔2018〕49号, 二: one indivisible item over the per-transaction limit may still clear
    through the CBEC channel, at the full general-trade tariff, VAT and consumption tax; the
    annual limit is checked on its own (:func:`exceeds_annual_limit`). Not under the 2016
    edition, which sends such items to general trade."""
    return (
        policy.single_item_full_tax
        and exceeds_transaction_limit(policy, transaction_value)
        and is_single_indivisible_item(lines)
    )


def over_transaction_limit(
    policy: CbecPolicy, lines: Sequence[Line], transaction_value: Decimal
) -> bool:
    """The transaction cannot clear through the CBEC channel for its value alone, whatever
    the buyer bought before: over the per-transaction limit and not the single indivisible
    item that 财关税〔2018〕49号, 二 lets clear at full tax — which itself must stay within
    the annual limit ("完税价格超过5000元单次交易限值但低于26000元年度交易限值")."""
    if not exceeds_transaction_limit(policy, transaction_value):
        return False
    single_item = clears_at_full_tax(policy, lines, transaction_value)
    return not single_item or exceeds_annual_limit(policy, Decimal(0), transaction_value)
