"""What the benchmarks read of the database beyond the ports: the rows ``bench pages`` asks
pages about, and the inbox figures of ``bench scale``. Reads only."""

from __future__ import annotations

from sqlalchemy import Engine, select, text

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


def inbox_pending(engine: Engine) -> int:
    """Partitioned clearance's inbox parts not yet cleared."""
    pending = text("SELECT count(*) FROM clearance_inbox_parts WHERE done_at IS NULL")
    with engine.connect() as connection:
        return int(connection.execute(pending).scalar_one())


def inbox_span(engine: Engine) -> tuple[float, int]:
    """Seconds from the first inbox part's commit to the last's, and the units of work
    (distinct commit times). PostgreSQL only."""
    query = text(
        "SELECT extract(epoch FROM max(done_at) - min(done_at)), count(DISTINCT done_at)"
        " FROM clearance_inbox_parts"
    )
    with engine.connect() as connection:
        seconds, units = connection.execute(query).one()
    return float(seconds), int(units)


def export_lists_numbered(engine: Engine) -> int:
    """Export lists given an invtNo (accepted, or gone on from there): ``bench scale --mix
    export``'s check that every list ended accepted."""
    query = text("SELECT count(*) FROM exp_lists WHERE invt_no IS NOT NULL")
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())
