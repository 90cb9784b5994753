"""XSD validation: where the schemas come from, and violations in CEB-style paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ceb_samples import LIMITS, needs_xsd, sample

from tradewindow.cbec.documents import SpecVersion
from tradewindow.formats import ceb_schema
from tradewindow.formats.ceb_xml import read_message

ORDER = sample("CEB311")
INVENTORY = sample("CEB621")


def test_no_xsd_directory_means_schemas_are_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ceb_schema.ENV, raising=False)
    assert ceb_schema.xsd_dir() is None or not (tmp_path / "shared").exists()
    assert not ceb_schema.schemas_available(tmp_path)
    with pytest.raises(FileNotFoundError):
        ceb_schema.validate(ORDER, SpecVersion.V202205, tmp_path)


@needs_xsd
def test_the_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = ceb_schema.xsd_dir()
    assert found is not None
    monkeypatch.setenv(ceb_schema.ENV, str(tmp_path))
    assert ceb_schema.xsd_dir() == tmp_path
    assert not ceb_schema.schemas_available()
    monkeypatch.setenv(ceb_schema.ENV, str(found))
    assert ceb_schema.schemas_available()


@needs_xsd
def test_schemas_load_from_a_copy_with_only_local_imports(tmp_path: Path) -> None:
    """The import XSD imports xmldsig-core-schema.xsd from beside it, never from the network."""
    found = ceb_schema.xsd_dir()
    assert found is not None
    for spec in SpecVersion:
        shutil.copytree(found / spec.value, tmp_path / spec.value)
    assert ceb_schema.schemas_available(tmp_path)
    assert ceb_schema.validate(INVENTORY, SpecVersion.V202205, tmp_path) == []
    # without the signature schema beside it, the import schema cannot compile
    other = tmp_path / "without-dsig"
    shutil.copytree(found / "202205", other / "202205")
    (other / "202205" / "xmldsig-core-schema.xsd").unlink()
    assert not ceb_schema.schemas_available(other)
    with pytest.raises(FileNotFoundError, match="do not compile"):
        ceb_schema.validate(INVENTORY, SpecVersion.V202205, other)


@needs_xsd
def test_each_schema_is_compiled_once() -> None:
    found = ceb_schema.xsd_dir()
    assert found is not None
    first = ceb_schema._schema(found.resolve(), SpecVersion.V2018)
    assert ceb_schema._schema(found.resolve(), SpecVersion.V2018) is first


@needs_xsd
def test_violations_have_ceb_paths() -> None:
    data = ORDER.replace(b"<ceb:qty>1</ceb:qty>", b"<ceb:qty>x</ceb:qty>")
    data = data.replace(
        b"<ceb:currency>142</ceb:currency>\n            <ceb:buyerRegNo>", b"<ceb:buyerRegNo>"
    )
    violations = ceb_schema.validate(data, SpecVersion.V202205)
    assert [(v.path, v.code) for v in violations] == [
        ("Order[1]/OrderHead/buyerRegNo", "CEB900.schema.invalid"),
        ("Order[1]/OrderList[2]/qty", "CEB900.schema.invalid"),
    ]
    assert "not expected" in violations[0].en
    assert "XSD" in violations[0].zh
    assert "{http" not in violations[0].en  # the namespace is stripped from messages


@needs_xsd
def test_the_two_versions_differ_where_the_spec_says() -> None:
    long_item_no = INVENTORY.replace(
        b"<ceb:itemNo>SKU-MILK-800G-1</ceb:itemNo>",
        b"<ceb:itemNo>SKU-MILK-800G-1-LONGER-25</ceb:itemNo>",
    )
    assert ceb_schema.validate(long_item_no, SpecVersion.V2018) == []
    (violation,) = ceb_schema.validate(long_item_no, SpecVersion.V202205)
    assert violation.path == "Inventory[1]/InventoryList[1]/itemNo"
    short_country = INVENTORY.replace(
        b"<ceb:tradeCountry>304</ceb:tradeCountry>", b"<ceb:tradeCountry>30</ceb:tradeCountry>", 1
    )
    assert ceb_schema.validate(short_country, SpecVersion.V202205) == []
    (violation,) = ceb_schema.validate(short_country, SpecVersion.V2018)
    assert violation.path == "Inventory[1]/InventoryList[1]/tradeCountry"


@needs_xsd
def test_a_read_message_validates_without_parsing_again() -> None:
    read = read_message(INVENTORY, **LIMITS)
    assert ceb_schema.validate(read.root, SpecVersion.V202205) == []
    assert ceb_schema.validate(read.root.getroottree(), SpecVersion.V2018) == []


@needs_xsd
def test_unsigned_inventory_fails_the_xsd_at_the_root() -> None:
    (violation,) = ceb_schema.validate(sample("inventory_621.unsigned.xml"), SpecVersion.V202205)
    assert violation.path == ""
    assert "Signature" in violation.en


@needs_xsd
def test_hostile_bytes_give_the_parser_code() -> None:
    (violation,) = ceb_schema.validate(b"<!DOCTYPE a><a/>", SpecVersion.V202205)
    assert violation.code == "CEB900.xml.doctype"
