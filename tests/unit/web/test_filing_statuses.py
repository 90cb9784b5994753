"""The filings API offers exactly the statuses a stored document can have."""

from __future__ import annotations

from typing import get_args

from tradewindow.cbec.ports import DocStatus
from tradewindow.web.routes.filings import Status


def test_the_status_filter_names_every_document_status() -> None:
    assert set(get_args(Status)) == {status.value for status in DocStatus}
