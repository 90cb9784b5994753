"""``tradewindow procurement``: market procurement trade (1039) from the command line.

``markets`` lists the recognised markets and ``market-add`` recognises one (the platform
operator's act: markets have no self-registration); ``sales-upload FILE --party P --operator
OP`` records an operator's sales from CSV (``formats.procurement_csv``), all or none;
``sales --party P`` lists what a party reaches; ``declaration SHIPMENT --party P [--xml]``
prints a shipment's simplified declaration (a table, or the WCO DM XML); ``demo-day`` fills
the store with the illustrative six-market day (``demo.procurement``; ``tradewindow demo``
builds it too, in its statistics stage, behind the pages). Each command only
translates its arguments into one call and prints the result or the refusal's codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.table import Table

from tradewindow.analytics.lake import Lake
from tradewindow.analytics.procurement import BY, breakdown, procurement_lines, write_lines
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cli.render import console
from tradewindow.clock import utc_now
from tradewindow.demo.procurement import seed_market_procurement
from tradewindow.formats.procurement_csv import read_sales
from tradewindow.formats.wco_declaration import declaration_xml, document_of
from tradewindow.procurement.errors import ProcurementError
from tradewindow.procurement.registry import MarketForm
from tradewindow.violations import Rejected


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("procurement", help="market procurement trade (1039)")
    commands = group.add_subparsers(dest="procurement_command")
    commands.add_parser("markets", help="the recognised markets").set_defaults(run=_markets)
    add = commands.add_parser("market-add", help="recognise a market")
    add.add_argument("id", help="e.g. gz-liuhua (a-z, 0-9, -)")
    add.add_argument("--name-zh", required=True)
    add.add_argument("--name-en", required=True)
    add.add_argument("--city", required=True, help="region code, e.g. 440100 Guangzhou")
    add.add_argument("--valid-from", type=date.fromisoformat, required=True)
    add.add_argument("--valid-until", type=date.fromisoformat)
    add.set_defaults(run=_market_add)
    upload = commands.add_parser("sales-upload", help="record an operator's sales from CSV")
    upload.add_argument("file", type=Path)
    upload.add_argument("--party", required=True, help="the operator's party id")
    upload.add_argument("--operator", required=True, help="the operator id")
    upload.set_defaults(run=_upload)
    sales = commands.add_parser("sales", help="the sales a party reaches")
    sales.add_argument("--party", required=True)
    sales.set_defaults(run=_sales)
    declaration = commands.add_parser("declaration", help="a shipment's simplified declaration")
    declaration.add_argument("shipment")
    declaration.add_argument("--party", required=True)
    declaration.add_argument("--xml", action="store_true", help="the WCO DM 3.x XML")
    declaration.set_defaults(run=_declaration)
    lake = commands.add_parser(
        "lake-load", help="write the released shipments' lines to the statistics lake"
    )
    lake.add_argument("--lake", type=Path, help="default: <data dir>/lake")
    lake.set_defaults(run=_lake_load)
    stats = commands.add_parser("stats", help="value by market, destination or HS chapter")
    stats.add_argument("--by", choices=sorted(BY), default="market")
    stats.add_argument("--month", help="YYYY-MM")
    stats.add_argument("--lake", type=Path, help="default: <data dir>/lake")
    stats.set_defaults(run=_stats)
    demo = commands.add_parser(
        "demo-day", help="fill the store with the illustrative six-market day (demo only)"
    )
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(run=_demo_day)
    group.set_defaults(run=lambda _args: _usage(group))


def _usage(group: argparse.ArgumentParser) -> int:
    group.print_help()
    return 2


def _answer(work: Callable[[App], int]) -> int:
    """Run ``work`` on the application of the environment; a refusal prints its codes (1)."""
    app = bootstrap()
    try:
        return work(app)
    except Rejected as refused:
        for violation in refused.violations:
            console.print(
                f"[{violation.code}] {violation.path}: {violation.en} / {violation.zh}",
                markup=False,
                soft_wrap=True,
            )
        return 1
    except ProcurementError as error:
        console.print(f"[{error.code}] {error.en} / {error.zh}", markup=False, soft_wrap=True)
        return 1
    finally:
        app.close()


def _markets(_args: argparse.Namespace) -> int:
    def work(app: App) -> int:
        table = Table("id", "name", "city", "valid from", "until", title="recognised markets")
        for market in app.market_procurement.sales.markets():
            until = market.valid_until.isoformat() if market.valid_until else ""
            name = f"{market.name_zh} {market.name_en}"
            table.add_row(market.id, name, market.city, market.valid_from.isoformat(), until)
        console.print(table)
        return 0

    return _answer(work)


def _market_add(args: argparse.Namespace) -> int:
    form = MarketForm(
        id=args.id,
        name_zh=args.name_zh,
        name_en=args.name_en,
        city=args.city,
        valid_from=args.valid_from,
        valid_until=args.valid_until,
    )

    def work(app: App) -> int:
        market = app.market_procurement.sales.register_market(form)
        console.print(f"market {market.id} recognised from {market.valid_from.isoformat()}")
        return 0

    return _answer(work)


def _upload(args: argparse.Namespace) -> int:
    data = args.file.read_bytes()

    def work(app: App) -> int:
        forms = read_sales(data)
        recorded = app.market_procurement.sales.record_sales(args.party, args.operator, forms)
        for (ref, _), sale in zip(forms, recorded, strict=True):
            console.print(f"{ref} → {sale.id} {sale.currency} {sale.total:,}")
        console.print(f"{len(recorded):,} sale(s) recorded, waiting for the buyers to confirm")
        return 0

    return _answer(work)


def _sales(args: argparse.Namespace) -> int:
    def work(app: App) -> int:
        table = Table("id", "day", "operator", "buyer", "total", "state", "shipment")
        for sale in app.market_procurement.sales.sales(args.party):
            total = f"{sale.currency} {sale.total:,}"
            table.add_row(
                sale.id,
                sale.sold_on.isoformat(),
                sale.operator_id,
                sale.buyer_id,
                total,
                sale.state.value,
                sale.shipment_id or "",
            )
        console.print(table)
        return 0

    return _answer(work)


def _declaration(args: argparse.Namespace) -> int:
    def work(app: App) -> int:
        shipments = app.market_procurement.shipments
        shipment, declaration = shipments.declaration(args.party, args.shipment)
        if args.xml:
            agent, buyer = shipments.parties_of(shipment)
            sys.stdout.buffer.write(
                declaration_xml(document_of(shipment, declaration, agent, buyer))
            )
            return 0
        table = Table(
            "item",
            "HS code",
            "goods",
            "USD",
            "quantity",
            "merged from",
            title=f"simplified declaration of {shipment.id}",
        )
        for item in declaration.items:
            quantities = ", ".join(f"{q.quantity} ({q.unit})" for q in item.quantities)
            merged = " ".join(item.hs_codes) if item.merged else ""
            table.add_row(
                str(item.number), item.hs_code, item.name, f"{item.value:,}", quantities, merged
            )
        console.print(table)
        console.print(f"total USD {declaration.value:,} in {len(declaration.items)} item(s)")
        return 0

    return _answer(work)


def _demo_day(args: argparse.Namespace) -> int:
    def work(app: App) -> int:
        built = seed_market_procurement(app, seed=args.seed, today=utc_now().date())
        console.print(
            f"market procurement (1039, illustrative): {built.markets} markets, "
            f"{built.operators} operators, {built.buyers} foreign buyers, {built.sales} sales, "
            f"{built.shipments} shipments via Nansha and Huangpu ({built.released} released), "
            f"{built.receipts} FX receipts"
        )
        return 0

    return _answer(work)


def _lake(args: argparse.Namespace, app: App) -> Lake:
    return Lake(args.lake or app.settings.data_dir / "lake")


def _lake_load(args: argparse.Namespace) -> int:
    def work(app: App) -> int:
        written = write_lines(_lake(args, app), procurement_lines(app.market_procurement))
        console.print(f"{written:,} market procurement line(s) in the lake")
        return 0

    return _answer(work)


def _stats(args: argparse.Namespace) -> int:
    def work(app: App) -> int:
        table = Table(args.by, "lines", "USD", "CNY", title="market procurement (1039), released")
        for share in breakdown(_lake(args, app), args.by, args.month):
            table.add_row(
                share.key, f"{share.lines:,}", f"{share.value_usd:,}", f"{share.value_cny:,}"
            )
        console.print(table)
        return 0

    return _answer(work)
