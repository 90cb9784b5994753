"""Column types that keep money exact and times aware on both SQLite and PostgreSQL.

PostgreSQL has ``NUMERIC(19,5)`` and ``TIMESTAMP WITH TIME ZONE`` and we use them as they are.
SQLite has neither: its NUMERIC affinity turns ``"0.1"`` into a binary float, and it has no
time type. So on SQLite money is an INTEGER count of 1/100,000 yuan (exact, and SQL ``+`` and
``SUM`` stay exact; the range is ±92,233,720,368,547.75807, against NUMERIC(19,5)'s
±99,999,999,999,999.99999), and a time is ISO-8601 text in UTC with a fixed width (so ``<`` on the
text is ``<`` on the instant).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

MONEY_SCALE = 5  # digits after the point, as NUMERIC(19,5)
MONEY_PRECISION = 19
_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_LIMIT = Decimal(10) ** (MONEY_PRECISION - MONEY_SCALE)
_SQLITE_TIME_WIDTH = len("2024-01-01T00:00:00.000000+00:00")


# a surrogate key: 64-bit on PostgreSQL, SQLite's INTEGER (which is its rowid) on SQLite
RowId = BigInteger().with_variant(Integer(), "sqlite")


def exact_money(value: Decimal) -> Decimal:
    """``value`` rounded half-up to 5 places (what NUMERIC(19,5) stores); rejects overflow."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, got {type(value).__name__}")
    quantized = value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
    if abs(quantized) >= _LIMIT:
        raise ValueError(f"money {value} does not fit NUMERIC({MONEY_PRECISION},{MONEY_SCALE})")
    return quantized


def money_to_units(value: Decimal) -> int:
    """SQLite form: the amount in 1/100,000 yuan, a signed 64-bit integer."""
    units = int(exact_money(value).scaleb(MONEY_SCALE))
    if not -(2**63) <= units < 2**63:
        raise ValueError(f"money {value} is beyond SQLite's 64-bit range of 1/100,000 units")
    return units


def units_to_money(units: int) -> Decimal:
    return Decimal(units).scaleb(-MONEY_SCALE)


def utc_text(value: datetime) -> str:
    """SQLite form of an aware time: fixed-width ISO-8601 in UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"time must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"time must be timezone-aware, got naive {value.isoformat()}")
    return value


class Money(TypeDecorator[Decimal]):
    """An exact amount: NUMERIC(19,5) on PostgreSQL, integer 1/100,000 units on SQLite."""

    impl = Numeric(MONEY_PRECISION, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return money_to_units(value)
        return exact_money(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return units_to_money(value)
        return Decimal(value)


class Instant(TypeDecorator[datetime]):
    """A timezone-aware time: TIMESTAMPTZ on PostgreSQL, UTC ISO-8601 text on SQLite.

    Naive datetimes are refused on the way in; times come back aware, in UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(_SQLITE_TIME_WIDTH))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return utc_text(value)
        return aware(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return datetime.fromisoformat(value)
        return value.astimezone(UTC)  # type: ignore[no-any-return]
