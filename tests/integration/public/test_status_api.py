"""The status figures are what the database says: lists waiting, agency tasks open per
agency, messages and documents received per minute over the last hour."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from litestar.testing import TestClient
from public_world import SAMPLES, open_app
from sqlalchemy import func, insert, select

from tradewindow.agencies.queue import Filing
from tradewindow.intake import Incoming
from tradewindow.store.agencies.tables import agency_tasks
from tradewindow.store.engine import head_revisions
from tradewindow.store.schema import documents, messages
from tradewindow.web.public.status import bus_reachable

NOW = datetime(2026, 3, 15, 10, 30, 20, tzinfo=UTC)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, object]]:
    app = open_app(database_url, tmp_path)
    app.state.window = dataclasses.replace(app.state.window, clock=lambda: NOW)
    with TestClient(app) as client:
        yield client, app.state.window
    app.state.window.close()


def received(engine, guid: str, at: datetime, count: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(messages).values(
                guid=guid,
                message_type="CEB311",
                sender="tester",
                digest="0" * 64,
                received_at=at,
                document_count=count,
            )
        )
        for number in range(count):
            connection.execute(
                insert(documents).values(
                    kind="order",
                    key=f"{guid}|{number}",
                    status="accepted",
                    message_guid=guid,
                    version=1,
                    body=b"{}",
                    received_at=at,
                    updated_at=at,
                )
            )


def test_an_empty_service_is_healthy_with_empty_queues(world) -> None:
    client, _ = world
    status = client.get("/api/v1/status").json()
    assert status["healthy"] is True
    health = status["health"]
    assert health["database_reachable"] is True
    assert health["migrations_current"] == health["migrations_head"] == head_revisions()
    assert health["bus"] == "in-process"
    assert health["bus_reachable"] is None
    assert status["queues"]["lists"] == {"waiting": 0, "review": 0, "inspection": 0, "agencies": 0}
    assert {q["open"] for q in status["queues"]["agencies"]} == {0}
    assert len(status["throughput"]["minutes"]) == 60
    assert status["throughput"]["messages"] == status["throughput"]["documents"] == 0


def test_throughput_counts_each_minute_of_the_last_hour(world) -> None:
    client, window = world
    engine = window.app.store.engine
    received(engine, "A", NOW - timedelta(seconds=5), 3)  # this minute (10:30)
    received(engine, "B", NOW - timedelta(minutes=1), 2)  # 10:29
    received(engine, "C", NOW - timedelta(minutes=59, seconds=20), 1)  # 09:31, the first minute
    received(engine, "D", NOW - timedelta(minutes=59, seconds=21), 4)  # 09:30: before the hour
    received(engine, "E", NOW + timedelta(minutes=1), 1)  # the next minute: not yet counted
    flow = client.get("/api/v1/status").json()["throughput"]
    minutes = flow["minutes"]
    assert minutes[0]["start"].startswith("2026-03-15T09:31:00")
    assert minutes[-1]["start"].startswith("2026-03-15T10:30:00")
    assert flow["end"].startswith("2026-03-15T10:31:00")
    assert [(m["messages"], m["documents"]) for m in minutes if m["messages"]] == [
        (1, 1),
        (1, 2),
        (1, 3),
    ]
    assert (minutes[0]["documents"], minutes[-2]["documents"], minutes[-1]["documents"]) == (
        1,
        2,
        3,
    )
    start = NOW.replace(second=0) - timedelta(minutes=59)
    end = start + timedelta(hours=1)
    with engine.connect() as connection:
        for table, total in ((messages, flow["messages"]), (documents, flow["documents"])):
            column = table.c.received_at
            query = select(func.count()).where(column >= start, column < end)
            assert connection.execute(query).scalar() == total
    assert (flow["messages"], flow["documents"]) == (3, 6)


def test_queues_are_the_lists_waiting_and_each_agencys_open_tasks(world) -> None:
    client, window = world
    core = window.app
    data = (SAMPLES / "inventory_621.xml").read_bytes()

    submission = window.decoder.decode(Incoming("621.xml", data, "xml"), NOW)
    core.clearance.submit([submission])  # alone: it waits for its companions
    agencies = sorted(core.policy.agencies)
    for number in range(3):
        core.desk.route(Filing(key=f"E|{number}", documents={"inventory": {}}))
    with core.store.engine.begin() as connection:
        for number, agency in enumerate(agencies[:2]):
            connection.execute(
                insert(agency_tasks).values(
                    filing=f"X|{number}",
                    agency=agency,
                    status="claimed" if number else "open",
                    policy_version="test",
                    created_at=NOW,
                )
            )
    status = client.get("/api/v1/status").json()
    assert status["queues"]["lists"]["waiting"] == 1
    with core.store.engine.connect() as connection:
        rows = connection.execute(
            select(agency_tasks.c.agency, agency_tasks.c.status, func.count()).group_by(
                agency_tasks.c.agency, agency_tasks.c.status
            )
        ).all()
    expected = {(agency, state): count for agency, state, count in rows}
    shown = status["queues"]["agencies"]
    assert [q["agency"] for q in shown] == agencies
    for queue in shown:
        assert queue["open"] == expected.get((queue["agency"], "open"), 0)
        assert queue["claimed"] == expected.get((queue["agency"], "claimed"), 0)
    assert shown[0]["open"] >= 1
    assert shown[1]["claimed"] >= 1


def test_the_status_page_shows_the_api_figures(world) -> None:
    client, window = world
    received(window.app.store.engine, "A", NOW - timedelta(seconds=5), 7)
    html = client.get("/status?lang=zh-Hans").text
    assert 'data-healthy="true"' in html
    assert '<div class="tile" data-total="documents"><span class="tile__value">7</span>' in html
    assert "各项服务运行正常" in html


def test_the_bus_is_reachable_only_when_it_accepts_a_connection() -> None:

    assert asyncio.run(bus_reachable(None)) is None
    assert asyncio.run(bus_reachable("nats://127.0.0.1:1")) is False
    nats_url = os.environ.get("TRADEWINDOW_TEST_NATS_URL")
    if nats_url:
        assert asyncio.run(bus_reachable(nats_url)) is True
