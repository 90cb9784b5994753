"""The demo day's CBEC exports (issue 13): two Bay Area sellers ship abroad through the single
window, each firm filing its own messages as it would over the API (``FileExport``).

* A Shenzhen electronics seller sells on AliExpress in yuan; its parcels leave Shenzhen by air
  for the United States, the United Kingdom, Germany, Japan and Australia.
* A Guangzhou apparel seller sells on SHEIN in US dollars; its parcels leave Guangzhou Baiyun
  airport for the United States, France, Spain, the UAE and Canada.

Each 9610 parcel has its order (the platform), receipt of payment (the payment firm), waybill
(the carrier) and list (the seller, declaring itself); the supervised site reports its arrival
(CEB507), the agencies the policy routes a list to decide (foreign exchange releases the
receipts of payment in US dollars) and the carrier reports the departure (CEB509). On
purpose, a few do not get that far: one list waits for its waybill, one is cancelled before
arrival (CEB605), a few are released and wait for their flight, and a Guangzhou parcel of
herbal-tea granules waits for inspection & quarantine (the export workbench has it). Beside
them: one 9710 B2B direct export to a trade buyer under 5,000 yuan, and one 9810 shipment of
power banks to the Shenzhen seller's registered Los Angeles warehouse. The Shenzhen seller
then files its summary declaration (CEB701, answered with CEB702 and CEB792); the Guangzhou
seller's is left for the portal's preview.

Everything is generated from the seed and the day, so the same run gives the same messages.

(Over 400 lines: one demo story told top to bottom — the two sellers, their parcels, every
firm's filings in the order a day brings them, the arrivals, decisions and departures; its
parts share the generated parties and the clock.)
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from tradewindow.bootstrap import App
from tradewindow.cbec.documents import CHINA_TZ, BaseTransfer
from tradewindow.demo import parties as demo
from tradewindow.export import documents as d
from tradewindow.export.model import ExportAnswer
from tradewindow.export.receipts import SummaryResultMessage
from tradewindow.export.summary_desk import SummaryDesk
from tradewindow.export.warehouses import Tenure, Warehouse
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import ceb_export
from tradewindow.parties.identifiers import Scheme

CNY, USD = "142", "502"
WAREHOUSE = "USLAXDM01"  # the Shenzhen seller's overseas warehouse (9810)
# the agencies whose officers release every export list routed to them before the flights
# leave (foreign exchange: the receipts of payment in US dollars); inspection & quarantine
# leaves the herbal tea to its workbench
RELEASING = ("foreign_exchange",)


@dataclass(frozen=True)
class Good:
    item_no: str
    name: str
    gcode: str
    unit: str  # the unit of sale; the legal unit is kilograms (035)
    price: Decimal  # in the seller's currency
    kg: Decimal  # net weight of one


@dataclass(frozen=True)
class Seller:
    party: demo.Party
    platform: demo.Party
    payer: demo.Party
    carrier: demo.Party
    site: demo.Party
    customs: str  # declaring and exit office
    flight: str
    currency: str
    goods: tuple[Good, ...]
    destinations: tuple[tuple[str, int], ...]  # (customs country, weight)
    parcels: int


# fmt: off
SHENZHEN = Seller(
    demo.SHENZHEN_SELLER, demo.ALIEXPRESS, demo.ALIPAY, demo.SF, demo.SHENZHEN_EXPORT_SITE,
    "5300", "O36", CNY,
    (Good("SZE-EAR-01", "蓝牙耳机", "8518300000", "007", Decimal("199.00"), Decimal("0.15")),
     Good("SZE-PWR-02", "移动电源", "8507600090", "007", Decimal("129.00"), Decimal("0.30")),
     Good("SZE-CASE-03", "手机保护壳", "3926909090", "007", Decimal("39.00"), Decimal("0.05")),
     Good("SZE-DRY-04", "电吹风", "8516310000", "001", Decimal("259.00"), Decimal("0.60"))),
    (("502", 40), ("303", 15), ("304", 15), ("116", 15), ("601", 15)),
    14,
)
GUANGZHOU = Seller(
    demo.GUANGZHOU_SELLER, demo.SHEIN, demo.TENPAY, demo.CAINIAO, demo.BAIYUN_EXPORT_SITE,
    "5141", "CZ3", USD,
    (Good("GZF-KNIT-01", "针织毛衣", "6110200090", "011", Decimal("23.90"), Decimal("0.40")),
     Good("GZF-DRS-02", "连衣裙", "6204430090", "011", Decimal("32.50"), Decimal("0.30")),
     Good("GZF-SHOE-03", "运动鞋", "6404199000", "025", Decimal("36.80"), Decimal("0.80")),
     Good("GZF-BAG-04", "手提包", "4202210000", "007", Decimal("45.00"), Decimal("0.60"))),
    (("502", 35), ("305", 20), ("312", 15), ("138", 15), ("501", 15)),
    10,
)
# fmt: on
HERBAL_TEA = Good(
    "GZF-TEA-09", "广式凉茶颗粒", "2106909090", "140", Decimal("12.00"), Decimal("0.25")
)


class ExportDemo(msgspec.Struct, kw_only=True):
    """What the demo's export day came to."""

    messages: int = 0
    refused: list[str] = msgspec.field(default_factory=list)  # codes of refused messages
    lists: dict[str, int] = msgspec.field(default_factory=dict)  # status → lists
    modes: dict[str, int] = msgspec.field(default_factory=dict)  # trade mode → lists
    summaries: list[str] = msgspec.field(default_factory=list)  # sumNo of the filed summaries
    declarations: list[str] = msgspec.field(default_factory=list)  # CEB792 declSeqNo


