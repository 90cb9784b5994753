"""Validation against the official CEB import XSDs (2018 No.113 and 202205).

The XSDs are GPL-sourced and never shipped in the package: they are read from a directory
holding ``2018-113/`` and ``202205/`` (as ``shared/data/specs/ceb`` does), given as a
parameter, by ``TRADEWINDOW_CEB_XSD_DIR``, or found by walking up from the working
directory to a ``shared/data/specs/ceb`` folder. Without one, :func:`schemas_available` is
False and callers skip this step (the business rules carry the XSD-level checks in code).

Each schema is compiled once per directory. The import schema imports
``xmldsig-core-schema.xsd`` from beside it; a resolver serves that from the same directory
and nothing else, with network access off.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from lxml import etree

from tradewindow.cbec.documents import SpecVersion
from tradewindow.formats import hardened_xml
from tradewindow.formats.ceb_layout import MAX_OCCURS, NS
from tradewindow.violations import Violation

ENV = "TRADEWINDOW_CEB_XSD_DIR"
# 2018-113/进口业务节点报文.xsd and 202205/海关跨境进口业务节点报文定义202205.xsd
_IMPORT_SCHEMA = "*进口业务节点报文*.xsd"
_DSIG = "xmldsig-core-schema.xsd"  # imported by the import schema, from beside it
_NO_INDEX = re.compile(r"\[\d+\]")


def xsd_dir(directory: str | Path | None = None) -> Path | None:
    """The CEB XSD directory: ``directory``, else ``$TRADEWINDOW_CEB_XSD_DIR``, else found."""
    if directory is not None:
        return Path(directory)
    if configured := os.environ.get(ENV):
        return Path(configured)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "data" / "specs" / "ceb"
        if candidate.is_dir():
            return candidate
    return None


def schemas_available(directory: str | Path | None = None) -> bool:
    """True when both spec versions' import XSDs (and the signature XSD they import) exist."""
    found = xsd_dir(directory)
    return found is not None and all(
        _schema_file(found, spec) is not None and (found / spec.value / _DSIG).is_file()
        for spec in SpecVersion
    )


def validate(
    data_or_tree: bytes | etree._Element | etree._ElementTree,
    spec: SpecVersion,
    directory: str | Path | None = None,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    max_depth: int = 32,
) -> list[Violation]:
    """Every XSD violation of a CEB import message, as ``CEB900.schema.invalid`` violations.

    Bytes are parsed with the hardened parser; a message that cannot even be parsed gives
    one violation with the parser's ``CEB900.xml.*`` code. Raises ``FileNotFoundError`` when
    no XSD directory is available (check :func:`schemas_available` first).
    """
    found = xsd_dir(directory)
    if found is None:
        raise FileNotFoundError(f"no CEB XSD directory (set {ENV})")
    schema = _schema(found.resolve(), spec)
    if isinstance(data_or_tree, bytes | bytearray):
        try:
            root = hardened_xml.parse(bytes(data_or_tree), max_bytes=max_bytes, max_depth=max_depth)
        except hardened_xml.UnsafeXml as error:
            return [Violation(path="", code=error.code, en=error.en, zh=error.zh)]
    elif isinstance(data_or_tree, etree._ElementTree):
        root = data_or_tree.getroot()
    else:
        root = data_or_tree
    if schema.validate(root):
        return []
    return [_violation(root, error) for error in schema.error_log]  # type: ignore[attr-defined]


@cache
def _schema(directory: Path, spec: SpecVersion) -> etree.XMLSchema:
    path = _schema_file(directory, spec)
    if path is None:
        raise FileNotFoundError(f"no import XSD for {spec} under {directory}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalOnly(path.parent))
    try:
        return etree.XMLSchema(etree.parse(str(path), parser))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise FileNotFoundError(
            f"the {spec} XSDs under {directory} do not compile: {error}"
        ) from None


def _schema_file(directory: Path, spec: SpecVersion) -> Path | None:
    return next(iter(sorted((directory / spec.value).glob(_IMPORT_SCHEMA))), None)


class _LocalOnly(etree.Resolver):
    """Serve imported schemas from the schema's own folder; refuse anything else."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder.resolve()

    def resolve(  # type: ignore[override] # lxml-stubs omit the context argument
        self, system_url: str, public_id: str, context: object
    ) -> object:
        name = Path(system_url.replace("\\", "/")).name
        local = (self.folder / name).resolve()
        if local.parent == self.folder and local.is_file():
            return self.resolve_filename(str(local), context)  # type: ignore[attr-defined]
        return self.resolve_string("", context)  # type: ignore[call-arg]


def _violation(root: etree._Element, error: etree._LogEntry) -> Violation:
    message = error.message.replace(f"{{{NS}}}", "")
    return Violation(
        path=_path(root, error.path),
        code="CEB900.schema.invalid",
        en=f"the message does not match the CEB schema: {message}",
        zh=f"报文不符合CEB报文XSD：{message}",
    )


def _path(root: etree._Element, xpath: str | None) -> str:
    """libxml2's ``/ceb:CEB311Message/ceb:Order/ceb:OrderList[2]/ceb:qty`` in CEB style.

    libxml2 numbers an element only when it has same-named siblings; CEB paths number every
    repeatable element (``Order[1]/OrderList[2]/qty``), so the element is looked up and its
    path rebuilt from its ancestors.
    """
    if not xpath:
        return ""
    try:
        found = root.getroottree().xpath(xpath, namespaces={"ceb": NS})
    except etree.XPathError:
        found = None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return element_path(found[0])
    steps = [_NO_INDEX.sub("", step.split(":")[-1]) for step in xpath.split("/")[2:]]
    return "/".join(steps)


def element_path(element: etree._Element) -> str:
    """The CEB-style path of ``element`` below its message root."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        name = etree.QName(node).localname
        if name in MAX_OCCURS:
            index = 1 + sum(1 for _ in node.itersiblings(node.tag, preceding=True))
            name = f"{name}[{index}]"
        steps.append(name)
        node = node.getparent()
    return "/".join(reversed(steps))
