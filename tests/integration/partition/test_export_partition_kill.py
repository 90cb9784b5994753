"""Export clearance by partitions with real processes: kill -9 of the process clearing a
message's parts between two of them loses nothing and clears nothing twice — a clearance
worker's sweep finishes the message and the wake-ups it left (PostgreSQL, NATS for the worker);
a filer with the bus then gets its answer from the parts the worker cleared.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from export_roles import messages
from sqlalchemy import text
from test_partition_workers import NATS_URL, Deployment, deployment, scalar, wait_for

from tradewindow.store import open_store

__all__ = ["deployment"]  # the fixture, shared with the import kill test
ROLES = Path(__file__).with_name("export_roles.py")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not NATS_URL, reason="NATS tier: TRADEWINDOW_TEST_NATS_URL is not set"),
]


def test_kill_9_of_an_export_filer_between_parts_loses_and_repeats_nothing(
    deployment: Deployment, postgres_url: str
) -> None:
    store = open_store(postgres_url)
    engine = store.engine
    try:
        filer = [sys.executable, str(ROLES)]
        # lists, orders and receipts; then the first waybills, killed after their first part
        # (no bus: the filer's own threads clear the parts, as without a worker)
        killed = {"TW_KILL_AFTER_WAYBILL_PARTS": "1", "TRADEWINDOW_BUS_URL": ""}
        first = deployment._start([*filer, "0", "4"], "export-1", killed)
        assert first.wait(120) == -signal.SIGKILL, deployment.log("export-1")
        pending = (
            "SELECT count(*) FROM clearance_inbox_parts WHERE guid LIKE 'exp:%' AND done_at IS NULL"
        )
        assert scalar(engine, pending) > 0  # the killed filer's message is half cleared
        deployment.worker("worker-a")  # its sweep (--stale-after 4) finishes it
        wait_for(lambda: scalar(engine, pending) == 0, 120, "the worker to finish the parts")
        # the other waybills, over the bus: the worker clears their parts and wake-ups
        second = deployment._start([*filer, "4", "5"], "export-2")
        assert second.wait(120) == 0, deployment.log("export-2")

        filed = messages()
        answered = scalar(
            engine, "SELECT count(*) FROM exp_answers WHERE message_guid NOT LIKE '%@%'"
        )
        assert answered == len(filed)  # the killed filer's message answered by the sweep
        statuses = "SELECT status, count(*) FROM exp_lists GROUP BY status"
        with engine.connect() as connection:
            assert dict(connection.execute(text(statuses)).all()) == {"accepted": 12}
        documents = sum(len(m.documents) for m in filed[1:])  # orders, receipts, waybills
        assert scalar(engine, "SELECT count(*) FROM exp_documents") == documents  # none lost
        twice = scalar(
            engine,
            "SELECT count(*) FROM (SELECT party_id, body FROM exp_receipts"
            " GROUP BY 1, 2 HAVING count(*) > 1) AS d",
        )
        assert twice == 0  # no receipt kept twice
        parts = scalar(
            engine,
            "SELECT count(*) FROM clearance_inbox_parts WHERE guid LIKE 'exp:%'"
            " AND guid NOT LIKE '%@%' AND partition >= 0",
        )
        kept = scalar(engine, "SELECT count(*) FROM exp_answers WHERE message_guid LIKE '%@%'")
        assert kept == parts  # each part cleared once
        numbers = scalar(engine, "SELECT count(DISTINCT invt_no) FROM exp_lists")
        assert numbers == 12
    finally:
        store.close()
