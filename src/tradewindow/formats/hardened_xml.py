"""Parsing XML that arrives from outside: bounded, no DTD, no entities, no network.

Hostile input is normal at a border. Every XML byte string tradewindow reads from a
partner goes through :func:`parse`, which

* refuses anything over ``max_bytes`` before a parser sees it;
* refuses anything but UTF-8 (see :func:`_utf8`): a declared GBK, GB18030 or UTF-16
  encoding, a UTF-16/32 byte-order mark, or bytes that are not UTF-8;
* refuses any document type declaration (so no entity can be declared, expanded or fetched:
  billion laughs and external entities die here), first by a byte scan, then by asking
  the parser whether it saw one (a DOCTYPE in a UTF-16 document escapes the byte scan);
* parses with libxml2's entity substitution, DTD loading, network access and huge-tree
  mode off, dropping comments and processing instructions;
* refuses trees nested deeper than ``max_depth`` elements (the root is depth 1).
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from lxml import etree

_DOCTYPE = b"<!DOCTYPE"
_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_DECLARED = re.compile(rb"<\?xml\s[^>]{0,200}?\bencoding\s*=\s*[\"']([^\"']{0,40})[\"']")
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
    _utf8(data)
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


def _utf8(data: bytes) -> None:
    """CEB messages are UTF-8: the official XSDs of both versions (2018 No.113, 202205) are
    UTF-8 documents declaring ``encoding="UTF-8"``, China E-Port exchanges and answers in
    UTF-8, and XMLDSig canonical XML is UTF-8. A message declaring another encoding (GBK,
    GB18030, UTF-16) would be read by libxml2 as declared, and one whose declaration lies
    would become wrong Chinese names without an error; both are refused, with
    ``CEB900.xml.encoding``, as are bytes that are not UTF-8."""
    if data.startswith(_OTHER_BOMS) or data[:2] in (b"<\x00", b"\x00<"):
        raise _encoding("UTF-16 or UTF-32", "UTF-16 或 UTF-32")
    declared = _DECLARED.match(data.removeprefix(_UTF8_BOM))
    if declared is not None and declared.group(1).lower() != b"utf-8":
        name = declared.group(1).decode("ascii", "replace")
        raise _encoding(f'encoding="{name}"', f'encoding="{name}"')
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            return  # a message cut off inside a character: the parser calls it malformed
        raise UnsafeXml(
            "CEB900.xml.encoding",
            f"the message is not UTF-8 (byte {error.start}): CEB messages are UTF-8",
            f"报文不是 UTF-8 编码（第 {error.start} 字节）：CEB 报文须为 UTF-8",
        ) from None


def _encoding(found: str, found_zh: str) -> UnsafeXml:
    return UnsafeXml(
        "CEB900.xml.encoding",
        f"CEB messages are UTF-8; this one is {found}: convert it and declare UTF-8",
        f"CEB 报文须为 UTF-8 编码，本报文为 {found_zh}：请转换为 UTF-8 并声明",
    )


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
