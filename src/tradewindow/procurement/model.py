"""The records of the market procurement platform, as immutable Structs.

Registries: recognised markets, market operators (商户), foreign buyers (采购商), procurement
agents (代理企业) and the commissions between buyers and agents. Sales: transactions
(交易登记) with their goods lines and revision history. Consolidation: shipments (组货装箱)
and their customs decision. Settlement: foreign-exchange receipts of operators.

Money is ``Decimal``; times are timezone-aware; every operator and buyer belongs to one market
(the province's "six platforms" are six markets on one deployment).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import msgspec


class Market(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # e.g. "gz-liuhua"
    name_zh: str
    name_en: str
    city: str  # GBA city code, e.g. "440100" Guangzhou
    valid_from: date
    valid_until: date | None = None  # the recognition's end; None while it stands

    def open_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class LicenceKind(StrEnum):
    USCC = "uscc"  # 统一社会信用代码 (GB 32100-2015)
    REGISTRATION = "registration"  # 个体工商户营业执照注册号 (15 digits, before the USCC)


class Status(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Operator(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    market_id: str
    party_id: str  # who signs in as this operator
    name: str
    licence_kind: LicenceKind
    licence_number: str
    stall: str
    bank_account: str  # where the operator's foreign-exchange receipts arrive
    status: Status = Status.ACTIVE
    registered_at: datetime


class DocumentKind(StrEnum):
    PASSPORT = "passport"
    REGISTRATION = "registration"  # a foreign firm's registration number


class Buyer(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    market_id: str
    party_id: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    document_kind: DocumentKind
    document_number: str  # personal data: agency views cut it by policy, reads are logged
    status: Status = Status.ACTIVE
    registered_at: datetime


class Agent(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    party_id: str
    name: str
    uscc: str
    customs_code: str  # 海关注册编码, 10 characters
    markets: tuple[str, ...]  # the markets it consolidates in
    status: Status = Status.ACTIVE
    registered_at: datetime


class Commission(msgspec.Struct, frozen=True, kw_only=True):
    """A buyer commissioned an agent to confirm its purchases and consolidate them."""

    buyer_id: str
    agent_id: str
    granted_at: datetime
    revoked_at: datetime | None = None


class Line(msgspec.Struct, frozen=True, kw_only=True):
    hs_code: str  # 10 digits (China's tariff code) or at least the 6-digit HS subheading
    name: str
    quantity: Decimal
    unit: str  # China Customs unit code, e.g. "011" piece
    price: Decimal  # per unit, in the transaction's currency

    @property
    def chapter(self) -> str:
        return self.hs_code[:2]


class SaleState(StrEnum):
    RECORDED = "recorded"  # by the operator, waiting for the buyer
    CONFIRMED = "confirmed"  # by the buyer or its agent
    CANCELLED = "cancelled"
    CONSOLIDATED = "consolidated"  # in a shipment
    DECLARED = "declared"  # the shipment's customs decision came back


class Revision(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a transaction's history: who did what, when, and why."""

    number: int
    action: str  # recorded | corrected | confirmed | cancelled | consolidated | decided
    by: str  # party id
    at: datetime
    note: str = ""


class Transaction(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    market_id: str
    operator_id: str
    buyer_id: str
    sold_on: date
    currency: str  # ISO 4217
    lines: tuple[Line, ...]
    total: Decimal  # Σ quantity × price, to the cent (``sales.line_total``)
    state: SaleState
    shipment_id: str | None = None
    decision: str | None = None  # the shipment's customs decision once it came back
    history: tuple[Revision, ...] = ()

    @property
    def revision(self) -> int:
        return self.history[-1].number if self.history else 0


class ShipmentState(StrEnum):
    DRAFTED = "drafted"  # consolidated, declaration drafted
    DECLARED = "declared"  # sent to customs
    RELEASED = "released"
    REFUSED = "refused"


class Shipment(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    market_id: str
    agent_id: str
    buyer_id: str
    transaction_ids: tuple[str, ...]
    containers: tuple[str, ...]  # ISO 6346 container numbers
    port_of_loading: str  # UN/LOCODE, e.g. CNNSA Nansha, CNHPU Huangpu
    destination: str  # ISO 3166-1 alpha-2
    transport_mode: str  # China Customs transport mode code, "2" waterway
    value_usd: Decimal
    state: ShipmentState
    created_at: datetime
    decision: str | None = None  # customs' decision text/code
    decided_at: datetime | None = None


class FxReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """A foreign-exchange receipt an operator settled for a buyer's purchases in a shipment."""

    id: str
    operator_id: str
    buyer_id: str
    shipment_id: str
    currency: str
    amount: Decimal
    received_on: date
    recorded_at: datetime
