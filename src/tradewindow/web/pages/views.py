"""The dashboard's figures as the page and the JSON API both print them.

Each ``*_view`` turns a figure of ``dashboard`` into plain data in one language: exact values
as decimal strings (never floats), the same values written for people (``display``), the
figure's name and definition from the catalogue, its as-of time and the indicator's
``Definition`` (SQL and arguments). The page renders these dicts and ``/stats/api/…`` returns
them, so a number on the page and the API's number for the same query are one value.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from tradewindow.web import i18n
from tradewindow.web.pages import labels
from tradewindow.web.pages.dashboard import AreaShare, Flows, Headline, Ranking, Series, Table


def headline_view(figure: Headline, language: str) -> dict[str, Any]:
    key = f"figure.{figure.key}"
    write = i18n.percent if figure.kind == "ratio" else getattr(i18n, figure.kind)
    view = {
        "key": figure.key,
        "kind": figure.kind,
        "name": i18n.message(language, f"{key}.name"),
        "value": plain(figure.value),
        "display": write(figure.value, language),
        "year_ago": plain(figure.year_ago),
        "year_ago_display": write(figure.year_ago, language) if figure.year_ago else None,
        "growth": plain(figure.growth),
        "growth_display": i18n.percent(figure.growth, language, signed=True),
        "target": plain(figure.target),
        "target_display": i18n.percent(figure.target, language) if figure.target else None,
        "parts": list(figure.parts) if figure.parts else None,
        "definition_text": i18n.message(language, f"{key}.definition"),
    }
    return view | _provenance(figure.as_of, figure.definition, language)


def series_view(series: Series, language: str) -> dict[str, Any]:
    points = [
        {
            "period": f"{point.period:%Y-%m}",
            "value": plain(point.value),
            "display": i18n.money(point.value, language),
            "year_ago": plain(point.year_ago),
            "yoy": plain(point.yoy),
            "yoy_display": i18n.percent(point.yoy, language, signed=True),
        }
        for point in series.points
    ]
    view = {
        "points": points,
        "name": i18n.message(language, "chart.monthly.name"),
        "definition_text": i18n.message(language, "chart.monthly.definition"),
    }
    return view | _provenance(series.as_of, series.definition, language)


def ranking_view(ranking: Ranking, language: str) -> dict[str, Any]:
    dimension = ranking.dimension
    items = [
        {
            "code": item.code,
            "name": labels.label(dimension, item.code, language),
            "title": labels.chapter_title(item.code, language)
            if dimension == "hs_chapter" and item.code
            else None,
            "value": plain(item.value),
            "display": i18n.money(item.value, language),
            "lines": item.lines,
        }
        for item in ranking.items
    ]
    view = {
        "dimension": dimension,
        "items": items,
        "name": i18n.message(language, f"chart.{dimension}.name"),
        "definition_text": i18n.message(language, f"chart.{dimension}.definition"),
    }
    return view | _provenance(ranking.as_of, ranking.definition, language)


def flows_view(flows: Flows, language: str) -> dict[str, Any]:
    """Imports and exports per month, side by side."""
    points = [
        {
            "period": f"{point.period:%Y-%m}",
            "import": plain(point.imports),
            "import_display": i18n.money(point.imports, language),
            "export": plain(point.exports),
            "export_display": i18n.money(point.exports, language),
        }
        for point in flows.points
    ]
    view = {
        "points": points,
        "name": i18n.message(language, "chart.flows.name"),
        "definition_text": i18n.message(language, "chart.flows.definition"),
    }
    return view | _provenance(flows.as_of, flows.definition, language)


def destinations_view(ranking: Ranking, language: str) -> dict[str, Any]:
    """The export partners' ranking under its own name: where exports go."""
    return ranking_view(ranking, language) | {
        "name": i18n.message(language, "chart.destinations.name"),
        "definition_text": i18n.message(language, "chart.destinations.definition"),
    }


