"""Market procurement's evidence records (``procurement.ports.ProcurementEvidence``): a read
of a foreign buyer's personal data (its passport or registration number) by an agency names
the sales read and the fields, as reads of CBEC buyers' data do."""

from __future__ import annotations

import hashlib
from datetime import datetime

from tradewindow.evidence.chain import Entry, RecordKind
from tradewindow.evidence.log import EvidenceLog


class MarketProcurementRecords:
    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def personal_reads(self, reads: list[tuple[str, list[str]]], actor: str, at: datetime) -> None:
        if not reads:
            return
        self._log.append_many(
            [
                Entry(
                    kind=RecordKind.PERSONAL_DATA_READ,
                    subjects=(f"mpt-sale:{sale_id}", *(f"field:{name}" for name in fields)),
                    payload_digest=hashlib.sha256(",".join(fields).encode()).hexdigest(),
                    actor=actor,
                    at=at,
                )
                for sale_id, fields in reads
            ]
        )
