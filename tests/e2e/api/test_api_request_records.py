"""A request's own records commit with its messages' clearance (``filing.requests``): the
answer kept under its Idempotency-Key and its signature's replay guard — one commit, so a
crash before it keeps neither, and a replayed signature is refused even inside one group."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from api_world import World, decoded
from sqlalchemy import event, select

import builders
from tradewindow.formats import ceb_json
from tradewindow.store.evidence.tables import seen_signatures
from tradewindow.store.filing.requests import SqlRequestRecords
from tradewindow.store.schema import messages
from tradewindow.store.web.tables import idempotency_keys


def _list() -> tuple[bytes, str]:
    message = builders.import_set().messages[3]
    return ceb_json.write_message(message), message.guid


def _rows(world: World, table: Any) -> list[Any]:
    with world.window.app.store.engine.connect() as connection:
        return list(connection.execute(select(table)))


def test_a_commit_that_fails_keeps_neither_key_nor_signature_and_the_retry_is_judged_afresh(
    db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = db_world
    body, guid = _list()
    headers = world.signature(body)
    flush = SqlRequestRecords.flush
    failures = [RuntimeError("the machine died before the commit")]

    def failing_flush(records: SqlRequestRecords) -> None:
        if failures:
            raise failures.pop()
        flush(records)

    monkeypatch.setattr(SqlRequestRecords, "flush", failing_flush)
    crashed = world.post_json("broker", body, sign=False, headers=headers, idempotency_key="c-1")
    assert crashed.status_code == 500
    assert _rows(world, idempotency_keys) == []  # no key without its answer
    assert _rows(world, seen_signatures) == []
    assert guid not in {row.guid for row in _rows(world, messages)}
    retry = world.post_json("broker", body, sign=False, headers=headers, idempotency_key="c-1")
    assert retry.status_code == 201, retry.text
    again = world.post_json("broker", body, sign=False, headers=headers, idempotency_key="c-1")
    assert (again.status_code, again.content) == (201, retry.content)


def test_the_answer_is_kept_in_the_clearance_commit_and_never_in_flight(db_world: World) -> None:
    world = db_world
    body, guid = _list()
    statements: list[str] = []
    engine = world.window.app.store.engine

    def seen(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "idempotency_keys" in statement and statement.lstrip().upper().startswith("INSERT"):
            statements.append(str(parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = world.post_json("broker", body, idempotency_key="k-1")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 201, answer.text
    assert len(statements) == 1  # one INSERT of the key: its answer
    assert "in_flight" not in statements[0]
    [kept] = _rows(world, idempotency_keys)
    assert (kept.key, kept.state, kept.status_code, kept.body) == (
        "k-1",
        "done",
        201,
        answer.content,
    )
    assert guid in {row.guid for row in _rows(world, messages)}


def test_one_signature_on_two_requests_queued_together_clears_once(
    db_world: World,
) -> None:
    world = db_world
    clearance = world.window.app.clearance
    group = world.window.app.filing._clearance  # the GroupCommit the API files through
    submit, calls = clearance.submit, []
    started, release = threading.Event(), threading.Event()

    def held(submissions, **options):  # type: ignore[no-untyped-def]
        calls.append(len(submissions))
        if len(calls) == 1:
            started.set()
            release.wait(30)
        return submit(submissions, **options)

    object.__setattr__(clearance, "submit", held)
    answers: dict[str, Any] = {}
    order = builders.order_message(builders.order(order_no="SO-HELD"))
    first = threading.Thread(
        target=lambda: answers.setdefault("held", world.post_json("platform", order))
    )
    first.start()
    assert started.wait(30)
    body, guid = _list()
    headers = world.signature(body)
    twins = [
        threading.Thread(
            target=lambda key=key: answers.setdefault(
                key,
                world.post_json("broker", body, sign=False, headers=headers, idempotency_key=key),
            )
        )
        for key in ("twin-1", "twin-2")
    ]
    for thread in twins:
        thread.start()
    while len(group._queue) < 2:  # both wait together behind the held unit of work
        threading.Event().wait(0.01)
    release.set()
    for thread in (first, *twins):
        thread.join(30)
    # one signature covers one body, so the twins carry one guid: group commit clears them in
    # turn, and the second's replay guard, in its unit of work, sees the first's
    assert calls == [1, 1, 1]
    assert answers["held"].status_code == 201
    twin = sorted(
        (
            answers[k].status_code,
            decoded(answers[k])["code"] if answers[k].status_code != 201 else "",
        )
        for k in ("twin-1", "twin-2")
    )
    assert twin == [(201, ""), (409, "signature.replayed")]
    assert [row.guid for row in _rows(world, messages)].count(guid) == 1
    assert len(_rows(world, seen_signatures)) == 1
    assert [row.key for row in _rows(world, idempotency_keys) if row.key.startswith("twin")] in (
        ["twin-1"],
        ["twin-2"],
    )
