"""A filer of export clearance by partitions in a process of its own, for the kill -9 test.

``python export_roles.py FIRST LAST`` files messages FIRST … LAST-1 of the export mix of
``test_partitioned_export.mix`` (12 parcels, prefix K9EX) through the application as
``bootstrap`` wires it from the environment (``TRADEWINDOW_CLEARANCE_PARTITIONS`` > 1: the
parts run in this process, or by the workers on the deployment's subjects when
``TRADEWINDOW_BUS_URL`` is set), printing ``filed N`` after each answer. With
``TW_KILL_AFTER_WAYBILL_PARTS=K`` it kills itself (SIGKILL) right after the K-th part of a
waybill message it clears has committed (its other parts and its wake-ups not run).
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "export"))

from test_partitioned_export import mix, parcel

from tradewindow.bootstrap import bootstrap
from tradewindow.bus.clearance import BusDispatch
from tradewindow.export.documents import WaybillMessage
from tradewindow.export.partitioned import PartitionedExport
from tradewindow.store.partition import SqlInbox

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SENDER = "operator:kill-test"


def messages() -> list[Any]:
    return mix([parcel(n, "K9EX") for n in range(12)])[:5]  # lists, orders, receipts, waybills


def main(first: int, last: int) -> None:
    kill_after = int(os.environ.get("TW_KILL_AFTER_WAYBILL_PARTS", "0"))
    if kill_after:
        cleared = [0]
        part = PartitionedExport._part

        def part_then_maybe_die(self: PartitionedExport, cleared_part: Any, filed: Any) -> Any:
            answer = part(self, cleared_part, filed)  # committed
            cleared[0] += isinstance(filed.message, WaybillMessage)
            if cleared[0] >= kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
            return answer

        PartitionedExport._part = part_then_maybe_die  # type: ignore[method-assign]
    app = bootstrap()
    assert isinstance(app.export, PartitionedExport)
    bus = None
    if app.settings.bus_url:  # the deployment's subjects (bootstrap's are the default ones)
        inbox = SqlInbox(app.store.engine)
        bus = BusDispatch(
            app.settings.bus_url, inbox, prefix=os.environ["TW_PREFIX"],
            stream=os.environ["TW_STREAM"], ack_wait=2.0,
        )  # fmt: skip
        app.export.dispatch = bus
    for n, message in enumerate(messages()[first:last], first):
        answer = app.export(message, SENDER, AT)
        print(f"filed {n} {len(answer.receipts)}", flush=True)
    if bus is not None:
        bus.close()
    app.close()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
