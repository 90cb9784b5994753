"""Import tax rates for CBEC goods: MFN tariff, import VAT and consumption tax, by code prefix.

The table (``data/cbec_tax_rates.csv``) is a curated subset of the Customs Tariff of the PRC
and the VAT and consumption-tax rules for the goods a CBEC retail import day sees; its header
says where each figure comes from and how sure it is. Rows are keyed by a commodity-code
prefix of 2, 4, 6, 8 or 10 digits (``*`` for every other code) and dated: the longest prefix
that has a row wins, then the row in force on the day.

A row may deliberately carry no VAT rate ("not known for this prefix"): such codes get no
rates at all, so a list is refused rather than taxed on a guess.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

DATA_FILE = "cbec_tax_rates.csv"
DEFAULT_PREFIX = "*"
_PREFIX_LENGTHS = (10, 8, 6, 4, 2)
_PERCENT = Decimal(100)


class ConsumptionTaxBasis(enum.StrEnum):
    """How the consumption tax of a code is levied at import."""

    NONE = "none"
    AD_VALOREM = "ad_valorem"  # a percentage of the composite price
    SPECIFIC = "specific"  # has a per-quantity component (CNY per tonne, litre, stick…)
    CONDITIONAL = "conditional"  # depends on facts a CEB621 list does not carry


class Confidence(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class LineRates(msgspec.Struct, frozen=True, kw_only=True):
    """The rates for one commodity code on one day; rates are fractions (0.13 for 13%)."""

    prefix: str  # the table row that matched ("*" for the default row)
    mfn_rate: Decimal | None  # None: not known, so no general-trade (full) tax can be computed
    vat_rate: Decimal
    consumption_tax_rate: Decimal
    consumption_tax_basis: ConsumptionTaxBasis
    consumption_tax_group: str | None = None  # cosmetics, watches, jewellery, golf, wine…
    # the ad valorem consumption tax applies only at or above this customs value per unit of qty
    consumption_tax_threshold: Decimal | None = None
    confidence: Confidence
    note: str = ""


class TariffRow(msgspec.Struct, frozen=True, kw_only=True):
    """One dated row of the table; ``vat_rate`` None marks a prefix that is deliberately unrated."""

    prefix: str
    valid_from: date
    valid_to: date | None
    mfn_rate: Decimal | None
    vat_rate: Decimal | None
    consumption_tax_rate: Decimal
    consumption_tax_basis: ConsumptionTaxBasis
    consumption_tax_group: str | None
    consumption_tax_threshold: Decimal | None
    confidence: Confidence
    note: str

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _percent(text: str) -> Decimal | None:
    return Decimal(text) / _PERCENT if text.strip() else None


def _amount(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def parse_row(row: Mapping[str, str]) -> TariffRow:
    """A table row from its CSV fields (rates in percent, as the tariff prints them)."""
    prefix = row["prefix"].strip()
    if prefix != DEFAULT_PREFIX and (not prefix.isdigit() or len(prefix) not in _PREFIX_LENGTHS):
        raise ValueError(f"tariff prefix must be 2, 4, 6, 8 or 10 digits or '*': {prefix!r}")
    valid_to = row["valid_to"].strip()
    return TariffRow(
        prefix=prefix,
        valid_from=date.fromisoformat(row["valid_from"].strip()),
        valid_to=date.fromisoformat(valid_to) if valid_to else None,
        mfn_rate=_percent(row["mfn"]),
        vat_rate=_percent(row["vat"]),
        consumption_tax_rate=_percent(row["ct"]) or Decimal(0),
        consumption_tax_basis=ConsumptionTaxBasis(row["ct_basis"].strip()),
        consumption_tax_group=row["ct_group"].strip() or None,
        consumption_tax_threshold=_amount(row["ct_threshold"]),
        confidence=Confidence(row["confidence"].strip()),
        note=row["note"].strip(),
    )


@cache
def shipped_rows() -> tuple[TariffRow, ...]:
    """The rows of the table shipped with tradewindow."""
    return tuple(parse_row(row) for row in rows(DATA_FILE))


class TariffRates:
    """Rates by longest matching code prefix, dated. ``TariffRates()`` is the shipped table."""

    def __init__(self, table: Iterable[TariffRow] | None = None) -> None:
        self._rows: dict[str, list[TariffRow]] = {}
        for row in shipped_rows() if table is None else table:
            self._rows.setdefault(row.prefix, []).append(row)
        self._seen: dict[tuple[str, date], LineRates | None] = {}

    def rates_for(self, gcode: str, on: date) -> LineRates | None:
        """The rates of a commodity code on a day, or None when the table cannot rate it.

        The longest prefix of ``gcode`` that has rows decides (``*`` when none does); among
        its rows the one in force on ``on`` applies. None when that prefix has no row in force
        on the day or the row carries no VAT rate.
        """
        # a day's traffic asks about the same few hundred codes again and again
        key = (gcode, on)
        if key not in self._seen:
            if len(self._seen) > 100_000:
                self._seen.clear()
            self._seen[key] = self._lookup(gcode, on)
        return self._seen[key]

    def _lookup(self, gcode: str, on: date) -> LineRates | None:
        prefixes = [gcode[:n] for n in _PREFIX_LENGTHS if len(gcode) >= n]
        for prefix in [*prefixes, DEFAULT_PREFIX]:
            dated = self._rows.get(prefix)
            if dated is not None:
                return _rates(next((row for row in dated if row.in_force(on)), None))
        return None


def _rates(row: TariffRow | None) -> LineRates | None:
    if row is None or row.vat_rate is None:
        return None
    return LineRates(
        prefix=row.prefix,
        mfn_rate=row.mfn_rate,
        vat_rate=row.vat_rate,
        consumption_tax_rate=row.consumption_tax_rate,
        consumption_tax_basis=row.consumption_tax_basis,
        consumption_tax_group=row.consumption_tax_group,
        consumption_tax_threshold=row.consumption_tax_threshold,
        confidence=row.confidence,
        note=row.note,
    )
