"""A message whose partitions are not cleared in time (no writer holds them, or the writers
are behind) is answered 503 ``clearance.pending`` with Retry-After, never a 500: it is kept in
the inbox, and the same message filed again once the writers run gets its receipts. The
same for ``tradewindow clear``: exit status 3, the code said, and a second run answers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest
from api_world import decoded, open_world

import builders as b
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.partitioned import PartitionedClearance
from tradewindow.cli import clearance as cli_clearance
from tradewindow.cli import main
from tradewindow.formats import ceb_json
from tradewindow.settings import Settings
from tradewindow.transaction import ClearanceTimeout


class _NoWriter:
    """A dispatch whose parts reach no writer: sent nowhere, never cleared in time."""

    def send(self, works: Sequence[Any], admission: Any) -> None:
        pass

    def wait(self, guids: Collection[str]) -> None:
        raise ClearanceTimeout(f"{len(guids)} messages not cleared yet")

    def close(self) -> None:
        pass


@pytest.mark.postgres
def test_a_message_its_partitions_did_not_clear_in_time_is_503_then_answered(
    postgres_url: str, tmp_path: Path
) -> None:
    world = open_world(postgres_url, tmp_path, partitions=4)
    with world.client:
        clearance = world.window.app.clearance
        assert isinstance(clearance, PartitionedClearance)
        running, clearance.dispatch = clearance.dispatch, _NoWriter()  # type: ignore[assignment]
        body = ceb_json.write_message(b.order_message(b.import_set(order_no="PENDING01").order))
        pending = world.post_json("platform", body, idempotency_key="pending-1")
        assert pending.status_code == 503, pending.text
        problem = decoded(pending)
        assert problem["code"] == "clearance.pending"
        assert "same guid" in problem["detail"]
        assert "相同guid" in problem["detail"]
        assert pending.headers["retry-after"] == "5"
        clearance.dispatch = running  # the writers run again
        # the same request, same key (a 503 keeps no key): the kept message is answered
        answered = world.post_json("platform", body, idempotency_key="pending-1")
        assert answered.status_code in (200, 201), answered.text
        (receipt,) = decoded(answered)["receipts"]
        assert receipt["messageType"] == "CEB312"
        assert [r["returnStatus"] for r in receipt["OrderReturn"]] == ["120"]
    world.window.close()


@pytest.mark.postgres
def test_clear_exits_3_naming_the_pending_message_and_a_second_run_answers_it(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path / "data", clearance_partitions=4
    )
    inputs = tmp_path / "in"
    inputs.mkdir()
    order = b.order_message(b.import_set(order_no="PENDING02").order)
    (inputs / "order.json").write_bytes(ceb_json.write_message(order))
    stuck = bootstrap(settings)
    assert isinstance(stuck.clearance, PartitionedClearance)
    stuck.clearance.dispatch = _NoWriter()  # type: ignore[assignment]
    monkeypatch.setattr(cli_clearance, "bootstrap", lambda: stuck)
    out = tmp_path / "out"
    assert main(["clear", str(inputs), "--out", str(out), "--workers", "0"]) == 3
    said = capsys.readouterr().out
    assert "clearance.pending" in said
    assert "相同guid" in said
    monkeypatch.setattr(cli_clearance, "bootstrap", lambda: bootstrap(settings))
    assert main(["clear", str(inputs), "--out", str(out), "--workers", "0"]) == 0
    assert [p.name for p in out.iterdir() if "CEB312" in p.name]
