"""CEB documents as JSON: the same Structs as the XML, for API users and JSON-lines files.

A message is one JSON object tagged by ``messageType`` with the XML's element names::

    {"messageType": "CEB311", "guid": "…36…", "version": "1.0",
     "Order": [{"OrderHead": {"guid": …, "orderNo": …}, "OrderList": [{…}]}],
     "BaseTransfer": {"copCode": …, "copName": …, "dxpMode": "DXP", "dxpId": …}}

Amounts may be JSON numbers or strings; both decode exactly into ``Decimal``.
"""

from __future__ import annotations

import re

import msgspec

from tradewindow.cbec.documents import MESSAGE_TYPES, Message
from tradewindow.cbec.receipts import ReceiptMessage
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.violations import Violation

_decoder: msgspec.json.Decoder[Message] = msgspec.json.Decoder(Message)
_encoder = msgspec.json.Encoder(decimal_format="string")
_PATH = re.compile(r"at `\$(.*)`$")
_TAG = re.compile(rb'"messageType"\s*:\s*"([^"]{0,16})"')
_GUID = re.compile(rb'"guid"\s*:\s*"([^"]{1,64})"')


def read_message(data: bytes, *, max_bytes: int) -> Message:
    """Decode one JSON message, or raise :class:`FormatError` with a coded violation."""
    if len(data) > max_bytes:
        raise _error(
            data,
            "",
            "CEB900.json.too_large",
            f"the message is larger than {max_bytes} bytes",
            f"报文超过{max_bytes}字节上限",
        )
    try:
        return _decoder.decode(data)
    except msgspec.ValidationError as error:
        text = str(error)
        tag = _TAG.search(data)
        if tag is not None and tag.group(1).decode("utf-8", "replace") not in MESSAGE_TYPES:
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


def write_message(message: Message | ReceiptMessage) -> bytes:
    return _encoder.encode(message)


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
