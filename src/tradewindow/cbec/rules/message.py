"""Checking a whole CEB message (311/411/511/621, and 513/623/625/711 after release): its
envelope, then each document."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import msgspec

from tradewindow.cbec.documents import (
    CancelMessage,
    DeliveryMessage,
    InventoryMessage,
    Message,
    OrderMessage,
    PaymentMessage,
    RefundMessage,
    SpecVersion,
    WaybillMessage,
    WaybillStatusMessage,
    message_type,
)
from tradewindow.cbec.ports import CodeTables
from tradewindow.cbec.rules.context import Context
from tradewindow.cbec.rules.fields import BASE_TRANSFER, MESSAGE_GUID, MESSAGE_VERSION, FacetTable
from tradewindow.cbec.rules.head import guid_uppercase
from tradewindow.cbec.rules.inventory import check_inventory
from tradewindow.cbec.rules.lifecycle import (
    check_cancel,
    check_delivery,
    check_refund,
    check_waybill_status,
)
from tradewindow.cbec.rules.order import check_order
from tradewindow.cbec.rules.payment import check_payment
from tradewindow.cbec.rules.waybill import check_waybill
from tradewindow.violations import Violation

MAX_DOCUMENTS = 100  # XSD: <xs:element name="Order" maxOccurs="100"> (and alike)

# Arithmetic on declared amounts must never raise: NaN, ±Infinity or 1E+999999 are reported
# by their facets, and with no traps the business rules simply compare False on them.
_QUIET = decimal.Context(prec=28, traps=[])

_BASE_TRANSFER = FacetTable(BASE_TRANSFER)
_ROOT = FacetTable((MESSAGE_GUID, MESSAGE_VERSION))


class MessageCheck(msgspec.Struct, frozen=True):
    """Every violation of one message.

    ``message`` holds envelope violations (root guid / version, document count,
    BaseTransfer), which concern every document; ``documents`` maps the 0-based index of each
    document that has violations (and only those) to its violations.
    """

    message: list[Violation]
    documents: dict[int, list[Violation]]

    @property
    def clean(self) -> bool:
        """No violation at all."""
        return not self.message and not self.documents


_CHECKS: dict[type[Any], tuple[str, Callable[[Any, str, Context, list[Violation]], None]]] = {
    OrderMessage: ("Order", check_order),
    PaymentMessage: ("Payment", check_payment),
    WaybillMessage: ("Logistics", check_waybill),
    InventoryMessage: ("Inventory", check_inventory),
    CancelMessage: ("InvtCancel", check_cancel),
    RefundMessage: ("InvtRefund", check_refund),
    WaybillStatusMessage: ("LogisticsStatus", check_waybill_status),
    DeliveryMessage: ("Delivery", check_delivery),
}
# XSD maxOccurs of the document element where it is not 100: CEB711Message has one Delivery
_MOST = {"Delivery": 1}


def check_message(
    message: Message, *, codes: CodeTables, spec: SpecVersion, now: datetime
) -> MessageCheck:
    """Check ``message`` against the XSD facets, code tables and business rules of ``spec``.

    Pure: reads nothing but its arguments; never raises for any field values of the declared
    Python types (``now`` must be timezone-aware). Times in the message are judged against
    ``now``. Paths are relative to the message root's children (``Order[2]/OrderHead/...``,
    ``BaseTransfer/copCode``, ``@guid``).
    """
    ctx = Context(message_type(message), codes, spec, now)
    element, check_document = _CHECKS[type(message)]
    envelope: list[Violation] = []
    documents: dict[int, list[Violation]] = {}
    with decimal.localcontext(_QUIET):
        _ROOT.check(message, "", ctx.message_type, envelope)
        guid_uppercase(message.guid, "", ctx, envelope)
        _BASE_TRANSFER.check(message.base_transfer, "BaseTransfer", ctx.message_type, envelope)
        if _count_allowed(len(message.documents), element, ctx, envelope, _MOST.get(element)):
            for index, document in enumerate(message.documents):
                found: list[Violation] = []
                check_document(document, f"{element}[{index + 1}]", ctx, found)
                if found:
                    documents[index] = found
            guids_unique(message.documents, element, ctx, documents)
    return MessageCheck(message=[_rooted(v) for v in envelope], documents=documents)


_HEADS = {
    "Order": "OrderHead/",
    "Payment": "PaymentHead/",
    "Logistics": "LogisticsHead/",
    "Inventory": "InventoryHead/",
    "InvtCancel": "",  # one flat element: its guid is its own child
    "InvtRefund": "InvtRefundHead/",
    "LogisticsStatus": "",
    "Delivery": "DeliveryHead/",
}


def guids_unique(
    documents: Sequence[Any], element: str, ctx: Context, found: dict[int, list[Violation]]
) -> None:
    """Each document of a message has its own guid: every document sharing one is refused
    (a receipt answers a document by its guid, so two could not be told apart).

    Source: spec 202205 表 3-3 (表 3-10, 3-17, 3-31 alike), 系统唯一序号 guid "企业系统生成36位
    唯一序号（英文字母大写）" — unique per document.
    """
    positions: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        positions.setdefault(document.head.guid.upper(), []).append(index)
    head = _HEADS[element]
    for guid, shared in positions.items():
        if len(shared) < 2:
            continue
        for index in shared:
            others = ", ".join(f"{element}[{i + 1}]" for i in shared if i != index)
            found.setdefault(index, []).append(
                ctx.violation(
                    f"{element}[{index + 1}]/{head}guid",
                    "guid",
                    "duplicate",
                    f"guid {guid[:36]} is also the guid of {others} in this message: "
                    "each document needs its own",
                    f"系统唯一序号 {guid[:36]} 与本报文中 {others} 重复：每份单证须有自己的序号",
                )
            )


def _rooted(violation: Violation) -> Violation:
    # The root facets are checked at path "", which gives "/guid"; attributes read "@guid".
    if violation.path.startswith("/"):
        return Violation(
            path=f"@{violation.path[1:]}", code=violation.code, en=violation.en, zh=violation.zh
        )
    return violation


def _count_allowed(
    n: int, element: str, ctx: Context, out: list[Violation], most: int | None = None
) -> bool:
    """A message carries 1 to 100 documents (CEB711: exactly one Delivery); False (documents
    not checked) when it has not.

    Source: XSD 202205 CEB311Message ``Order`` minOccurs 1 maxOccurs 100 (CEB411, 511, 513,
    621, 623, 625 alike; CEB711Message ``Delivery`` maxOccurs 1); errors -504013
    "物流运单报文数量超过限制", -621030 "清单数据超过限制".
    """
    limit = most or MAX_DOCUMENTS
    if 1 <= n <= limit:
        return True
    if n == 0:
        out.append(
            ctx.violation(
                element,
                element,
                "empty",
                f"the message carries no {element} document",
                f"报文没有{element}单证",
            )
        )
    else:
        out.append(
            ctx.violation(
                element,
                element,
                "too_many",
                f"the message carries {n} {element} documents, more than {limit}",
                f"报文有{n}份{element}单证，超过{limit}份",
            )
        )
    return False
