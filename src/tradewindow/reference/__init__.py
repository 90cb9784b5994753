"""Reference code tables: one home per table, loaded lazily from files in ``data/``.

Tables (module → data file → source):

============================  ==========================  ====================================
``hs``                        ``hs2022.csv``              HS 2022 chapters, headings and
                                                          subheadings; datasets/harmonized-system
                                                          (UN Comtrade H6), ODC-PDDL-1.0
``hs_zh``                     ``hs2022-zh.csv``           Chinese names (Simplified and
                                                          Traditional) of every HS chapter and
                                                          ~60 CBEC headings, with search words;
                                                          authored by tradewindow, not official
``iso``                       (pycountry)                 ISO 3166-1 countries, ISO 4217
                                                          currencies
``locode``                    ``unlocode.csv.gz``         UN/LOCODE 2023-2; uncefact/vocab-locode,
                                                          MIT
``countries``                 ``customs-countries.csv``   customs country (region) codes 国别(地区)
``currencies``                ``customs-currencies.csv``  customs currency codes 币制
``units``                     ``customs-units.csv``       customs units 计量单位 + Rec 20 codes;
                                                          ``rec20_unit`` reads the Rec 20 list
                                                          from ``shared/data`` when present
``offices``                   ``customs-offices.csv``     customs districts/offices 关区代码
``gba``                       ``gba-cities.csv``          the 11 Greater Bay Area cities
``trade_modes``               ``trade-modes.csv``         trade modes 监管方式 (9610, 1210 …)
``transport``                 ``transport-modes.csv``,    transport modes 运输方式, CEB package
                              ``wrap-types.csv``          types 包装种类 (wrapType)
``id_types``                  (an Enum)                   buyer/payer ID types 证件类型
============================  ==========================  ====================================

The Chinese HS names (``hs2022-zh.csv``) were written by the tradewindow developers from the
chapter and heading titles of the Customs Tariff of the PRC (《中华人民共和国进出口税则》); they
are not an official translation, and the WCO / UN Comtrade English descriptions remain the
reference. The table is checked against ``hs2022.csv`` when it loads (``hs_zh.parse_names``).

The China Customs tables (customs-*.csv, trade-modes, transport-modes, wrap-types) are not
published as open data; they were compiled from knowledge of the GACC parameter tables
(《JGS-20 海关业务代码集》, JGS/T 18《海关关区代码》). Each file's ``#`` header says so and
states its coverage: verify against GACC's current tables before relying on one in production.
Files sourced under GPL (UN/CEFACT Rec 20/21 CSVs, the CEB XSDs) are never copied here.

``ReferenceCodeTables`` (``code_tables``) implements ``tradewindow.cbec.ports.CodeTables``
with one set lookup per check.

How to add a table:

1. put the data in ``data/<name>.csv`` (UTF-8; ``.csv.gz`` when large — then make sure the
   package data globs in pyproject.toml include it), starting with ``#`` lines giving the
   source, edition or date, licence and coverage; ship only openly licensed data;
2. write ``<table>.py``: a frozen ``msgspec.Struct`` per entry, a ``functools.cache``-d loader
   built on ``datafiles.rows``, and lookups such as ``thing(code) -> Thing | None``;
3. small closed sets are an ``enum`` instead of a file;
4. add table-driven tests with real codes in ``tests/unit/reference``;
5. regenerate copies of shared data with ``python -m tradewindow.reference.rebuild``.
"""

from __future__ import annotations

from tradewindow.reference.code_tables import ReferenceCodeTables
from tradewindow.reference.countries import (
    CustomsCountry,
    customs_countries,
    customs_country,
    customs_country_for_iso,
)
from tradewindow.reference.currencies import (
    CustomsCurrency,
    customs_currencies,
    customs_currency,
    customs_currency_for_iso,
)
from tradewindow.reference.gba import GbaCity, gba_cities, gba_city
from tradewindow.reference.hs import (
    HsEntry,
    chapters,
    hs_children,
    hs_entry,
    hs_path,
    is_hs_code,
    search_hs,
)
from tradewindow.reference.hs_zh import HsNamesError
from tradewindow.reference.id_types import IdType
from tradewindow.reference.iso import (
    IsoCountry,
    IsoCurrency,
    iso_countries,
    iso_country,
    iso_currency,
)
from tradewindow.reference.locode import Locode, is_locode, locode, locodes_in
from tradewindow.reference.offices import (
    CustomsOffice,
    customs_district,
    customs_districts,
    customs_office,
    customs_offices,
    is_customs_office,
)
from tradewindow.reference.trade_modes import Direction, TradeMode, trade_mode, trade_modes
from tradewindow.reference.transport import (
    TransportMode,
    WrapType,
    transport_mode,
    transport_modes,
    wrap_type,
    wrap_types,
)
from tradewindow.reference.units import (
    CustomsUnit,
    Rec20Unit,
    customs_unit,
    customs_units,
    rec20_unit,
)

__all__ = [
    "CustomsCountry",
    "CustomsCurrency",
    "CustomsOffice",
    "CustomsUnit",
    "Direction",
    "GbaCity",
    "HsEntry",
    "HsNamesError",
    "IdType",
    "IsoCountry",
    "IsoCurrency",
    "Locode",
    "Rec20Unit",
    "ReferenceCodeTables",
    "TradeMode",
    "TransportMode",
    "WrapType",
    "chapters",
    "customs_countries",
    "customs_country",
    "customs_country_for_iso",
    "customs_currencies",
    "customs_currency",
    "customs_currency_for_iso",
    "customs_district",
    "customs_districts",
    "customs_office",
    "customs_offices",
    "customs_unit",
    "customs_units",
    "gba_cities",
    "gba_city",
    "hs_children",
    "hs_entry",
    "hs_path",
    "is_customs_office",
    "is_hs_code",
    "is_locode",
    "iso_countries",
    "iso_country",
    "iso_currency",
    "locode",
    "locodes_in",
    "rec20_unit",
    "search_hs",
    "trade_mode",
    "trade_modes",
    "transport_mode",
    "transport_modes",
    "wrap_type",
    "wrap_types",
]
