"""Returns and cancellations reach the statistics lake (SQLite and PostgreSQL): the lake's
returns file holds each returned line and each cancelled list's lines, and the return and
cancellation rates per platform and HS chapter are taken against the released lines."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clearance"))  # the harness

from harness import Harness

import builders as b
import lifecycle_builders as lb
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import rebuild, refresh
from tradewindow.analytics.returns import return_rates
from tradewindow.cbec.clearance import Answer
from tradewindow.store import SqlStore

D = Decimal


def number(answer: Answer) -> str:
    (found,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in answer.receipts if r.receipt_type == "CEB622"
    }
    return str(found)


def test_returns_and_cancellations_in_the_lake(store: SqlStore, tmp_path: Path) -> None:
    harness = Harness(store)
    kept, cancelled = (
        b.import_set(order_no="SO-L-1", logistics_no="SF-L-1"),
        b.import_set(order_no="SO-L-2", logistics_no="SF-L-2"),
    )
    *_, first = harness.send(*kept.messages)
    *_, second = harness.send(*cancelled.messages)
    lake = Lake(tmp_path / "lake")
    rebuild(store.lake_source, lake)
    harness.send(lb.refund_message(lb.refund(kept.inventory, number(first), {2: D(1)})))
    harness.send(lb.cancel_message(lb.cancel(cancelled.inventory, number(second))))
    refresh(store.lake_source, lake)  # the cancelled list leaves the released lines
    by_chapter = {rate.key: rate for rate in return_rates(lake, "chapter")}
    # one tin of infant formula (chapter 19) returned: 785.91 / 3
    assert by_chapter["19"].returned_cny == D("261.97")
    # the cancelled list's lines: face cream 404.12 (33), formula 785.91 (19), vitamins 129.97
    assert (by_chapter["33"].cancelled_cny, by_chapter["19"].cancelled_cny) == (
        D("404.12"), D("785.91"),
    )  # fmt: skip
    assert by_chapter["21"].cancelled_cny == D("129.97")
    chapter_19 = by_chapter["19"]
    assert chapter_19.released_cny > 0
    assert chapter_19.return_rate == (D("261.97") / chapter_19.released_cny).quantize(D("0.0001"))
    (platform,) = return_rates(lake, "platform")
    assert platform.key == b.EBP_CODE
    assert (platform.returned_cny, platform.cancelled_cny) == (D("261.97"), D("1320.00"))