def share_view(share: AreaShare, language: str) -> dict[str, Any]:
    """A city's trade through the platform against its published totals, per direction and
    together (``direction`` None, last)."""
    city = labels.label("city", share.area, language)
    rows = [
        {
            "direction": direction,
            "name": i18n.message(language, f"direction.{direction or 'all'}"),
            "value": plain(value),
            "display": i18n.money(value, language),
            "official": plain(official),
            "official_display": i18n.money(official, language),
            "share": plain(ratio),
            "share_display": small_percent(ratio, language),
        }
        for direction, value, official, ratio in share.rows
    ]
    view = {
        "area": share.area,
        "year": share.year,
        "months": share.months,
        "rows": rows,
        "source": share.source,
        "name": i18n.message(language, "chart.share.name", city=city, year=share.year),
        "definition_text": i18n.message(language, "chart.share.definition", city=city),
        "coverage_text": i18n.message(
            language, "chart.share.coverage", months=share.months, year=share.year
        ),
    }
    return view | _provenance(share.as_of, share.definition, language)


def small_percent(ratio: Decimal | None, language: str) -> str:
    """A share as a percentage people can read even when it is tiny: one decimal from 1 %,
    else three significant digits (``0.00412%``); ``—`` when there is none."""
    if ratio is None:
        return i18n.message(language, "number.none")
    shown = Decimal(ratio) * 100
    if shown == 0 or shown >= 1:
        return i18n.percent(ratio, language)
    digits = f"{shown:.3g}"
    written = f"{Decimal(digits).normalize():f}"
    return i18n.message(language, "number.percent", value=written)


def table_view(table: Table, language: str) -> dict[str, Any]:
    """Header and rows of a breakdown: after each dimension's code, its name."""
    dimensions = set(table.breakdown.by)
    header: list[str] = []
    kinds: list[str] = []
    for column in table.columns:
        header.append(i18n.message(language, f"column.{column}"))
        kinds.append("measure" if column in table.breakdown.measures else "key")
        if column in dimensions:
            name = i18n.message(language, "column.name_of", column=header[-1])
            header.append(name)
            kinds.append("name")
    rows = []
    for row in table.rows:
        cells: list[str | None] = []
        for column, cell in zip(table.columns, row, strict=True):
            cells.append(cell)
            if column in dimensions:
                cells.append(labels.label(column, cell, language))
        rows.append(cells)
    view = {
        "columns": table.columns,
        "header": header,
        "kinds": kinds,
        "rows": rows,
        "truncated": table.truncated,
        "breakdown": msgspec.to_builtins(table.breakdown),
        "definition_text": i18n.message(language, "table.definition"),
    }
    return view | _provenance(table.as_of, table.definition, language)


def table_csv(view: dict[str, Any]) -> bytes:
    """The table as CSV: its header and exactly its rows, UTF-8 with a byte-order mark so
    spreadsheet programs read the Chinese names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(view["header"])
    for row in view["rows"]:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode("utf-8-sig")


def plain(value: Decimal | int | None) -> str | None:
    """An exact figure as a string: ``1234567.89``, ``0.8125``; ``None`` stays ``None``."""
    if value is None:
        return None
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _provenance(as_of: datetime | None, definition: Any, language: str) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "as_of_display": i18n.moment(as_of, language),
        "definition": msgspec.to_builtins(definition),
    }


def returns_view(lake: Any, by: str, language: str) -> dict[str, Any]:
    """CBEC return rates per HS chapter or platform (``analytics.returns``), most returned
    value first, at most 12: each item's rate as a number, its display and the values."""
    from tradewindow.analytics.returns import return_rates  # a page of its own: lazy

    column = "chapter" if by == "hs_chapter" else "platform"
    rates = [r for r in return_rates(lake, column) if r.returned_cny or r.cancelled_cny][:12]
    return {
        "by": column,
        "items": [
            {
                "name": r.key,
                "value": str(r.return_rate * 100) if r.return_rate is not None else None,
                "display": f"{r.return_rate * 100:.2f} %" if r.return_rate is not None else "—",
                "cancel_display": f"{r.cancel_rate * 100:.2f} %"
                if r.cancel_rate is not None
                else "—",
                "returned": str(r.returned_cny),
                "released": str(r.released_cny),
                "lines": 0,
            }
            for r in rates
        ],
    }
