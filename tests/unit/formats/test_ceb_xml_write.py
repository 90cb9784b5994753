"""write_message: XSD element order, plain decimals, omitted Nones, and write → read round trips."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import pytest
from ceb_samples import LIMITS, needs_xsd, sample
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from builders import import_set
from tradewindow.cbec import documents, receipts
from tradewindow.cbec.documents import (
    MESSAGE_TYPES,
    BaseTransfer,
    InventoryMessage,
    Message,
    OrderMessage,
    SpecVersion,
)
from tradewindow.formats import ceb_schema, xmldsig
from tradewindow.formats.ceb_layout import Kind, layout
from tradewindow.formats.ceb_xml import read_message, write_message

XS = "{http://www.w3.org/2001/XMLSchema}"


def read(data: bytes) -> Message:
    return read_message(data, max_bytes=10**7, max_depth=32).message


@pytest.mark.parametrize("name", ["CEB311", "CEB411", "CEB511", "CEB621"])
def test_samples_round_trip(name: str) -> None:
    message = read(sample(name))
    written = write_message(message)
    assert read(written) == message
    assert write_message(read(written)) == written  # stable


def test_output_shape() -> None:
    written = write_message(read(sample("CEB311")))
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB311Message ')
    assert b'xmlns:ceb="http://www.chinaport.gov.cn/ceb"' in written
    assert "<ceb:buyerName>李小红</ceb:buyerName>".encode() in written
    assert b"batchNumbers" not in written  # None is omitted
    root = etree.fromstring(written)
    assert [etree.QName(c).localname for c in root] == ["Order", "BaseTransfer"]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1E+3"), "1000"),
        (Decimal("0.00001"), "0.00001"),
        (Decimal("1E-5"), "0.00001"),
        (Decimal("123.45000"), "123.45000"),
        (Decimal("-0"), "-0"),
        (Decimal("12345678901234.12345"), "12345678901234.12345"),
    ],
)
def test_decimals_are_written_plainly(amount: Decimal, text: str) -> None:
    message = read(sample("CEB311"))
    assert isinstance(message, OrderMessage)
    head = msgspec.structs.replace(message.orders[0].head, freight=amount)
    changed = msgspec.structs.replace(
        message, orders=[msgspec.structs.replace(message.orders[0], head=head)]
    )
    written = write_message(changed)
    assert f"<ceb:freight>{text}</ceb:freight>".encode() in written
    assert read(written) == changed


def _xsd_sequences(spec: SpecVersion) -> dict[str, list[str]]:
    directory = ceb_schema.xsd_dir()
    assert directory is not None
    (path,) = (directory / spec.value).glob("*进口业务节点报文*.xsd")
    root = etree.parse(str(path)).getroot()
    sequences = {}
    for element in root.iterfind(f"{XS}element"):
        sequence = element.find(f"{XS}complexType/{XS}sequence")
        if sequence is not None:
            sequences[element.get("name")] = [
                (child.get("name") or child.get("ref") or "").removeprefix("ceb:")
                for child in sequence.iterfind(f"{XS}element")
            ]
    return sequences


@needs_xsd
@pytest.mark.parametrize("spec", list(SpecVersion))
def test_struct_fields_follow_the_xsd_sequence(spec: SpecVersion) -> None:
    """The writer emits fields in Struct order; that order must be the XSD's."""
    sequences = _xsd_sequences(spec)

    structs = [
        documents.OrderHead,
        documents.OrderItem,
        documents.PaymentHead,
        documents.LogisticsHead,
        documents.InventoryHead,
        documents.InventoryItem,
        BaseTransfer,
        receipts.OrderReturn,
        receipts.PaymentReturn,
        receipts.LogisticsReturn,
        receipts.InventoryReturn,
        receipts.TaxHeadRd,
        receipts.TaxListRd,
        receipts.MessageReturn,
    ]
    for struct in structs:
        element = struct.__name__.replace("OrderItem", "OrderList").replace(
            "InventoryItem", "InventoryList"
        )
        names = [f.name for f in layout(struct).fields]
        assert names == sequences[element], element


# --- generated messages ---------------------------------------------------------------------

# any text XML 1.0 can carry: no control characters, surrogates or U+FFFE/U+FFFF; CR is left
# out because XML parsers normalise line ends
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
    | st.sampled_from("婴儿奶粉维生素湾区深圳\t\n "),
    max_size=12,
)
_decimals = st.decimals(
    min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=5, allow_nan=False
)
_ints = st.integers(min_value=-(2**31), max_value=2**31 - 1)


def _struct(struct: type[msgspec.Struct], lists: int = 3) -> st.SearchStrategy[Any]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field, info in zip(layout(struct).fields, msgspec.structs.fields(struct), strict=True):
        strategy: st.SearchStrategy[Any]
        if field.kind is Kind.STRUCTS:
            strategy = st.lists(_struct(field.struct), min_size=1, max_size=lists)
        elif field.kind is Kind.STRUCT:
            strategy = _struct(field.struct)
        elif field.kind is Kind.DECIMAL:
            strategy = _decimals
        elif field.kind is Kind.INT:
            strategy = _ints
        else:
            strategy = _text
        if not info.required and info.default is None:
            strategy = st.none() | strategy
        fields[field.attr] = strategy
    return st.builds(struct, **fields)


# CEB711 carries one Delivery (the XSD's maxOccurs 1), the others up to 100 documents
_messages = st.one_of(
    *(_struct(cls, lists=1 if code == "CEB711" else 3) for code, cls in MESSAGE_TYPES.items())
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_messages)
def test_generated_messages_round_trip(message: Message) -> None:
    assert read(write_message(message)) == message


# --- written messages validate ---------------------------------------------------------------


@needs_xsd
@pytest.mark.parametrize("spec", list(SpecVersion))
def test_written_import_set_validates_against_both_xsds(
    spec: SpecVersion, signer_key: rsa.RSAPrivateKey, signer_cert: x509.Certificate
) -> None:

    for message in import_set().messages:
        written = write_message(message)
        if isinstance(message, InventoryMessage):  # the XSD requires CEB621's signature
            written = xmldsig.sign(written, signer_key, signer_cert)
        assert ceb_schema.validate(written, spec) == [], type(message).__name__
        assert read_message(written, **LIMITS).message == message
