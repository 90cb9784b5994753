"""A filer of partitioned clearance in a process of its own, for the kill -9 tests.

``python partition_roles.py file FIRST LAST`` files messages FIRST … LAST-1 of the generated
stream (``demo.sets``, seed 11) one at a time through ``PartitionedClearance`` with the bus
dispatch, printing ``filed N`` after each answer. With ``TW_KILL_AFTER_INBOX=K`` it kills itself
(SIGKILL) right after the K-th message is recorded in the inbox, before its parts are sent.

Reads TRADEWINDOW_DATABASE_URL, TRADEWINDOW_BUS_URL, TW_PREFIX, TW_STREAM, TW_PARTITIONS, TW_START.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from datetime import datetime, timedelta
from typing import Any

import msgspec

from tradewindow.bus.clearance import BusDispatch
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import Message
from tradewindow.cbec.partitioned import PartitionedClearance
from tradewindow.clock import utc_now
from tradewindow.demo.sets import generate_sets
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import open_store
from tradewindow.store.partition import SqlInbox
from tradewindow.store.partition.store import InboxUnitOfWork

SETS = 100
PER_MESSAGE = 25


def stream(start: datetime) -> list[Message]:
    return list(generate_sets(SETS, seed=11, start=start, per_message=PER_MESSAGE))


def main(first: int, last: int) -> None:
    start = datetime.fromisoformat(os.environ["TW_START"])
    store = open_store(os.environ["TRADEWINDOW_DATABASE_URL"])
    inbox = SqlInbox(store.engine)
    kill_after = int(os.environ.get("TW_KILL_AFTER_INBOX", "0"))
    if kill_after:
        recorded = [0]
        add_inbox = InboxUnitOfWork.add_inbox

        def add_and_maybe_die(self: InboxUnitOfWork, entries: Any, at: Any) -> None:
            add_inbox(self, entries, at)
            commit = self.commit

            def commit_then_die() -> None:
                commit()
                recorded[0] += len(entries)
                if recorded[0] >= kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)

            self.commit = commit_then_die  # type: ignore[method-assign]

        InboxUnitOfWork.add_inbox = add_and_maybe_die  # type: ignore[method-assign]
    dispatch = BusDispatch(
        os.environ["TRADEWINDOW_BUS_URL"],
        inbox,
        prefix=os.environ["TW_PREFIX"],
        stream=os.environ["TW_STREAM"],
        ack_wait=2.0,
    )
    clearance = PartitionedClearance(
        store,
        partitions=int(os.environ["TW_PARTITIONS"]),
        inbox=inbox,
        dispatch=dispatch,
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=timedelta(hours=24),
        clock=utc_now,
    )
    for n, message in enumerate(stream(start)[first:last], first):
        data = msgspec.json.encode(message)
        sub = Submission(
            message=message, digest=hashlib.sha256(data).hexdigest(), received_at=utc_now()
        )
        (answer,) = clearance.submit([sub])
        print(f"filed {n} {len(answer.receipts)}", flush=True)
    dispatch.close()
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[2]), int(sys.argv[3]))
