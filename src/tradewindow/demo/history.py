"""A multi-year demo history written straight into the lake, without going through clearance.

Each day gets ``lines_per_day × volume_factor(day) × trend`` lines: ``demo.seasons`` gives
Double 11, 618, Double 12, the Spring Festival rush and lull and weekends; the trend grows
imports by ``import_growth`` and exports by ``export_growth`` a year. Import lists follow the
demo workload (``demo.parties`` routes and platforms, ``demo.catalogue`` goods and tax rates,
``demo.people`` buyers' cities); export lists (9610 / 9710 / 9810) sell GBA-made goods abroad
in US dollars, valued in yuan with the lake's dated rates. Lists have one to three lines.

Everything is drawn per day with Arrow compute kernels (no per-line Python), from a seed and
the day, so a day is the same whenever it is generated and memory stays flat for any number
of days. Money is kept in integer fen (cents) until it becomes DECIMAL(18,2).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradewindow.analytics.lake import SCHEMA, Lake
from tradewindow.analytics.rates import RateTable, shipped_rates
from tradewindow.analytics.rows import destination_city
from tradewindow.demo.catalogue import GOODS
from tradewindow.demo.parties import BROKERS, PLATFORMS, ROUTES
from tradewindow.demo.people import CITIES
from tradewindow.demo.seasons import volume_factor
from tradewindow.reference.offices import customs_district, customs_office

# a line starts a new list with this chance: lists of 1.38 lines on average, as the demo's baskets
NEW_LIST = 1 / 1.38


@dataclass(frozen=True)
class Choice:
    """A weighted pick among rows of columns: ``pick(u)`` maps uniforms to row indices."""

    columns: dict[str, pa.Array]
    slots: pa.Array  # each row index repeated by its weight

    @classmethod
    def of(cls, rows: Sequence[dict[str, Any]], weights: Sequence[int]) -> Choice:
        columns = {name: pa.array([row[name] for row in rows]) for name in rows[0]}
        slots = pa.array([i for i, w in enumerate(weights) for _ in range(w)], pa.int32())
        return cls(columns, slots)

    def pick(self, uniform: pa.Array) -> pa.Array:
        index = pc.cast(pc.floor(pc.multiply(uniform, len(self.slots))), pa.int32())
        return pc.take(self.slots, index)

    def column(self, name: str, rows: pa.Array) -> pa.Array:
        return pc.take(self.columns[name], rows)


def _office_row(code: str) -> dict[str, Any]:
    office, district = customs_office(code), customs_district(code)
    return {
        "office": code,
        "district": district.code if district else code,
        "office_city": office.gba_city if office else None,
    }


@cache
def _imports() -> tuple[Choice, Choice, Choice, Choice]:
    routes = Choice.of(
        [
            {
                "trade_mode": r.trade_mode,
                **_office_row(r.customs_code),
                "port": r.port_code,
                "agent": r.agents[0].code,
            }
            for r in ROUTES
        ],
        [r.weight for r in ROUTES],
    )
    sellers = [(p, s) for p in PLATFORMS for s in p.stores]
    platforms = Choice.of(
        [{"platform": p.party.code, "enterprise": s.code} for p, s in sellers],
        [p.weight * 2 // len(p.stores) for p, _ in sellers],
    )
    goods = Choice.of(
        [
            {
                "gcode": g.gcode,
                "origin": g.origin,
                "unit": g.unit,
                "price": int(g.price * 100),
                "tax_permille": int(g.rate * 1000),
            }
            for g in GOODS
        ],
        [g.weight for g in GOODS],
    )
    cities = Choice.of(
        [{"city": destination_city(f"{c.province}{c.name}")} for c in CITIES],
        [c.weight for c in CITIES],
    )
    return routes, platforms, goods, cities


# fmt: off
_EXPORT_GOODS = (  # (gcode, US cents, unit, weight): what GBA sellers ship abroad
    ("8517620000", 2999, "001", 8), ("8504403000", 1599, "007", 12),
    ("8518300000", 2499, "007", 10), ("6110200090", 1999, "011", 10),
    ("6204430090", 2599, "011", 8), ("6402990090", 3499, "025", 8),
    ("9503008900", 1299, "011", 10), ("9405409000", 1899, "011", 8),
    ("8516799000", 4599, "001", 6), ("3926909090", 599, "011", 10),
    ("4202920000", 2199, "007", 6), ("8471300000", 39900, "001", 2),
)
_DESTINATIONS = (
    ("502", 30), ("303", 8), ("304", 8), ("305", 5), ("116", 8), ("601", 6), ("110", 10),
    ("132", 5), ("122", 5), ("344", 5), ("501", 4), ("136", 6),
)
_EXPORT_OFFICES = (("5300", 30), ("5301", 10), ("5100", 15), ("5141", 20), ("5200", 15),
                   ("5700", 5), ("6800", 5))
_EXPORT_MODES = (("9610", 55), ("9710", 25), ("9810", 20))
_EXPORT_CITIES = (("shenzhen", 35), ("guangzhou", 20), ("dongguan", 15), ("foshan", 8),
                  ("zhongshan", 5), ("huizhou", 5), ("zhuhai", 4), ("jiangmen", 4),
                  ("zhaoqing", 2))
# fmt: on


@cache
def _exports() -> tuple[Choice, Choice, Choice, Choice, Choice, Choice]:
    offices = Choice.of(
        [{**_office_row(code), "agent": BROKERS[i % len(BROKERS)].code}
         for i, (code, _) in enumerate(_EXPORT_OFFICES)],
        [w for _, w in _EXPORT_OFFICES],
    )  # fmt: skip
    sellers = Choice.of(
        [{"platform": f"4403DM60{p:02d}", "enterprise": f"4403DM61{p:02d}"} for p in range(8)],
        [30, 20, 15, 10, 10, 8, 4, 3],
    )
    goods = Choice.of(
        [{"gcode": g, "price": c, "unit": u} for g, c, u, _ in _EXPORT_GOODS],
        [w for *_, w in _EXPORT_GOODS],
    )
    partners = Choice.of([{"partner": c} for c, _ in _DESTINATIONS], [w for _, w in _DESTINATIONS])
    modes = Choice.of([{"trade_mode": m} for m, _ in _EXPORT_MODES], [w for _, w in _EXPORT_MODES])
    cities = Choice.of([{"city": c} for c, _ in _EXPORT_CITIES], [w for _, w in _EXPORT_CITIES])
    return offices, sellers, goods, partners, modes, cities


class _Draws:
    """Uniform draws for one day, reproducible from the seed and the day."""

    def __init__(self, seed: int, day: date) -> None:
        self._state = zlib.crc32(f"{seed}|{day.isoformat()}".encode())

    def uniform(self, n: int) -> pa.Array:
        self._state += 1
        return pc.random(n, initializer=self._state)


class _Lists:
    """``count`` lines grouped into lists: each line's list number and line number."""

    def __init__(self, draws: _Draws, count: int) -> None:
        starts = pc.less(draws.uniform(count), NEW_LIST)
        if count:
            starts = pa.concat_arrays([pa.array([True]), starts.slice(1)])
        self.of_line = pc.subtract(pc.cumulative_sum(pc.cast(starts, pa.int64())), 1)
        first_lines = pc.indices_nonzero(starts)
        self.count = len(first_lines)
        position = pa.array(range(count), pa.int64())
        self.line_no = pc.add(pc.subtract(position, pc.take(first_lines, self.of_line)), 1)

    def spread(self, per_list: pa.Array) -> pa.Array:
        return pc.take(per_list, self.of_line)


