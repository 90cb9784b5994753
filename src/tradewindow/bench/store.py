"""Measure how fast the store takes documents: ``python -m tradewindow.bench.store URL…``.

Inserts StoredDocument rows with ~1.5 KB bodies in units of work of ``--batch`` documents,
committing each (so SQLite pays its fsync per batch, as the service does), and prints
documents per second. On PostgreSQL it measures both the COPY and the executemany path.
For a PostgreSQL URL the tables go to a throw-away schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tradewindow.cbec.ports import DocKind, DocStatus, ReceiptRecord, StoredDocument
from tradewindow.clock import utc_now
from tradewindow.store import postgres
from tradewindow.store.engine import with_search_path
from tradewindow.store.store import SqlStore, open_store

BODY = b'{"orderNo":"%08d",' + b'"x":"' + b"\xe5\x95\x86" * 490 + b'"}'


def documents(start: int, count: int) -> list[StoredDocument]:
    now = utc_now()
    return [
        StoredDocument(
            kind=DocKind.INVENTORY,
            key=f"1234567890|ORDER{n:010d}",
            status=DocStatus.WAITING,
            order_ref=f"1234567890|ORDER{n:010d}",
            waybill_ref=f"LOGI000001|WB{n:012d}",
            buyer=f"4403011990{n % 100000:06d}",
            message_guid=f"guid-{n // 100:08d}",
            body=BODY % n,
            received_at=now,
            updated_at=now,
        )
        for n in range(start, start + count)
    ]


def receipts(start: int, count: int) -> list[ReceiptRecord]:
    now = utc_now()
    return [
        ReceiptRecord(
            receipt_type="CEB622",
            kind="inventory",
            doc_key=f"1234567890|ORDER{n:010d}",
            message_guid=f"guid-{n // 100:08d}",
            status="120",
            created_at=now,
            body=b'{"returnStatus":"120","returnInfo":"accepted"}',
            seq=n % 100,
        )
        for n in range(start, start + count)
    ]


def rates(store: SqlStore, total: int, batch: int) -> dict[str, float]:
    """Rows per second for each phase, a unit of work (and commit) per batch."""
    figures: dict[str, float] = {}
    doc_batches = [documents(start, batch) for start in range(0, total, batch)]
    began = time.perf_counter()
    for docs in doc_batches:
        with store.unit_of_work() as uow:
            uow.insert_documents(docs)
            uow.commit()
    figures["insert documents"] = total / (time.perf_counter() - began)

    began = time.perf_counter()
    for docs in doc_batches:
        with store.unit_of_work() as uow:
            found = uow.documents(DocKind.INVENTORY, [doc.key for doc in docs])
            for doc in found.values():
                doc.status = DocStatus.RELEASED
            uow.update_documents(list(found.values()))
            uow.commit()
    figures["look up + update documents"] = total / (time.perf_counter() - began)

    receipt_batches = [receipts(start, batch) for start in range(0, total, batch)]
    began = time.perf_counter()
    for rows in receipt_batches:
        with store.unit_of_work() as uow:
            uow.add_receipts(rows)
            uow.commit()
    figures["add receipts"] = total / (time.perf_counter() - began)
    return figures


@contextmanager
def scratch(url: str) -> Iterator[str]:
    """A URL whose tables are thrown away afterwards."""
    if url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{os.path.join(folder, 'bench.db')}"
        return
    schema = f"tw_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            yield with_search_path(url, schema)
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "urls", nargs="+", help="sqlite:///path (ignored: a temp file is used) or postgresql://…"
    )
    parser.add_argument("--total", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=2_000)
    args = parser.parse_args()
    for url in args.urls:
        paths = [("", postgres.COPY_THRESHOLD)]
        if not url.startswith("sqlite"):
            paths = [(" COPY", 1), (" executemany", 10**9)]
        for label, threshold in paths:
            postgres.COPY_THRESHOLD = threshold
            with scratch(url) as target:
                store = open_store(target)
                try:
                    figures = rates(store, args.total, args.batch)
                finally:
                    store.close()
            for phase, per_second in figures.items():
                print(
                    f"{store.dialect:<10}{label:<13} {phase:<27} {args.total:>7} rows,"
                    f" batches of {args.batch}: {per_second:>9,.0f} rows/s"
                )


if __name__ == "__main__":
    main()
