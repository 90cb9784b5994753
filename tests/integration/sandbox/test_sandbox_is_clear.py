"""The sandbox's verdict is ``tradewindow clear``'s: both run on the demo day's faults (every
kind the demo injects), file for file the same outcome, the same documents with the same
statuses and codes, and the same exit status (issue 11)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec
import pytest

from tradewindow.cli import main
from tradewindow.demo.day import generate_day
from tradewindow.formats import ceb_json
from tradewindow.intake import incoming
from tradewindow.sandbox import check_each, exit_status


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    return tmp_path


def test_the_sandbox_predicts_what_clear_does_on_the_demo_days_faults(workdir: Path) -> None:
    day = generate_day(date(2026, 3, 2), sets=400, seed=23)
    assert len(day.fault_counts()) >= 8  # the faults of every kind are in it
    folder = workdir / "in"
    folder.mkdir()
    for number, message in enumerate(day.messages):
        (folder / f"{number:05d}.json").write_bytes(ceb_json.write_message(message))
    log = workdir / "report.jsonl"
    code = main(["clear", str(folder), "--out", str(workdir / "out"), "--report", str(log)])
    cleared = {
        Path(line["source"]).name: line
        for line in (msgspec.json.decode(row) for row in log.read_bytes().splitlines())
    }
    uploads = ((Path(item.source).name, item.data) for item in incoming([folder]))
    predicted = list(check_each(uploads))
    assert [r.source for r in predicted] == sorted(cleared)
    for report in predicted:
        line = cleared[report.source]
        assert report.outcome == line["outcome"], report.source
        documents = sorted((d.kind, d.key, d.status, list(d.codes)) for d in report.documents)
        expected = sorted((d["kind"], d["key"], d["status"], d["codes"]) for d in line["documents"])
        assert documents == expected, report.source
        assert report.refusal_codes == (
            line["codes"] if line["outcome"] in ("refused", "unreadable") else []
        )
    assert exit_status(predicted) == code == 1  # the faults return documents
    statuses = {d.status for r in predicted for d in r.documents}
    assert {"100", "120", "399", "800"} <= statuses  # returns, waits, agencies, releases