@dataclass
class _Parcel:
    seller: Seller
    day: date
    number: int
    lines: list[tuple[Good, int]]
    country: str
    mode: str = "9610"
    order_type: str = "E"
    arrive: bool = True
    depart: bool = True
    waybill: bool = True
    cancel: bool = False

    @property
    def order_no(self) -> str:
        return f"{self.seller.party.prefix}{self.mode}{self.day:%Y%m%d}{self.number:04d}"

    @property
    def logistics_no(self) -> str:
        prefix = f"{self.seller.carrier.prefix}E{self.day:%y%m%d}"
        return f"{prefix}{self.seller.party.prefix}{self.number:04d}"


def run_exports(
    app: App, *, day: date, seed: int, at: datetime, credentials: dict[str, str]
) -> ExportDemo:
    """File the demo day's exports (see the module) as each firm, at ``at``; the summary of
    the Shenzhen seller too. ``credentials``: party id → the credential it files under."""
    rng = random.Random(f"tradewindow-demo-export:{seed}:{day.isoformat()}")
    run = _Filer(app, credentials, at)
    run.register_warehouse(day)
    parcels = [*_retail(SHENZHEN, day, rng), *_retail(GUANGZHOU, day, rng)]
    parcels += _b2b_and_warehouse(day)
    _spoil(parcels)
    stamp = at.astimezone(CHINA_TZ) - timedelta(hours=6)  # the messages' own times
    for kind in ("order", "receipt", "waybill", "list"):
        for sender, documents in _by_sender(parcels, kind, stamp).items():
            run.file(sender, _message(kind, sender, documents))
    for seller in (SHENZHEN, GUANGZHOU):
        mine = [p for p in parcels if p.seller is seller]
        cancelled = [p for p in mine if p.cancel]
        if cancelled:
            invt = run.invt_nos(cancelled)
            withdrawn = [_cancel(p, invt[p.order_no], stamp) for p in cancelled]
            run.file(seller.party, _message("cancel", seller.party, withdrawn))
        arriving = [p for p in mine if p.arrive and not p.cancel and p.waybill]
        run.file(seller.site, _message("arrival", seller.site, [_arrival(seller, arriving, stamp)]))
        run.release_all(RELEASING)
        leaving = [p for p in arriving if p.depart]
        run.file(seller.carrier, _message("departure", seller.carrier,
                                          [_departure(seller, leaving, at)]))  # fmt: skip
    run.summarise(SHENZHEN.party)
    return run.outcome(parcels)


