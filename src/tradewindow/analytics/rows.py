"""One row of the analytical store per cleared line, and how a released list becomes rows.

What each column means (``TradeLine``):

- ``day``: the statistics day, the China-time date on which customs received the list's
  current version (申报日期); a re-declared list moves to the day of its new declaration.
- ``direction``: ``import`` or ``export`` (the list's ieFlag I / E).
- ``district`` / ``office`` / ``port``: the customs district (first two digits + 00) of the
  declaring office, the declaring office (customsCode) and the port office (portCode).
- ``city``: the GBA city of the domestic destination (imports) or source (exports), as customs
  statistics count trade by 境内目的地 / 境内货源地: the first city of the consignee's address
  named as ``<city>市`` (or 香港 / 澳门), using the names of ``reference.gba``; ``None`` when the
  address is outside the Greater Bay Area. (The buyer's ID number is *not* used: its region is
  the place of household registration, not where the parcel goes.)
- ``office_city``: the GBA city of the declaring office (``reference.offices``), ``None`` outside.
- ``platform`` / ``enterprise`` / ``agent``: ebpCode, ebcCode, agentCode.
- ``hs_chapter`` / ``hs_heading`` / ``hs_subheading`` / ``gcode``: 2, 4, 6 and 10 digits.
- ``origin``: country of origin (line ``country``); ``destination``: 142 (China) for imports;
  ``partner``: the trading partner of the statistics, origin for imports, destination for
  exports. Countries are customs codes (``reference.countries``).
- ``currency`` / ``value``: ISO letters and the line's totalPrice as declared;
  ``cny_rate`` / ``value_cny``: the dated rate used (``rates``) and the value in yuan.
- ``quantity`` / ``unit``: qty and unit of the declared unit of sale.
- ``customs_tax`` / ``vat`` / ``consumption_tax``: the line of the list's tax bill (CEB816).
- ``doc_key`` / ``version`` / ``line_no``: the list ("ebpCode|orderNo"), its stored version and
  the line's gnum, so every figure traces back to the system of record.

Export lists (CEB603, :func:`export_lines`) fill the same columns: ``city`` is the GBA city
the producer or seller (ownerCode, else ebcCode) is registered in, read from its code (the
source of the goods, 境内货源地); ``destination`` and ``partner`` the line's final destination
country (出口按最终目的国统计); ``origin`` 142; no tax; ``doc_key`` ``export:ebpCode|orderNo``
(an export list's key never meets an import list's), version 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache

import msgspec

from tradewindow.analytics.rates import RateTable, iso_currency
from tradewindow.cbec.documents import Inventory
from tradewindow.cbec.receipts import TaxBill
from tradewindow.export.documents import Inventory as ExportInventory
from tradewindow.reference.gba import gba_cities, gba_city_of_firm
from tradewindow.reference.offices import customs_district, customs_office

CHINA = "142"
EXPORT_KEY = "export:"  # the prefix of an export list's doc_key
ZERO = Decimal("0.00")
DIRECTIONS = {"I": "import", "E": "export"}


class LineTaxes(msgspec.Struct, frozen=True, kw_only=True):
    customs_tax: Decimal = ZERO
    vat: Decimal = ZERO
    consumption_tax: Decimal = ZERO


class TradeLine(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    direction: str
    trade_mode: str
    district: str
    office: str
    port: str
    city: str | None
    office_city: str | None
    platform: str
    enterprise: str
    agent: str
    hs_chapter: str
    hs_heading: str
    hs_subheading: str
    gcode: str
    origin: str
    destination: str
    partner: str
    currency: str
    value: Decimal
    cny_rate: Decimal
    value_cny: Decimal
    quantity: Decimal
    unit: str
    customs_tax: Decimal
    vat: Decimal
    consumption_tax: Decimal
    doc_key: str
    version: int
    line_no: int


COLUMNS: tuple[str, ...] = TradeLine.__struct_fields__


def inventory_lines(
    inventory: Inventory,
    *,
    key: str,
    version: int,
    day: date,
    rates: RateTable,
    taxes: Mapping[int, LineTaxes] | None = None,
) -> list[TradeLine]:
    """The rows of one released list (CEB621), one per line; raises ``MissingRate`` when a
    line's currency has no rate on ``day``."""
    head = inventory.head
    direction = DIRECTIONS.get(head.ie_flag, head.ie_flag)
    district = customs_district(head.customs_code)
    office = customs_office(head.customs_code) or district
    city = destination_city(head.consignee_address)
    taxes = taxes or {}
    lines = []
    for item in inventory.items:
        currency = iso_currency(item.currency)
        rate, value_cny = rates.to_cny(item.total_price, currency, day)
        destination = CHINA if direction == "import" else head.country
        tax = taxes.get(item.gnum, LineTaxes())
        lines.append(
            TradeLine(
                day=day,
                direction=direction,
                trade_mode=head.trade_mode,
                district=district.code if district else head.customs_code,
                office=head.customs_code,
                port=head.port_code,
                city=city,
                office_city=office.gba_city if office else None,
                platform=head.ebp_code,
                enterprise=head.ebc_code,
                agent=head.agent_code,
                hs_chapter=item.gcode[:2],
                hs_heading=item.gcode[:4],
                hs_subheading=item.gcode[:6],
                gcode=item.gcode,
                origin=item.country,
                destination=destination,
                partner=item.country if direction == "import" else destination,
                currency=currency,
                value=item.total_price,
                cny_rate=rate,
                value_cny=value_cny,
                quantity=item.qty,
                unit=item.unit,
                customs_tax=tax.customs_tax,
                vat=tax.vat,
                consumption_tax=tax.consumption_tax,
                doc_key=key,
                version=version,
                line_no=item.gnum,
            )
        )
    return lines


