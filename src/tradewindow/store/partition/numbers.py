"""Numbers from per-partition blocks (``docs/adr/0009``): a partition reserves ``BLOCK``
numbers of a series at a time from the series row, in a short transaction of its own, and
takes them from its ``number_blocks`` row inside its units of work. Unique, increasing within
a partition, not gapless. Import's partitions reserve from ``number_series``, export's from
``exp_number_series`` (``store.export.partitioned``)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Table, update
from sqlalchemy.dialects import postgresql

from tradewindow.store.partition.tables import number_blocks
from tradewindow.store.schema import number_series
from tradewindow.store.transaction import writer

BLOCK = 1000  # numbers of a series a partition reserves at a time


def take_numbers(
    connection: Connection,
    engine: Engine,
    partition: int,
    series: str,
    count: int,
    series_table: Table = number_series,
) -> int:
    """``count`` consecutive numbers of ``series`` from ``partition``'s block (PostgreSQL),
    a new block reserved from ``series_table`` when it has not that many left (the rest of the
    old one is not used); the first. Export clearance's partitions take theirs here too."""
    if count < 1:
        raise ValueError(f"reserve at least one number, not {count}")
    key = (number_blocks.c.partition == partition) & (number_blocks.c.series == series)
    # taken from the block in one round trip when it has enough left
    taken = connection.execute(
        update(number_blocks)
        .where(key, number_blocks.c.next_value + count <= number_blocks.c.end_value)
        .values(next_value=number_blocks.c.next_value + count)
        .returning(number_blocks.c.next_value)
    ).first()
    if taken is not None:
        first: int = taken.next_value - count
        return first
    size = max(BLOCK, count)
    first = reserve(engine, series, size, series_table)
    insert = postgresql.insert(number_blocks).values(
        partition=partition, series=series, next_value=first + count, end_value=first + size
    )
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[number_blocks.c.partition, number_blocks.c.series],
            set_={"next_value": first + count, "end_value": first + size},
        )
    )
    return first


def reserve(engine: Engine, series: str, count: int, series_table: Table = number_series) -> int:
    """Reserve ``count`` numbers of ``series`` in a transaction of its own; the first."""
    with writer(engine) as connection:
        insert = postgresql.insert(series_table).values(series=series, next_value=1 + count)
        statement = insert.on_conflict_do_update(
            index_elements=[series_table.c.series],
            set_={"next_value": series_table.c.next_value + count},
        ).returning(series_table.c.next_value)
        after: int = connection.execute(statement).scalar_one()
    return after - count
