"""`tradewindow bench scale --mix export` runs end to end: one writer, then partitions, the
same sets filed by the same filer processes, every list accepted (figures never asserted)."""

from __future__ import annotations

import json

import pytest

from tradewindow.cli import main


@pytest.mark.postgres
def test_bench_scale_export_runs_one_writer_then_partitions(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["bench", "scale", "--mix", "export", "--sets", "100", "--filers", "2"]
    assert main([*args, "--partitions", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mix"] == "export"
    assert [r["partitions"] for r in report["runs"]] == [1, 2, 2, 1]
    for run in report["runs"]:
        assert run["lists_accepted"] == 100
        assert run["sets_per_s"] > 0
    means = report["sets_per_s"]
    assert report["speed_up"] == pytest.approx(means["partitioned"] / means["one_writer"], abs=0.01)
    assert len(report["load_average"]) == 3
