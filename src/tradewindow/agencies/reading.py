"""How agencies read a filing, shared by the work queue (:mod:`.queue`) and the informed
agencies' notices (:mod:`.notices`): the stored documents of one filing, cut to one agency's
share by the policy in force now, with the personal-data paths the share holds.

A task or a notice stores the filing's reference only; its documents are read from the store
and cut each time an agency looks, so a tightened policy applies at once and no field the
agency is not granted is ever stored for it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, select

from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.views import agency_view, personal_data_in
from tradewindow.cbec.ports import DocKind
from tradewindow.store.engine import READ_ONLY
from tradewindow.store.schema import documents, tax_bills

MAX_PAGE_SIZE = 100  # rows of one listing page, whatever a caller asks for


def reader(engine: Engine) -> Connection:
    """A connection whose transactions only read (no writer lock on SQLite)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def page_bounds(page: int, size: int) -> tuple[int, int]:
    """``page`` (1-based) and ``size`` brought into range: at least 1, size at most
    :data:`MAX_PAGE_SIZE`."""
    return max(page, 1), min(max(size, 1), MAX_PAGE_SIZE)


def agency_share(
    policy: Policy, agency: str, stored: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The views ``agency`` may have of the ``stored`` documents (kind → view; a kind it is
    not granted is absent) and the personal-data paths they hold, sorted."""
    views = {}
    for kind, document in stored.items():
        view = agency_view(policy, agency, kind, document)
        if view is not None:
            views[kind] = view
    personal = sorted({p for view in views.values() for p in personal_data_in(policy, view)})
    return views, personal


def stored_filing(connection: Connection, filing: str) -> dict[str, dict[str, Any]]:
    """The list ``filing`` and its order, payment, waybill and latest tax bill, as wire JSON."""
    kinds = (DocKind.INVENTORY.value, DocKind.ORDER.value, DocKind.PAYMENT.value)
    query = select(documents.c.kind, documents.c.body, documents.c.waybill_ref).where(
        documents.c.kind.in_(kinds), documents.c.key == filing
    )
    found: dict[str, dict[str, Any]] = {}
    waybill_ref = None
    for kind, body, ref in connection.execute(query):
        found[kind] = json.loads(body)
        if kind == DocKind.INVENTORY.value:
            waybill_ref = ref
    if waybill_ref is not None:
        body = connection.execute(
            select(documents.c.body).where(
                documents.c.kind == DocKind.WAYBILL.value, documents.c.key == waybill_ref
            )
        ).scalar()
        if body is not None:
            found[DocKind.WAYBILL.value] = json.loads(body)
    bill = connection.execute(
        select(tax_bills.c.body)
        .where(tax_bills.c.doc_key == filing)
        .order_by(tax_bills.c.created_at.desc())
        .limit(1)
    ).scalar()
    if bill is not None:
        found["tax_bill"] = json.loads(bill)
    return found
