"""Documents: batched lookups, duplicates, updates and the two waiting-list queries."""

from __future__ import annotations

from datetime import timedelta, timezone

import msgspec
import pytest
from sqlalchemy import text
from store_records import T0, document, inventory, order_key, waybill_key

from tradewindow.cbec.ports import DocKind, DocStatus, StoredDocument
from tradewindow.store import DuplicateDocument, MissingDocument, SqlStore
from tradewindow.store.types import utc_text
from tradewindow.store.unit_of_work import CHUNK


def store_docs(store: SqlStore, docs: list[StoredDocument]) -> None:
    with store.unit_of_work() as uow:
        uow.insert_documents(docs)
        uow.commit()


@pytest.mark.parametrize("count", [3, 2 * CHUNK + 17], ids=["small", "over-chunk"])
def test_documents_round_trip_every_field(store: SqlStore, count: int) -> None:
    docs = [inventory(n) for n in range(count)]
    store_docs(store, docs)
    with store.unit_of_work() as uow:
        found = uow.documents(DocKind.INVENTORY, [d.key for d in docs] + ["3301964J31|NOPE"])
    assert len(found) == count
    for doc in docs:
        assert msgspec.structs.asdict(found[doc.key]) == msgspec.structs.asdict(doc)
    assert isinstance(found[docs[0].key].kind, DocKind)
    assert isinstance(found[docs[0].key].status, DocStatus)


def test_documents_are_looked_up_by_kind(store: SqlStore) -> None:
    key = order_key(1)
    store_docs(store, [document(DocKind.ORDER, key), document(DocKind.PAYMENT, key)])
    with store.unit_of_work() as uow:
        assert list(uow.documents(DocKind.ORDER, [key])) == [key]
        assert list(uow.documents(DocKind.PAYMENT, [key])) == [key]
        assert uow.documents(DocKind.WAYBILL, [key]) == {}
        assert uow.documents(DocKind.ORDER, []) == {}


@pytest.mark.parametrize("batch", [1, 40], ids=["insert", "bulk"])
def test_same_kind_and_key_again_is_a_duplicate_document(store: SqlStore, batch: int) -> None:
    store_docs(store, [inventory(n) for n in range(batch)])
    with store.unit_of_work() as uow, pytest.raises(DuplicateDocument) as raised:
        uow.insert_documents([inventory(n) for n in range(batch, 2 * batch)] + [inventory(0)])
    assert raised.value.table == "documents"
    assert "duplicate documents" in str(raised.value)
    assert store.status_counts() == {("inventory", "waiting"): batch}


def test_duplicate_within_one_batch_stores_nothing(store: SqlStore) -> None:
    with store.unit_of_work() as uow, pytest.raises(DuplicateDocument):
        uow.insert_documents([inventory(1), inventory(2), inventory(1)])
    assert store.status_counts() == {}


def test_update_replaces_the_stored_document(store: SqlStore) -> None:
    store_docs(store, [inventory(1), inventory(2)])
    later = T0 + timedelta(hours=2)
    released = msgspec.structs.replace(
        inventory(1),
        status=DocStatus.RELEASED,
        invt_no="53002024I000000001",
        version=2,
        body=b'{"released":true}',
        message_guid="NEW-GUID",
        updated_at=later,
    )
    with store.unit_of_work() as uow:
        uow.update_documents([released])
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.documents(DocKind.INVENTORY, [order_key(1), order_key(2)])
    assert msgspec.structs.asdict(found[order_key(1)]) == msgspec.structs.asdict(released)
    assert found[order_key(2)].status is DocStatus.WAITING


def test_bulk_update_replaces_every_document(store: SqlStore) -> None:
    store_docs(store, [inventory(n) for n in range(60)])
    released = [
        msgspec.structs.replace(inventory(n), status=DocStatus.RELEASED, invt_no=f"I{n:017d}")
        for n in range(0, 60, 2)
    ]
    with store.unit_of_work() as uow:
        uow.update_documents(released)
        uow.update_documents(released[:12])  # a second batch in the same unit of work
        uow.commit()
    assert store.status_counts() == {("inventory", "waiting"): 30, ("inventory", "released"): 30}
    with store.unit_of_work() as uow:
        found = uow.documents(DocKind.INVENTORY, [order_key(n) for n in range(60)])
    assert found[order_key(58)].invt_no == f"I{58:017d}"
    assert found[order_key(59)].invt_no is None


