"""Identity document types of CEB buyers and payers (buyerIdType, payerIdType)."""

from __future__ import annotations

import enum


class IdType(enum.StrEnum):
    """证件类型: the spec allows 1 身份证 and 2 其它, and requires 1 for CBEC imports."""

    RESIDENT_ID_CARD = "1"  # 身份证 (PRC resident identity card)
    OTHER = "2"  # 其它

    @property
    def name_zh(self) -> str:
        return {"1": "身份证", "2": "其它"}[self.value]

    @property
    def name_en(self) -> str:
        return {"1": "Resident identity card", "2": "Other"}[self.value]
