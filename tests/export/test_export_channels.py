"""Export through the channels import uses (issue 13 item 7): ``tradewindow clear`` and the
sandbox read, file and answer every export message type as they do import ones — receipts
written, a CEB900 for what cannot be read or filed, the exit status 0 / 1 / 2, one
``--report`` line per input — and the sandbox names the 202205 XSD faults of GACC-shaped
samples with their paths while reading what it can (see ``gacc_shaped``: GACC's own files
are not in shared/data)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import export_set as s
import gacc_shaped
import msgspec
import pytest
from lxml import etree

from tradewindow import intake
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cli import main
from tradewindow.filing.use_case import Sender
from tradewindow.formats import ceb_export, ceb_json, ceb_schema
from tradewindow.parties.model import RegisterParty
from tradewindow.sandbox import check_each, exit_status
from tradewindow.settings import Settings
from tradewindow.store import open_store

NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}
XSD = ceb_export.schemas_available()
needs_xsd = pytest.mark.skipif(not XSD, reason="CEB export XSDs not found")
INVT_NO = "51412026E000000001"  # the first list a fresh platform accepts (5141, 2026)
AT = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # after the import sample order too


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    if xsd := ceb_schema.xsd_dir():
        monkeypatch.setenv(ceb_schema.ENV, str(xsd))
    return tmp_path


def folder(path: Path, files: list[tuple[str, bytes]]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (path / name).write_bytes(data)
    return path


def xml(code: str, *documents: object) -> bytes:
    return ceb_export.write_message(s.message(code, *documents))


def report(path: Path) -> dict[str, dict[str, object]]:
    lines = (msgspec.json.decode(row) for row in path.read_bytes().splitlines())
    return {Path(str(line["source"])).name: line for line in lines}


def statuses(line: dict[str, object]) -> list[tuple[str, str]]:
    return [(d["kind"], d["status"]) for d in line["documents"]]  # type: ignore[attr-defined, index]


def departed_set() -> list[tuple[str, bytes]]:
    """A 9610 list before its documents (it waits), the receipt of payment as JSON, the
    parcels linked to their master bill, arrival and departure."""
    return [
        ("01-list.xml", xml("CEB603")),
        ("02-order.xml", xml("CEB303")),
        ("03-receipt.json", ceb_json.write_message(s.message("CEB403"))),
        ("04-waybill.xml", xml("CEB505")),
        ("05-link.xml", xml("CEB607", s.waybill_link((s.LOGISTICS_NO, INVT_NO)))),
        ("06-arrival.xml", xml("CEB507", s.arrival())),
        ("07-departure.xml", xml("CEB509", s.departure())),
    ]


def test_clear_files_every_export_type_and_answers_each_input(workdir: Path) -> None:
    out, log = workdir / "out", workdir / "first.jsonl"
    inbox = folder(workdir / "in", departed_set())
    assert main(["clear", str(inbox), "--out", str(out), "--report", str(log)]) == 0
    lines = report(log)
    assert {line["outcome"] for line in lines.values()} == {"answered"}
    assert statuses(lines["01-list.xml"]) == [("list", "2")]  # waiting for its documents
    assert statuses(lines["03-receipt.json"]) == [("receipt", "120")]
    assert statuses(lines["04-waybill.xml"]) == [("waybill", "120"), ("list", "120")]
    assert statuses(lines["05-link.xml"]) == [("waybill-link", "120")]
    assert statuses(lines["06-arrival.xml"]) == [("arrival", "120"), ("list", "800")]
    assert statuses(lines["07-departure.xml"]) == [("departure", "399"), ("list", "899")]
    written = sorted(p.name[:6] for p in out.iterdir())
    assert written == sorted(["CEB604"] * 4 + ["CEB304", "CEB404", "CEB506", "CEB608"]
                             + ["CEB508", "CEB510"])  # fmt: skip
    for line in lines.values():  # each input's receipt files are in the folder
        assert all((out / str(name)).is_file() for name in line["receipts"])  # type: ignore[attr-defined]
    if XSD:
        for receipt in out.iterdir():
            assert ceb_export.validate(receipt.read_bytes(), SpecVersion.V202205) == [], receipt

    # after departure: the summary (CEB702 + CEB792), a refused cancellation, a return
    after = [
        ("08-summary.xml", xml("CEB701", s.summary_apply(INVT_NO))),
        ("09-cancel.xml", xml("CEB605", s.cancel(INVT_NO))),
        ("10-return.xml", xml("CEB213", s.refund(INVT_NO))),
        ("11-tally.xml", xml("CEB215", s.tally())),
    ]
    later, log = workdir / "later", workdir / "later.jsonl"
    code = main(["clear", str(folder(workdir / "in2", after)), "--out", str(later),
                 "--report", str(log)])  # fmt: skip
    assert code == 1  # the cancellation was refused (100)
    lines = report(log)
    assert statuses(lines["08-summary.xml"]) == [("summary", "120"), ("summary-result", "declared")]
    (cancel,) = lines["09-cancel.xml"]["documents"]  # type: ignore[misc]
    assert (cancel["status"], cancel["codes"]) == ("100", ["CEB605.invtNo.departed"])
    assert statuses(lines["10-return.xml"]) == [("return", "120")]
    assert [d for _, d in statuses(lines["11-tally.xml"])] == ["120"]
    assert len(list(later.glob("CEB792_*.xml"))) == 1

    # the same files again: the same answers, nothing filed twice
    again, log = workdir / "again", workdir / "again.jsonl"
    assert main(["clear", str(inbox), "--out", str(again), "--report", str(log)]) == 0
    assert {line["outcome"] for line in report(log).values()} == {"replayed"}


def test_unreadable_export_files_and_receipts_get_a_ceb900_and_exit_2(workdir: Path) -> None:
    files = [
        ("broken.xml", b"<ceb:CEB603Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'>"),
        ("result.xml", gacc_shaped.summary_result_2018()),  # customs' answer, not filed
        ("bad.json", b'{"messageType": "CEB303", "guid": 7}'),
        ("order.xml", xml("CEB303")),
    ]
    out, log = workdir / "out", workdir / "report.jsonl"
    assert main(["clear", str(folder(workdir / "in", files)), "--out", str(out),
                 "--report", str(log)]) == 2  # fmt: skip
    lines = report(log)
    assert lines["broken.xml"]["codes"] == ["CEB900.xml.malformed"]
    assert lines["result.xml"]["codes"] == ["CEB900.message.receipt_not_filed"]
    assert lines["result.xml"]["messageType"] == "CEB792"
    assert lines["bad.json"]["codes"] == ["CEB900.json.invalid"]
    assert lines["order.xml"]["outcome"] == "answered"  # one bad file costs no other its answer
    for name in ("broken.xml", "result.xml", "bad.json"):
        (receipt,) = lines[name]["receipts"]  # type: ignore[misc]
        assert etree.parse(str(out / str(receipt))).getroot().tag.endswith("CEB900Message")


def test_a_message_refused_whole_is_a_ceb900_and_exit_1(workdir: Path) -> None:
    """A list breaking a facet both versions share (POD of 5 characters) is refused whole
    (export's Unfit), as ``export clear`` and the API refuse it, and named in the report."""
    unfit = xml("CEB603", s.inventory(pod="50201"))
    out, log = workdir / "out", workdir / "report.jsonl"
    inbox = folder(workdir / "in", [("unfit.xml", unfit)])
    assert main(["clear", str(inbox), "--out", str(out), "--report", str(log), "--no-xsd"]) == 1
    line = report(log)["unfit.xml"]
    assert line["outcome"] == "refused"
    assert any(str(c).startswith("CEB603.POD") for c in line["codes"])  # type: ignore[attr-defined]


def test_a_guid_reused_across_export_types_is_named_with_the_first_file(workdir: Path) -> None:
    """As GACC's sample sets do (every message the order's guid): the first is answered, each
    other one gets a CEB900 naming the file that used the guid first."""
    one = s.guid("one guid")
    files = [(f"{n}-{code}.xml", ceb_export.write_message(s.message(code, guid=one)))
             for n, code in enumerate(("CEB303", "CEB403", "CEB505"))]  # fmt: skip
    log = workdir / "report.jsonl"
    inbox = folder(workdir / "in", files)
    assert main(["clear", str(inbox), "--out", str(workdir / "out"), "--report", str(log)]) == 1
    lines = report(log)
    assert lines["0-CEB303.xml"]["outcome"] == "answered"
    for name in ("1-CEB403.xml", "2-CEB505.xml"):
        assert lines[name]["codes"] == ["CEB.guid.reused"]
        assert str(lines[name]["conflict"]).endswith("0-CEB303.xml")


# --- the sandbox ----------------------------------------------------------------------------


@needs_xsd
def test_the_sandbox_names_the_202205_faults_of_gacc_shaped_samples(workdir: Path) -> None:
    """Each sample is read (type, guid, no rule fault), its one XSD fault named at
    BaseTransfer with its path; clear would refuse it with a CEB900 (exit 2); the 2018-shaped
    CEB792 is read and faulted at every gnum."""
    uploads = [*gacc_shaped.sample_set(), ("CEB792Message.xml", gacc_shaped.summary_result_2018())]
    reports = list(check_each(uploads))
    for found in reports[:-1]:
        assert (found.readable, found.xsd_checked) == (True, True), found.source
        assert found.message_type == found.source[:6]
        assert [(v.path, v.code) for v in found.xsd_errors] == [
            (gacc_shaped.FAULT_PATH, "CEB900.schema.invalid")
        ]
        assert found.rule_violations == []
        assert (found.outcome, found.refusal_codes) == ("unreadable", ["CEB900.schema.invalid"])
    result = reports[-1]
    assert (result.readable, result.message_type) == (True, "CEB792")
    assert [v.path for v in result.xsd_errors] == [
        "SummaryResult[1]/SummaryResultList[1]/gnum",
        "SummaryResult[1]/SummaryResultList[2]/gnum",
    ]
    assert result.refusal_codes == ["CEB900.message.receipt_not_filed"]
    assert exit_status(reports) == 2


def test_the_sandbox_predicts_what_clear_answers_for_export(workdir: Path) -> None:
    """The same export files through the sandbox and through ``clear``: file for file the
    same outcome, documents, statuses and codes, and the same exit status."""
    files = [
        *departed_set(),
        ("08-cancel.xml", xml("CEB605", s.cancel(INVT_NO))),  # departed: refused
        ("09-b2b.xml", xml("CEB603", s.inventory(trade_mode="9710", ie_flag="I",
                                                  order_no="EXP-B2B-1"))),
    ]  # fmt: skip
    inbox = folder(workdir / "in", files)
    log = workdir / "report.jsonl"
    code = main(["clear", str(inbox), "--out", str(workdir / "out"), "--report", str(log)])
    cleared = report(log)
    predicted = list(check_each((Path(i.source).name, i.data) for i in intake.incoming([inbox])))
    assert [r.source for r in predicted] == sorted(cleared)
    for found in predicted:
        line = cleared[found.source]
        assert found.outcome == line["outcome"], found.source
        documents = [(d.kind, d.key, d.status, list(d.codes)) for d in found.documents]
        expected = [(d["kind"], d["key"], d["status"], d["codes"]) for d in line["documents"]]  # type: ignore[attr-defined, index]
        assert documents == expected, found.source
    b2b = next(r for r in predicted if r.source == "09-b2b.xml")
    assert "CEB603.ieFlag.not_export" in {v.code for v in b2b.rule_violations}
    assert exit_status(predicted) == code == 1


# --- the engine on SQLite and PostgreSQL ----------------------------------------------------


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    settings = msgspec.structs.replace(
        Settings.from_env(), database_url=database_url, data_dir=tmp_path / "var"
    )
    built = bootstrap(settings, store=open_store(database_url), clock=lambda: AT)
    try:
        yield built
    finally:
        built.close()


def test_import_and_export_in_one_run_are_answered_in_input_order(app: App) -> None:
    """One batch of import and export messages: the import ones cleared together, the export
    ones one by one, every outcome in input order with its receipts."""
    samples = Path(__file__).parent.parent / "data" / "ceb"
    items = [
        intake.received("list.xml", xml("CEB603")),
        intake.received("order_311.xml", (samples / "order_311.xml").read_bytes()),
        intake.received("order.xml", xml("CEB303")),
        intake.received("receipt.xml", xml("CEB403")),
        intake.received("waybill.xml", xml("CEB505")),
    ]
    collected = _Kept()
    summary = intake.Summary()
    outcomes = list(
        intake.clearing(
            items, summary=summary, clearance=app.clearance,
            decoder=intake.Decoder(app.settings, spec=SpecVersion.V202205, xsd=False),
            writer=collected, clock=lambda: AT,
            filing=(app.filing, Sender.of_operator("local", "test")),
            export=app.export_filing,
        )
    )  # fmt: skip
    assert [o.source for o in outcomes] == [i.source for i in items]
    assert [o.message_type for o in outcomes] == ["CEB603", "CEB311", "CEB303", "CEB403", "CEB505"]
    assert outcomes[-1].documents[-1].status == "120"  # the waybill woke the list
    assert collected.tags.count("CEB604") == 2
    assert summary.final[("export list", s.ORDER_NO)] == "120"
    assert summary.exit_status == 0


class _Kept(intake.ReceiptWriter):
    def __init__(self) -> None:
        super().__init__(None)
        self.tags: list[str] = []

    def write(self, message: object) -> str | None:  # type: ignore[override]
        self.tags.append(str(type(message).__struct_config__.tag))  # type: ignore[attr-defined]
        return self.tags[-1]


@needs_xsd
def test_clear_checks_export_messages_against_the_2018_xsd_when_asked(workdir: Path) -> None:
    """``--spec 2018-113``: the set (valid in both versions) clears, a 202205-only return
    (CEB213) is checked as 202205, and a BaseTransfer fault is named by the 2018 XSD."""
    out, log = workdir / "out", workdir / "report.jsonl"
    files = [*departed_set(), ("08-return.xml", xml("CEB213", s.refund(INVT_NO)))]
    inbox = folder(workdir / "in", files)
    assert main(["clear", str(inbox), "--out", str(out), "--report", str(log),
                 "--spec", "2018-113"]) == 0  # fmt: skip
    lines = report(log)
    assert {line["outcome"] for line in lines.values()} == {"answered"}
    assert statuses(lines["08-return.xml"]) == [("return", "120")]
    # a dxpMode of four characters breaks both XSDs: refused before filing, with its path
    broken = xml("CEB303", s.order(order_no="EXP-2018-1")).replace(
        b"<ceb:dxpMode>DXP</ceb:dxpMode>", b"<ceb:dxpMode>DXPX</ceb:dxpMode>"
    )
    log = workdir / "broken.jsonl"
    inbox = folder(workdir / "in2", [("order.xml", broken)])
    assert main(["clear", str(inbox), "--out", str(out), "--report", str(log),
                 "--spec", "2018-113"]) == 2  # fmt: skip
    assert report(log)["order.xml"]["codes"] == ["CEB900.schema.invalid"]


def test_filing_as_a_party_checks_its_rights_and_writes_only_its_receipts(app: App) -> None:
    """``clear --as``: the seller files its list (as its own agent) and the platform's order
    is refused (auth.sender_mismatch, a CEB900); the carrier's waybill later wakes the
    seller's list, whose receipt is the seller's, not written to the carrier's folder."""
    for party, code, role in (("seller", s.EBC_CODE, "ecommerce_enterprise"),
                              ("carrier", s.LOGISTICS_CODE, "logistics_firm")):  # fmt: skip
        app.parties.register(
            RegisterParty(id=party, name_zh=party, name_en=party, kind="enterprise",
                          roles=(role,), identifiers=(("cn.customs", code),))
        )  # fmt: skip

    def run(party: str, *files: tuple[str, bytes]) -> tuple[list[intake.FileOutcome], _Kept]:
        kept = _Kept()
        sender = Sender(party_id=party, credential_id="cli", channel="cli")
        outcomes = intake.clearing(
            [intake.received(name, data) for name, data in files], summary=intake.Summary(),
            clearance=app.clearance,
            decoder=intake.Decoder(app.settings, spec=SpecVersion.V202205, xsd=False),
            writer=kept, clock=lambda: AT, filing=(app.filing, sender), export=app.export_filing,
        )  # fmt: skip
        return list(outcomes), kept

    seller = msgspec.structs.replace(
        s.message("CEB603", s.inventory(agent_code=s.EBC_CODE)),
        base_transfer=s.base_transfer(s.EBC_CODE),
    )
    outcomes, kept = run("seller", ("list.xml", ceb_export.write_message(seller)),
                         ("order.xml", xml("CEB303")))  # fmt: skip
    assert [o.outcome for o in outcomes] == ["answered", "refused"]
    assert outcomes[1].codes == ("auth.sender_mismatch",)
    assert kept.tags == ["CEB604", "CEB900"]
    app.export(s.message("CEB303"), "operator:test", AT)  # (filed by the platform, elsewhere)
    app.export(s.message("CEB403"), "operator:test", AT)
    carrier = msgspec.structs.replace(
        s.message("CEB505"), base_transfer=s.base_transfer(s.LOGISTICS_CODE)
    )
    outcomes, kept = run("carrier", ("waybill.xml", ceb_export.write_message(carrier)))
    assert [(d.kind, d.status) for d in outcomes[0].documents] == [("waybill", "120")]
    assert kept.tags == ["CEB506"]  # the list's CEB604 is the seller's