def test_bulk_update_writes_every_field(store: SqlStore) -> None:
    """From 20 documents SQLite updates through sqlite3 itself: every column as SQLAlchemy
    would write it, times given in another zone read back as the same instants."""
    store_docs(store, [inventory(n) for n in range(30)])
    china = timezone(timedelta(hours=8))
    changed = [
        msgspec.structs.replace(
            inventory(n),
            status=DocStatus.RELEASED,
            invt_no=f"I{n:017d}",
            message_guid=f"guid-{n}",
            version=2,
            body=b'{"changed":%d}' % n,
            received_at=(T0 + timedelta(minutes=n)).astimezone(china),
            updated_at=(T0 + timedelta(hours=1, microseconds=n)).astimezone(china),
        )
        for n in range(25)
    ]
    with store.unit_of_work() as uow:
        uow.update_documents(changed)
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.documents(DocKind.INVENTORY, [order_key(n) for n in range(30)])
    for doc in changed:
        assert msgspec.structs.asdict(found[doc.key]) == msgspec.structs.asdict(doc)
    assert found[order_key(29)] == inventory(29)
    if store.engine.dialect.name == "sqlite":  # it compares times as their text: as written
        with store.engine.connect() as connection:
            held = dict(connection.execute(text("SELECT key, received_at FROM documents")).all())
        assert [held[d.key] for d in changed] == [utc_text(d.received_at) for d in changed]


@pytest.mark.parametrize("batch", [1, 30], ids=["update", "bulk"])
def test_updating_a_document_never_stored_is_refused(store: SqlStore, batch: int) -> None:
    store_docs(store, [inventory(n) for n in range(batch)])
    with store.unit_of_work() as uow, pytest.raises(MissingDocument, match=f"1 of {batch + 1}"):
        uow.update_documents([inventory(n) for n in range(batch)] + [inventory(99)])


def test_waiting_inventories_match_on_order_or_waybill_only_while_waiting(
    store: SqlStore,
) -> None:
    store_docs(
        store,
        [
            inventory(1),  # found by its order
            inventory(2),  # found by its waybill
            inventory(3),  # found by both: once
            inventory(4),  # waiting but not asked for
            inventory(5, DocStatus.RELEASED),  # asked for, no longer waiting
            document(DocKind.WAYBILL, waybill_key(6), order_ref=order_key(6)),  # not inventory
        ],
    )
    with store.unit_of_work() as uow:
        found = uow.waiting_inventories(
            order_refs=[order_key(1), order_key(3), order_key(5), order_key(6)],
            waybill_refs=[waybill_key(2), waybill_key(3), waybill_key(5), waybill_key(6)],
        )
        assert uow.waiting_inventories([], []) == []
    assert [doc.key for doc in found] == [order_key(1), order_key(2), order_key(3)]


def test_expired_waiting_is_oldest_first_before_the_cut_off(store: SqlStore) -> None:
    hour = timedelta(hours=1)
    store_docs(
        store,
        [
            inventory(1, received_at=T0 + 3 * hour),
            inventory(2, received_at=T0),
            inventory(3, received_at=T0 + hour),
            inventory(4, received_at=T0 + 5 * hour),  # exactly at the cut-off: not expired
            inventory(5, DocStatus.RETURNED, received_at=T0),  # not waiting
            inventory(6, received_at=T0 + 9 * hour),
        ],
    )
    cut_off = T0 + 5 * hour
    with store.unit_of_work() as uow:
        assert [d.key for d in uow.expired_waiting(cut_off, 10)] == [
            order_key(2),
            order_key(3),
            order_key(1),
        ]
        assert [d.key for d in uow.expired_waiting(cut_off, 2)] == [order_key(2), order_key(3)]
        # the same instant written in Beijing time selects the same rows
        beijing = cut_off.astimezone(timezone(timedelta(hours=8)))
        assert len(uow.expired_waiting(beijing, 10)) == 3


def test_status_counts_group_by_kind_and_status(store: SqlStore) -> None:
    assert store.status_counts() == {}
    store_docs(
        store,
        [inventory(n) for n in range(5)]
        + [inventory(n, DocStatus.RELEASED) for n in range(5, 7)]
        + [document(DocKind.ORDER, order_key(n)) for n in range(4)],
    )
    assert store.status_counts() == {
        ("inventory", "waiting"): 5,
        ("inventory", "released"): 2,
        ("order", "accepted"): 4,
    }
