"""The export mix of ``tradewindow bench clearance``: 9610 export sets to departure.

Each set is six documents a Shenzhen seller's parcel needs to leave: its order (CEB303),
receipt of payment (CEB403), waybill (CEB505) and list (CEB603), the parcel's arrival at the
supervised site (CEB507) and its departure (CEB509). Sets come 100 to a message, arrivals and
departures one document of 100 parcels, in the order the firms file them.

Like the import runs, the **production path** is exactly ``tradewindow clear``: the app from
:func:`tradewindow.bootstrap.bootstrap` (export clearance with its agency routing, the
departure events, the filing path as the operator), files read by
:class:`tradewindow.intake.Decoder` (the export XSD checked when installed) and cleared by
:func:`tradewindow.intake.clear`, every receipt written as a file. The **raw baseline**
decodes the same bytes into the same Structs and bulk-inserts one row per document.
Messages are generated and encoded untimed, chunk by chunk.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from tradewindow import intake
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.documents import CHINA_TZ, BaseTransfer, SpecVersion
from tradewindow.clock import utc_now
from tradewindow.export import documents as d
from tradewindow.formats import ceb_export, ceb_json
from tradewindow.settings import Settings

DOCS_PER_SET = 6
PER_MESSAGE = 100
BATCH_MESSAGES = 18  # three groups of six messages to ``clear`` at a time, so that a group
# is counted in one run's summary (each export message still commits alone)

# (gcode, name, unit, lawful kg per unit, price CNY): goods no agency inspects, so every list
# departs
_GOODS = (
    ("8518300000", "蓝牙耳机", "007", Decimal("0.15"), Decimal("120.00")),
    ("6110200090", "针织毛衣", "011", Decimal("0.40"), Decimal("160.00")),
)
_DESTINATIONS = ("502", "303", "304", "116", "601", "132", "305")  # US GB DE JP AU SG FR
_SELLER = ("4403960102", "深圳湾区好物出口贸易有限公司")
_PLATFORM = ("4403960101", "湾区出海跨境电商平台有限公司")
_CARRIER = ("4403980188", "湾区国际快递有限公司")
_PAYER = ("4403160103", "湾区支付科技有限公司")
_AGENT = ("4403980199", "湾区报关服务有限公司")
_SITE = ("4403980777", "白云机场跨境电商监管中心")
_NAMESPACE = uuid.UUID("8c1e4b7a-2d3f-4a6b-9e0c-5f7a1b2c3d4e")


def measure(url: str, fmt: str, sets: int) -> dict[str, Any]:
    """The production path's figures: sets per second, the documents' outcomes, the lists
    departed, the stages' shares and peak memory."""
    from tradewindow.bench.clearance import _peak_rss_mb, _stage_shares, _TimedDecoder, _TimedWriter

    with tempfile.TemporaryDirectory(prefix="tw-bench-export-") as folder:
        settings = Settings(database_url=url, data_dir=Path(folder) / "data")
        app = bootstrap(settings)
        try:
            decoder = _TimedDecoder(settings, spec=SpecVersion.V202205)
            writer = _TimedWriter(Path(folder) / "receipts", "xml" if fmt == "xml" else "json")
            elapsed = 0.0
            outcomes: Counter[str] = Counter()
            for chunk in chunks(sets, fmt):
                items = [
                    intake.Incoming(f"bench-export-{n}.{fmt}", data, fmt)  # type: ignore[arg-type]
                    for n, data in enumerate(chunk)
                ]
                start = time.perf_counter()
                summary = intake.clear(
                    items, clearance=app.clearance, decoder=decoder, writer=writer,
                    clock=utc_now, export=app.export_filing,
                )  # fmt: skip
                elapsed += time.perf_counter() - start
                outcomes += summary.outcomes
                writer.clean()
            app.evidence.sign_head()
        finally:
            app.close()
    stages = _stage_shares(elapsed, decoder, writer)
    return {
        "sets_per_s": sets / elapsed,
        "departed": outcomes["export list:899"],
        "outcomes": dict(sorted(outcomes.items())),
        "stages": stages,
        "peak_rss_mb": _peak_rss_mb(),
    }


def raw(insert_rows: Callable[[list[tuple[str, str, bytes]]], None], fmt: str, sets: int) -> float:
    """Sets per second of decoding the same bytes and inserting one row per document."""
    decode = _decoder(fmt)
    encode = msgspec.json.Encoder().encode
    elapsed = 0.0
    for chunk in chunks(sets, fmt):
        start = time.perf_counter()
        rows: list[tuple[str, str, bytes]] = []
        for data in chunk:
            message = decode(data)
            code = d.message_type(message)
            for document in message.documents:
                for key, body in _rows(document):
                    rows.append((code, key, encode(body)))
        insert_rows(rows)
        elapsed += time.perf_counter() - start
    return sets / elapsed


