"""Every input given to ``tradewindow clear`` gets an answer, the run reports per file, the exit
status says how it went, and the CLI user can fetch the decisions made after filing
(``tradewindow receipts``, ``clear --wait``). Issue 11."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import bootstrap
from tradewindow.cli import main
from tradewindow.formats import ceb_schema
from tradewindow.settings import Settings

SAMPLES = Path(__file__).parent.parent / "data" / "ceb"
SET = ["order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml"]
NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}
ORDER_GUID = "18A84FA2-3E22-4BD8-B6EF-5D8AFF081062"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    if xsd := ceb_schema.xsd_dir():
        monkeypatch.setenv(ceb_schema.ENV, str(xsd))
    return tmp_path


def inbox(workdir: Path, *, one_guid: bool = False) -> Path:
    """The sample set; with ``one_guid``, every message carries the order's guid (as GACC's
    own sample sets do)."""
    folder = workdir / "in"
    folder.mkdir(exist_ok=True)
    for index, name in enumerate(SET):
        data = (SAMPLES / name).read_text(encoding="utf-8")
        if one_guid:
            data = re.sub(r'(Message [^>]*?guid=")[^"]+"', rf'\g<1>{ORDER_GUID}"', data, count=1)
        (folder / f"{index}_{name}").write_text(data, encoding="utf-8")
    return folder


def report(path: Path) -> list[dict[str, object]]:
    return [msgspec.json.decode(line) for line in path.read_bytes().splitlines()]


def receipts(out: Path) -> list[etree._Element]:
    return [etree.fromstring(f.read_bytes()) for f in sorted(out.iterdir())]


def test_messages_reusing_one_guid_each_get_a_ceb900_naming_the_first(workdir: Path) -> None:
    out, log = workdir / "out", workdir / "report.jsonl"
    code = main(
        ["clear", str(inbox(workdir, one_guid=True)), "--out", str(out), "--report", str(log)]
    )
    assert code == 1  # messages refused
    lines = report(log)
    assert [line["outcome"] for line in lines] == ["answered", "refused", "refused", "refused"]
    first = lines[0]["source"]
    for line in lines[1:]:
        assert line["codes"] == ["CEB.guid.reused"]
        assert line["conflict"] == first
        assert line["guid"] == ORDER_GUID
        [name] = line["receipts"]  # type: ignore[misc]
        ceb900 = etree.fromstring((out / str(name)).read_bytes())
        info = ceb900.findtext(".//ceb:returnInfo", namespaces=NS) or ""
        assert "CEB.guid.reused" in info
        assert str(first) in info
    assert len(list(out.iterdir())) == 4  # every message answered


def test_a_file_that_is_not_a_ceb_message_is_answered_not_skipped(workdir: Path) -> None:
    folder = inbox(workdir)
    (folder / "zz_invoice.edi").write_bytes(b"UNA:+.? 'UNB+UNOC:3+SENDER+RECEIVER+261205:0800+1'")
    out, log = workdir / "out", workdir / "report.jsonl"
    missing = workdir / "nowhere.xml"
    code = main(["clear", str(folder), str(missing), "--out", str(out), "--report", str(log)])
    assert code == 2  # some input unreadable
    by_source = {Path(str(line["source"])).name: line for line in report(log)}
    assert len(by_source) == 6
    assert by_source["zz_invoice.edi"]["outcome"] == "unreadable"
    assert by_source["zz_invoice.edi"]["codes"] == ["CEB900.message.not_ceb"]
    assert by_source["nowhere.xml"]["codes"] == ["CEB900.file.unreadable"]
    infos = [r.findtext(".//ceb:returnInfo", namespaces=NS) or "" for r in receipts(out)]
    assert any("EDIFACT" in text for text in infos)
    for name in SET:  # the bad inputs cost the good ones nothing
        line = next(v for k, v in by_source.items() if k.endswith(name))
        assert line["outcome"] == "answered"


def test_all_accepted_exits_0_and_the_report_matches_the_receipts(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, log = workdir / "out", workdir / "report.jsonl"
    assert main(["clear", str(inbox(workdir)), "--out", str(out), "--report", str(log)]) == 0
    documents = [d for line in report(log) for d in line["documents"]]  # type: ignore[attr-defined]
    reported = sorted((d["kind"], d["status"]) for d in documents)
    assert reported == [
        ("inventory", "399"),  # customs concluded; inspection & quarantine to decide
        ("order", "120"),
        ("payment", "120"),
        ("waybill", "120"),
    ]
    # the summary counts what the receipts say, status by status: 399 has its own row
    printed = capsys.readouterr().out
    assert re.search(r"inventorys concluded by customs, awaiting agencies \(399\).*\s1\s", printed)
    latest = {}
    for root in receipts(out):
        for ret in root.iter("{http://www.chinaport.gov.cn/ceb}" + "InventoryReturn"):
            latest["inventory"] = ret.findtext("ceb:returnStatus", namespaces=NS)
    assert latest == {"inventory": "399"}


def test_a_return_exits_1_and_the_terminal_names_the_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = inbox(workdir)
    order = folder / f"0_{SET[0]}"
    order.write_text(
        order.read_text(encoding="utf-8").replace(
            "<ceb:goodsValue>500.00", "<ceb:goodsValue>9500.00"
        ),
        encoding="utf-8",
    )
    out, log = workdir / "out", workdir / "report.jsonl"
    assert main(["clear", str(folder), "--out", str(out), "--report", str(log)]) == 1
    [returned] = [line for line in report(log) if Path(str(line["source"])).name == order.name]
    [document] = returned["documents"]  # type: ignore[misc]
    assert document["status"] == "100"
    assert document["codes"]
    assert str(order) in capsys.readouterr().out


def _release_all(settings: Settings) -> int:
    app = bootstrap(settings)
    try:
        tasks = app.desk.list_tasks("inspection_quarantine", TaskStatus.OPEN).tasks
        for task in tasks:
            app.desk.claim("inspection_quarantine", "officer-chen", task.id)
            app.desk.decide(
                "inspection_quarantine", "officer-chen", task.id, Decision.RELEASE, None
            )
        app.clearance.settle([t.filing for t in tasks], reason="decision:cli-test")
        return len(tasks)
    finally:
        app.close()


def test_receipts_fetches_what_was_decided_after_filing(workdir: Path) -> None:
    out = workdir / "out"
    assert main(["clear", str(inbox(workdir)), "--out", str(out)]) == 0
    assert _release_all(Settings.from_env()) == 1
    inventory_guid = "1A24472B-B568-4B3A-9341-3BD3E607F290"
    later = workdir / "later"
    assert main(["receipts", "--guid", inventory_guid, "--out", str(later)]) == 0
    statuses = [
        s.text for root in receipts(later) for s in root.iterfind(".//ceb:returnStatus", NS)
    ]
    assert statuses == ["120", "399", "800"]  # the filing's answer, then the release
    assert any(root.tag.endswith("CEB816Message") for root in receipts(later))  # the tax bill
    # fetching again writes the same files, byte for byte
    again = workdir / "again"
    assert main(["receipts", "--guid", inventory_guid, "--out", str(again)]) == 0
    assert {f.name: f.read_bytes() for f in later.iterdir()} == {
        f.name: f.read_bytes() for f in again.iterdir()
    }
    since = workdir / "since"
    assert main(["receipts", "--since", "2000-01-01T00:00:00+08:00", "--out", str(since)]) == 0
    assert {f.name for f in later.iterdir()} <= {f.name for f in since.iterdir()}
    assert (
        main(["receipts", "--guid", "00000000-0000-0000-0000-000000000000", "--out", str(since)])
        == 1
    )
    with pytest.raises(SystemExit):  # a time without a UTC offset is refused
        main(["receipts", "--since", "2026-12-05T08:00:00", "--out", str(since)])


def test_clear_wait_writes_the_release_decided_while_it_waits(workdir: Path) -> None:
    settings = Settings.from_env()
    bootstrap(settings).close()  # the database exists before the officer looks at it

    def officer() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _release_all(settings):
                return
            time.sleep(0.2)

    decider = threading.Thread(target=officer)
    decider.start()
    out = workdir / "out"
    try:
        assert main(["clear", str(inbox(workdir)), "--out", str(out), "--wait", "30"]) == 0
    finally:
        decider.join()
    statuses = sorted(
        s.text or ""
        for root in receipts(out)
        for s in root.iterfind(".//ceb:InventoryReturn/ceb:returnStatus", NS)
    )
    assert statuses == ["120", "399", "800"]


def test_clear_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["clear", "--help"])
    text = capsys.readouterr().out
    assert "exit status" in text
    assert "2  some input unreadable" in text


def test_copies_reach_every_file(workdir: Path) -> None:
    """Copies under several names: each is answered (the copies are replays)."""
    folder = inbox(workdir)
    shutil.copy(folder / f"0_{SET[0]}", folder / "9_copy.xml")
    log = workdir / "report.jsonl"
    assert main(["clear", str(folder), "--out", str(workdir / "out"), "--report", str(log)]) == 0
    outcomes = {Path(str(line["source"])).name: line["outcome"] for line in report(log)}
    assert outcomes["9_copy.xml"] == "replayed"
    # the replay's answer is the original's: each return once, not twice
    [ceb312] = [r for r in receipts(workdir / "out") if r.tag.endswith("CEB312Message")]
    assert len(ceb312.findall(".//ceb:OrderReturn", NS)) == 1