# --- the parcels ----------------------------------------------------------------------------


def _retail(seller: Seller, day: date, rng: random.Random) -> list[_Parcel]:
    countries = [c for c, _ in seller.destinations]
    weights = [w for _, w in seller.destinations]
    parcels = []
    for number in range(1, seller.parcels + 1):
        chosen = rng.sample(seller.goods, rng.choice((1, 1, 2, 2, 3)))
        lines = [(good, rng.choice((1, 1, 1, 2, 3))) for good in chosen]
        country = rng.choices(countries, weights)[0]
        parcels.append(_Parcel(seller, day, number, lines, country))
    return parcels


def _b2b_and_warehouse(day: date) -> list[_Parcel]:
    """One 9710 B2B parcel (a trade buyer in the UAE, 520 US dollars: under 5,000 yuan) and
    one 9810 consignment of 200 power banks to the Los Angeles warehouse."""
    knit, bag = GUANGZHOU.goods[0], GUANGZHOU.goods[3]
    b2b = _Parcel(GUANGZHOU, day, 901, [(knit, 10), (bag, 6)], "138", mode="9710",
                  order_type="B")  # fmt: skip
    stock = _Parcel(SHENZHEN, day, 902, [(SHENZHEN.goods[1], 200)], "502", mode="9810",
                    order_type="W")  # fmt: skip
    return [b2b, stock]


def _spoil(parcels: list[_Parcel]) -> None:
    """The parcels that do not depart today (see the module)."""
    shenzhen = [p for p in parcels if p.seller is SHENZHEN and p.mode == "9610"]
    guangzhou = [p for p in parcels if p.seller is GUANGZHOU and p.mode == "9610"]
    shenzhen[-1].waybill = False  # the list waits for its waybill
    shenzhen[-2].cancel = True  # the buyer cancelled: withdrawn before arrival
    for parcel in (shenzhen[-3], guangzhou[-1]):
        parcel.depart = False  # released at the site, waiting for tomorrow's flight
    guangzhou[-2].lines = [(HERBAL_TEA, 4)]  # food: inspection & quarantine decides
    guangzhou[-2].depart = False


# --- documents ------------------------------------------------------------------------------


def _guid(*parts: object) -> str:
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("tw-demo-export", *map(str, parts))))
    ).upper()


def _app(stamp: datetime, minutes: int) -> dict[str, str]:
    when = (stamp + timedelta(minutes=minutes)).strftime("%Y%m%d%H%M%S")
    return {"app_type": "1", "app_time": when, "app_status": "2"}


def _total(parcel: _Parcel) -> Decimal:
    return sum((good.price * qty for good, qty in parcel.lines), Decimal(0))


def _freight(parcel: _Parcel) -> Decimal:
    return Decimal("35.00") if parcel.seller.currency == CNY else Decimal("5.00")


def _kg(parcel: _Parcel) -> tuple[Decimal, Decimal]:
    net = sum((good.kg * qty for good, qty in parcel.lines), Decimal(0))
    return net + Decimal("0.2"), net  # gross: with the carton


def _by_sender(
    parcels: Sequence[_Parcel], kind: str, stamp: datetime
) -> dict[demo.Party, list[Any]]:
    found: dict[demo.Party, list[Any]] = {}
    for n, parcel in enumerate(parcels):
        if kind == "order":
            sender = parcel.seller.party if parcel.mode == "9810" else parcel.seller.platform
            found.setdefault(sender, []).append(_order(parcel, stamp, n))
        elif kind == "receipt" and parcel.mode == "9610":
            found.setdefault(parcel.seller.payer, []).append(_receipt(parcel, stamp, n))
        elif kind == "waybill" and parcel.waybill:
            found.setdefault(parcel.seller.carrier, []).append(_waybill(parcel, stamp, n))
        elif kind == "list":
            found.setdefault(parcel.seller.party, []).append(_inventory(parcel, stamp, n))
    return found


