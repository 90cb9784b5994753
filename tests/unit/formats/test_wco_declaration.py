"""The simplified declaration as WCO DM XML: valid against HMRC's CDS declaration XSD (when the
shared specs are present), the items and their values as drafted, and the JSON beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from tradewindow.formats.wco_declaration import (
    NAMESPACE,
    declaration_json,
    declaration_xml,
    document_of,
)
from tradewindow.procurement.declaration import Declaration, Good, simplified
from tradewindow.procurement.model import (
    Agent,
    Buyer,
    DocumentKind,
    Shipment,
    ShipmentState,
)
from tradewindow.reference.shared_data import shared_data_dir

SHARED = shared_data_dir()
XSD = (
    SHARED or Path("/nonexistent")
) / "specs/wco-dms-hmrc-cds-v3/wco/declaration/WCO_DEC_2_DMS.xsd"
NOW = datetime(2026, 12, 5, tzinfo=UTC)


def parts() -> tuple[Shipment, Declaration, Agent, Buyer]:
    goods = [
        Good(
            hs_code=f"85171{i}0000",
            name="手机" if i else "x" * 600,
            quantity=Decimal("10"),
            unit="011",
            value=Decimal(1000 - i),
            transaction_id="t1",
        )
        for i in range(5)
    ] + [
        Good(hs_code=code, name="goods", quantity=Decimal(q), unit=u, value=Decimal(v),
             transaction_id="t2")
        for code, q, u, v in (("6109100021", "3", "011", "20"), ("6110200099", "2.5", "035", "30"))
    ]  # fmt: skip
    shipment = Shipment(
        id="sh-0001",
        market_id="gz-liuhua",
        agent_id="ag-1",
        buyer_id="by-1",
        transaction_ids=("t1", "t2"),
        containers=("CSQU3054383",),
        port_of_loading="CNNSA",
        destination="NG",
        transport_mode="2",
        value_usd=Decimal("5040"),
        state=ShipmentState.DRAFTED,
        created_at=NOW,
    )
    agent = Agent(
        id="ag-1",
        party_id="p",
        name="广州市场采购代理有限公司",
        uscc="914401046A1B2C3D11",
        customs_code="4401960ABC",
        markets=("gz-liuhua",),
        registered_at=NOW,
    )
    buyer = Buyer(
        id="by-1",
        market_id="gz-liuhua",
        party_id="q",
        name="Amina Okafor",
        country="NG",
        document_kind=DocumentKind.PASSPORT,
        document_number="A01234567",
        registered_at=NOW,
    )
    return shipment, simplified(goods), agent, buyer


def document() -> bytes:
    return declaration_xml(document_of(*parts()))


def test_the_items_and_values_are_as_drafted() -> None:
    root = etree.fromstring(document())
    ns = {"d": NAMESPACE}
    items = root.findall("d:GoodsShipment/d:GovernmentAgencyGoodsItem", ns)
    assert [i.findtext("d:Commodity/d:Classification/d:ID", namespaces=ns) for i in items] == [
        "8517100000", "8517110000", "8517120000", "8517130000", "8517140000", "6110200099",
    ]  # fmt: skip
    assert items[-1].findtext("d:StatisticalValueAmount", namespaces=ns) == "50.00"
    assert "6109100021 6110200099" in (
        items[-1].findtext("d:AdditionalInformation/d:StatementDescription", namespaces=ns) or ""
    )
    assert items[-1].find("d:Commodity/d:GoodsMeasure", ns) is None  # pieces and kilograms
    assert root.findtext("d:GoodsItemQuantity", namespaces=ns) == "6"
    assert {i.findtext("d:GovernmentProcedure/d:CurrentCode", namespaces=ns) for i in items} == {
        "1039"
    }
    assert b"A01234567" not in document()


@pytest.mark.skipif(not XSD.exists(), reason="the shared WCO/HMRC specs are not present")
def test_valid_against_the_cds_declaration_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    root = etree.fromstring(document())
    assert schema.validate(root), [str(error) for error in schema.error_log]  # type: ignore[attr-defined]


def test_json_keeps_the_same_figures() -> None:
    shipment, declaration, agent, buyer = parts()
    decoded = msgspec.json.decode(
        declaration_json(document_of(shipment, declaration, agent, buyer))
    )
    assert decoded["shipment"]["value_usd"] == "5040"
    assert [item["value"] for item in decoded["declaration"]["items"]][-1] == "50"
    assert decoded["buyer_name"] == "Amina Okafor"
    assert "A01234567" not in str(decoded)
