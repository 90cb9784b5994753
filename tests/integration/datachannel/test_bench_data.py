"""``tradewindow bench data`` over a small dataset: every figure is there and the download it
times really delivered the bytes (the bench goes through the real channel)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradewindow.cli import main


def test_bench_data_prints_rates_against_a_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            ["bench", "data", "--megabytes", "3", "--rounds", "1", "--dir", str(tmp_path), "--json"]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["megabytes"] == 3
    for name in ("copy_mb_s", "upload_mb_s", "download_mb_s"):
        assert report[name] > 0
    assert report["upload_vs_copy"] == pytest.approx(
        report["upload_mb_s"] / report["copy_mb_s"], rel=0.05
    )
    assert list(tmp_path.iterdir()) == []  # the work directory is gone