def _order(parcel: _Parcel, stamp: datetime, n: int) -> d.Order:
    seller = parcel.seller
    platform = (WAREHOUSE, "湾区出海洛杉矶海外仓") if parcel.mode == "9810" else (
        seller.platform.code, seller.platform.name)  # fmt: skip
    head = d.OrderHead(
        guid=_guid("order", parcel.order_no), **_app(stamp, n), order_type=parcel.order_type,
        order_no=parcel.order_no, ebp_code=platform[0], ebp_name=platform[1],
        ebc_code=seller.party.code, ebc_name=seller.party.name, goods_value=_total(parcel),
        freight=_freight(parcel), currency=seller.currency,
    )  # fmt: skip
    items = [
        d.OrderItem(gnum=g, item_no=good.item_no, item_name=good.name, unit=good.unit,
                    currency=seller.currency, qty=Decimal(qty), price=good.price,
                    total_price=good.price * qty)
        for g, (good, qty) in enumerate(parcel.lines, 1)
    ]  # fmt: skip
    return d.Order(head=head, items=items)


def _receipt(parcel: _Parcel, stamp: datetime, n: int) -> d.Receipt:
    seller = parcel.seller
    paid = stamp + timedelta(minutes=n, seconds=30)
    return d.Receipt(
        guid=_guid("receipt", parcel.order_no), **_app(stamp, n + 1),
        ebp_code=seller.platform.code, ebp_name=seller.platform.name, ebc_code=seller.party.code,
        ebc_name=seller.party.name, order_no=parcel.order_no, pay_code=seller.payer.code,
        pay_name=seller.payer.name, pay_no=f"{seller.payer.prefix}E{parcel.order_no[-12:]}",
        charge=_total(parcel) + _freight(parcel), currency=seller.currency,
        accounting_date=paid.strftime("%Y%m%d%H%M%S"),
    )  # fmt: skip


def _waybill(parcel: _Parcel, stamp: datetime, n: int) -> d.Waybill:
    seller = parcel.seller
    gross, _ = _kg(parcel)
    return d.Waybill(
        guid=_guid("waybill", parcel.logistics_no), **_app(stamp, 60 + n),
        logistics_code=seller.carrier.code, logistics_name=seller.carrier.name,
        logistics_no=parcel.logistics_no, freight=_freight(parcel), insured_fee=Decimal(0),
        currency=seller.currency, gross_weight=gross, pack_no=1,
        goods_info="、".join(good.name for good, _ in parcel.lines)[:100],
        ebc_code=seller.party.code, ebc_name=seller.party.name,
    )  # fmt: skip


def _inventory(parcel: _Parcel, stamp: datetime, n: int) -> d.Inventory:
    seller = parcel.seller
    gross, net = _kg(parcel)
    ebp = (WAREHOUSE, "湾区出海洛杉矶海外仓") if parcel.mode == "9810" else (
        seller.platform.code, seller.platform.name)  # fmt: skip
    head = d.InventoryHead(
        guid=_guid("list", parcel.order_no), **_app(stamp, 120 + n),
        customs_code=seller.customs, ebp_code=ebp[0], ebp_name=ebp[1],
        order_no=parcel.order_no, logistics_code=seller.carrier.code,
        logistics_name=seller.carrier.name, logistics_no=parcel.logistics_no,
        cop_no=f"C{parcel.order_no}"[:20], ie_flag="E", port_code=seller.customs,
        ie_date=f"{parcel.day:%Y%m%d}", statistics_flag="B", agent_code=seller.party.code,
        agent_name=seller.party.name, ebc_code=seller.party.code, ebc_name=seller.party.name,
        owner_code=seller.party.code, owner_name=seller.party.name, trade_mode=parcel.mode,
        traf_mode="5", traf_name=f"{seller.flight}{parcel.country}", voyage_no=seller.flight,
        bill_no=_bill(seller, parcel.day), country=parcel.country, pod=f"{parcel.country}0",
        freight=_freight(parcel), f_currency=seller.currency, f_flag="3",
        insured_fee=Decimal(0), i_currency=seller.currency, i_flag="3", wrap_type="2",
        pack_no=1, gross_weight=gross, net_weight=net,
    )  # fmt: skip
    items = [
        d.InventoryItem(gnum=g, item_no=good.item_no, item_name=good.name, gcode=good.gcode,
                        gname=good.name, gmodel=good.name, bar_code="无", country=parcel.country,
                        currency=seller.currency, qty=Decimal(qty), qty1=good.kg * qty,
                        unit=good.unit, unit1="035", price=good.price,
                        total_price=good.price * qty)
        for g, (good, qty) in enumerate(parcel.lines, 1)
    ]  # fmt: skip
    return d.Inventory(head=head, items=items)


