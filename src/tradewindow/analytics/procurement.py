"""Market procurement (1039) lines in the statistics lake, and their breakdowns.

One row per goods line of every sale in a shipment customs released: the day of sale, the
market and its city, the destination, the HS chapter and code, the value in US dollars (as
declared, ``consolidation.usd_value``) and in yuan (at the same day's rate), the quantity and
unit, and the sale, shipment and line it comes from. The rows come from the platform's own use
cases (``procurement``), never from SQL here; they are written as one Parquet file
(``<lake>/procurement/lines.parquet``), replaced on each load, beside the CBEC lines. The
breakdown (value by market, destination or HS chapter) is a DuckDB query over that file.
"""

from __future__ import annotations

import os
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from tradewindow.analytics.lake import Lake
from tradewindow.procurement.consolidation import usd_value
from tradewindow.procurement.model import ShipmentState
from tradewindow.procurement.platform import MarketProcurement
from tradewindow.procurement.sales import line_total
from tradewindow.procurement.sharing import cny_value

BY = {"market": "market", "destination": "destination", "chapter": "hs_chapter"}
SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("market", pa.string()),
        ("city", pa.string()),
        ("destination", pa.string()),
        ("port", pa.string()),
        ("hs_chapter", pa.string()),
        ("hs_code", pa.string()),
        ("value_usd", pa.decimal128(19, 2)),
        ("value_cny", pa.decimal128(19, 2)),
        ("quantity", pa.decimal128(19, 5)),
        ("unit", pa.string()),
        ("shipment_id", pa.string()),
        ("sale_id", pa.string()),
        ("line_no", pa.int32()),
    ]
)


class ProcurementLine(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    market: str
    city: str
    destination: str
    port: str
    hs_chapter: str
    hs_code: str
    value_usd: Decimal
    value_cny: Decimal
    quantity: Decimal
    unit: str
    shipment_id: str
    sale_id: str
    line_no: int


class Share(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    lines: int
    value_usd: Decimal
    value_cny: Decimal


def procurement_lines(platform: MarketProcurement) -> list[ProcurementLine]:
    """Every goods line of the released shipments, valued in USD and CNY."""
    p = platform.sales
    rows = []
    with p.store.reading() as records:
        cities = {market.id: market.city for market in records.markets()}
        for shipment in records.shipments():
            if shipment.state is not ShipmentState.RELEASED:
                continue
            for sale in records.transactions(shipment_id=shipment.id):
                for number, line in enumerate(sale.lines, start=1):
                    total = line_total(line)
                    rows.append(
                        ProcurementLine(
                            day=sale.sold_on,
                            market=sale.market_id,
                            city=cities.get(sale.market_id, ""),
                            destination=shipment.destination,
                            port=shipment.port_of_loading,
                            hs_chapter=line.chapter,
                            hs_code=line.hs_code,
                            value_usd=usd_value(total, sale.currency, sale.sold_on, p.rates),
                            value_cny=cny_value(total, sale.currency, sale.sold_on, p.rates),
                            quantity=line.quantity,
                            unit=line.unit,
                            shipment_id=shipment.id,
                            sale_id=sale.id,
                            line_no=number,
                        )
                    )
    return rows


def lines_file(lake: Lake) -> Path:
    return lake.root / "procurement" / "lines.parquet"


def write_lines(lake: Lake, lines: list[ProcurementLine]) -> int:
    """Replace the lake's market procurement file with ``lines``; how many were written."""
    table = pa.Table.from_pylist([msgspec.structs.asdict(line) for line in lines], schema=SCHEMA)
    target = lines_file(lake)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    written: int = table.num_rows
    return written


def breakdown(lake: Lake, by: str, month: str | None = None) -> list[Share]:
    """Value by ``by`` (market, destination or chapter), highest first; ``month`` YYYY-MM."""
    column = BY[by]  # KeyError for anything else: the caller offers only these
    path = lines_file(lake)
    if not path.exists():
        return []
    where = "WHERE strftime(day, '%Y-%m') = ?" if month else ""
    query = (
        f"SELECT {column} AS key, count(*) AS lines, sum(value_usd) AS usd, sum(value_cny) AS cny"  # noqa: S608 - column from BY
        f" FROM read_parquet(?) {where} GROUP BY {column} ORDER BY usd DESC, key"
    )
    parameters = [str(path), *([month] if month else [])]
    with duckdb.connect() as db:
        found = db.execute(query, parameters).fetchall()
    return [
        Share(key=key, lines=lines, value_usd=Decimal(usd), value_cny=Decimal(cny))
        for key, lines, usd, cny in found
    ]