def _rows(document: Any) -> Iterator[tuple[str, Any]]:
    """One row per document; an arrival or departure is one document per parcel."""
    if isinstance(document, d.Arrival | d.Departure):
        for item in document.items:
            yield item.logistics_no, item
        return
    head = document.head
    yield str(getattr(head, "order_no", None) or head.logistics_no), document


def _decoder(fmt: str) -> Callable[[bytes], d.ExportMessage]:
    limit = 10 * 1024 * 1024
    if fmt == "json":
        return lambda data: ceb_json.read_export_message(data, max_bytes=limit)
    return lambda data: ceb_export.read_message(data, max_bytes=limit, max_depth=32).message


# --- generated sets -------------------------------------------------------------------------


def chunks(sets: int, fmt: str) -> Iterator[list[bytes]]:
    """The encoded messages, BATCH_MESSAGES at a time (generated lazily, untimed)."""
    start = utc_now() - timedelta(minutes=30)
    chunk: list[bytes] = []
    for message in generate(sets, start):
        chunk.append(
            ceb_json.write_message(message) if fmt == "json" else ceb_export.write_message(message)
        )
        if len(chunk) == BATCH_MESSAGES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def generate(sets: int, start: datetime) -> Iterator[d.ExportMessage]:
    """``sets`` coherent 9610 sets, 100 a group: order, receipt of payment, waybill and list
    messages, then one arrival and one departure of the group's parcels."""
    for first in range(0, sets, PER_MESSAGE):
        numbers = range(first, min(first + PER_MESSAGE, sets))
        at = start + timedelta(seconds=first // PER_MESSAGE)
        stamp = at.astimezone(CHINA_TZ).strftime("%Y%m%d%H%M%S")
        parcels = [_parcel(n, stamp) for n in numbers]
        group = f"{first // PER_MESSAGE:06d}"
        yield d.OrderMessage(guid=_guid("303", group), base_transfer=_transfer(_PLATFORM),
                             orders=[p.order for p in parcels])  # fmt: skip
        yield d.ReceiptMessage(guid=_guid("403", group), base_transfer=_transfer(_PAYER),
                               receipts=[p.receipt for p in parcels])  # fmt: skip
        yield d.WaybillMessage(guid=_guid("505", group), base_transfer=_transfer(_CARRIER),
                               waybills=[p.waybill for p in parcels])  # fmt: skip
        yield d.InventoryMessage(guid=_guid("603", group), base_transfer=_transfer(_AGENT),
                                 inventories=[p.inventory for p in parcels])  # fmt: skip
        nos = [p.waybill.logistics_no for p in parcels]
        yield d.ArrivalMessage(guid=_guid("507", group), base_transfer=_transfer(_SITE),
                               arrivals=[_arrival(group, stamp, nos)])  # fmt: skip
        yield d.DepartureMessage(guid=_guid("509", group), base_transfer=_transfer(_CARRIER),
                                 departures=[_departure(group, stamp, nos)])  # fmt: skip


class _Parcel(msgspec.Struct, frozen=True):
    order: d.Order
    receipt: d.Receipt
    waybill: d.Waybill
    inventory: d.Inventory


def _parcel(n: int, stamp: str) -> _Parcel:
    order_no, logistics_no = f"BENCHE{n:012d}", f"BE{n:011d}"
    goods = _GOODS[: 1 + n % 2]
    qtys = [Decimal(1 + (n + i) % 3) for i in range(len(goods))]
    totals = [price * qty for (*_, price), qty in zip(goods, qtys, strict=True)]
    value, freight = sum(totals, start=Decimal(0)), Decimal("35.00")
    net = sum((kg * q for (_, _, _, kg, _), q in zip(goods, qtys, strict=True)), Decimal(0))
    country = _DESTINATIONS[n % len(_DESTINATIONS)]
    order = d.Order(
        head=d.OrderHead(
            guid=_guid("order", order_no), app_type="1", app_time=stamp, app_status="2",
            order_type="E", order_no=order_no, ebp_code=_PLATFORM[0], ebp_name=_PLATFORM[1],
            ebc_code=_SELLER[0], ebc_name=_SELLER[1], goods_value=value, freight=freight,
            currency="142",
        ),
        items=[
            d.OrderItem(gnum=i, item_no=f"SKU-{g[0]}", item_name=g[1], unit=g[2], currency="142",
                        qty=q, price=g[4], total_price=t)
            for i, (g, q, t) in enumerate(zip(goods, qtys, totals, strict=True), 1)
        ],
    )  # fmt: skip
    receipt = d.Receipt(
        guid=_guid("receipt", order_no), app_type="1", app_time=stamp, app_status="2",
        ebp_code=_PLATFORM[0], ebp_name=_PLATFORM[1], ebc_code=_SELLER[0], ebc_name=_SELLER[1],
        order_no=order_no, pay_code=_PAYER[0], pay_name=_PAYER[1], pay_no=f"PAYE{n:016d}",
        charge=value + freight, currency="142", accounting_date=stamp,
    )  # fmt: skip
    weight = net + Decimal("0.2")
    waybill = d.Waybill(
        guid=_guid("waybill", logistics_no), app_type="1", app_time=stamp, app_status="2",
        logistics_code=_CARRIER[0], logistics_name=_CARRIER[1], logistics_no=logistics_no,
        freight=freight, insured_fee=Decimal(0), currency="142", gross_weight=weight, pack_no=1,
        goods_info="、".join(g[1] for g in goods), ebc_code=_SELLER[0], ebc_name=_SELLER[1],
    )  # fmt: skip
    inventory = d.Inventory(
        head=d.InventoryHead(
            guid=_guid("inventory", order_no), app_type="1", app_time=stamp, app_status="2",
            customs_code="5141", ebp_code=_PLATFORM[0], ebp_name=_PLATFORM[1], order_no=order_no,
            logistics_code=_CARRIER[0], logistics_name=_CARRIER[1], logistics_no=logistics_no,
            cop_no=f"EXPCOP{n:012d}", ie_flag="E", port_code="5141", ie_date=stamp[:8],
            statistics_flag="B", agent_code=_AGENT[0], agent_name=_AGENT[1],
            ebc_code=_SELLER[0], ebc_name=_SELLER[1], owner_code=_SELLER[0],
            owner_name=_SELLER[1], trade_mode="9610", traf_mode="5", traf_name="CZ327",
            voyage_no="CZ327", bill_no=_bill(stamp), country=country, pod=f"{country}0",
            freight=freight, f_currency="142", f_flag="3", insured_fee=Decimal(0),
            i_currency="142", i_flag="3", wrap_type="2", pack_no=1, gross_weight=weight,
            net_weight=net,
        ),
        items=[
            d.InventoryItem(gnum=i, item_no=f"SKU-{g[0]}", item_name=g[1], gcode=g[0],
                            gname=g[1], gmodel="品牌|型号", bar_code="无", country=country,
                            currency="142", qty=q, qty1=g[3] * q, unit=g[2], unit1="035",
                            price=g[4], total_price=t)
            for i, (g, q, t) in enumerate(zip(goods, qtys, totals, strict=True), 1)
        ],
    )  # fmt: skip
    return _Parcel(order, receipt, waybill, inventory)


def _arrival(group: str, stamp: str, nos: list[str]) -> d.Arrival:
    return d.Arrival(
        head=d.ArrivalHead(
            guid=_guid("arrival", group), app_type="1", app_time=stamp, app_status="2",
            customs_code="5141", cop_no=f"ARRB{group}", operator_code=_SITE[0],
            operator_name=_SITE[1], ie_flag="E", traf_mode="4", bill_no=_bill(stamp),
            domestic_traf_no="粤B12345", logistics_code=_CARRIER[0], logistics_name=_CARRIER[1],
            msg_count=1, msg_seq_no=1,
        ),
        items=[d.ArrivalItem(gnum=n, logistics_no=no) for n, no in enumerate(nos, 1)],
    )  # fmt: skip


def _departure(group: str, stamp: str, nos: list[str]) -> d.Departure:
    return d.Departure(
        head=d.DepartureHead(
            guid=_guid("departure", group), app_type="1", app_time=stamp, app_status="2",
            customs_code="5141", cop_no=f"DEPB{group}", logistics_code=_CARRIER[0],
            logistics_name=_CARRIER[1], traf_mode="5", traf_name="CZ327", voyage_no="CZ327",
            bill_no=_bill(stamp), leave_time=stamp, msg_count=1, msg_seq_no=1,
        ),
        items=[d.DepartureItem(gnum=n, logistics_no=no) for n, no in enumerate(nos, 1)],
    )  # fmt: skip


def _bill(stamp: str) -> str:
    return f"784-{stamp[2:8]}"


def _transfer(firm: tuple[str, str]) -> BaseTransfer:
    return BaseTransfer(cop_code=firm[0], cop_name=firm[1], dxp_mode="DXP", dxp_id="DXPBENCH0001")


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts))).upper()