def _bill(seller: Seller, day: date) -> str:
    return f"{seller.flight}-{day:%y%m%d}"


def _arrival(seller: Seller, parcels: Sequence[_Parcel], stamp: datetime) -> d.Arrival:
    day = stamp.date()
    head = d.ArrivalHead(
        guid=_guid("arrival", seller.party.code, day), **_app(stamp, 300),
        customs_code=seller.customs, cop_no=f"ARR{seller.party.prefix}{day:%Y%m%d}",
        operator_code=seller.site.code, operator_name=seller.site.name, ie_flag="E",
        traf_mode="4", bill_no=_bill(seller, day), domestic_traf_no="粤B12345",
        logistics_code=seller.carrier.code, logistics_name=seller.carrier.name, msg_count=1,
        msg_seq_no=1,
    )  # fmt: skip
    items = [d.ArrivalItem(gnum=n, logistics_no=p.logistics_no) for n, p in enumerate(parcels, 1)]
    return d.Arrival(head=head, items=items)


def _departure(seller: Seller, parcels: Sequence[_Parcel], at: datetime) -> d.Departure:
    evening = at.astimezone(CHINA_TZ)
    day = evening.date()
    head = d.DepartureHead(
        guid=_guid("departure", seller.party.code, day), **_app(evening, 0),
        customs_code=seller.customs, cop_no=f"DEP{seller.party.prefix}{day:%Y%m%d}",
        logistics_code=seller.carrier.code, logistics_name=seller.carrier.name, traf_mode="5",
        traf_name=seller.flight, voyage_no=seller.flight, bill_no=_bill(seller, day),
        leave_time=evening.strftime("%Y%m%d%H%M%S"), msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    items = [d.DepartureItem(gnum=n, logistics_no=p.logistics_no) for n, p in enumerate(parcels, 1)]
    return d.Departure(head=head, items=items)


def _cancel(parcel: _Parcel, invt_no: str, stamp: datetime) -> d.InvtCancel:
    seller = parcel.seller
    return d.InvtCancel(
        guid=_guid("cancel", parcel.order_no), **_app(stamp, 200),
        customs_code=seller.customs, cop_no=f"X{parcel.order_no}"[:20], invt_no=invt_no,
        reason="买家取消订单", agent_code=seller.party.code, agent_name=seller.party.name,
        ebc_code=seller.party.code, ebc_name=seller.party.name,
    )  # fmt: skip


_MESSAGES: dict[str, tuple[Any, str]] = {
    "order": (d.OrderMessage, "orders"),
    "receipt": (d.ReceiptMessage, "receipts"),
    "waybill": (d.WaybillMessage, "waybills"),
    "list": (d.InventoryMessage, "inventories"),
    "arrival": (d.ArrivalMessage, "arrivals"),
    "departure": (d.DepartureMessage, "departures"),
    "cancel": (d.CancelMessage, "cancels"),
}


def _message(kind: str, sender: demo.Party, documents: list[Any]) -> d.ExportMessage:
    kind_class, field = _MESSAGES[kind]
    transfer = BaseTransfer(cop_code=sender.code, cop_name=sender.name, dxp_mode="DXP",
                            dxp_id=sender.dxp_id)  # fmt: skip
    guid = _guid("message", kind, sender.code, *(_first_guid(x) for x in documents))
    built: d.ExportMessage = kind_class(guid=guid, base_transfer=transfer, **{field: documents})
    return built


def _first_guid(document: Any) -> str:
    return str(getattr(getattr(document, "head", document), "guid", ""))


# --- filing ---------------------------------------------------------------------------------


class _Filer:
    """Files each message as its sender's party, as the API does, and keeps count."""

    def __init__(self, app: App, credentials: dict[str, str], at: datetime) -> None:
        self.app, self.credentials, self.at = app, credentials, at
        self.result = ExportDemo()

    def party_id(self, sender: demo.Party) -> str:
        found = self.app.parties.find(Scheme.CUSTOMS, sender.code)
        if found is None:
            raise LookupError(f"the demo's exporter {sender.code} is not registered")
        return found.id

    def file(self, sender: demo.Party, message: d.ExportMessage) -> ExportAnswer | None:
        party = self.party_id(sender)
        data = ceb_export.write_message(message)
        credential = self.credentials.get(party, f"demo:{party}")
        self.result.messages += 1
        try:
            return self.app.export_filing.file(party, credential, message, data, self.at)
        except FilingRefused as refused:  # the demo's messages are meant to be filed: say so
            self.result.refused.append(refused.code)
            return None

    def register_warehouse(self, day: date) -> None:
        found = self.app.export.register_warehouse(
            Warehouse(
                enterprise_code=SHENZHEN.party.code, warehouse_code=WAREHOUSE,
                name="湾区出海洛杉矶海外仓 Bay Outbound LA Fulfilment", country="502",
                address="2200 E Pacific Coast Hwy, Long Beach, CA 90806, USA",
                area_m2=Decimal("4200"), tenure=Tenure.LEASED, evidence="LEASE-LB-2025-0117",
                valid_from=day - timedelta(days=400), valid_until=day + timedelta(days=700),
            )
        )  # fmt: skip
        self.result.refused += [v.code for v in found]

    def release_all(self, agencies: Sequence[str]) -> None:
        """Each agency's officer releases every export list waiting for it."""
        for agency in agencies:
            with self.app.store.export.reading() as records:
                waiting = [x.invt_no for x in records.waiting_for_agency(agency) if x.invt_no]
            for invt_no in waiting:
                self.app.export.decide(invt_no, agency, True, self.at)

    def invt_nos(self, parcels: Sequence[_Parcel]) -> dict[str, str]:
        found = {}
        with self.app.store.export.reading() as records:
            for parcel in parcels:
                key = f"{parcel.seller.platform.code}|{parcel.order_no}"
                record = records.list_by_order(key)
                if record is not None and record.invt_no:
                    found[parcel.order_no] = record.invt_no
        return found

    def summarise(self, seller: demo.Party) -> None:
        party = self.party_id(seller)

        def send(message: d.SummaryApplyMessage, at: datetime) -> ExportAnswer:
            data = ceb_export.write_message(message)
            credential = self.credentials.get(party, f"demo:{party}")
            return self.app.export_filing.file(party, credential, message, data, at)

        for answer in SummaryDesk(self.app.store.export).file(party, self.at, send):
            self.result.messages += 1
            for addressed in answer.receipts:
                if isinstance(addressed.receipt, SummaryResultMessage):
                    for result in addressed.receipt.returns:
                        self.result.summaries.append(result.head.sum_no)
                        self.result.declarations.append(result.head.decl_seq_no)

    def outcome(self, parcels: Sequence[_Parcel]) -> ExportDemo:
        statuses: Counter[str] = Counter()
        modes: Counter[str] = Counter()
        with self.app.store.export.reading() as records:
            for parcel in parcels:
                ebp = WAREHOUSE if parcel.mode == "9810" else parcel.seller.platform.code
                record = records.list_by_order(f"{ebp}|{parcel.order_no}")
                statuses[record.status.value if record else "refused"] += 1
                modes[parcel.mode] += 1
        self.result.lists = dict(sorted(statuses.items()))
        self.result.modes = dict(sorted(modes.items()))
        return self.result
