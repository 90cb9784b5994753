"""Rows the page benchmark asks pages about (``tradewindow bench pages``): reads only."""

from __future__ import annotations

from sqlalchemy import Engine, select

from tradewindow.store.agencies.tables import agency_tasks
from tradewindow.store.filing.tables import filings


def page_samples(engine: Engine, broker: str) -> tuple[str, int, str] | None:
    """A list ``broker`` filed, the newest customs task and the filing it is about; None when
    the database has neither yet."""
    with engine.connect() as connection:
        filing = connection.execute(
            select(filings.c.key)
            .where(filings.c.kind == "inventory", filings.c.party_id == broker)
            .limit(1)
        ).scalar()
        task = connection.execute(
            select(agency_tasks.c.id, agency_tasks.c.filing)
            .where(agency_tasks.c.agency == "customs")
            .order_by(agency_tasks.c.id.desc())
            .limit(1)
        ).first()
    if filing is None or task is None:
        return None
    return filing, task.id, task.filing
