"""An export filing's documents as the agencies' desk reads them (``AgencyStore
.filing_documents`` for a key ``EXP|ebpCode|orderNo``): the list and its order, receipt of
payment and waybill, as :mod:`tradewindow.export.sharing` shares them."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from sqlalchemy import Connection, select

from tradewindow.export import documents as d
from tradewindow.export.flow import DocKind
from tradewindow.export.model import ExportList
from tradewindow.export.sharing import ExportFiling, order_key_of
from tradewindow.store.export.tables import documents, lists

S = TypeVar("S", bound=msgspec.Struct)


def filing_documents(connection: Connection, filing: str) -> dict[str, dict[str, Any]]:
    """Wire JSON by kind (``export_inventory`` …); empty when there is no such list."""
    order_key = order_key_of(filing)
    body = connection.execute(
        select(lists.c.body).where(lists.c.order_key == order_key)
    ).scalar_one_or_none()
    if body is None:
        return {}
    record = msgspec.json.decode(body, type=ExportList)
    wanted = {
        (DocKind.ORDER.value, order_key),
        (DocKind.RECEIPT.value, order_key),
        (DocKind.WAYBILL.value, record.waybill_key),
    }
    found = {
        kind: bytes(body)
        for kind, key, body in connection.execute(
            select(documents.c.kind, documents.c.key, documents.c.body).where(
                documents.c.key.in_({key for _, key in wanted})
            )
        )
        if (kind, key) in wanted
    }
    head = msgspec.structs.replace(record.inventory.head, invt_no=record.invt_no)
    return ExportFiling(
        inventory=msgspec.structs.replace(record.inventory, head=head),  # with its number
        order=_read(found.get(DocKind.ORDER.value), d.Order),
        receipt=_read(found.get(DocKind.RECEIPT.value), d.Receipt),
        waybill=_read(found.get(DocKind.WAYBILL.value), d.Waybill),
    ).shared()


def _read(body: bytes | None, kind: type[S]) -> S | None:
    return None if body is None else msgspec.json.decode(body, type=kind)
