"""Quota and tax of a CBEC inventory list (CEB621): pure functions over Decimal.

The formula, written once (财关税〔2016〕18号, 二 and 三; 财关税〔2018〕49号, 二):

- transaction value = Σ line totalPrice + freight + insuredFee (CEB import amounts are CNY);
- freight and insurance are allocated to the lines in proportion to totalPrice, each share
  rounded to the fen and the remainder put on the largest line; a line's customs value
  (taxPrice, 完税价格) is its totalPrice plus its share;
- tariff = customs value × tariff rate (0 within the limits, the MFN rate at full tax);
- statutory consumption tax = (customs value + tariff) / (1 − rate) × rate;
- statutory VAT = (customs value + tariff + statutory consumption tax) × VAT rate;
- payable consumption tax and VAT = statutory amount × factor (0.7 within the limits, 1 at
  full tax).

Rounding to the fen (ROUND_HALF_UP) happens at named points only: each allocated share, each
line's tariff, consumption tax and VAT (after the factor). Head totals are sums of the rounded
lines. Violation paths are relative to the ``Inventory`` element (``InventoryList[2]/gcode``).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Protocol

import msgspec

from tradewindow.cbec.documents import Inventory, InventoryItem, parse_day
from tradewindow.cbec.receipts import TaxBill, TaxHeadRd, TaxListRd, return_time
from tradewindow.cbec.retail_policy import (
    CbecPolicy,
    clears_at_full_tax,
    exceeds_annual_limit,
    exceeds_transaction_limit,
)
from tradewindow.cbec.rules.limits import transaction_limit_violation
from tradewindow.reference.tariff import ConsumptionTaxBasis, LineRates
from tradewindow.violations import Violation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
TAX_BILL_ISSUED = "1"  # CEB816 税单状态 1-已生成
_ARITHMETIC = Context(prec=34)  # independent of the caller's decimal context
_TAX_BILL_GUIDS = uuid.UUID("6f1c1e4a-5b7e-4c53-9a38-0ceb81600000")


class Outcome(enum.StrEnum):
    WITHIN_LIMITS = "within_limits"  # tariff 0, VAT and consumption tax at 70%
    FULL_TAX_SINGLE_ITEM = "full_tax_single_item"  # one item over the limit: full general tax
    REFUSED = "refused"  # see the violations; nothing is payable


class RateTable(Protocol):
    def rates_for(self, gcode: str, on: date) -> LineRates | None: ...


class LineTax(msgspec.Struct, frozen=True, kw_only=True):
    gnum: int
    gcode: str
    tax_price: Decimal  # 完税价格: totalPrice + its share of freight and insurance
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal


class Assessment(msgspec.Struct, frozen=True, kw_only=True):
    outcome: Outcome
    violations: tuple[Violation, ...] = ()
    lines: tuple[LineTax, ...] = ()  # empty when refused
    customs_tax: Decimal = ZERO
    value_added_tax: Decimal = ZERO
    consumption_tax: Decimal = ZERO
    transaction_value: Decimal
    quota_amount: Decimal  # counts toward the buyer's annual total once released
    policy: str  # the notice applied, e.g. 财关税〔2018〕49号

    @property
    def total_tax(self) -> Decimal:
        return self.customs_tax + self.value_added_tax + self.consumption_tax


def to_fen(amount: Decimal) -> Decimal:
    """The named rounding point: to 0.01 CNY, half up."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def transaction_value(inventory: Inventory) -> Decimal:
    """实际交易价格: goods retail prices plus freight and insurance (财关税〔2016〕18号, 二)."""
    head = inventory.head
    goods = sum((item.total_price for item in inventory.items), Decimal(0))
    return goods + head.freight + head.insured_fee


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` split in proportion to ``weights``, each share rounded to the fen, the rounding
    remainder put on the largest weight (the first of equal ones): the shares sum to ``amount``.
    """
    if not weights:
        return []
    total = sum(weights, Decimal(0))
    largest = max(range(len(weights)), key=lambda index: weights[index])
    shares = _shares(amount, weights, total, ROUND_HALF_UP)
    if shares[largest] + amount - sum(shares) < 0:
        # Only a few fen spread over many lines can round up past the largest share; rounding
        # every share down instead leaves a remainder that is never negative.
        shares = _shares(amount, weights, total, ROUND_DOWN)
    shares[largest] += amount - sum(shares)
    return shares


def _shares(amount: Decimal, weights: Sequence[Decimal], total: Decimal, how: str) -> list[Decimal]:
    if not total:
        return [ZERO for _ in weights]
    return [(amount * weight / total).quantize(FEN, rounding=how) for weight in weights]


def consumption_tax_applies(rates: LineRates, tax_price: Decimal, qty: Decimal) -> bool:
    """Ad valorem consumption tax applies to the line: always, or for goods with a price
    threshold (high-end watches: CNY 10,000 or more per watch) when the customs value per unit
    reaches it. The customs value stands in for the regulation's price net of VAT."""
    if rates.consumption_tax_basis is not ConsumptionTaxBasis.AD_VALOREM:
        return False
    threshold = rates.consumption_tax_threshold
    per_unit = tax_price / qty if qty > 0 else tax_price
    return threshold is None or per_unit >= threshold


def line_tax(
    item: InventoryItem,
    tax_price: Decimal,
    rates: LineRates,
    *,
    tariff_rate: Decimal,
    factor: Decimal,
) -> LineTax:
    """The tariff, consumption tax and VAT of one line (the formula in the module docstring)."""
    customs_tax = to_fen(tax_price * tariff_rate)
    ct_rate = (
        rates.consumption_tax_rate
        if consumption_tax_applies(rates, tax_price, item.qty)
        else Decimal(0)
    )
    statutory_ct = (tax_price + customs_tax) / (1 - ct_rate) * ct_rate
    statutory_vat = (tax_price + customs_tax + statutory_ct) * rates.vat_rate
    return LineTax(
        gnum=item.gnum,
        gcode=item.gcode,
        tax_price=tax_price,
        customs_tax=customs_tax,
        value_added_tax=to_fen(statutory_vat * factor),
        consumption_tax=to_fen(statutory_ct * factor),
    )


def assess(
    inventory: Inventory,
    *,
    rates: RateTable,
    policy: CbecPolicy,
    buyer_year_total: Decimal,
    on: date | None = None,
) -> Assessment:
    """Quota check and tax of one inventory list under ``policy``.

    Rates are those in force on ``on``, by default the list's declaration day (declTime, the
    day customs accepted it). Every violation is reported at once; any violation refuses the
    list and nothing is payable. ``quota_amount`` is always the transaction value.
    """
    with localcontext(_ARITHMETIC):
        return _assess(inventory, rates, policy, buyer_year_total, on)


def _assess(
    inventory: Inventory,
    rates: RateTable,
    policy: CbecPolicy,
    buyer_year_total: Decimal,
    on: date | None,
) -> Assessment:
    value = transaction_value(inventory)
    day = on or parse_day(inventory.head.decl_time)
    if day is None:
        return _refused([_bad_day(inventory.head.decl_time)], value, policy)
    full_tax = clears_at_full_tax(policy, inventory.items, value)
    violations = _quota_violations(inventory, policy, buyer_year_total, value, full_tax)
    line_rates = [rates.rates_for(item.gcode, day) for item in inventory.items]
    for index, (item, found) in enumerate(zip(inventory.items, line_rates, strict=True), 1):
        violations.extend(_rate_violations(index, item, found, day, full_tax=full_tax))
    rated = [found for found in line_rates if found is not None]
    if violations or len(rated) != len(inventory.items):
        return _refused(violations, value, policy)

    head = inventory.head
    shares = allocate(head.freight + head.insured_fee, [i.total_price for i in inventory.items])
    lines = [
        line_tax(item, item.total_price + share, found, **_terms(policy, found, full_tax))
        for item, share, found in zip(inventory.items, shares, rated, strict=True)
    ]
    return Assessment(
        outcome=Outcome.FULL_TAX_SINGLE_ITEM if full_tax else Outcome.WITHIN_LIMITS,
        lines=tuple(lines),
        customs_tax=sum((line.customs_tax for line in lines), ZERO),
        value_added_tax=sum((line.value_added_tax for line in lines), ZERO),
        consumption_tax=sum((line.consumption_tax for line in lines), ZERO),
        transaction_value=value,
        quota_amount=value,
        policy=policy.source,
    )


def _terms(policy: CbecPolicy, rates: LineRates, full_tax: bool) -> dict[str, Decimal]:
    """Tariff rate and tax factor: the policy's within the limits, MFN and 1 at full tax."""
    if full_tax and rates.mfn_rate is not None:  # a missing MFN rate was refused already
        return {"tariff_rate": rates.mfn_rate, "factor": Decimal(1)}
    return {"tariff_rate": policy.tariff_rate_within_limits, "factor": policy.domestic_tax_factor}


def _refused(violations: list[Violation], value: Decimal, policy: CbecPolicy) -> Assessment:
    return Assessment(
        outcome=Outcome.REFUSED,
        violations=tuple(violations),
        transaction_value=value,
        quota_amount=value,
        policy=policy.source,
    )


def _show(amount: Decimal) -> str:
    return f"{amount:.2f}" if amount == amount.quantize(FEN) else str(amount)


def _quota_violations(
    inventory: Inventory,
    policy: CbecPolicy,
    buyer_year_total: Decimal,
    value: Decimal,
    full_tax: bool,
) -> list[Violation]:
    violations = []
    if exceeds_transaction_limit(policy, value) and not full_tax:
        violations.append(transaction_limit_violation(policy, value, "InventoryHead", "CEB621"))
    if exceeds_annual_limit(policy, buyer_year_total, value):
        violations.append(
            Violation(
                path="InventoryHead/buyerIdNumber",
                code="CEB621.quota.annual_limit",
                en=f"the buyer has already used CNY {_show(buyer_year_total)} this year; this "
                f"purchase of CNY {_show(value)} would exceed the annual limit of "
                f"CNY {_show(policy.annual_limit)} ({policy.source})",
                zh=f"清单中购买人已用购买额度为[{_show(buyer_year_total)}]，本次购买[{_show(value)}]"
                f"将超过年度限额[{_show(policy.annual_limit)}]（{policy.source}）",
            )
        )
    return violations


def _rate_violations(
    index: int, item: InventoryItem, rates: LineRates | None, day: date, *, full_tax: bool
) -> list[Violation]:
    path = f"InventoryList[{index}]/gcode"
    code = item.gcode
    if rates is None:
        return [
            Violation(
                path=path,
                code="CEB621.tax.no_rate",
                en=f"no import tax rate is known for commodity code {code} on {day.isoformat()}",
                zh=f"商品编码[{code}]在[{day.isoformat()}]无可用的进口税率",
            )
        ]
    violations = []
    if full_tax and rates.mfn_rate is None:
        violations.append(
            Violation(
                path=path,
                code="CEB621.tax.no_rate",
                en=f"no MFN tariff rate is known for commodity code {code}, needed to tax a "
                "single item over the per-transaction limit in full",
                zh=f"商品编码[{code}]无最惠国关税税率，无法对超过单次限值的单件商品全额征税",
            )
        )
    if rates.consumption_tax_basis is ConsumptionTaxBasis.SPECIFIC:
        violations.append(
            Violation(
                path=path,
                code="CEB621.tax.specific_rate",
                en=f"the consumption tax on commodity code {code} ({rates.consumption_tax_group}) "
                "has a per-quantity component; the list needs manual assessment",
                zh=f"商品编码[{code}]的消费税含从量计征部分，需人工审核计税",
            )
        )
    if rates.consumption_tax_basis is ConsumptionTaxBasis.CONDITIONAL:
        violations.append(
            Violation(
                path=path,
                code="CEB621.tax.conditional_rate",
                en=f"the consumption tax on commodity code {code} ({rates.consumption_tax_group}) "
                f"depends on facts the list does not carry ({rates.note}); "
                "the list needs manual assessment",
                zh=f"商品编码[{code}]的消费税取决于清单未申报的商品属性，需人工审核计税",
            )
        )
    return violations


def _bad_day(text: str) -> Violation:
    return Violation(
        path="InventoryHead/declTime",
        code="CEB621.declTime.invalid",
        en=f"the declaration day {text!r} is not a real day (yyyyMMdd)",
        zh=f"申报日期[{text}]不是有效日期（格式YYYYMMDD）",
    )


def tax_bill(
    assessment: Assessment,
    inventory: Inventory,
    *,
    tax_no: str,
    invt_no: str,
    at: datetime,
    guid: str | None = None,
) -> TaxBill:
    """The CEB816 electronic tax bill of an assessed list, status 1 (issued).

    ``guid`` defaults to one derived from ``tax_no``, so the same bill always gets the same
    guid. Refused assessments have no tax bill (ValueError).
    """
    if assessment.outcome is Outcome.REFUSED:
        raise ValueError("a refused list has no tax bill")
    head = inventory.head
    return TaxBill(
        head=TaxHeadRd(
            guid=guid or str(uuid.uuid5(_TAX_BILL_GUIDS, tax_no)).upper(),
            return_time=return_time(at),
            invt_no=invt_no,
            tax_no=tax_no,
            customs_tax=assessment.customs_tax,
            value_added_tax=assessment.value_added_tax,
            consumption_tax=assessment.consumption_tax,
            status=TAX_BILL_ISSUED,
            assure_code=head.assure_code,
            ebc_code=head.ebc_code,
            logistics_code=head.logistics_code,
            agent_code=head.agent_code,
            customs_code=head.customs_code,
        ),
        items=[
            TaxListRd(
                gnum=line.gnum,
                gcode=line.gcode,
                tax_price=line.tax_price,
                customs_tax=line.customs_tax,
                value_added_tax=line.value_added_tax,
                consumption_tax=line.consumption_tax,
            )
            for line in assessment.lines
        ],
    )
