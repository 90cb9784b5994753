"""Two processes clearing at once (two stores over one database, as two API processes have):
the last companion of a waiting list is never lost between them."""

from __future__ import annotations

import threading
import time

import pytest
from harness import Harness

import builders as b
from tradewindow.cbec.declarations import Batch
from tradewindow.cbec.ports import DocKind
from tradewindow.store import open_store

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"


def test_payment_and_waybill_arriving_together_in_two_processes_release_the_list(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the list and its order are on file; the payment reaches one process and the waybill
    # the other at the same moment. Each alone sees the list still missing the other's
    # document; unless the second waits for the first to commit, the list waits forever.
    stores = [open_store(database_url), open_store(database_url)]
    first, second = Harness(stores[0]), Harness(stores[1])
    order, payment, waybill, inventory = b.import_set().messages
    first.send(order, inventory)
    assert first.document_status(DocKind.INVENTORY, KEY) == "waiting"

    inside, let_go = threading.Event(), threading.Event()
    prefetch = Batch.prefetch

    def paused_prefetch(self: Batch, messages: list) -> None:  # type: ignore[type-arg]
        prefetch(self, messages)
        if threading.current_thread().name == "payment":
            inside.set()
            let_go.wait(10)  # hold the payment's unit of work open, its reads done

    monkeypatch.setattr(Batch, "prefetch", paused_prefetch)
    sender = threading.Thread(target=first.send, args=(payment,), name="payment")
    sender.start()
    assert inside.wait(10)
    other = threading.Thread(target=second.send, args=(waybill,), name="waybill")
    other.start()
    time.sleep(0.3)  # room for the waybill's unit of work to run, were it not made to wait
    let_go.set()
    sender.join(10)
    other.join(10)
    try:
        assert second.document_status(DocKind.INVENTORY, KEY) == "released"
    finally:
        for store in stores:
            store.close()
