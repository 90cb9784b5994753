"""``tradewindow export check | clear | summarise`` end to end: files in, receipt files out,
the exit status saying how it went."""

from __future__ import annotations

from pathlib import Path

import export_set as s
import pytest
from lxml import etree

from tradewindow.cbec.documents import SpecVersion
from tradewindow.cli import main
from tradewindow.formats import ceb_export, ceb_schema

NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    if xsd := ceb_schema.xsd_dir():
        monkeypatch.setenv(ceb_schema.ENV, str(xsd))
    return tmp_path


def write(folder: Path, name: str, code: str, *documents: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(ceb_export.write_message(s.message(code, *documents)))
    return path


def statuses(path: Path) -> list[str]:
    return [
        e.text or "" for e in etree.parse(str(path)).getroot().iterfind(".//ceb:returnStatus", NS)
    ]


def test_check_names_the_faults_and_exits_1(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(workdir / "in", "list.xml", "CEB603")
    assert main(["export", "check", str(good)]) == 0
    bad = workdir / "in" / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(b"<ceb:POD>5020</ceb:POD>", b""))
    assert main(["export", "check", str(bad)]) == 1
    shown = capsys.readouterr().out
    assert "[CEB900.element.missing] Inventory[1]/InventoryHead/POD" in shown
    b2b = write(workdir / "in", "b2b.xml", "CEB603", s.inventory(trade_mode="9710", ie_flag="I"))
    assert main(["export", "check", str(b2b)]) == 1  # the rules clearance would apply
    shown = capsys.readouterr().out
    assert "[CEB603.ieFlag.not_export] Inventory[1]/InventoryHead/ieFlag" in shown


def test_a_9610_set_clears_to_departure_and_a_summary(workdir: Path) -> None:
    inbox, out = workdir / "in", workdir / "out"
    files = [
        write(inbox, "1-list.xml", "CEB603"),  # before its documents: it waits
        write(inbox, "2-order.xml", "CEB303"),
        write(inbox, "3-receipt.xml", "CEB403"),
        write(inbox, "4-waybill.xml", "CEB505"),  # wakes the list
        write(inbox, "5-arrival.xml", "CEB507", s.arrival()),
        write(inbox, "6-departure.xml", "CEB509", s.departure()),
    ]
    assert main(["export", "clear", *map(str, files), "--out", str(out)]) == 0
    assert statuses(out / "1-list.CEB604.xml") == ["2"]
    assert statuses(out / "4-waybill.1.CEB604.xml") == ["120"]  # the list's own receipt
    assert statuses(out / "5-arrival.1.CEB604.xml") == ["800"]  # released (no inspection)
    assert statuses(out / "6-departure.CEB510.xml") == ["399"]
    assert statuses(out / "6-departure.1.CEB604.xml") == ["899"]
    if ceb_export.schemas_available():
        for receipt in out.iterdir():
            assert ceb_export.validate(receipt.read_bytes(), SpecVersion.V202205) == [], receipt
    summaries = workdir / "summaries"
    assert main(["export", "summarise", "--today", "2026-04-01"]) == 0  # a preview, not late
    assert main(["export", "summarise", "--file", "--out", str(summaries)]) == 0
    (result,) = summaries.glob("*.CEB792.xml")
    root = etree.parse(str(result)).getroot()
    assert [e.text for e in root.iterfind(".//ceb:SummaryResultList/ceb:gcode", NS)] == [
        "6110200090",
        "8518300000",
    ]
    assert main(["export", "summarise"]) == 0  # nothing left to summarise


def test_an_unreadable_file_gets_a_ceb900_and_exit_1(workdir: Path) -> None:
    broken = workdir / "broken.xml"
    broken.write_bytes(b"<ceb:CEB603Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'>")
    out = workdir / "out"
    assert main(["export", "clear", str(broken), "--out", str(out)]) == 1
    assert statuses(out / "broken.CEB900.xml")[0].startswith("-")