def export_lines(
    inventory: ExportInventory, *, key: str, day: date, rates: RateTable
) -> list[TradeLine]:
    """The rows of one export list (CEB603) counted on ``day``, one per line (see the module);
    ``key`` is the list's order key. Raises ``MissingRate`` as :func:`inventory_lines`."""
    head = inventory.head
    district = customs_district(head.customs_code)
    office = customs_office(head.customs_code) or district
    seller = gba_city_of_firm(head.owner_code) or gba_city_of_firm(head.ebc_code)
    lines = []
    for item in inventory.items:
        currency = iso_currency(item.currency)
        rate, value_cny = rates.to_cny(item.total_price, currency, day)
        lines.append(
            TradeLine(
                day=day,
                direction="export",
                trade_mode=head.trade_mode,
                district=district.code if district else head.customs_code,
                office=head.customs_code,
                port=head.port_code,
                city=seller.key if seller else None,
                office_city=office.gba_city if office else None,
                platform=head.ebp_code,
                enterprise=head.ebc_code,
                agent=head.agent_code,
                hs_chapter=item.gcode[:2],
                hs_heading=item.gcode[:4],
                hs_subheading=item.gcode[:6],
                gcode=item.gcode,
                origin=CHINA,
                destination=item.country,
                partner=item.country,
                currency=currency,
                value=item.total_price,
                cny_rate=rate,
                value_cny=value_cny,
                quantity=item.qty,
                unit=item.unit,
                customs_tax=ZERO,
                vat=ZERO,
                consumption_tax=ZERO,
                doc_key=EXPORT_KEY + key,
                version=1,
                line_no=item.gnum,
            )
        )
    return lines


def bill_taxes(bill: TaxBill | None) -> dict[int, LineTaxes]:
    """Each line's taxes from a tax bill (CEB816 TaxListRd), by gnum."""
    if bill is None:
        return {}
    return {
        line.gnum: LineTaxes(
            customs_tax=line.customs_tax,
            vat=line.value_added_tax,
            consumption_tax=line.consumption_tax,
        )
        for line in bill.items
    }


def destination_city(address: str) -> str | None:
    """The GBA city key named first in an address (``广东省深圳市南山区…`` → ``shenzhen``).

    Mainland cities count only when written ``<name>市``, so a street such as 中山五路 in
    Guangzhou or 深圳路 elsewhere does not name a city; Hong Kong and Macao by their names.
    """
    found: tuple[int, str] | None = None
    for needle, key in _city_names():
        position = address.find(needle)
        if position >= 0 and (found is None or position < found[0]):
            found = (position, key)
    return found[1] if found else None


@cache
def _city_names() -> tuple[tuple[str, str], ...]:
    names: list[tuple[str, str]] = []
    for city in gba_cities():
        for name in {city.name_zh, city.name_zh_hant}:
            names.append((f"{name}市" if city.mainland else name, city.key))
    return tuple(names)