def day_lines(
    day: date, count: int, *, seed: int, export_share: float, rates: RateTable
) -> pa.Table:
    """``count`` lines of ``day`` (about ``export_share`` of them exports) as an Arrow table
    of the lake's schema."""
    draws = _Draws(seed, day)
    exports = round(count * export_share)
    tables = [
        pa.table(_import_columns(day, count - exports, draws), schema=SCHEMA),
        pa.table(_export_columns(day, exports, draws, rates), schema=SCHEMA),
    ]
    return pa.concat_tables(tables)


def _import_columns(day: date, count: int, draws: _Draws) -> dict[str, pa.Array]:
    routes, sellers, goods, cities = _imports()
    lists = _Lists(draws, count)
    route, seller, city = (
        lists.spread(c.pick(draws.uniform(lists.count))) for c in (routes, sellers, cities)
    )
    good = goods.pick(draws.uniform(count))
    quantity = _quantity(draws, count)
    value = pc.multiply(pc.cast(goods.column("price", good), pa.int64()), quantity)
    rate = pc.cast(goods.column("tax_permille", good), pa.int64())
    tax = pc.divide(pc.multiply(value, rate), 1000)
    vat = pc.divide(pc.multiply(value, 91), 1000)  # 13 % VAT × 70 % within the CBEC limits
    columns = {
        "direction": "import",
        "trade_mode": routes.column("trade_mode", route),
        "district": routes.column("district", route),
        "office": routes.column("office", route),
        "port": routes.column("port", route),
        "city": cities.column("city", city),
        "office_city": routes.column("office_city", route),
        "platform": sellers.column("platform", seller),
        "enterprise": sellers.column("enterprise", seller),
        "agent": routes.column("agent", route),
        "origin": goods.column("origin", good),
        "destination": "142",
        "partner": goods.column("origin", good),
        "currency": "CNY",
        "value": _money(value, 2),
        "cny_rate": "1",
        "value_cny": _money(value, 2),
        "unit": goods.column("unit", good),
        "vat": _money(vat, 2),
        "consumption_tax": _money(pc.subtract(tax, vat), 2),
    }
    return _common(day, count, "HI", lists, goods.column("gcode", good), quantity, columns)


