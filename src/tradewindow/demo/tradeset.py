"""One purchase as customs sees it: the order, payment, waybill and inventory list ("a set").

``SetFactory.build`` turns a buyer, a route and a basket into four consistent documents:
line totals are price × quantity, goodsValue their sum, acturalPaid = goodsValue + freight
+ taxTotal − discount and the payment pays exactly that, the payer is the buyer, the list
repeats the order's lines, freight and consignee, and the waybill's weight is the list's
gross weight. It is on the hot path of the clearance benchmark, so everything it can look
up is prepared once and a set costs a few dozen object constructions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, TypeVar

from tradewindow.cbec.documents import (
    CHINA_TZ,
    CNY,
    Inventory,
    InventoryHead,
    InventoryItem,
    LogisticsHead,
    Order,
    OrderHead,
    OrderItem,
    Payment,
    PaymentHead,
    Waybill,
)
from tradewindow.demo.catalogue import Good
from tradewindow.demo.parties import Party, Platform, Route
from tradewindow.demo.people import Buyer

T = TypeVar("T")
CENT = Decimal("0.01")
ZERO = Decimal("0")
FREIGHT_DIRECT = tuple(Decimal(f) for f in ("0", "0", "15", "20", "25", "30"))
FREIGHT_BONDED = tuple(Decimal(f) for f in ("0", "0", "0", "8", "10"))
DISCOUNTS = tuple(Decimal(d) for d in ("5", "10", "20", "30"))
PACKAGING_KG = tuple(Decimal(k) for k in ("0.080", "0.120", "0.150", "0.200", "0.300"))
_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - local China time counted as naive seconds


def local_seconds(at: datetime) -> int:
    """Seconds since 1970-01-01 00:00 *China time* (China keeps no daylight saving)."""
    naive = at.astimezone(CHINA_TZ).replace(tzinfo=None)
    return int((naive - _EPOCH).total_seconds())


class ChinaClock:
    """CEB time texts from local seconds, caching the date part (strftime is slow)."""

    def __init__(self) -> None:
        self._day = -1
        self._prefix = ""
        self._texts: dict[int, str] = {}  # recent instants: many documents share a second

    def day_text(self, seconds: int) -> str:
        day = seconds // 86_400
        if day != self._day:
            self._day = day
            self._prefix = f"{date(1970, 1, 1) + timedelta(days=day):%Y%m%d}"
        return self._prefix

    def app_time(self, seconds: int) -> str:
        """``yyyyMMddHHmmss``."""
        text = self._texts.get(seconds)
        if text is None:
            if len(self._texts) > 1_024:
                self._texts.clear()
            text = self._texts[seconds] = self._format(seconds)
        return text

    def _format(self, seconds: int) -> str:
        rest = seconds % 86_400
        hour, rest = divmod(rest, 3_600)
        minute, second = divmod(rest, 60)
        return f"{self.day_text(seconds)}{hour:02d}{minute:02d}{second:02d}"


class GuidSource:
    """Upper-case UUID4 texts (36 characters) drawn from a seeded random source.

    Random bits are drawn 32 guids at a time (one big integer, one hex text): slicing is
    cheaper than formatting each guid on its own.
    """

    _BATCH = 32

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits
        self._ready: list[str] = []

    def __call__(self) -> str:
        if not self._ready:
            self._ready = self._draw()
        return self._ready.pop()

    def _draw(self) -> list[str]:
        h = f"{self._bits(128 * self._BATCH):0{32 * self._BATCH}X}"
        return [
            f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-4{h[i + 13 : i + 16]}-"
            f"{_VARIANT[h[i + 16]]}{h[i + 17 : i + 20]}-{h[i + 20 : i + 32]}"
            for i in range(0, 32 * self._BATCH, 32)
        ]


# RFC 4122 variant: the first hex digit of the fourth group is 8, 9, A or B.
_VARIANT = {f"{n:X}": "89AB"[n & 3] for n in range(16)}


class TradeSet(NamedTuple):
    """The four documents of one purchase and the enterprise that sends each."""

    order: Order
    payment: Payment
    waybill: Waybill
    inventory: Inventory
    platform: Party  # sends the order (CEB311)
    pay_firm: Party  # sends the payment (CEB411)
    carrier: Party  # sends the waybill (CEB511)
    agent: Party  # declares the inventory list (CEB621)

    @property
    def order_key(self) -> str:
        head = self.order.head
        return f"{head.ebp_code}|{head.order_no}"

    @property
    def waybill_key(self) -> str:
        head = self.waybill.head
        return f"{head.logistics_code}|{head.logistics_no}"


class Line(NamedTuple):
    good: Good
    qty: Decimal
    total: Decimal  # price × qty
    qty1: Decimal  # in the first legal unit
    qty2: Decimal | None


class Basket(NamedTuple):
    """Goods bought together, with the figures worked out once (baskets are reused)."""

    lines: tuple[Line, ...]
    goods_value: Decimal
    tax: Decimal  # the platform's CBEC tax estimate (per line, rounded to the fen)
    net: Decimal  # net weight, kg

    @property
    def amount(self) -> int:
        return int(self.goods_value) + 1


def basket_of(goods: Sequence[tuple[Good, int]], *, full_tax: bool = False) -> Basket:
    """A basket of (good, count) pairs; ``full_tax`` estimates general-trade tax instead."""
    lines = []
    for good, count in goods:
        qty = Decimal(count)
        qty2 = None if good.qty2 is None else good.qty2 * qty
        lines.append(Line(good, qty, good.price * qty, good.qty1 * qty, qty2))
    rate = {id(g): (g.full_rate if full_tax else g.rate) for g, _ in goods}
    return Basket(
        lines=tuple(lines),
        goods_value=sum((line.total for line in lines), ZERO),
        tax=sum(
            ((line.total * rate[id(line.good)]).quantize(CENT, ROUND_HALF_UP) for line in lines),
            ZERO,
        ),
        net=sum((line.good.net_kg * line.qty for line in lines), ZERO),
    )


LineStructs = tuple[tuple[OrderItem, ...], tuple[InventoryItem, ...]]


def line_structs(basket: Basket, route: Route) -> LineStructs:
    """The order lines and list lines of a basket shipped by ``route``."""
    bonded = route.trade_mode == "1210"
    order_items: list[OrderItem] = []
    invt_items: list[InventoryItem] = []
    for gnum, (good, qty, total, qty1, qty2) in enumerate(basket.lines, 1):
        order_items.append(
            OrderItem(
                gnum=gnum, item_no=good.sku, item_name=good.name, gmodel=good.model,
                bar_code=good.bar_code, unit=good.unit, qty=qty, price=good.price,
                total_price=total, currency=CNY, country=good.origin,
            )
        )  # fmt: skip
        invt_items.append(
            InventoryItem(
                gnum=gnum, item_record_no=f"{route.customs_code}{good.sku}" if bonded else None,
                item_no=good.sku, item_name=good.name, gcode=good.gcode, gname=good.name,
                gmodel=good.model, bar_code=good.bar_code, country=good.origin,
                trade_country=good.origin if bonded else route.country, currency=CNY, qty=qty,
                unit=good.unit, qty1=qty1, unit1=good.unit1, qty2=qty2, unit2=good.unit2,
                price=good.price, total_price=total,
            )
        )  # fmt: skip
    return tuple(order_items), tuple(invt_items)


class Shipment(NamedTuple):
    """A flight, truck or vessel trip that carries many 9610 parcels."""

    block: int
    traf_no: str
    voyage_no: str
    bill_no: str


class SetFactory:
    """Builds consistent sets; numbers (orderNo, logisticsNo …) are unique per factory."""

    def pick(self, items: Sequence[T]) -> T:
        """A uniform pick, several times cheaper than ``random.choice``."""
        return items[int(self._random() * len(items))]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._random = rng.random
        self.guid = GuidSource(rng)
        self.clock = ChinaClock()
        # A per-run stamp keeps numbers of runs with different seeds apart.
        self._stamp = f"{rng.randrange(1_000_000):06d}"
        self._serial = 0
        self._shipments: dict[int, Shipment] = {}

    def _shipment(self, route: Route, at: int) -> Shipment:
        # A new trip every two hours per route: hundreds of parcels share a master bill.
        block = at // 7_200
        key = id(route)
        current = self._shipments.get(key)
        if current is not None and current.block == block:
            return current
        rng = self.rng
        day = self.clock.day_text(at)
        if route.traf_mode == "5":
            traf_no = f"{route.traf_prefix}{rng.randrange(300, 9000)}"
            serial = rng.randrange(10_000_000)
            bill_no = f"{rng.choice(('784', '999', '880', '160'))}-{serial:07d}{serial % 7}"
            voyage_no = f"{traf_no}/{day}"
        elif route.traf_mode == "4":
            traf_no = f"{route.traf_prefix}{rng.choice('ABCDEFGH')}{rng.randrange(10_000):04d}港"
            voyage_no = f"{day}{block % 12 + 1:02d}"
            bill_no = f"M{route.customs_code}{day}{rng.randrange(100_000):05d}"
        else:
            traf_no = f"{route.traf_prefix}{rng.randrange(1, 40)}"
            voyage_no = f"{day[2:6]}{rng.choice('NSEW')}{block % 10}"
            bill_no = f"HK{day}{rng.randrange(1_000_000):06d}"
        shipment = Shipment(block, traf_no, voyage_no, bill_no)
        self._shipments[key] = shipment
        return shipment

    def build(
        self,
        times: tuple[int, int, int, int],
        platform: Platform,
        route: Route,
        basket: Basket,
        buyer: Buyer,
        consignee: Buyer,
        lines: LineStructs | None = None,
    ) -> TradeSet:
        """One consistent set; ``times`` are the local seconds of the order, payment,
        waybill and inventory declarations. ``lines``: the basket's line structs on this
        route, made once by ``line_structs`` and shared by every set that reuses them."""
        random = self._random
        clock = self.clock
        guid = self.guid
        self._serial += 1
        serial = self._serial
        stamp = self._stamp
        ebp = platform.party
        # Inline uniform picks: this is the hottest function of the benchmark's generator.
        stores, payers, carriers, agents = (
            platform.stores,
            platform.payers,
            route.carriers,
            route.agents,
        )
        store = stores[int(random() * len(stores))]
        pay_firm = payers[int(random() * len(payers))]
        carrier = carriers[int(random() * len(carriers))]
        agent = agents[int(random() * len(agents))]
        bonded = route.trade_mode == "1210"
        order_no = f"{ebp.prefix}{stamp}{serial:09d}"
        logistics_no = f"{carrier.prefix}{stamp}{serial:010d}"
        transaction = f"{pay_firm.prefix}{stamp}{serial:012d}"

        order_lines, list_lines = line_structs(basket, route) if lines is None else lines
        order_items, invt_items = list(order_lines), list(list_lines)
        goods_value, tax, net = basket.goods_value, basket.tax, basket.net
        freights = FREIGHT_BONDED if bonded else FREIGHT_DIRECT
        freight = freights[int(random() * len(freights))]
        discount = DISCOUNTS[int(random() * 4)] if random() < 0.2 else ZERO
        actural_paid = goods_value + freight + tax - discount
        gross = net + PACKAGING_KG[int(random() * len(PACKAGING_KG))]
        order_at, paid_at, waybill_at, listed_at = times
        order_time = clock.app_time(order_at)

        order = Order(
            head=OrderHead(
                guid=guid(), app_type="1", app_time=order_time, app_status="2",
                order_type="I", order_no=order_no, ebp_code=ebp.code, ebp_name=ebp.name,
                ebc_code=store.code, ebc_name=store.name, goods_value=goods_value,
                freight=freight, discount=discount, tax_total=tax, actural_paid=actural_paid,
                currency=CNY, buyer_reg_no=buyer.reg_no, buyer_name=buyer.name,
                buyer_telephone=buyer.telephone, buyer_id_type="1",
                buyer_id_number=buyer.id_number, pay_code=pay_firm.code,
                pay_name=pay_firm.name, pay_transaction_id=transaction,
                consignee=consignee.name, consignee_telephone=consignee.telephone,
                consignee_address=consignee.address, consignee_district=consignee.district,
            ),
            items=order_items,
        )  # fmt: skip
        payment = Payment(
            head=PaymentHead(
                guid=guid(), app_type="1", app_time=clock.app_time(paid_at), app_status="2",
                pay_code=pay_firm.code, pay_name=pay_firm.name, pay_transaction_id=transaction,
                order_no=order_no, ebp_code=ebp.code, ebp_name=ebp.name, payer_id_type="1",
                payer_id_number=buyer.id_number, payer_name=buyer.name,
                telephone=buyer.telephone, amount_paid=actural_paid, currency=CNY,
                pay_time=clock.app_time(min(order_at + 20, paid_at)),
            )
        )  # fmt: skip
        shipment = None if bonded else self._shipment(route, listed_at)
        waybill = Waybill(
            head=LogisticsHead(
                guid=guid(), app_type="1", app_time=clock.app_time(waybill_at), app_status="2",
                logistics_code=carrier.code, logistics_name=carrier.name,
                logistics_no=logistics_no, bill_no=None if shipment is None else shipment.bill_no,
                order_no=order_no, freight=freight, insured_fee=ZERO, currency=CNY,
                weight=gross, pack_no=1, goods_info=basket.lines[0].good.name,
                consignee=consignee.name, consignee_address=consignee.address,
                consignee_telephone=consignee.telephone,
            )
        )  # fmt: skip
        inventory = Inventory(
            head=InventoryHead(
                guid=guid(), app_type="1", app_time=clock.app_time(listed_at), app_status="2",
                order_no=order_no, ebp_code=ebp.code, ebp_name=ebp.name, ebc_code=store.code,
                ebc_name=store.name, logistics_no=logistics_no, logistics_code=carrier.code,
                logistics_name=carrier.name, cop_no=f"{agent.prefix}{stamp}{serial:09d}",
                assure_code=store.code, ems_no=route.ems_no, ie_flag="I",
                decl_time=clock.day_text(listed_at), customs_code=route.customs_code,
                port_code=route.port_code, buyer_id_type="1", buyer_id_number=buyer.id_number,
                buyer_name=buyer.name, buyer_telephone=buyer.telephone,
                consignee_address=consignee.address, agent_code=agent.code,
                agent_name=agent.name,
                area_code=None if route.area is None else route.area.code,
                area_name=None if route.area is None else route.area.name,
                trade_mode=route.trade_mode, traf_mode=route.traf_mode,
                traf_no=None if shipment is None else shipment.traf_no,
                voyage_no=None if shipment is None else shipment.voyage_no,
                bill_no=None if shipment is None else shipment.bill_no,
                country=route.country, freight=freight, insured_fee=ZERO, currency=CNY,
                wrap_type="2", pack_no=1, gross_weight=gross, net_weight=net,
            ),
            items=invt_items,
        )  # fmt: skip
        return TradeSet(order, payment, waybill, inventory, ebp, pay_firm, carrier, agent)
