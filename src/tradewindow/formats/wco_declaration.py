"""A market procurement shipment's simplified declaration as WCO data model 3.x XML and JSON.

The shape follows the WCO DM 3.x declaration as HMRC's CDS publishes it (``WCO_DEC_2_DMS.xsd``,
namespace ``urn:wco:datamodel:WCO:DEC-DMS:2``, in ``../shared/data/specs/wco-dms-hmrc-cds-v3``):
the elements used are written in the schema's sequence order, and the tests validate the output
against that XSD when it is present. China's own export declaration is not this message; the
XML is the platform's exchange form for the draft, in the international data model.

What goes where:

- ``FunctionCode`` 9 (original), ``FunctionalReferenceID`` the shipment id, ``TypeCode`` EX
  (export), ``GoodsItemQuantity`` the number of declared items, ``InvoiceAmount`` in USD;
- ``Agent`` and ``Exporter``: the procurement agent by its customs code (an ``ID`` holds 17
  characters, so its 18-character USCC is a declaration-level ``AdditionalInformation``);
- ``GoodsShipment/Buyer`` the foreign buyer (name, country); ``Consignment`` the containers
  (``ContainerCode`` 1) and the port of loading (UN/LOCODE); ``Destination`` the country;
- one ``GovernmentAgencyGoodsItem`` per declared item: ``StatisticalValueAmount`` (USD),
  ``Commodity`` (name, the HS code as ``Classification`` of type ``HS``, the quantity when it
  has one unit), ``GovernmentProcedure/CurrentCode`` 1039 (the supervision mode) and an
  ``AdditionalInformation`` line for a merged chapter naming the HS codes it stands for.

Text elements have the schema's maximum lengths (names 70, descriptions 512): longer names are
cut there, never refused, since the JSON keeps them whole.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from lxml import etree

from tradewindow.procurement.declaration import Declaration, DeclaredItem
from tradewindow.procurement.model import Agent, Buyer, Shipment

NAMESPACE = "urn:wco:datamodel:WCO:DEC-DMS:2"
SUPERVISION_MODE = "1039"
NAME_LENGTH = 70
DESCRIPTION_LENGTH = 512
STATEMENT_LENGTH = 512


class DeclarationDocument(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the export needs: the shipment, its drafted declaration and its parties."""

    shipment: Shipment
    declaration: Declaration
    agent: Agent
    buyer_name: str
    buyer_country: str


def document_of(
    shipment: Shipment, declaration: Declaration, agent: Agent, buyer: Buyer
) -> DeclarationDocument:
    """The document of a shipment; only the buyer's name and country leave the platform (its
    passport or registration number does not)."""
    return DeclarationDocument(
        shipment=shipment,
        declaration=declaration,
        agent=agent,
        buyer_name=buyer.name,
        buyer_country=buyer.country,
    )


def _add(
    parent: etree._Element, name: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _item(parent: etree._Element, item: DeclaredItem) -> None:
    goods = _add(parent, "GovernmentAgencyGoodsItem")
    _add(goods, "SequenceNumeric", str(item.number))
    _add(goods, "StatisticalValueAmount", _amount(item.value), currencyID="USD")
    if item.merged:
        information = _add(goods, "AdditionalInformation")
        text = f"chapter {item.chapter} merged: " + " ".join(item.hs_codes)
        _add(information, "StatementDescription", text[:STATEMENT_LENGTH])
        _add(information, "StatementTypeCode", "AAI")  # UN/EDIFACT 4451: general information
    commodity = _add(goods, "Commodity")
    _add(commodity, "Description", item.name[:DESCRIPTION_LENGTH])
    classification = _add(commodity, "Classification")
    _add(classification, "ID", item.hs_code)
    _add(classification, "IdentificationTypeCode", "HS")
    if len(item.quantities) == 1:
        measure = _add(commodity, "GoodsMeasure")
        only = item.quantities[0]
        _add(measure, "TariffQuantity", f"{only.quantity.normalize():f}", unitCode=only.unit)
    procedure = _add(goods, "GovernmentProcedure")
    _add(procedure, "CurrentCode", SUPERVISION_MODE)


def declaration_xml(document: DeclarationDocument) -> bytes:
    """The declaration as WCO DM XML (UTF-8, with an XML declaration)."""
    shipment, agent = document.shipment, document.agent
    root = etree.Element(f"{{{NAMESPACE}}}Declaration", nsmap={None: NAMESPACE})  # type: ignore[dict-item]  # lxml: None names the default namespace
    _add(root, "FunctionCode", "9")
    _add(root, "FunctionalReferenceID", shipment.id[:35])
    _add(root, "TypeCode", "EX")
    _add(root, "GoodsItemQuantity", str(len(document.declaration.items)))
    _add(root, "InvoiceAmount", _amount(shipment.value_usd), currencyID="USD")
    information = _add(root, "AdditionalInformation")  # an ID holds 17 characters, a USCC 18
    _add(information, "StatementDescription", f"exporter USCC {agent.uscc}")
    _add(information, "StatementTypeCode", "AAI")
    declarant = _add(root, "Agent")
    _add(declarant, "Name", agent.name[:NAME_LENGTH])
    _add(declarant, "ID", agent.customs_code)
    exporter = _add(root, "Exporter")
    _add(exporter, "Name", agent.name[:NAME_LENGTH])
    _add(exporter, "ID", agent.customs_code)
    goods_shipment = _add(root, "GoodsShipment")
    buyer = _add(goods_shipment, "Buyer")
    _add(buyer, "Name", document.buyer_name[:NAME_LENGTH])
    _add(_add(buyer, "Address"), "CountryCode", document.buyer_country)
    consignment = _add(goods_shipment, "Consignment")
    _add(consignment, "ContainerCode", "1" if shipment.containers else "0")
    departure = _add(consignment, "DepartureTransportMeans")
    _add(departure, "ModeCode", shipment.transport_mode)
    _add(_add(consignment, "LoadingLocation"), "ID", shipment.port_of_loading)
    for number, container in enumerate(shipment.containers, start=1):
        equipment = _add(consignment, "TransportEquipment")
        _add(equipment, "SequenceNumeric", str(number))
        _add(equipment, "ID", container)
    _add(_add(goods_shipment, "Destination"), "CountryCode", shipment.destination)
    for item in document.declaration.items:
        _item(goods_shipment, item)
    _add(_add(goods_shipment, "UCR"), "TraderAssignedReferenceID", shipment.id[:35])
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def declaration_json(document: DeclarationDocument) -> bytes:
    """The same declaration as JSON (money as strings, the buyer's document number left out)."""
    return msgspec.json.encode(document)
