"""Dated exchange rates into renminbi, and the one rounding point of a conversion.

A rate row says "from the first day of ``month``, one unit of ``currency`` is ``cny_per_unit``
yuan" and holds until a later month of the same currency supersedes it, as China Customs'
monthly conversion rates do (海关月度计征汇率). The package ships an approximate table
(``data/exchange-rates.csv``, its header says where the figures come from); an official monthly
file with the same columns (``month,currency,cny_per_unit``, ``#`` comment lines allowed) is
loaded with ``load_rates`` and overrides the shipped rows month by month.

Currencies are ISO 4217 letters; CEB documents carry customs codes (142, 502 …), translated by
``iso_currency``.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from tradewindow.reference.currencies import customs_currency, customs_currency_for_iso
from tradewindow.violations import Rejected, Violation

RATES_FILE = "exchange-rates.csv"
COLUMNS = ("month", "currency", "cny_per_unit")
CNY = "CNY"
FEN = Decimal("0.01")
RATE_PLACES = Decimal("0.000001")  # the lake keeps rates to six places


class MissingRate(LookupError):
    """No rate for a currency on or before a day: the line cannot be valued in CNY."""


class RateTable:
    """CNY per unit of each currency, by month of validity."""

    def __init__(self, rows: Iterable[tuple[date, str, Decimal]]) -> None:
        table: dict[str, dict[date, Decimal]] = {}
        for month, currency, rate in rows:
            table.setdefault(currency, {})[month] = rate
        self._months = {c: sorted(by_month) for c, by_month in table.items()}
        self._rates = {c: [table[c][m] for m in months] for c, months in self._months.items()}

    def rate(self, currency: str, day: date) -> Decimal:
        """CNY per unit of ``currency`` (ISO letters) valid on ``day``; 1 for CNY."""
        if currency == CNY:
            return Decimal(1)
        months = self._months.get(currency)
        index = bisect.bisect_right(months, day) - 1 if months else -1
        if months is None or index < 0:
            raise MissingRate(f"no {currency} rate on or before {day.isoformat()}")
        return self._rates[currency][index]

    def to_cny(self, amount: Decimal, currency: str, day: date) -> tuple[Decimal, Decimal]:
        """(rate, amount in CNY): the named rounding point, half up to the fen."""
        rate = self.rate(currency, day)
        return rate, (amount * rate).quantize(FEN, rounding=ROUND_HALF_UP)

    def rows(self) -> list[tuple[date, str, Decimal]]:
        return [
            (month, currency, rate)
            for currency, months in sorted(self._months.items())
            for month, rate in zip(months, self._rates[currency], strict=True)
        ]

    def overridden_by(self, other: RateTable) -> RateTable:
        """This table with every (month, currency) of ``other`` replacing or adding to it."""
        return RateTable([*self.rows(), *other.rows()])


def iso_currency(customs_code: str) -> str:
    """ISO letters of a CEB customs currency code (``142`` → ``CNY``); the code itself when
    unknown, so that the rate lookup reports it."""
    currency = customs_currency(customs_code)
    return currency.iso_alpha3 if currency else customs_code


def parse_rates(text: str, *, source: str = "rates") -> RateTable:
    """A rate table from CSV text; every bad row is reported at once (``Rejected``)."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise Rejected([_violation(source, "header", "columns", f"columns must be {COLUMNS}")])
    rows: list[tuple[date, str, Decimal]] = []
    violations: list[Violation] = []
    for number, row in enumerate(reader, start=1):
        parsed = _row(row, f"{source}[{number}]", violations)
        if parsed is not None:
            rows.append(parsed)
    if violations:
        raise Rejected(violations)
    return RateTable(rows)


def load_rates(path: Path) -> RateTable:
    """An official monthly rate file (``month,currency,cny_per_unit``)."""
    return parse_rates(path.read_text(encoding="utf-8"), source=path.name)


@cache
def shipped_rates() -> RateTable:
    """The approximate table shipped with the package (see its header)."""
    text = resources.files("tradewindow.analytics").joinpath("data", RATES_FILE).read_text("utf-8")
    return parse_rates(text, source=RATES_FILE)


def rates_csv(table: RateTable) -> str:
    """The table as CSV text in the same columns (for saving a loaded file with the lake)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for month, currency, rate in table.rows():
        writer.writerow((month.strftime("%Y-%m"), currency, str(rate)))
    return out.getvalue()


def _row(
    row: Mapping[str, str | None], path: str, violations: list[Violation]
) -> tuple[date, str, Decimal] | None:
    month = _month(row.get("month") or "")
    currency = (row.get("currency") or "").strip().upper()
    try:
        rate = Decimal((row.get("cny_per_unit") or "").strip())
    except InvalidOperation:
        rate = Decimal(-1)
    count = len(violations)
    if month is None:
        violations.append(_violation(path, "month", "format", "month must be YYYY-MM"))
    if customs_currency_for_iso(currency) is None:
        violations.append(_violation(path, "currency", "unknown", f"unknown currency {currency!r}"))
    if not rate.is_finite() or rate <= 0:
        violations.append(_violation(path, "cny_per_unit", "range", "rate must be > 0"))
    if len(violations) > count or month is None:
        return None
    return month, currency, rate


def _month(text: str) -> date | None:
    try:
        year, month = text.strip().split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _violation(path: str, field: str, rule: str, en: str) -> Violation:
    zh = {
        "columns": "列名应为 month,currency,cny_per_unit",
        "format": "月份格式应为 YYYY-MM",
        "unknown": "未知币制",
        "range": "汇率必须大于零",
    }[rule]
    return Violation(path=f"{path}/{field}", code=f"analytics.rates.{field}.{rule}", en=en, zh=zh)
