"""``tradewindow procurement``: a market recognised, an operator's sales uploaded from CSV (a
bad file refused with every row's code, nothing recorded), listed, and a shipment's simplified
declaration printed as a table and as WCO XML."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tradewindow.bootstrap import App, bootstrap
from tradewindow.cli import main
from tradewindow.clock import utc_now
from tradewindow.procurement.consolidation import ShipmentForm
from tradewindow.procurement.model import BuyerDocument, LicenceKind
from tradewindow.procurement.registry import AgentForm, BuyerForm, OperatorForm
from tradewindow.settings import Settings


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    pepper = "test-pepper-of-sixteen-or-more"
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TRADEWINDOW_CREDENTIAL_PEPPER", pepper)
    opened = bootstrap(
        Settings(database_url=sqlite_url, data_dir=tmp_path, credential_pepper=pepper)
    )
    yield opened
    opened.close()


def test_market_sales_upload_and_declaration(
    app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "procurement",
                "market-add",
                "gz-liuhua",
                "--name-zh",
                "流花服装市场",
                "--name-en",
                "Liuhua",
                "--city",
                "440100",
                "--valid-from",
                "2020-01-01",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "procurement",
                "market-add",
                "gz-liuhua",
                "--name-zh",
                "x",
                "--name-en",
                "x",
                "--city",
                "440100",
                "--valid-from",
                "2020-01-01",
            ]
        )
        == 1
    )
    assert "MPT.market.id.duplicate" in capsys.readouterr().out
    p = app.market_procurement.sales
    operator = p.register_operator(
        OperatorForm(
            market_id="gz-liuhua",
            name="陈记",
            licence_kind=LicenceKind.USCC,
            licence_number="914401017M4Y9K2P0M",
            stall="A1",
            bank_account="6222021234567890123",
        ),
        "p-chen",
    )
    buyer = p.register_buyer(
        BuyerForm(
            market_id="gz-liuhua",
            name="Amina Okafor",
            country="NG",
            document_kind=BuyerDocument.PASSPORT,
            document_number="A01234567",
        ),
        "p-okafor",
    )
    today = utc_now().date().isoformat()
    header = "sale_ref,buyer_id,sold_on,currency,hs_code,name,quantity,unit,price\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + f"s1,{buyer.id},{today},USD,6109100021,T恤,x,011,2\n"
        f"s2,{buyer.id},{today},USD,0000,,1,999,1\n",
        encoding="utf-8",
    )
    upload = ["procurement", "sales-upload", "--party", "p-chen", "--operator", operator.id]
    assert main([*upload, str(bad)]) == 1
    assert "MPT.csv.number" in capsys.readouterr().out
    bad.write_text(header + f"s2,{buyer.id},{today},USD,0000,,1,999,1\n", encoding="utf-8")
    assert main([*upload, str(bad)]) == 1
    out = capsys.readouterr().out
    assert "MPT.sale.hs_code.unknown" in out
    assert "sale[s2]/lines/0/unit" in out
    assert p.sales("p-chen") == []  # all or none
    good = tmp_path / "sales.csv"
    good.write_text(
        header
        + f"s1,{buyer.id},{today},USD,6109100021,棉制T恤,1000,011,2.00\n"
        + f"s1,{buyer.id},{today},USD,6110200099,针织毛衣,100,011,9.99\n"
        + f"s2,{buyer.id},{today},USD,4202221000,手提包,20,011,35\n",
        encoding="utf-8-sig",
    )
    assert main([*upload, str(good)]) == 0
    assert "2 sale(s) recorded" in capsys.readouterr().out
    sales = p.sales("p-chen")
    assert sorted(sale.total for sale in sales) == [Decimal("700.00"), Decimal("2999.00")]
    assert main(["procurement", "sales", "--party", "p-okafor"]) == 0
    assert "2,999.00" in capsys.readouterr().out
    agent = p.register_agent(
        AgentForm(
            name="代理",
            uscc="914401046A1B2C3D11",
            customs_code="4401960ABC",
            markets=("gz-liuhua",),
        ),
        "p-agent",
    )
    p.commission("p-okafor", buyer.id, agent.id)
    for sale in sales:
        p.confirm_sale("p-agent", sale.id)
    shipment = app.market_procurement.shipments.consolidate(
        "p-agent",
        agent.id,
        ShipmentForm(
            buyer_id=buyer.id,
            transaction_ids=tuple(s.id for s in sales),
            containers=(),
            port_of_loading="CNNSA",
            destination="NG",
        ),
    )
    assert main(["procurement", "declaration", shipment.id, "--party", "p-agent"]) == 0
    assert "total USD 3,699.00 in 3 item(s)" in capsys.readouterr().out
    assert main(["procurement", "declaration", shipment.id, "--party", "p-agent", "--xml"]) == 0
    assert '<InvoiceAmount currencyID="USD">3699.00</InvoiceAmount>' in capsys.readouterr().out
    assert main(["procurement", "declaration", shipment.id, "--party", "p-chen"]) == 0
    assert main(["procurement", "declaration", shipment.id, "--party", "p-stranger"]) == 1
    assert "MPT.shipment.not_found" in capsys.readouterr().out
    assert date.fromisoformat(today)
