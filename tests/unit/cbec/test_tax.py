"""Quota and tax of CBEC inventory lists, with every figure worked out by hand in the comments.

Within the limits: tariff 0, VAT and consumption tax (CT) at 70% of the statutory amounts:
    CT  = (base + tariff) / (1 − ct) × ct           VAT = (base + tariff + CT) × vat
each rounded to the fen after the 0.7 factor. ``base`` (taxPrice) = totalPrice + the line's
share of freight and insurance.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.cbec.documents import Inventory, InventoryHead, InventoryItem, parse_day
from tradewindow.cbec.receipts import TaxBill
from tradewindow.cbec.retail_policy import POLICY_2016, POLICY_2019, policy_on
from tradewindow.cbec.tax import Assessment, Outcome, allocate, assess, tax_bill
from tradewindow.reference.hs import hs_entry
from tradewindow.reference.tariff import (
    DEFAULT_PREFIX,
    ConsumptionTaxBasis,
    TariffRates,
    parse_row,
    shipped_rows,
)

SHIPPED = TariffRates()
TODAY = "20250301"

SKINCARE = "3304990099"  # 330499 skin care: VAT 13%, CT 15% (high-end cosmetics)
FORMULA = "1901101000"  # 190110 infant formula: VAT 13%, no CT
BOOKS = "4901990000"  # 4901 printed books: VAT 9%
WINE = "2204210000"  # 220421 still wine ≤ 2 l: MFN 14%, VAT 13%, CT 10%
MILK_POWDER = "0402210000"  # 040221 whole milk powder: VAT 13%
WATCH = "9102110000"  # 9102 watches: CT 20% only at CNY 10,000 or more per watch
GOLF_BALLS = "9506320000"  # 950632 golf balls: CT 10%
BEER = "2203000000"  # 2203 beer: specific CT only
CAR = "8703231000"  # 8703 cars: CT by displacement
LIVE_HORSE = "0101210000"  # chapter 01 is deliberately unrated


def inventory(
    *lines: tuple[str, str, str],
    freight: str = "0",
    insured_fee: str = "0",
    day: str = TODAY,
) -> Inventory:
    """A CEB621 list of (gcode, qty, totalPrice) lines declared on ``day``."""
    head = InventoryHead(
        guid="4CF2A6D4-0E5B-4F19-9A3E-6C1B2D3E4F50",
        app_type="1",
        app_time=f"{day}120000",
        app_status="2",
        order_no="ORD-1",
        ebp_code="4403960001",
        ebp_name="platform",
        ebc_code="4403960002",
        ebc_name="shop",
        logistics_no="LN-1",
        logistics_code="4403960003",
        logistics_name="carrier",
        assure_code="4403960004",
        ie_flag="I",
        decl_time=day,
        customs_code="5165",
        port_code="5165",
        buyer_id_type="1",
        buyer_id_number="440301199001011234",
        buyer_name="buyer",
        buyer_telephone="13800000000",
        consignee_address="Shenzhen",
        agent_code="4403960005",
        agent_name="broker",
        trade_mode="9610",
        traf_mode="4",
        country="116",
        freight=D(freight),
        insured_fee=D(insured_fee),
        currency="142",
        pack_no=1,
        gross_weight=D("1.5"),
        net_weight=D("1.2"),
    )
    items = [
        InventoryItem(
            gnum=number,
            gcode=gcode,
            gname="goods",
            gmodel="model",
            country="116",
            currency="142",
            qty=D(qty),
            unit="011",
            qty1=D(qty),
            unit1="011",
            price=D(total) / D(qty),
            total_price=D(total),
        )
        for number, (gcode, qty, total) in enumerate(lines, 1)
    ]
    return Inventory(head=head, items=items)


def assess_today(inv: Inventory, year_total: str = "0", rates: TariffRates = SHIPPED) -> Assessment:
    day = parse_day(inv.head.decl_time)
    assert day is not None
    policy = policy_on(day)
    assert policy is not None
    return assess(inv, rates=rates, policy=policy, buyer_year_total=D(year_total))


def codes(assessment: Assessment) -> list[str]:
    return [v.code for v in assessment.violations]


# --- within the limits: tariff 0, VAT and CT × 0.7 --------------------------------------------

WITHIN = [
    pytest.param(
        # base 300 + 20 = 320; CT = 320 / 0.85 × 0.15 = 56.470588…, × 0.7 = 39.529411… → 39.53;
        # VAT = (320 + 56.470588…) × 0.13 = 48.941176…, × 0.7 = 34.258823… → 34.26
        inventory((SKINCARE, "1", "300.00"), freight="20.00"),
        [("320.00", "0.00", "34.26", "39.53")],
        id="skincare 300 + freight 20",
    ),
    pytest.param(
        # 400 × 0.13 = 52, × 0.7 = 36.40
        inventory((FORMULA, "2", "400.00")),
        [("400.00", "0.00", "36.40", "0.00")],
        id="infant formula",
    ),
    pytest.param(
        # base 200 + 10 = 210; VAT = 210 × 0.09 = 18.90, × 0.7 = 13.23
        inventory((BOOKS, "2", "200.00"), freight="10.00"),
        [("210.00", "0.00", "13.23", "0.00")],
        id="books at the reduced 9% VAT",
    ),
    pytest.param(
        # base 600 + 15 + 5 = 620; CT = 620 / 0.9 × 0.1 = 68.888…, × 0.7 = 48.222… → 48.22;
        # VAT = (620 + 68.888…) × 0.13 = 89.555…, × 0.7 = 62.688… → 62.69
        inventory((WINE, "2", "600.00"), freight="15.00", insured_fee="5.00"),
        [("620.00", "0.00", "62.69", "48.22")],
        id="wine with freight and insurance",
    ),
    pytest.param(
        # 3,000 per watch is under the CNY 10,000 high-end threshold: no CT;
        # VAT = 3000 × 0.13 × 0.7 = 273.00
        inventory((WATCH, "1", "3000.00")),
        [("3000.00", "0.00", "273.00", "0.00")],
        id="watch under the high-end threshold",
    ),
    pytest.param(
        # CT = 300 / 0.9 × 0.1 = 33.333…, × 0.7 = 23.333… → 23.33;
        # VAT = (300 + 33.333…) × 0.13 = 43.333…, × 0.7 = 30.333… → 30.33
        inventory((GOLF_BALLS, "12", "300.00")),
        [("300.00", "0.00", "30.33", "23.33")],
        id="golf balls",
    ),
    pytest.param(
        # freight 10 over 100 and 200: 3.333… → 3.33 and 6.666… → 6.67 (sum 10.00, no remainder)
        # skincare 103.33: CT = 103.33 / 0.85 × 0.15 = 18.234705…, × 0.7 = 12.764294… → 12.76;
        #   VAT = (103.33 + 18.234705…) × 0.13 = 15.803411…, × 0.7 = 11.062388… → 11.06
        # milk powder 206.67: VAT = 206.67 × 0.13 = 26.8671, × 0.7 = 18.80697 → 18.81
        inventory((SKINCARE, "1", "100.00"), (MILK_POWDER, "1", "200.00"), freight="10.00"),
        [("103.33", "0.00", "11.06", "12.76"), ("206.67", "0.00", "18.81", "0.00")],
        id="two lines share the freight",
    ),
]


@pytest.mark.parametrize(("inv", "expected"), WITHIN)
def test_within_limits_tax(inv: Inventory, expected: list[tuple[str, str, str, str]]) -> None:
    assessment = assess_today(inv)
    assert assessment.outcome is Outcome.WITHIN_LIMITS
    assert assessment.violations == ()
    got = [
        (line.tax_price, line.customs_tax, line.value_added_tax, line.consumption_tax)
        for line in assessment.lines
    ]
    assert got == [tuple(D(x) for x in row) for row in expected]
    assert assessment.customs_tax == 0
    assert assessment.value_added_tax == sum(D(row[2]) for row in expected)
    assert assessment.consumption_tax == sum(D(row[3]) for row in expected)
    assert assessment.quota_amount == assessment.transaction_value
    assert assessment.policy == "财关税〔2018〕49号"


def test_two_line_totals_are_sums_of_rounded_lines() -> None:
    inv = inventory((SKINCARE, "1", "100.00"), (MILK_POWDER, "1", "200.00"), freight="10.00")
    assessment = assess_today(inv)
    # VAT 11.06 + 18.81 = 29.87; CT 12.76; total 42.63
    assert (assessment.value_added_tax, assessment.consumption_tax) == (D("29.87"), D("12.76"))
    assert assessment.total_tax == D("42.63")
    assert assessment.transaction_value == D("310.00")


# --- the per-transaction and annual limits ------------------------------------------------------


def test_exactly_the_transaction_limit_is_within() -> None:
    # 2000 + 2980 + freight 20 = 5000.00
    inv = inventory((SKINCARE, "1", "2000.00"), (BOOKS, "1", "2980.00"), freight="20.00")
    assessment = assess_today(inv)
    assert assessment.outcome is Outcome.WITHIN_LIMITS
    assert assessment.transaction_value == D("5000.00")
    # freight 20 over 2000 and 2980: 8.032… → 8.03 and 11.967… → 11.97
    assert [line.tax_price for line in assessment.lines] == [D("2008.03"), D("2991.97")]


def test_one_fen_over_the_transaction_limit_with_two_lines_is_refused() -> None:
    inv = inventory((SKINCARE, "1", "2000.00"), (BOOKS, "1", "2980.00"), freight="20.01")
    assessment = assess_today(inv)
    assert assessment.outcome is Outcome.REFUSED
    assert codes(assessment) == ["CEB621.quota.transaction_limit"]
    violation = assessment.violations[0]
    assert violation.path == "InventoryHead"
    assert "5000.01" in violation.en
    assert "5000.00" in violation.en
    assert violation.zh.startswith("清单的购买金额[5000.01]超过单笔限额[5000.00]")
    assert assessment.lines == ()
    assert assessment.total_tax == 0


def test_a_single_item_over_the_limit_pays_full_tax_with_the_mfn_tariff() -> None:
    # tariff = 5000.01 × 0.14 = 700.0014 → 700.00
    # CT = (5000.01 + 700.00) / 0.9 × 0.1 = 633.334444… → 633.33
    # VAT = (5700.01 + 633.334444…) × 0.13 = 823.334777… → 823.33
    assessment = assess_today(inventory((WINE, "1", "5000.01")))
    assert assessment.outcome is Outcome.FULL_TAX_SINGLE_ITEM
    (line,) = assessment.lines
    assert (line.customs_tax, line.consumption_tax, line.value_added_tax) == (
        D("700.00"),
        D("633.33"),
        D("823.33"),
    )
    assert assessment.total_tax == D("2156.66")
    assert assessment.quota_amount == D("5000.01")  # counts toward the annual total


def test_a_single_line_of_two_over_the_limit_is_refused() -> None:
    assessment = assess_today(inventory((WINE, "2", "5000.01")))
    assert codes(assessment) == ["CEB621.quota.transaction_limit"]
    assert "not a single item" in assessment.violations[0].en


def test_a_single_item_without_an_mfn_rate_cannot_be_taxed_in_full() -> None:
    assessment = assess_today(inventory((SKINCARE, "1", "6000.00")))
    assert codes(assessment) == ["CEB621.tax.no_rate"]
    assert assessment.violations[0].path == "InventoryList[1]/gcode"
    assert "MFN" in assessment.violations[0].en


@pytest.mark.parametrize(
    ("year_total", "outcome"),
    [("25999.99", Outcome.WITHIN_LIMITS), ("25999.98", Outcome.WITHIN_LIMITS)],
)
def test_reaching_the_annual_limit_exactly_is_within(year_total: str, outcome: Outcome) -> None:
    # 25,999.99 + 0.01 = 26,000.00: within; tax 0.01 × 0.09 × 0.7 = 0.00063 → 0.00
    assessment = assess_today(inventory((BOOKS, "1", "0.01")), year_total=year_total)
    assert assessment.outcome is outcome
    assert assessment.total_tax == 0


def test_one_fen_over_the_annual_limit_is_refused() -> None:
    assessment = assess_today(inventory((BOOKS, "1", "0.02")), year_total="25999.99")
    assert codes(assessment) == ["CEB621.quota.annual_limit"]
    violation = assessment.violations[0]
    assert violation.path == "InventoryHead/buyerIdNumber"
    assert "25999.99" in violation.en
    assert "26000.00" in violation.en
    assert violation.zh == (
        "清单中购买人已用购买额度为[25999.99]，本次购买[0.02]将超过年度限额[26000.00]（财关税〔2018〕49号）"
    )


def test_a_full_tax_single_item_still_counts_against_the_annual_limit() -> None:
    assessment = assess_today(inventory((WINE, "1", "5000.01")), year_total="21000.00")
    assert codes(assessment) == ["CEB621.quota.annual_limit"]


# --- rates the table cannot give ----------------------------------------------------------------


def test_every_refusal_is_reported_at_once() -> None:
    inv = inventory((LIVE_HORSE, "1", "3000"), (BEER, "1", "1000"), (CAR, "1", "2000"))
    assessment = assess_today(inv, year_total="25000")
    assert assessment.outcome is Outcome.REFUSED
    assert sorted(codes(assessment)) == [
        "CEB621.quota.annual_limit",
        "CEB621.quota.transaction_limit",
        "CEB621.tax.conditional_rate",
        "CEB621.tax.no_rate",
        "CEB621.tax.specific_rate",
    ]
    paths = {v.code: v.path for v in assessment.violations}
    assert paths["CEB621.tax.no_rate"] == "InventoryList[1]/gcode"
    assert paths["CEB621.tax.specific_rate"] == "InventoryList[2]/gcode"
    assert paths["CEB621.tax.conditional_rate"] == "InventoryList[3]/gcode"
    assert all(v.en and v.zh for v in assessment.violations)


def test_specific_consumption_tax_goes_to_review_alone() -> None:
    assessment = assess_today(inventory((BEER, "24", "240.00")))
    assert assessment.outcome is Outcome.REFUSED
    assert codes(assessment) == ["CEB621.tax.specific_rate"]
    assert "从量" in assessment.violations[0].zh
    assert assessment.quota_amount == D("240.00")  # what would count once released


def test_a_list_before_the_shipped_rates_edition_has_no_rate() -> None:
    # the shipped table is one edition from 2019-04-01 (the VAT 13% / 9% rates)
    assessment = assess_today(inventory((SKINCARE, "1", "300"), day="20190331"))
    assert codes(assessment) == ["CEB621.tax.no_rate"]
    assert "2019-03-31" in assessment.violations[0].en


def test_an_unreadable_declaration_day_is_refused() -> None:
    inv = inventory((SKINCARE, "1", "300"), day="20250231")
    result = assess(inv, rates=SHIPPED, policy=POLICY_2019, buyer_year_total=D(0))
    assert codes(result) == ["CEB621.declTime.invalid"]


# --- the policy edition follows the declaration day ---------------------------------------------

# A test table whose rows start with the 2016 policy, so that only the policy differs between
# the two days below (the real VAT rate was 16% in 2018; the shipped table has no row then).
POLICY_TEST_RATES = TariffRates(
    [
        parse_row(
            {
                "prefix": prefix,
                "valid_from": "2016-04-08",
                "valid_to": "",
                "mfn": "",
                "vat": "13",
                "ct": ct,
                "ct_basis": basis,
                "ct_group": "",
                "ct_threshold": "",
                "confidence": "high",
                "note": "test row",
            }
        )
        for prefix, ct, basis in [("3304", "15", "ad_valorem"), (DEFAULT_PREFIX, "0", "none")]
    ]
)


def test_the_same_list_over_2000_is_refused_in_2018_and_within_in_2019() -> None:
    before = assess_today(
        inventory((SKINCARE, "1", "3000.00"), day="20181231"), "0", POLICY_TEST_RATES
    )
    assert codes(before) == ["CEB621.quota.transaction_limit"]
    assert "[2000.00]" in before.violations[0].zh
    assert before.policy == POLICY_2016.source

    after = assess_today(
        inventory((SKINCARE, "1", "3000.00"), day="20190101"), "0", POLICY_TEST_RATES
    )
    assert after.outcome is Outcome.WITHIN_LIMITS
    # CT = 3000 / 0.85 × 0.15 = 529.411764…, × 0.7 = 370.588235… → 370.59
    # VAT = (3000 + 529.411764…) × 0.13 = 458.823529…, × 0.7 = 321.176470… → 321.18
    assert (after.consumption_tax, after.value_added_tax) == (D("370.59"), D("321.18"))


def test_a_single_item_over_2000_in_2018_goes_to_general_trade() -> None:
    # 财关税〔2016〕18号 taxes such items in full *as general trade*: not through CBEC
    inv = inventory((SKINCARE, "1", "2000.01"), day="20181231")
    assessment = assess_today(inv, "0", POLICY_TEST_RATES)
    assert codes(assessment) == ["CEB621.quota.transaction_limit"]


def test_a_list_declared_before_2016_04_08_has_no_policy() -> None:
    inv = inventory((SKINCARE, "1", "300.00"), day="20160407")
    day = parse_day(inv.head.decl_time)
    assert day == date(2016, 4, 7)
    assert policy_on(day) is None


# --- allocation of freight and insurance --------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "weights", "shares"),
    [
        # 10 / 3 = 3.333… → 3.33 each (9.99); the remainder 0.01 goes to the first largest line
        ("10", ["1", "1", "1"], ["3.34", "3.33", "3.33"]),
        # 20 × 100/350 = 5.714… → 5.71, 20 × 250/350 = 14.285… → 14.29 (sum 20.00)
        ("20", ["100", "250"], ["5.71", "14.29"]),
        # 0.05 × 1/3 = 0.0166… → 0.02 (twice) and 0.0166… → 0.02: 0.06, remainder −0.01 on first
        ("0.05", ["1", "1", "1"], ["0.01", "0.02", "0.02"]),
        # 0.02 over four: half up gives 0.01 × 4 = 0.04, which would leave the largest at −0.01;
        # rounding down instead gives 0.00 × 4 and the whole 0.02 on the first
        ("0.02", ["1", "1", "1", "1"], ["0.02", "0.00", "0.00", "0.00"]),
        # gifts at 0.00: the freight falls on the first line
        ("8.00", ["0", "0"], ["8.00", "0.00"]),
        ("7.50", ["5", "100", "20"], ["0.30", "6.00", "1.20"]),
    ],
)
def test_allocation(amount: str, weights: list[str], shares: list[str]) -> None:
    got = allocate(D(amount), [D(w) for w in weights])
    assert got == [D(s) for s in shares]
    assert sum(got) == D(amount)


fen_amounts = st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 100)


@given(fen_amounts, st.lists(fen_amounts, min_size=1, max_size=99))
def test_allocation_sums_exactly_and_is_never_negative(amount: D, weights: list[D]) -> None:
    shares = allocate(amount, weights)
    assert sum(shares) == amount
    assert all(share >= 0 for share in shares)
    assert all(share == share.quantize(D("0.01")) for share in shares)
    total = sum(weights)
    if total:
        for weight, share in zip(weights, shares, strict=True):
            # every share is its exact proportion to within a rounding step, except the
            # largest line, which also carries the remainder (at most a fen per line)
            assert abs(share - amount * weight / total) <= D("0.01") * len(weights)


# --- properties over random lists ---------------------------------------------------------------

PLAIN_CODES = [SKINCARE, FORMULA, BOOKS, WINE, MILK_POWDER, WATCH, GOLF_BALLS, "6109100000"]
lines = st.lists(
    st.tuples(
        st.sampled_from(PLAIN_CODES),
        st.integers(min_value=1, max_value=3).map(str),
        st.integers(min_value=1, max_value=200_000).map(lambda n: str(D(n) / 100)),
    ),
    min_size=1,
    max_size=6,
)
cents = st.integers(min_value=0, max_value=5000).map(lambda n: str(D(n) / 100))


def is_fen(amount: D) -> bool:
    return amount == amount.quantize(D("0.01"))


@settings(max_examples=300)
@given(lines, cents, cents, st.integers(min_value=2, max_value=5))
def test_random_lists(
    items: list[tuple[str, str, str]], freight: str, insured: str, factor: int
) -> None:
    inv = inventory(*items, freight=freight, insured_fee=insured)
    assessment = assess_today(inv)
    if assessment.outcome is Outcome.REFUSED:
        # over the limit with several lines, or a single item with no MFN rate
        assert set(codes(assessment)) <= {"CEB621.quota.transaction_limit", "CEB621.tax.no_rate"}
        return
    lines_ = assessment.lines
    assert sum(line.tax_price for line in lines_) == assessment.transaction_value
    for name in ("customs_tax", "value_added_tax", "consumption_tax"):
        assert sum(getattr(line, name) for line in lines_) == getattr(assessment, name)
    for line in lines_:
        for amount in (
            line.tax_price,
            line.customs_tax,
            line.value_added_tax,
            line.consumption_tax,
        ):
            assert is_fen(amount)
            assert amount >= 0

    scaled_items = [(code, qty, str(D(total) * factor)) for code, qty, total in items]
    scaled = assess_today(inventory(*scaled_items, freight=freight, insured_fee=insured))
    if scaled.outcome is not Outcome.REFUSED:
        assert scaled.total_tax >= assessment.total_tax
        for before, after in zip(lines_, scaled.lines, strict=True):
            assert after.value_added_tax >= before.value_added_tax
            assert after.consumption_tax >= before.consumption_tax


# --- the rate table -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gcode", "prefix", "mfn", "vat", "ct", "basis"),
    [
        (SKINCARE, "3304", None, "0.13", "0.15", ConsumptionTaxBasis.AD_VALOREM),
        (WINE, "220421", "0.14", "0.13", "0.10", ConsumptionTaxBasis.AD_VALOREM),
        ("2204290000", "2204", None, "0.13", "0.10", ConsumptionTaxBasis.AD_VALOREM),
        (BOOKS, "4901", "0", "0.09", "0", ConsumptionTaxBasis.NONE),
        ("8517130000", "851713", "0", "0.13", "0", ConsumptionTaxBasis.NONE),
        ("6109100000", DEFAULT_PREFIX, None, "0.13", "0", ConsumptionTaxBasis.NONE),
        ("1509200000", "1509", None, "0.09", "0", ConsumptionTaxBasis.NONE),
        ("7113111000", "711311", None, "0.13", "0", ConsumptionTaxBasis.NONE),
        ("7113191900", "71131919", None, "0.13", "0", ConsumptionTaxBasis.NONE),  # 18K gold
        ("7113199900", "711319", None, "0.13", "0.10", ConsumptionTaxBasis.CONDITIONAL),
        ("8507600090", "850760", None, "0.13", "0", ConsumptionTaxBasis.NONE),
        (BEER, "2203", "0", "0.13", "0", ConsumptionTaxBasis.SPECIFIC),
    ],
)
def test_longest_prefix_wins(
    gcode: str, prefix: str, mfn: str | None, vat: str, ct: str, basis: ConsumptionTaxBasis
) -> None:
    rates = SHIPPED.rates_for(gcode, date(2025, 3, 1))
    assert rates is not None
    assert rates.prefix == prefix
    assert rates.mfn_rate == (None if mfn is None else D(mfn))
    assert (rates.vat_rate, rates.consumption_tax_rate) == (D(vat), D(ct))
    assert rates.consumption_tax_basis is basis


def test_watches_carry_the_high_end_threshold() -> None:
    rates = SHIPPED.rates_for(WATCH, date(2025, 3, 1))
    assert rates is not None
    assert (rates.consumption_tax_rate, rates.consumption_tax_threshold) == (D("0.2"), D(10000))


@pytest.mark.parametrize(
    ("gcode", "day"),
    [
        (LIVE_HORSE, date(2025, 3, 1)),  # chapter 01 mixes 9% and 13%: unrated on purpose
        ("0902301000", date(2019, 3, 31)),  # before the shipped edition
        ("2404110000", date(2022, 10, 31)),  # e-cigarette products: row from 2022-11-01
    ],
)
def test_no_rates(gcode: str, day: date) -> None:
    assert SHIPPED.rates_for(gcode, day) is None


def test_a_dated_row_starts_on_its_day() -> None:
    rates = SHIPPED.rates_for("2404110000", date(2022, 11, 1))
    assert rates is not None
    assert rates.consumption_tax_basis is ConsumptionTaxBasis.CONDITIONAL


def test_every_shipped_prefix_is_a_real_hs_code_with_one_row_per_day() -> None:
    rows = shipped_rows()
    assert len(rows) > 100
    seen: dict[str, list[date]] = {}
    for row in rows:
        if row.prefix != DEFAULT_PREFIX:
            assert hs_entry(row.prefix[:6]) is not None, row.prefix  # national digits beyond 6
        seen.setdefault(row.prefix, []).append(row.valid_from)
        if row.vat_rate is not None:
            assert row.vat_rate in (D("0.13"), D("0.09"))
        assert 0 <= row.consumption_tax_rate < 1
    assert all(len(days) == len(set(days)) for days in seen.values())


def test_a_bad_prefix_is_rejected() -> None:
    row = {"prefix": "330", "valid_from": "2019-04-01", "valid_to": "", "mfn": "", "vat": "13"}
    with pytest.raises(ValueError, match="2, 4, 6, 8 or 10 digits"):
        parse_row(row)


# --- the CEB816 tax bill ------------------------------------------------------------------------


def test_tax_bill_of_an_assessment() -> None:
    inv = inventory((SKINCARE, "1", "100.00"), (MILK_POWDER, "1", "200.00"), freight="10.00")
    assessment = assess_today(inv)
    at = datetime(2025, 3, 1, 4, 5, 6, 789_000, tzinfo=UTC)
    bill = tax_bill(
        assessment, inv, tax_no="516520251000000001", invt_no="51652025I000000001", at=at
    )
    head = bill.head
    assert head.return_time == "20250301120506789"  # China time
    assert (head.customs_tax, head.value_added_tax, head.consumption_tax) == (
        D("0.00"),
        D("29.87"),
        D("12.76"),
    )
    assert head.status == "1"
    assert (head.invt_no, head.tax_no) == ("51652025I000000001", "516520251000000001")
    assert (head.customs_code, head.ebc_code, head.assure_code) == (
        "5165",
        "4403960002",
        "4403960004",
    )
    assert len(head.guid) == 36
    assert head.guid == head.guid.upper()
    again = tax_bill(assessment, inv, tax_no="516520251000000001", invt_no="x", at=at)
    other = tax_bill(assessment, inv, tax_no="516520251000000002", invt_no="x", at=at)
    assert again.head.guid == head.guid != other.head.guid
    assert [(i.gnum, i.gcode, i.tax_price, i.consumption_tax) for i in bill.items] == [
        (1, SKINCARE, D("103.33"), D("12.76")),
        (2, MILK_POWDER, D("206.67"), D("0.00")),
    ]
    decoded = msgspec.json.decode(msgspec.json.encode(bill), type=TaxBill)
    assert decoded == bill


def test_a_refused_list_has_no_tax_bill() -> None:
    inv = inventory((BEER, "1", "10"))
    assessment = assess_today(inv)
    with pytest.raises(ValueError, match="refused"):
        tax_bill(assessment, inv, tax_no="1", invt_no="1", at=datetime(2025, 1, 1, tzinfo=UTC))
