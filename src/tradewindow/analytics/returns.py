"""Returns and cancellations in the statistics lake: ``<lake>/returns/lines.parquet``.

One row per returned line (an accepted CEB625 return, its value as taken off the buyer's
annual total) and per line of a cancelled list (CEB623, the line's share of the list's
value), with the day it happened (China time), the platform (``ebpCode``) and the goods'
HS chapter. The file is rewritten whole on each lake load (it is small beside the lines).

:func:`return_rates` puts them beside the released lines of the lake: per platform or HS
chapter, the value released, returned and cancelled, and the return rate (returned ÷
released) and cancellation rate (cancelled ÷ (released + cancelled): a cancelled list has
left the released lines).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from tradewindow.analytics.lake import Lake
from tradewindow.analytics.ports import LakeSource
from tradewindow.cbec.documents import CHINA_TZ, Inventory
from tradewindow.cbec.tax import allocate

BY = {"platform": "platform", "chapter": "hs_chapter"}
_INVENTORY = msgspec.json.Decoder(Inventory)
_CHUNK = 500
SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("kind", pa.string()),  # "return" | "cancel"
        ("platform", pa.string()),
        ("hs_chapter", pa.string()),
        ("value_cny", pa.decimal128(19, 5)),
        ("doc_key", pa.string()),
        ("line_no", pa.int32()),
    ]
)


class ReturnLine(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    kind: str
    platform: str
    hs_chapter: str
    value_cny: Decimal
    doc_key: str
    line_no: int


class Rate(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    key: str
    released_cny: Decimal
    returned_cny: Decimal
    cancelled_cny: Decimal
    return_rate: Decimal | None  # returned ÷ released (None: nothing released)
    cancel_rate: Decimal | None  # cancelled ÷ (released + cancelled)


def return_lines(source: LakeSource) -> list[ReturnLine]:
    """Every accepted return's lines and every cancelled list's lines, from the store."""
    on_file = source.returns()
    returned = on_file.returned
    lists = {key: _INVENTORY.decode(body) for key, body in on_file.lists.items()}
    rows: list[ReturnLine] = []
    for row in returned:
        inventory = lists.get(row.list_key)
        line = next((i for i in inventory.items if i.gnum == row.gnum), None) if inventory else None
        if inventory is None or line is None:
            continue
        rows.append(
            ReturnLine(
                day=row.at.astimezone(CHINA_TZ).date(),
                kind="return",
                platform=inventory.head.ebp_code,
                hs_chapter=line.gcode[:2],
                value_cny=row.value,
                doc_key=row.refund_key,
                line_no=row.gnum,
            )
        )
    for cancelled in on_file.cancelled:
        inventory = _INVENTORY.decode(cancelled.body)
        day = cancelled.updated_at.astimezone(CHINA_TZ).date()
        rows.extend(_cancelled(cancelled.key, inventory, day))
    return rows


def _cancelled(key: str, inventory: Inventory, day: date) -> Iterator[ReturnLine]:
    head = inventory.head
    shares = allocate(head.freight + head.insured_fee, [i.total_price for i in inventory.items])
    for item, share in zip(inventory.items, shares, strict=True):
        yield ReturnLine(
            day=day,
            kind="cancel",
            platform=head.ebp_code,
            hs_chapter=item.gcode[:2],
            value_cny=item.total_price + share,
            doc_key=key,
            line_no=item.gnum,
        )


def returns_file(lake: Lake) -> Path:
    return lake.root / "returns" / "lines.parquet"


def write_returns(lake: Lake, lines: list[ReturnLine]) -> int:
    """Replace the lake's returns file with ``lines``; how many were written."""
    table = pa.Table.from_pylist([msgspec.structs.asdict(line) for line in lines], schema=SCHEMA)
    target = returns_file(lake)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    written: int = table.num_rows
    return written


def return_rates(lake: Lake, by: str = "platform") -> list[Rate]:
    """Released, returned and cancelled value per platform or HS chapter, and the rates."""
    column = BY[by]  # KeyError for anything else: callers offer only these
    path = returns_file(lake)
    if not path.exists() or not lake.files():
        return []
    query = f"""
        WITH released AS (
            SELECT {column} AS key, sum(value_cny) AS value FROM read_parquet(?)
            WHERE direction = 'import' GROUP BY 1
        ), undone AS (
            SELECT {column} AS key,
                   sum(CASE WHEN kind = 'return' THEN value_cny ELSE 0 END) AS returned,
                   sum(CASE WHEN kind = 'cancel' THEN value_cny ELSE 0 END) AS cancelled
            FROM read_parquet(?) GROUP BY 1
        )
        SELECT coalesce(r.key, u.key) AS key, coalesce(r.value, 0), coalesce(u.returned, 0),
               coalesce(u.cancelled, 0)
        FROM released r FULL OUTER JOIN undone u ON r.key = u.key
        ORDER BY 3 DESC, 1
    """  # noqa: S608 - the column comes from BY
    with duckdb.connect() as db:
        found = db.execute(query, [lake.lines_glob(), str(path)]).fetchall()
    rates = []
    for key, released, returned, cancelled in found:
        released, returned, cancelled = Decimal(released), Decimal(returned), Decimal(cancelled)
        rates.append(
            Rate(
                key=str(key),
                released_cny=released,
                returned_cny=returned,
                cancelled_cny=cancelled,
                return_rate=_ratio(returned, released),
                cancel_rate=_ratio(cancelled, released + cancelled),
            )
        )
    return rates


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(Decimal("0.0001")) if whole else None