def _export_columns(day: date, count: int, draws: _Draws, rates: RateTable) -> dict[str, pa.Array]:
    offices, sellers, goods, partners, modes, cities = _exports()
    lists = _Lists(draws, count)
    office, seller, partner, mode, city = (
        lists.spread(c.pick(draws.uniform(lists.count)))
        for c in (offices, sellers, partners, modes, cities)
    )
    good = goods.pick(draws.uniform(count))
    quantity = _quantity(draws, count)
    cents = pc.multiply(pc.cast(goods.column("price", good), pa.int64()), quantity)
    usd = rates.rate("USD", day)
    micro = int((usd * 1_000_000).to_integral_value())  # the rate has at most six places
    fen = pc.divide(pc.add(pc.multiply(cents, micro), 500_000), 1_000_000)  # half up to the fen
    columns = {
        "direction": "export",
        "trade_mode": modes.column("trade_mode", mode),
        "district": offices.column("district", office),
        "office": offices.column("office", office),
        "port": offices.column("office", office),
        "city": cities.column("city", city),
        "office_city": offices.column("office_city", office),
        "platform": sellers.column("platform", seller),
        "enterprise": sellers.column("enterprise", seller),
        "agent": offices.column("agent", office),
        "origin": "142",
        "destination": partners.column("partner", partner),
        "partner": partners.column("partner", partner),
        "currency": "USD",
        "value": _money(cents, 2),
        "cny_rate": str(usd),
        "value_cny": _money(fen, 2),
        "unit": goods.column("unit", good),
        "vat": "0",
        "consumption_tax": "0",
    }
    return _common(day, count, "HE", lists, goods.column("gcode", good), quantity, columns)


