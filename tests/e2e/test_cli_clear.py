"""`tradewindow clear` end to end: the hand-written CEB sample set from the spec's field tables
clears from files, and every receipt written is valid against the official XSDs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec import answers
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cli import main
from tradewindow.formats import ceb_schema
from tradewindow.formats.ceb_receipts_xml import read_receipt
from tradewindow.intake import ReceiptWriter
from tradewindow.settings import Settings

SAMPLES = Path(__file__).parent.parent / "data" / "ceb"
SET = ["order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml"]
NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}

needs_xsd = pytest.mark.skipif(
    not ceb_schema.schemas_available(), reason="CEB XSDs not found (shared/data/specs/ceb)"
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    if xsd := ceb_schema.xsd_dir():
        monkeypatch.setenv(ceb_schema.ENV, str(xsd))
    return tmp_path


def receipts(out: Path) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for file in sorted(out.iterdir()):
        root = etree.fromstring(file.read_bytes())
        found.setdefault(file.name[:6], []).append(root)
    return found


def statuses(roots: list[etree._Element]) -> list[str]:
    return [s.text or "" for root in roots for s in root.iterfind(".//ceb:returnStatus", NS)]


@needs_xsd
def test_the_sample_set_clears_in_any_file_order_and_receipts_are_spec_valid(
    workdir: Path,
) -> None:
    inbox = workdir / "in"
    inbox.mkdir()
    # the list first: it must wait for its companions, which arrive in later files
    for index, name in enumerate(reversed(SET)):
        shutil.copy(SAMPLES / name, inbox / f"{index:02d}_{name}")
    out = workdir / "out"
    assert main(["clear", str(inbox), "--out", str(out)]) == 0
    found = receipts(out)
    assert set(found) == {"CEB312", "CEB412", "CEB512", "CEB622"}
    # customs concluded (399); infant formula and vitamins also need inspection & quarantine
    assert statuses(found["CEB622"]) == ["120", "399"]
    # the I&Q officer releases it: the list is released and its tax bill issued
    settled = workdir / "settled"
    _agency_releases(workdir, settled)
    after = receipts(settled)
    assert statuses(after["CEB622"]) == ["800"]
    (bill,) = after["CEB816"]
    assert bill.findtext(".//ceb:valueAddedTax", namespaces=NS) == "50.05"
    assert bill.findtext(".//ceb:customsTax", namespaces=NS) == "0.00"
    for name, roots in (*found.items(), *after.items()):
        for root in roots:
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            read_receipt(data, max_bytes=1 << 20, max_depth=32)  # our own reader accepts it
            for spec in SpecVersion:
                assert ceb_schema.validate(data, spec) == [], f"{name} invalid under {spec}"


def _agency_releases(workdir: Path, out: Path) -> None:
    """Inspection & quarantine releases every open task; the receipts go to ``out``."""
    app = bootstrap(Settings.from_env())
    try:
        tasks = app.desk.list_tasks("inspection_quarantine", TaskStatus.OPEN).tasks
        assert tasks
        for task in tasks:
            app.desk.claim("inspection_quarantine", "officer-chen", task.id)
            app.desk.decide(
                "inspection_quarantine", "officer-chen", task.id, Decision.RELEASE, None
            )
        made = app.clearance.settle([t.filing for t in tasks], reason="decision:e2e")
        writer = ReceiptWriter(out, "xml")
        for message in answers.receipt_messages("decision:e2e", made):
            writer.write(message)
    finally:
        app.close()


@needs_xsd
def test_a_broken_message_gets_a_ceb900_and_the_rest_still_clears(workdir: Path) -> None:
    inbox = workdir / "in"
    inbox.mkdir()
    for name in SET:
        shutil.copy(SAMPLES / name, inbox / name)
    (inbox / "zz_broken.xml").write_bytes(b"<ceb:CEB311Message xmlns:ceb='x'><unclosed>")
    (inbox / "zz_entity.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        b'<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">&a;</ceb:CEB311Message>'
    )
    out = workdir / "out"
    assert (
        main(["clear", str(inbox), "--out", str(out), "--receipts", "xml"]) == 2
    )  # unreadable input
    found = receipts(out)
    assert len(found["CEB900"]) == 2
    infos = [r.findtext(".//ceb:returnInfo", namespaces=NS) or "" for r in found["CEB900"]]
    assert any("CEB900.xml.doctype" in text for text in infos)
    assert any("CEB900.xml.malformed" in text for text in infos)
    assert statuses(found["CEB622"]) == ["120", "399"]
    for root in found["CEB900"]:
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        assert ceb_schema.validate(data, SpecVersion.V202205) == []


def test_clearing_the_same_files_twice_stores_nothing_twice(workdir: Path) -> None:
    inbox = workdir / "in"
    inbox.mkdir()
    for name in SET:
        shutil.copy(SAMPLES / name, inbox / name)
    first, second = workdir / "out1", workdir / "out2"
    assert main(["clear", str(inbox), "--out", str(first), "--receipts", "json"]) == 0
    assert main(["clear", str(inbox), "--out", str(second), "--receipts", "json"]) == 0
    one = {p.name: p.read_bytes() for p in first.iterdir()}
    two = {p.name: p.read_bytes() for p in second.iterdir()}
    assert one == two  # replayed: the same receipt messages, byte for byte


@needs_xsd
def test_clear_with_worker_processes_answers_every_file_in_order(workdir: Path) -> None:
    """``--workers 2``: the same receipts as in-process and one report line per input, in
    input order, a broken file's CEB900 among them."""
    inbox = workdir / "in"
    inbox.mkdir()
    for name in SET:
        shutil.copy(SAMPLES / name, inbox / name)
    (inbox / "zz_broken.xml").write_bytes(b"<ceb:CEB311Message xmlns:ceb='x'><unclosed>")
    out, report = workdir / "out", workdir / "report.jsonl"
    command = ["clear", str(inbox), "--out", str(out), "--workers", "2", "--report", str(report)]
    assert main(command) == 2  # the broken file is unreadable
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [Path(line["source"]).name for line in lines] == sorted([*SET, "zz_broken.xml"])
    assert [line["outcome"] for line in lines] == ["answered"] * 4 + ["unreadable"]
    found = receipts(out)
    assert set(found) == {"CEB312", "CEB412", "CEB512", "CEB622", "CEB900"}
    assert statuses(found["CEB622"]) == ["120", "399"]
