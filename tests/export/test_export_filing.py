"""Export messages filed by registered parties (``FileExport`` and ``export clear --as``):
roles, sender code, principal codes, ownership of documents, lists and guids, and the
evidence of each refusal — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import export_set as s
import msgspec
import pytest
from lxml import etree

from tradewindow.bootstrap import App, bootstrap
from tradewindow.cli import main
from tradewindow.export.documents import ExportMessage
from tradewindow.export.model import ExportAnswer
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import ceb_export
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings
from tradewindow.store import open_store

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
PARTIES = {
    "platform": (s.EBP_CODE, "ecommerce_platform"),
    "seller": (s.EBC_CODE, "ecommerce_enterprise"),
    "payer": (s.PAY_CODE, "payment_firm"),
    "carrier": (s.LOGISTICS_CODE, "logistics_firm"),
    "stranger": ("4403960999", "ecommerce_enterprise"),
}


def register(app: App) -> None:
    for party_id, (code, role) in PARTIES.items():
        app.parties.register(
            RegisterParty(id=party_id, name_zh=party_id, name_en=party_id, kind="enterprise",
                          roles=(role,), identifiers=(("cn.customs", code),))
        )  # fmt: skip


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    settings = msgspec.structs.replace(
        Settings.from_env(), database_url=database_url, data_dir=tmp_path / "var"
    )
    built = bootstrap(settings, store=open_store(database_url))
    register(built)
    try:
        yield built
    finally:
        built.close()


def sent(code: str, cop_code: str, *documents: object, **fields: object) -> ExportMessage:
    message = s.message(code, *documents, **fields)
    return msgspec.structs.replace(message, base_transfer=s.base_transfer(cop_code))


def file(app: App, party: str, message: ExportMessage) -> ExportAnswer:
    return app.export_filing.file(party, "test", message, ceb_export.write_message(message), AT)


def test_each_firm_files_its_own_and_the_seller_its_list(app: App) -> None:
    file(app, "platform", sent("CEB303", s.EBP_CODE))
    file(app, "payer", sent("CEB403", s.PAY_CODE))
    file(app, "carrier", sent("CEB505", s.LOGISTICS_CODE))
    answer = file(app, "seller", sent("CEB603", s.EBC_CODE, s.inventory(agent_code=s.EBC_CODE)))
    assert answer.receipts[0].receipt.returns[0].return_status == "120"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("party", "message", "code"),
    [
        ("payer", sent("CEB603", s.PAY_CODE), "auth.forbidden"),  # a payment firm files no list
        ("platform", sent("CEB303", s.EBC_CODE), "auth.sender_mismatch"),
        ("stranger", sent("CEB603", "4403960999"), "auth.agent_mismatch"),  # the list's agent
        ("stranger", sent("CEB603", "4403960999", s.inventory(agent_code="4403960999")),
         "auth.not_commissioned"),  # the seller commissioned no one
        ("stranger", sent("CEB603", "4403960999", s.inventory(ebc_code="4403969999",
                                                              agent_code="4403960999")),
         "auth.ebc_unregistered"),
        ("carrier", sent("CEB505", s.LOGISTICS_CODE, s.waybill(logistics_code="4403980000")),
         "auth.not_commissioned"),
    ],
)  # fmt: skip
def test_refused_before_clearance_with_its_code_and_recorded(
    app: App, party: str, message: ExportMessage, code: str
) -> None:
    with pytest.raises(FilingRefused) as refused:
        file(app, party, message)
    assert refused.value.code == code
    with app.store.export.reading() as records:
        assert records.answer(message.guid) is None  # nothing stored
    assert any(r.kind == "message_refused" and r.actor == party for r in app.evidence.records())


def test_another_partys_document_list_and_guid_are_not_yours(app: App) -> None:
    file(app, "platform", sent("CEB303", s.EBP_CODE))
    file(app, "payer", sent("CEB403", s.PAY_CODE))
    file(app, "carrier", sent("CEB505", s.LOGISTICS_CODE))
    listed = file(app, "seller", sent("CEB603", s.EBC_CODE, s.inventory(agent_code=s.EBC_CODE)))
    invt_no = listed.receipts[0].receipt.returns[0].invt_no  # type: ignore[union-attr]
    # the stranger cannot take the guid the seller used
    reused = sent("CEB603", s.EBC_CODE, s.inventory(agent_code=s.EBC_CODE))
    with pytest.raises(FilingRefused) as taken:
        app.export(reused, "stranger", AT)
    assert taken.value.code == "CEB.guid.reused"
    # nor cancel the seller's list: it is answered as no list of its own
    mine = s.cancel(invt_no, ebc_code="4403960999", agent_code="4403960999")
    stranger_cancel = sent("CEB605", "4403960999", mine)
    answer = file(app, "stranger", stranger_cancel)
    assert "CEB605.invtNo.no_list" in answer.receipts[0].receipt.returns[0].return_info  # type: ignore[union-attr]


def test_export_clear_as_a_party(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the CLI's store is the environment's; once is enough")
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", database_url)
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    app = bootstrap()
    register(app)
    app.close()
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    (inbox / "order.xml").write_bytes(ceb_export.write_message(sent("CEB303", s.EBP_CODE)))
    assert (
        main(["export", "clear", str(inbox / "order.xml"), "--out", str(out), "--as", "stranger"])
        == 1
    )
    (refusal,) = out.glob("*.CEB900.xml")
    info = etree.parse(str(refusal)).getroot().findtext(".//{*}returnInfo") or ""
    assert "auth.sender_mismatch" in info  # the platform's copCode, not the stranger's
    assert (
        main(["export", "clear", str(inbox / "order.xml"), "--out", str(out), "--as", "platform"])
        == 0
    )
    assert (out / "order.CEB304.xml").exists()
