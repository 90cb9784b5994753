"""The benchmark commands run end to end and print one JSON object with their figures (the
figures themselves are measured by people, never asserted as timings here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradewindow.cli import main


def test_bench_clearance_prints_production_path_core_only_and_raw_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "clearance", "--sets", "300", "--databases", "sqlite", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sets"] == 300
    assert report["cpu_count"] >= 1
    runs = {(r["format"], r["database"]): r for r in report["runs"]}
    assert set(runs) == {("json", "sqlite"), ("xml", "sqlite")}
    for run in runs.values():
        assert run["path"] == "production"
        assert run["sets_per_s"] > 0
        assert run["raw_sets_per_s"] > 0
        assert run["ratio_to_raw"] == pytest.approx(
            run["sets_per_s"] / run["raw_sets_per_s"], abs=0.001
        )  # the report rounds the ratio to 3 places
        assert run["core_only_sets_per_s"] > 0
        assert sum(run["stages"].values()) == pytest.approx(1, abs=0.01)
        # the production wiring routes lists to the agencies: every generated set is valid, so
        # each of its four documents has an outcome and none is returned
        outcomes = run["outcomes"]
        assert sum(n for k, n in outcomes.items() if k.startswith("inventory:")) == 300
        assert outcomes["order:accepted"] == outcomes["waybill:accepted"] == 300
        assert not [k for k in outcomes if k.endswith(":returned")]
        assert 0 < run["released"] <= 300
        # the lifecycle mix: 5 % of the lists cancelled, 3 % of those released returned
        mix = run["lifecycle_outcomes"]
        assert mix["cancel:concluded"] == 15  # 300 lists, every one still inside the site
        assert 0 < mix.get("refund:concluded", 0) <= 9
        assert not [k for k in mix if k.endswith(":returned")]
        assert run["lifecycle_sets_per_s"] > 0


def test_bench_clearance_prints_the_pipeline_beside_the_raw_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--workers 2``: the production path with decoding in two worker processes, the same
    outcomes as in-process, its ratio to the same run's single-process raw baseline."""
    arguments = ["--sets", "200", "--formats", "xml", "--databases", "sqlite", "--workers", "2"]
    assert main(["bench", "clearance", *arguments, "--mixes", "import", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (run,) = report["runs"]
    piped = run["pipeline"]
    assert piped["workers"] == report["workers"] == 2
    assert piped["outcomes"] == run["outcomes"]
    assert piped["ratio_to_raw"] == pytest.approx(
        piped["sets_per_s"] / run["raw_sets_per_s"], abs=0.001
    )
    assert sum(piped["stages"].values()) == pytest.approx(1, abs=0.01)
    assert piped["workers_cpu_s"] > 0  # the decoding happened in the workers
    assert piped["worker_restarts"] == 0


def test_bench_clearance_runs_the_export_mix_beside_import(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The export mix (order, receipt of payment, waybill, list, arrival, departure) through
    the production path, every set departed, with its raw baseline ratio."""
    arguments = ["--sets", "150", "--databases", "sqlite", "--mixes", "export", "--json"]
    assert main(["bench", "clearance", *arguments]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["export_sets"], report["export_documents"]) == (150, 900)
    assert report["runs"] == []  # the import mix was not asked for
    runs = {(r["format"], r["database"]): r for r in report["export_runs"]}
    assert set(runs) == {("json", "sqlite"), ("xml", "sqlite")}
    for run in runs.values():
        assert run["sets_per_s"] > 0
        assert run["raw_sets_per_s"] > 0
        assert run["ratio_to_raw"] == pytest.approx(
            run["sets_per_s"] / run["raw_sets_per_s"], abs=0.001
        )
        assert sum(run["stages"].values()) == pytest.approx(1, abs=0.01)
        outcomes = run["outcomes"]
        assert run["departed"] == outcomes["export list:899"] == 150  # every set departed
        for kind in ("order", "receipt", "waybill"):
            assert outcomes[f"export {kind}:accepted"] == 150
        assert outcomes["export departure:concluded"] == 2  # 100 parcels a departure
        assert not [k for k in outcomes if k.endswith(":returned")]
        assert "export list:accepted" not in outcomes  # a set is counted once, departed


def test_bench_analytics_prints_each_query_against_plain_duckdb(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "analytics", "--lines", "20000", "--months", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["append"]["lines"] >= 20000
    assert len(report["queries"]) == 6
    for query in report["queries"]:
        assert query["ours_s"] > 0
        assert query["duckdb_s"] > 0
        assert query["sql"].startswith(("SELECT", "WITH"))


def test_bench_api_files_every_message_over_http_and_times_single_submissions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the lists of the generated sets are filed by agents for e-commerce enterprises: the
    # benchmark registers their commissions, or the HTTP path would time refusals
    arguments = ["--sets", "60", "--singles", "64", "--offered", "50", "--rate", "50", "--json"]
    assert main(["bench", "api", *arguments]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["http_messages_filed"] == report["messages"] > 0
    assert report["documents"] == 240
    assert report["in_process_docs_per_s"] > 0
    assert report["http_docs_per_s"] > 0
    assert report["single_requests"] == 64
    assert 0 < report["single_p50_ms"] <= report["single_p99_ms"]
    assert report["open_requests"] == 50
    assert report["open_rate_per_s"] == 50
    assert 0 < report["open_p50_ms"] <= report["open_p99_ms"]
    assert len(report["load_average"]) == len(report["load_average_after"]) == 3


def test_bench_pages_times_every_page_over_a_demo_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--sets", "60", "--history", "600", "--no-serve", "--dir",
                 str(folder)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["bench", "pages", "--dir", str(folder), "--rounds", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    pages = {(p["page"].split("?")[0], p["who"]) for p in report["pages"]}
    for page in ("/", "/stats", "/status", "/lookup", "/sandbox"):
        assert (page, "public") in pages
    assert ("/portal/filings", "broker") in pages
    assert ("/workbench", "customs") in pages
    assert ("/workbench/notices", "taxation") in pages
    for page in report["pages"]:
        assert page["status"] == 200, page
        assert page["p99_s"] >= page["p50_s"] > 0
    assert report["baseline"]["p50_s"] > 0
    assert isinstance(report["all_under_target"], bool)
