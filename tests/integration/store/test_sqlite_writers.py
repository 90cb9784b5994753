"""SQLite writers of one process queue on the engine's lock, not on SQLite's sleeping busy
handler; the lock is given back however a writing transaction ends."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from tradewindow.store.engine import READ_ONLY, create_store_engine


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    created = create_store_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with created.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    return created


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM t")).scalar_one())


def test_concurrent_writers_take_turns_and_all_commit(engine: Engine) -> None:
    # with SQLite's busy timeout at 0, a writer that reached BEGIN IMMEDIATE while another
    # held the database would fail at once: none does, they queued on the engine's lock
    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")  # type: ignore[attr-defined]

    engine.dispose()
    inside, most, guard = [0], [0], threading.Lock()
    failures: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(20):
                with engine.begin() as connection:
                    with guard:
                        inside[0] += 1
                        most[0] = max(most[0], inside[0])
                    connection.execute(text("INSERT INTO t VALUES (1)"))
                    with guard:
                        inside[0] -= 1
        except Exception as error:  # collected, asserted below
            failures.append(error)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert _count(engine) == 160
    assert most[0] == 1  # never two writing transactions at once in this process


def test_the_lock_is_given_back_on_rollback_error_and_return_to_the_pool(engine: Engine) -> None:
    def fail_inside() -> None:
        with engine.begin() as failing:
            failing.execute(text("INSERT INTO t VALUES (1)"))
            raise RuntimeError("the block failed")

    with pytest.raises(RuntimeError):
        fail_inside()
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(text("INSERT INTO t VALUES (2)"))
    transaction.rollback()
    left_open = engine.connect()
    left_open.begin()
    left_open.close()  # returned to the pool mid-transaction: the pool rolls it back
    connection.close()
    done = threading.Event()

    def write_elsewhere() -> None:
        with engine.begin() as other:
            other.execute(text("INSERT INTO t VALUES (3)"))
        done.set()

    thread = threading.Thread(target=write_elsewhere)
    thread.start()
    thread.join(10)
    assert done.is_set()
    assert _count(engine) == 1


def test_readers_do_not_queue_behind_a_writer(engine: Engine) -> None:
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO t VALUES (1)"))
        read = engine.connect().execution_options(**{READ_ONLY: True})
        with read.begin():
            assert read.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        read.close()
