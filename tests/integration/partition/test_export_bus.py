"""Export clearance by partitions over the bus: a wide export message's parts are published on
their partitions' subjects (NATS JetStream), cleared by the clearance worker holding them
(``run_clearance_worker`` with the runner ``bootstrap`` wires, in a thread here), and the filer
gets the merged answer — the same as one writer's, documents and lists the same."""

from __future__ import annotations

import asyncio
import secrets
import threading
from pathlib import Path

import pytest
from test_partition_workers import NATS_URL, _delete_stream
from test_partitioned_export import AT, SENDER, _cross, kept, lists, mix, own_returns

from tradewindow.bootstrap import bootstrap
from tradewindow.bus.clearance import BusDispatch, WorkerReport, run_clearance_worker
from tradewindow.cbec.partitioned import PartitionedClearance
from tradewindow.export.partitioned import PartitionedExport
from tradewindow.settings import Settings
from tradewindow.store.partition import SqlInbox
from tradewindow.store.partition.leases import PartitionLeases

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not NATS_URL, reason="NATS tier: TRADEWINDOW_TEST_NATS_URL is not set"),
]


def test_a_worker_clears_export_parts_from_the_bus_and_the_filer_gets_the_merged_answer(
    postgres_url: str, tmp_path: Path
) -> None:
    assert NATS_URL is not None
    tag = secrets.token_hex(4)
    prefix, stream = f"twtest{tag}", f"TWTEST_{tag}"
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path / "data", clearance_partitions=4,
        bus_url=NATS_URL,
    )  # fmt: skip
    app = bootstrap(settings)
    one = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'one.db'}", data_dir=tmp_path))
    assert isinstance(app.export, PartitionedExport)
    assert app.partitions is not None
    assert isinstance(app.clearance, PartitionedClearance)
    filer = BusDispatch(NATS_URL, SqlInbox(app.store.engine), prefix=prefix, stream=stream,
                        timeout=90, ack_wait=2.0)  # fmt: skip
    app.export.dispatch = filer  # publishes only: no part is cleared in the filer's threads
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    report: list[WorkerReport] = []
    worker = threading.Thread(
        target=lambda: report.append(loop.run_until_complete(run_clearance_worker(
            app.partitions, app.clearance, PartitionLeases(app.store.engine, 4), NATS_URL, stop,
            prefix=prefix, stream=stream, poll_seconds=0.02, ack_wait=2.0,
            sweeps=[app.export.stale_works],
        )))
    )  # fmt: skip
    worker.start()
    try:
        parcels = [_cross(n, 4) for n in range(8)]  # lists and waybills in two partitions
        for message in mix(parcels):
            expected = one.export(message, SENDER, AT)
            got = app.export(message, SENDER, AT)
            assert own_returns(got) == own_returns(expected), message.guid
            assert got.codes == expected.codes
        assert kept(app.store) == kept(one.store)  # every receipt, for every party
        by_one, by_parts = lists(one.store), lists(app.store)
        assert {k: x.status for k, x in by_parts.items()} == {
            k: x.status for k, x in by_one.items()
        }
        assert {x.status.value for x in by_parts.values()} == {"departed"}
    finally:
        loop.call_soon_threadsafe(stop.set)
        worker.join(60)
        filer.close()
        asyncio.run(_delete_stream(stream))
        app.close()
        one.close()
    assert len(report) == 1
    assert report[0].parts > 0  # the parts (and wake-ups) came off the bus
