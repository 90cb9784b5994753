"""What an export answer says of each document, for the channels that report per document
(``tradewindow clear --report``, the sandbox): the document's kind, its key, the status of
its latest receipt and, when refused, the codes of the rules it was refused for.

The kinds are named after the export documents (``order``, ``receipt``, ``waybill``,
``arrival``, ``departure``, ``list``, ``cancellation``, ``waybill-link``, ``summary``,
``summary-result``, ``return``, ``tally``); the key is the number the filer knows the document
by (orderNo, logisticsNo, copNo, invtNo, billNo, sumNo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from tradewindow.export import receipts as r
from tradewindow.export.model import ExportAnswer


class DocumentResult(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    key: str
    status: str  # returnStatus: 2 (waiting), 100 (refused), 120, 399, 800, 899 …
    codes: tuple[str, ...] = ()


# receipt return type → (kind, the document's key in it)
_KEYS: dict[type[msgspec.Struct], tuple[str, Callable[[Any], str]]] = {
    r.OrderReturn: ("order", lambda x: x.order_no),
    r.ReceiptsReturn: ("receipt", lambda x: x.order_no),
    r.LogisticsReturn: ("waybill", lambda x: x.logistics_no),
    r.ArrivalReturn: ("arrival", lambda x: x.cop_no),
    r.DepartureReturn: ("departure", lambda x: x.cop_no),
    r.InventoryReturn: ("list", lambda x: x.order_no),
    r.InvtCancelReturn: ("cancellation", lambda x: x.invt_no),
    r.WayBillReturn: ("waybill-link", lambda x: x.bill_no),
    r.SummaryReturn: ("summary", lambda x: x.cop_no),
    r.RefundReturn: ("return", lambda x: x.co_el_no),
    r.InvtRefundDetailReturn: ("tally", lambda x: x.logistics_no),
}


def document_results(answer: ExportAnswer, party_id: str | None = None) -> list[DocumentResult]:
    """Each document's latest status in ``answer`` (only the receipts addressed to
    ``party_id`` when given), in the order first answered. A CEB792 summary result names
    the declaration customs made (status ``declared``)."""
    latest: dict[tuple[str, str], DocumentResult] = {}
    for addressed in answer.receipts:
        if party_id is not None and addressed.party_id != party_id:
            continue
        for result in _results(addressed.receipt, answer.codes):
            latest[(result.kind, result.key)] = result
    return list(latest.values())


def _results(
    receipt: r.ExportReceipt, codes: dict[str, tuple[str, ...]]
) -> Iterator[DocumentResult]:
    if isinstance(receipt, r.SummaryResultMessage):
        for result in receipt.returns:
            yield DocumentResult(kind="summary-result", key=result.head.sum_no, status="declared")
        return
    for item in receipt.returns:
        kind, key = _KEYS[type(item)]
        status = item.return_status
        refused = status == "100"
        yield DocumentResult(
            kind=kind,
            key=key(item),
            status=status,
            codes=codes.get(item.guid, ()) if refused else (),
        )
