"""Parsing XML that arrives from outside: bounded, no DTD, no entities, no network.

Hostile input is normal at a border. Every XML byte string tradewindow reads from a
partner goes through :func:`parse`, which

* refuses anything over ``max_bytes`` before a parser sees it;
* refuses any document type declaration (so no entity can be declared, expanded or fetched:
  billion laughs and external entities die here), first by a byte scan, then by asking
  the parser whether it saw one (a DOCTYPE in a UTF-16 document escapes the byte scan);
* parses with libxml2's entity substitution, DTD loading, network access and huge-tree
  mode off, dropping comments and processing instructions;
* refuses trees nested deeper than ``max_depth`` elements (the root is depth 1).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from lxml import etree

_DOCTYPE = b"<!DOCTYPE"
_local = threading.local()


class UnsafeXml(Exception):
    """The bytes are not XML tradewindow will read; ``code`` says why."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code = code
        self.en = en
        self.zh = zh
        super().__init__(f"{code}: {en}")


def parser() -> etree.XMLParser:
    """This thread's hardened parser (lxml parsers must not be shared between threads)."""
    cached: etree.XMLParser | None = getattr(_local, "parser", None)
    if cached is None:
        cached = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        _local.parser = cached
    return cached


def parse(data: bytes, *, max_bytes: int, max_depth: int) -> etree._Element:
    """The root element of ``data``, or :class:`UnsafeXml` with a ``CEB900.xml.*`` code."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnsafeXml(
            "CEB900.xml.malformed",
            "the message is not a byte string",
            "报文不是字节串",
        )
    data = bytes(data)  # no copy for bytes; memoryview has no `in`
    if len(data) > max_bytes:
        raise UnsafeXml(
            "CEB900.xml.too_large",
            f"the message has {len(data)} bytes, more than the limit of {max_bytes}",
            f"报文大小 {len(data)} 字节，超过上限 {max_bytes} 字节",
        )
    if _DOCTYPE in data:
        raise _doctype()
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        if "depth" in str(error):
            raise _too_deep(max_depth) from None
        raise UnsafeXml(
            "CEB900.xml.malformed",
            f"the message is not well-formed XML: {error}",
            f"报文不是格式良好的XML：{error}",
        ) from None
    except (etree.LxmlError, ValueError) as error:
        raise UnsafeXml(
            "CEB900.xml.malformed",
            f"the message cannot be parsed as XML: {error}",
            f"报文无法按XML解析：{error}",
        ) from None
    if root is None:
        raise UnsafeXml("CEB900.xml.malformed", "the message is empty", "报文为空")
    docinfo: Any = root.getroottree().docinfo  # lxml-stubs lack DocInfo's DTD attributes
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _doctype()
    if _deeper_than(max_depth)(root):
        raise _too_deep(max_depth)
    return root


@cache
def _deeper_than(max_depth: int) -> etree.XPath:
    # one XPath walk in C: is there any element at depth max_depth + 1?
    return etree.XPath("boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")")


def _doctype() -> UnsafeXml:
    return UnsafeXml(
        "CEB900.xml.doctype",
        "a document type declaration (DOCTYPE) is not allowed in a CEB message",
        "CEB报文中不允许出现文档类型声明（DOCTYPE）",
    )


def _too_deep(max_depth: int) -> UnsafeXml:
    return UnsafeXml(
        "CEB900.xml.too_deep",
        f"the message nests elements deeper than {max_depth} levels",
        f"报文元素嵌套超过 {max_depth} 层",
    )
