"""``MarketProcurement``: the market procurement use cases an application holds
(``bootstrap.App``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tradewindow.clock import utc_now
from tradewindow.procurement.consolidation import Rates
from tradewindow.procurement.ports import ProcurementStore
from tradewindow.procurement.service import Procurement
from tradewindow.procurement.shipments import Shipments


@dataclass(frozen=True)
class MarketProcurement:
    sales: Procurement  # registries and sales
    shipments: Shipments  # consolidation, declaration, decision, foreign exchange


def open_market_procurement(
    store: ProcurementStore, rates: Rates, *, clock: Callable[[], datetime] = utc_now
) -> MarketProcurement:
    sales = Procurement(store, rates, clock=clock)
    return MarketProcurement(sales=sales, shipments=Shipments(sales))
