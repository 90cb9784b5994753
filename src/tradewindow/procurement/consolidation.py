"""Consolidation (组货装箱): an agent groups one buyer's confirmed sales into a shipment.

Rules, each refused with its code (every violation at once):

- ``MPT.shipment.transactions.*``: at least one transaction, each confirmed, of the shipment's
  buyer and market, none twice;
- ``MPT.shipment.value.cap``: the shipment's value is at most USD 150,000 — the single
  declaration cap of market procurement (GACC Announcement 2019 No. 221, article 4: goods of a
  declaration above USD 150,000 are declared in the ordinary way, not under 1039);
- ``MPT.goods.excluded``: no goods 1039 excludes (``reference.market_procurement``, the dated
  table with its source named);
- ports, destination, transport mode and containers from their code tables.

Values are converted to US dollars line by line at the month's rate of the day of sale
(``usd_value``: the one rounding point, half up to the cent), so the declaration's items add up
exactly to the shipment's value.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

import msgspec

from tradewindow.procurement.declaration import Good
from tradewindow.procurement.model import SaleState, Transaction
from tradewindow.procurement.sales import CENT, line_total
from tradewindow.reference.iso import iso_country
from tradewindow.reference.locode import locode
from tradewindow.reference.market_procurement import exclusion_for
from tradewindow.reference.transport import transport_mode
from tradewindow.violations import Violation

VALUE_CAP_USD = Decimal("150000.00")
USD = "USD"
_CONTAINER = re.compile(r"[A-Z]{3}[UJZ][0-9]{7}")


class Rates(Protocol):
    """CNY per unit of a currency on a day (``analytics.rates.RateTable`` is one)."""

    def rate(self, currency: str, day: date) -> Decimal: ...


class ShipmentForm(msgspec.Struct, frozen=True, kw_only=True):
    buyer_id: str
    transaction_ids: tuple[str, ...]
    containers: tuple[str, ...]
    port_of_loading: str
    destination: str
    transport_mode: str = "2"  # waterway


def usd_value(amount: Decimal, currency: str, day: date, rates: Rates) -> Decimal:
    """``amount`` of ``currency`` in US dollars on ``day``, half up to the cent."""
    if currency == USD:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    dollars = amount * rates.rate(currency, day) / rates.rate(USD, day)
    return dollars.quantize(CENT, rounding=ROUND_HALF_UP)


def goods_of(sales: list[Transaction], rates: Rates) -> list[Good]:
    """Every line of ``sales`` valued in US dollars."""
    return [
        Good(
            hs_code=line.hs_code,
            name=line.name,
            quantity=line.quantity,
            unit=line.unit,
            value=usd_value(line_total(line), sale.currency, sale.sold_on, rates),
            transaction_id=sale.id,
        )
        for sale in sales
        for line in sale.lines
    ]


def container_check_digit(first10: str) -> int:
    """ISO 6346 check digit: letters valued 10… skipping multiples of 11, weights 2^i, mod 11
    (10 written 0)."""
    values: dict[str, int] = {}
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    total = sum((values.get(c) or int(c)) * 2**i for i, c in enumerate(first10))
    result: int = total % 11 % 10
    return result


def _route_violations(form: ShipmentForm) -> list[Violation]:
    found: list[Violation] = []
    place = locode(form.port_of_loading)
    if place is None or not form.port_of_loading.startswith("CN"):
        found.append(
            Violation(
                path="port_of_loading",
                code="MPT.shipment.port.unknown",
                en="a UN/LOCODE of a Chinese port (e.g. CNNSA Nansha, CNHUA Huangpu)",
                zh="起运港应为中国港口的 UN/LOCODE（如 CNNSA 南沙、CNHUA 黄埔）",
            )
        )
    if iso_country(form.destination) is None or form.destination == "CN":
        found.append(
            Violation(
                path="destination",
                code="MPT.shipment.destination.unknown",
                en="an ISO 3166-1 alpha-2 country outside China",
                zh="目的国应为境外国家（ISO 3166-1 两位字母代码）",
            )
        )
    if transport_mode(form.transport_mode) is None:
        found.append(
            Violation(
                path="transport_mode",
                code="MPT.shipment.transport_mode.unknown",
                en="a China Customs transport mode code (2 waterway, 5 air, 4 road)",
                zh="运输方式应为海关运输方式代码",
            )
        )
    for index, number in enumerate(form.containers):
        if not _CONTAINER.fullmatch(number) or container_check_digit(number[:10]) != int(
            number[10]
        ):
            found.append(
                Violation(
                    path=f"containers/{index}",
                    code="MPT.shipment.container.invalid",
                    en="an ISO 6346 container number with its check digit",
                    zh="集装箱号应符合 ISO 6346（含校验位）",
                )
            )
    return found


def _sale_violations(
    form: ShipmentForm, market_id: str, sales: dict[str, Transaction | None]
) -> list[Violation]:
    found: list[Violation] = []
    if not form.transaction_ids:
        found.append(
            Violation(
                path="transaction_ids",
                code="MPT.shipment.transactions.required",
                en="at least one confirmed transaction",
                zh="请至少选择一笔已确认的交易",
            )
        )
    if len(set(form.transaction_ids)) != len(form.transaction_ids):
        found.append(
            Violation(
                path="transaction_ids",
                code="MPT.shipment.transactions.repeated",
                en="a transaction is listed twice",
                zh="交易重复",
            )
        )
    for index, key in enumerate(form.transaction_ids):
        sale = sales.get(key)
        path = f"transaction_ids/{index}"
        if sale is None or sale.buyer_id != form.buyer_id or sale.market_id != market_id:
            found.append(
                Violation(
                    path=path,
                    code="MPT.shipment.transactions.foreign",
                    en="no such transaction of this buyer in this market",
                    zh="该采购商在本市场没有此交易",
                )
            )
        elif sale.state is not SaleState.CONFIRMED:
            found.append(
                Violation(
                    path=path,
                    code="MPT.shipment.transactions.unconfirmed",
                    en=f"the transaction is {sale.state.value}, not confirmed",
                    zh="交易未确认或已组货",
                )
            )
    return found


def _goods_violations(form: ShipmentForm, sales: dict[str, Transaction | None]) -> list[Violation]:
    found: list[Violation] = []
    for index, key in enumerate(form.transaction_ids):
        sale = sales.get(key)
        if sale is None:
            continue
        for number, line in enumerate(sale.lines):
            row = exclusion_for(line.hs_code, sale.sold_on)
            if row is not None:
                found.append(
                    Violation(
                        path=f"transaction_ids/{index}/lines/{number}/hs_code",
                        code=f"MPT.goods.excluded.{row.reason.value}",
                        en=f"{line.hs_code}: {row.name_en} cannot be exported under 1039"
                        f" ({row.reason.value})",
                        zh=f"{line.hs_code}：{row.name_zh}不适用市场采购贸易方式",
                    )
                )
    return found


def shipment_violations(
    form: ShipmentForm,
    market_id: str,
    sales: dict[str, Transaction | None],
    value_usd: Decimal,
) -> list[Violation]:
    """Every reason the shipment cannot be consolidated as ``form`` asks."""
    found = _sale_violations(form, market_id, sales)
    found += _goods_violations(form, sales)
    if value_usd > VALUE_CAP_USD:
        found.append(
            Violation(
                path="transaction_ids",
                code="MPT.shipment.value.cap",
                en=f"USD {value_usd:,} is over the USD 150,000 cap of one market procurement"
                " declaration; split the shipment",
                zh=f"货值 {value_usd:,} 美元超过市场采购单票报关15万美元的上限，请分票",
            )
        )
    return found + _route_violations(form)
