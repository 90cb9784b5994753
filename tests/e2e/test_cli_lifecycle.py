"""The lifecycle from the command line: ``tradewindow clear`` answers a cancellation filed
with the list it cancels (a CEB624 file beside the CEB622), and ``tradewindow bonded``
records stock and prints the account book."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

import builders as b
import lifecycle_builders as lb
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.cli import main
from tradewindow.formats import ceb_xml, xmldsig

CEB_DATA = Path(__file__).resolve().parents[1] / "data" / "ceb"
NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    return tmp_path


def signed(data: bytes) -> bytes:
    key = serialization.load_pem_private_key(
        (CEB_DATA / "test_signer_key.pem").read_bytes(), password=None
    )
    cert = x509.load_pem_x509_certificate((CEB_DATA / "test_signer_cert.pem").read_bytes())
    return xmldsig.sign(data, key, cert)


def test_clear_answers_a_cancellation_filed_with_its_list(workdir: Path) -> None:
    inbox, out = workdir / "in", workdir / "out"
    inbox.mkdir()
    s = b.import_set()
    for n, message in enumerate(s.messages):
        data = ceb_xml.write_message(message)
        (inbox / f"{n}.xml").write_bytes(signed(data) if n == 3 else data)
    cancel = lb.cancel_message(lb.cancel(s.inventory, "53492026I000000001"))
    (inbox / "9_cancel.xml").write_bytes(signed(ceb_xml.write_message(cancel)))
    assert main(["clear", str(inbox), "--out", str(out), "--receipts", "xml"]) == 0
    answers = [f for f in sorted(out.iterdir()) if f.name.startswith("CEB624")]
    assert len(answers) == 1
    root = etree.fromstring(answers[0].read_bytes())
    assert root.findtext("ceb:InvtCancelReturn/ceb:returnStatus", namespaces=NS) == "399"


def test_bonded_enter_and_stock(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bonded", "enter", "T5349W000001", "REC0001", "12", "--source", "D1"]) == 0
    assert main(["bonded", "enter", "T5349W000001", "REC0001", "-1", "--source", "D2"]) == 1
    assert "bonded.qty.not_positive" in capsys.readouterr().out
    assert main(["bonded", "stock", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["emsNo"], row["itemRecordNo"]) == ("T5349W000001", "REC0001")
    assert Decimal(row["balance"]) == Decimal(row["entered"]) == 12


def test_tax_guarantee_statement_and_pay(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox, out = workdir / "in", workdir / "out"
    inbox.mkdir()
    s = b.import_set()
    for n, message in enumerate(s.messages):
        data = ceb_xml.write_message(message)
        (inbox / f"{n}.xml").write_bytes(signed(data) if n == 3 else data)
    assert main(["tax", "guarantee", b.EBC_CODE, "1000"]) == 0
    assert main(["clear", str(inbox), "--out", str(out)]) == 0
    app = bootstrap()  # inspection & quarantine releases the goods (its officers' desk)
    try:
        for task in app.desk.list_tasks("inspection_quarantine").tasks:
            app.desk.claim("inspection_quarantine", "officer", task.id)
            app.desk.decide("inspection_quarantine", "officer", task.id, Decision.RELEASE, None)
            app.clearance.settle([task.filing], reason=f"decision:{task.id}")
    finally:
        app.close()
    month = datetime.now(CHINA_TZ).strftime("%Y-%m")  # clear stamps the release with today
    capsys.readouterr()
    assert main(["tax", "statement", b.EBC_CODE, "--month", month, "--csv"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.startswith("taxNo,invtNo")
    tax_no = row.split(",")[0]
    assert row.endswith(",not_yet_payable")
    assert main(["tax", "pay", b.EBC_CODE, tax_no, "1", "--id", "P1"]) == 1
    assert "tax.bill.not_payable_yet" in capsys.readouterr().out
    assert main(["tax", "overdue"]) == 0