def _common(
    day: date,
    count: int,
    prefix: str,
    lists: _Lists,
    gcode: pa.Array,
    quantity: pa.Array,
    columns: dict[str, Any],
) -> dict[str, pa.Array]:
    columns |= {
        "day": day,
        "hs_chapter": pc.utf8_slice_codeunits(gcode, 0, 2),
        "hs_heading": pc.utf8_slice_codeunits(gcode, 0, 4),
        "hs_subheading": pc.utf8_slice_codeunits(gcode, 0, 6),
        "gcode": gcode,
        "quantity": _money(pc.multiply(quantity, 10_000), 4),
        "customs_tax": "0",
        "doc_key": pc.binary_join_element_wise(
            f"{prefix}{day:%Y%m%d}-", pc.cast(lists.of_line, pa.string()), ""
        ),
        "version": 1,
        "line_no": pc.cast(lists.line_no, pa.int32()),
    }
    return {field.name: _column(columns[field.name], field.type, count) for field in SCHEMA}


def _column(value: Any, kind: pa.DataType, count: int) -> pa.Array:
    """An array as it is, a constant repeated ``count`` times."""
    if isinstance(value, pa.Array | pa.ChunkedArray):
        return value
    scalar = pa.scalar(Decimal(value) if pa.types.is_decimal(kind) else value, kind)
    return pa.repeat(scalar, count)


def _quantity(draws: _Draws, count: int) -> pa.Array:
    """Mostly one, sometimes two or three of a good."""
    skewed = pc.multiply(pc.power(draws.uniform(count), 4.0), 3.0)
    return pc.add(pc.cast(pc.floor(skewed), pa.int64()), 1)


def _money(units: pa.Array, scale: int) -> pa.Array:
    """Non-negative integer units of 10^-scale as DECIMAL(18, scale): the int64 buffer read as
    DECIMAL64 (no arithmetic on decimals), then widened to the lake's DECIMAL128."""
    units = pc.cast(units, pa.int64())
    decimal = pa.Array.from_buffers(
        pa.decimal64(18, scale), len(units), [None, units.buffers()[1]], offset=units.offset
    )
    return decimal.cast(pa.decimal128(18, scale))


@dataclass(frozen=True)
class HistoryPlan:
    days: list[tuple[date, int, float]]  # (day, lines, export share)

    @property
    def lines(self) -> int:
        return sum(count for _, count, _ in self.days)


def plan(
    *,
    start: date,
    months: int,
    lines_per_day: float | None = None,
    total_lines: int | None = None,
    import_growth: float = 0.25,
    export_growth: float = 0.45,
    export_share: float = 0.35,
) -> HistoryPlan:
    """How many lines each day gets: give ``lines_per_day`` (an ordinary weekday in the first
    year) or ``total_lines`` (the base is solved so the days add up to about that)."""
    end = _add_months(start.replace(day=1), months)
    days = [
        start.replace(day=1) + timedelta(days=i) for i in range((end - start.replace(day=1)).days)
    ]
    shapes = []
    for day in days:
        years = (day - days[0]).days / 365.25
        imports, exports = (
            (1 - export_share) * (1 + import_growth) ** years,
            export_share * (1 + export_growth) ** years,
        )
        shapes.append(
            (day, volume_factor(day) * (imports + exports), exports / (imports + exports))
        )
    if total_lines is not None:
        lines_per_day = total_lines / sum(weight for _, weight, _ in shapes)
    base = float(lines_per_day or 0)
    return HistoryPlan([(day, round(base * weight), share) for day, weight, share in shapes])


def generate(
    lake: Lake,
    history: HistoryPlan,
    *,
    seed: int = 2026,
    on_day: Callable[[date, int], None] | None = None,
) -> int:
    """Write every day of ``history`` into the lake (replacing those days); returns lines."""
    rates = shipped_rates()
    written = 0
    for day, count, share in history.days:
        lake.write_day(day, day_lines(day, count, seed=seed, export_share=share, rates=rates))
        written += count
        if on_day is not None:
            on_day(day, count)
    return written


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
