"""``bench clearance`` counts each document once, by its latest status over the whole run: a
list waiting in one chunk and released in a later one is one released list (issue 14)."""

from __future__ import annotations

from collections import Counter

from tradewindow import intake
from tradewindow.bench.clearance import Latest
from tradewindow.cbec.receipts import ReturnStatus


def _summary(final: dict[tuple[str, str], str]) -> intake.Summary:
    return intake.Summary(final=final)


def test_a_list_decided_in_a_later_chunk_counts_once_as_decided() -> None:
    latest = Latest()
    latest.add(  # chunk 1: the list waits for its waybill, its order is accepted
        _summary(
            {
                ("order", "E|1"): ReturnStatus.ACCEPTED,
                ("inventory", "E|1"): ReturnStatus.ACCEPTED,
                ("inventory", "E|2"): ReturnStatus.RELEASED,
            }
        )
    )
    latest.add(  # chunk 2: the waybill arrives, the list is released
        _summary(
            {
                ("waybill", "L|1"): ReturnStatus.ACCEPTED,
                ("inventory", "E|1"): ReturnStatus.RELEASED,
            }
        )
    )
    assert latest.outcomes() == Counter(
        {"inventory:released": 2, "order:accepted": 1, "waybill:accepted": 1}
    )


def test_nothing_added_counts_nothing() -> None:
    assert Latest().outcomes() == Counter()
