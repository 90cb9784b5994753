"""``tradewindow bonded``: a bonded warehouse's account book (1210) from the command line.

``enter EMS_NO ITEM QTY --source DECLARATION`` records goods brought into the bonded zone
(``cbec.bonded``; refused with its codes, exit 1); ``stock [--ems EMS_NO] [--json]`` prints
each item's account: entered, released, restored by cancellations and returns, balance.
Each command only translates its arguments into one call and prints the result.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

import msgspec
from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.bonded import StockEntry
from tradewindow.cli.render import console


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("bonded", help="bonded warehouse account books (1210)")
    commands = group.add_subparsers(dest="bonded_command")
    enter = commands.add_parser("enter", help="record goods brought into the bonded zone")
    enter.add_argument("ems_no", help="the account book (emsNo)")
    enter.add_argument("item", help="the item (itemRecordNo, 账册备案料号)")
    enter.add_argument("qty", type=_quantity, help="the quantity brought in (unit of sale)")
    enter.add_argument("--source", required=True, help="the declaration that brought it in")
    enter.add_argument("--actor", default="cli", help="who records it (for the evidence log)")
    enter.set_defaults(run=_enter)
    stock = commands.add_parser("stock", help="each item's account and balance")
    stock.add_argument("--ems", help="one account book only")
    stock.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stock.set_defaults(run=_stock)
    group.set_defaults(run=lambda _args: _usage(group))


def _usage(group: argparse.ArgumentParser) -> int:
    group.print_help()
    return 2


def _quantity(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal quantity: {text!r}") from None


def _enter(args: argparse.Namespace) -> int:
    entry = StockEntry(
        ems_no=args.ems_no, item_record_no=args.item, qty=args.qty, source_declaration=args.source
    )
    app = bootstrap()
    try:
        refused = app.clearance.enter_stock([entry], actor=args.actor)
    finally:
        app.close()
    for violation in refused:
        console.print(
            f"[{violation.code}] {violation.path}: {violation.en} / {violation.zh}",
            markup=False,
            soft_wrap=True,
        )
    if not refused:
        console.print(f"{args.qty} of {args.item} entered into {args.ems_no}", markup=False)
    return 1 if refused else 0


def _stock(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        rows = app.clearance.stock_report(args.ems)
    finally:
        app.close()
    if args.json:
        print(msgspec.json.encode(rows).decode())
        return 0
    table = Table("emsNo", "itemRecordNo", "entered", "released", "restored", "balance",
                  title="bonded stock")  # fmt: skip
    for row in rows:
        table.add_row(row.ems_no, row.item_record_no, str(row.entered), str(row.released),
                      str(row.restored), str(row.balance))  # fmt: skip
    console.print(table)
    return 0
