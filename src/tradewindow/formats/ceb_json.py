"""CEB documents as JSON: the same Structs as the XML, for API users and JSON-lines files.

A message is one JSON object tagged by ``messageType`` with the XML's element names::

    {"messageType": "CEB311", "guid": "…36…", "version": "1.0",
     "Order": [{"OrderHead": {"guid": …, "orderNo": …}, "OrderList": [{…}]}],
     "BaseTransfer": {"copCode": …, "copName": …, "dxpMode": "DXP", "dxpId": …}}

Amounts may be JSON numbers or strings; both decode exactly into ``Decimal``.

Before decoding, the bytes pass the strict JSON rules of :mod:`~tradewindow.formats.strict_json`
(UTF-8, bounded depth, no duplicate member names, no character XML or PostgreSQL cannot hold);
a refusal is a :class:`FormatError` coded ``CEB900.json.<rule>`` with the path of the fault.

An API bulk is ``{"messages": [message, …]}``: :func:`split_bulk` checks the whole (encoding,
depth, syntax, its own member names) and hands back each message's bytes, which are then read
one by one, so one bad message costs no other its answer.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import TypeVar

import msgspec

from tradewindow.cbec.documents import MESSAGE_TYPES, Message
from tradewindow.export.documents import EXPORT_MESSAGE_TYPES, ExportMessage
from tradewindow.formats import strict_json
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.violations import Violation

_decoder: msgspec.json.Decoder[Message] = msgspec.json.Decoder(Message)
_export_decoder: msgspec.json.Decoder[ExportMessage] = msgspec.json.Decoder(ExportMessage)
T = TypeVar("T")
_encoder = msgspec.json.Encoder(decimal_format="string")
_PATH = re.compile(r"at `\$(.*)`$")
_TAG = re.compile(rb'"messageType"\s*:\s*"([A-Za-z0-9]{0,16})"')
_GUID = re.compile(rb'"guid"\s*:\s*"([A-Za-z0-9-]{1,64})"')


def read_message(data: bytes, *, max_bytes: int) -> Message:
    """Decode one JSON message, or raise :class:`FormatError` with a coded violation."""
    return _read(data, max_bytes, _decoder, MESSAGE_TYPES)


def read_export_message(data: bytes, *, max_bytes: int) -> ExportMessage:
    """Decode one JSON export message (CEB303 … 215), as :func:`read_message` does."""
    return _read(data, max_bytes, _export_decoder, EXPORT_MESSAGE_TYPES)


def message_type_of(data: bytes) -> str | None:
    """The ``messageType`` a JSON message names, if its bytes show one."""
    tag = _TAG.search(data)
    return None if tag is None else tag.group(1).decode("ascii", "replace")


def _read(
    data: bytes, max_bytes: int, decoder: msgspec.json.Decoder[T], types: Container[str]
) -> T:
    if len(data) > max_bytes:
        raise _error(
            data,
            "",
            "CEB900.json.too_large",
            f"the message is larger than {max_bytes} bytes",
            f"报文超过{max_bytes}字节上限",
        )
    try:
        strict_json.check(data)
    except strict_json.JsonRefused as refused:
        raise _refused(data, refused) from None
    try:
        return decoder.decode(data)
    except msgspec.ValidationError as error:
        text = str(error)
        tag = _TAG.search(data)
        if tag is not None and tag.group(1).decode("utf-8", "replace") not in types:
            raise _error(
                data,
                "@messageType",
                "CEB900.message.unknown_type",
                f"unknown message type {tag.group(1).decode('utf-8', 'replace')!r}",
                "未知的报文类型",
            ) from None
        path = _PATH.search(text)
        raise _error(
            data,
            _xpath(path.group(1)) if path else "",
            "CEB900.json.invalid",
            text,
            f"报文结构或类型错误：{text}",
        ) from None
    except msgspec.DecodeError as error:
        raise _error(
            data, "", "CEB900.json.malformed", f"not valid JSON: {error}", "不是合法的JSON"
        ) from None


def check_charset(content_type: str) -> None:
    """A CEB JSON message comes as UTF-8: a Content-Type declaring another charset (GBK …)
    is refused as ``CEB900.json.encoding`` before the bytes are read."""
    try:
        strict_json.charset(content_type)
    except strict_json.JsonRefused as refused:
        raise _refused(b"", refused) from None


def split_bulk(data: bytes) -> list[bytes] | None:
    """The bytes of each message of a bulk ``{"messages": [...]}``; None when ``data`` is not
    a bulk (one message, or not a JSON object: :func:`read_message` says what is wrong)."""
    try:
        items = strict_json.split(data, member="messages")
    except strict_json.JsonRefused as refused:
        if refused.kind == "structure" and not refused.where:
            return None  # not an object: read_message says what is wrong
        if refused.kind == "structure":
            raise _bulk_invalid("messages must be a list of CEB JSON messages") from None
        raise _refused(data, refused) from None
    if items is not None and not items:
        raise _bulk_invalid("messages is empty")
    return items


def write_message(message: msgspec.Struct) -> bytes:
    """Any CEB message or receipt (import or export) as JSON, tagged by ``messageType``."""
    return _encoder.encode(message)


def _refused(data: bytes, refused: strict_json.JsonRefused) -> FormatError:
    return _error(data, _path(refused.where), f"CEB900.{refused.code}", refused.en, refused.zh)


def _bulk_invalid(en: str) -> FormatError:
    return FormatError(
        [
            Violation(
                path="messages",
                code="CEB900.json.bulk_invalid",
                en=en,
                zh="批量申报格式错误：须为报文列表",
            )
        ]
    )


def _path(where: strict_json.Where) -> str:
    """``("Order", 0, "OrderHead", "buyerName")`` → ``Order[1]/OrderHead/buyerName``."""
    parts: list[str] = []
    for part in where:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part + 1}]"
        else:
            parts.append(f"[{part + 1}]" if isinstance(part, int) else part)
    return "/".join(parts)


def _xpath(json_path: str) -> str:
    """``.Order[0].OrderHead.goodsValue`` → ``Order[1]/OrderHead/goodsValue``."""
    parts = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m[1]) + 1}]", json_path).strip(".")
    return parts.replace(".", "/")


def _error(data: bytes, path: str, code: str, en: str, zh: str) -> FormatError:
    tag = _TAG.search(data)
    guid = _GUID.search(data)
    return FormatError(
        [Violation(path=path, code=code, en=en, zh=zh)],
        guid=guid.group(1).decode("utf-8", "replace") if guid else None,
        message_type=tag.group(1).decode("utf-8", "replace") if tag else None,
    )
