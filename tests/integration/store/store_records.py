"""Small builders of store records with realistic CEB keys, for the store tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

import builders as b
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.ports import (
    DocKind,
    DocStatus,
    MessageRecord,
    ReceiptRecord,
    StoredDocument,
    TaxBillRecord,
)
from tradewindow.store.engine import _MIGRATIONS

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
EBP = "3301964J31"  # e-commerce platform code
LOGISTICS = "3101980020"


def order_key(n: int) -> str:
    return f"{EBP}|ORD{n:08d}"


def waybill_key(n: int) -> str:
    return f"{LOGISTICS}|WB{n:010d}"


def document(
    kind: DocKind,
    key: str,
    status: DocStatus = DocStatus.ACCEPTED,
    *,
    order_ref: str | None = None,
    waybill_ref: str | None = None,
    buyer: str | None = None,
    received_at: datetime = T0,
    guid: str = "4CDE1CFD-EDED-46B1-946C-B8022E42FC94",
) -> StoredDocument:
    return StoredDocument(
        kind=kind,
        key=key,
        status=status,
        order_ref=order_ref,
        waybill_ref=waybill_ref,
        buyer=buyer,
        message_guid=guid,
        body=f'{{"key":"{key}","note":"订单"}}'.encode(),
        received_at=received_at,
        updated_at=received_at,
    )


def inventory(
    n: int,
    status: DocStatus = DocStatus.WAITING,
    *,
    received_at: datetime = T0,
) -> StoredDocument:
    return document(
        DocKind.INVENTORY,
        order_key(n),
        status,
        order_ref=order_key(n),
        waybill_ref=waybill_key(n),
        buyer=f"44030119900101{n:04d}",
        received_at=received_at,
    )


def message(guid: str, digest: str = "ab" * 32, documents: int = 1) -> MessageRecord:
    return MessageRecord(
        guid=guid,
        message_type="CEB621Message",
        sender="DXPENT0000012345",
        digest=digest,
        received_at=T0,
        document_count=documents,
    )


def receipt(
    guid: str, seq: int, key: str, status: str = "120", codes: tuple[str, ...] = ()
) -> ReceiptRecord:
    return ReceiptRecord(
        receipt_type="CEB622",
        kind="inventory",
        doc_key=key,
        message_guid=guid,
        status=status,
        created_at=T0 + timedelta(seconds=seq),
        body=f'{{"returnStatus":"{status}","seq":{seq}}}'.encode(),
        seq=seq,
        codes=codes,
    )


def tax_bill(tax_no: str, customs: str, vat: str, consumption: str) -> TaxBillRecord:
    return TaxBillRecord(
        tax_no=tax_no,
        invt_no=f"5300{tax_no[-14:]}",
        doc_key=order_key(int(tax_no[-4:])),
        buyer="440301199001010001",
        customs_tax=Decimal(customs),
        value_added_tax=Decimal(vat),
        consumption_tax=Decimal(consumption),
        created_at=T0,
        body=b'{"status":"1"}',
    )


def alembic_run(engine: Engine, action: str, revision: str) -> None:
    """``alembic upgrade|downgrade revision`` on ``engine``'s database."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def submission(message: object) -> Submission:
    """A decoded message as the filing use case takes it, received at ``builders.NOW``."""
    data = msgspec.json.encode(message)
    return Submission(
        message=message,  # type: ignore[arg-type]
        digest=hashlib.sha256(data).hexdigest(),
        received_at=b.NOW,
    )
