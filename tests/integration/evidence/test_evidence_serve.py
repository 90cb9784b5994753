"""``serve`` anchors what it wrote (issue 15: records filed through the API were never signed):
the server signs its head after N records in the request's own transaction, and its tail when
it stops. Through the HTTP application's lifespan, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from pathlib import Path

from litestar.testing import TestClient

from tradewindow.evidence.chain import RecordKind
from tradewindow.settings import EvidenceSettings, Settings
from tradewindow.web.app import create_app
from tradewindow.web.window import Window


def test_the_server_signs_its_head_every_n_records_and_its_tail_when_it_stops(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        credential_pepper="pepper-0123456789abcdef",
        evidence=EvidenceSettings(checkpoint_records=4),
    )
    app = create_app(settings=settings)
    window: Window = app.state.window
    log = window.app.evidence
    with TestClient(app):
        for n in range(6):
            payload = hashlib.sha256(str(n).encode()).hexdigest()
            log.append(RecordKind.RECEIPT, f"F{n}", payload, "platform")
        assert [a.seq for a in log.anchors()] == [5]  # after records 1-4, in their transaction
    # the lifespan ended: the two records after the checkpoint are signed too
    assert [a.seq for a in log.anchors()] == [5, 8]
    anchors = (tmp_path / "evidence-anchors.jsonl").read_text().splitlines()
    assert len(anchors) == 2
    report = log.verify()
    assert report.ok, report.failure
    assert report.unanchored == 0
