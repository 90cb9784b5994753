"""``tradewindow tax``: settling CBEC import tax from the command line (``cbec.settlement``).

``statement AGENT --month YYYY-MM [--csv]`` prints the withholding agent's bills released that
month (CSV with ``--csv``); ``pay AGENT TAX_NO AMOUNT --id PAYMENT_ID`` records a payment
(the same id again is the same payment); ``guarantee AGENT [AMOUNT]`` shows or sets the
agent's tax guarantee; ``overdue`` lists the bills unpaid after their 45th day, for customs.
Each command only translates its arguments into one call and prints the result; a refusal
prints its codes and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation

from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.settlement import Payment, statement_csv
from tradewindow.cli.render import console
from tradewindow.clock import utc_now


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("tax", help="CBEC tax bills: statements, payments, guarantees")
    commands = group.add_subparsers(dest="tax_command")
    statement = commands.add_parser("statement", help="an agent's bills of one month")
    statement.add_argument("agent", help="the withholding agent's code (assureCode)")
    statement.add_argument("--month", required=True, help="YYYY-MM (release month)")
    statement.add_argument("--csv", action="store_true", help="print CSV")
    statement.set_defaults(run=_statement)
    pay = commands.add_parser("pay", help="record a payment of one bill")
    pay.add_argument("agent")
    pay.add_argument("tax_no")
    pay.add_argument("amount", type=_amount)
    pay.add_argument("--id", required=True, help="the payment's own id (idempotency)")
    pay.set_defaults(run=_pay)
    guarantee = commands.add_parser("guarantee", help="show or set an agent's tax guarantee")
    guarantee.add_argument("agent")
    guarantee.add_argument("amount", type=_amount, nargs="?")
    guarantee.set_defaults(run=_guarantee)
    commands.add_parser("overdue", help="bills unpaid after the 45th day").set_defaults(
        run=_overdue
    )
    group.set_defaults(run=lambda _args: _usage(group))


def _usage(group: argparse.ArgumentParser) -> int:
    group.print_help()
    return 2


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal amount: {text!r}") from None


def _statement(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        rows = app.clearance.tax_statement(args.agent, args.month)
    finally:
        app.close()
    if args.csv:
        sys.stdout.write(statement_csv(rows))
        return 0
    table = Table("taxNo", "invtNo", "released", "payable from", "due", "charged", "paid",
                  "outstanding", "status", title=f"{args.agent} — {args.month}")  # fmt: skip
    for r in rows:
        table.add_row(r.tax_no, r.invt_no, r.released_on.isoformat(), r.payable_from.isoformat(),
                      r.due.isoformat(), str(r.charged), str(r.paid), str(r.outstanding),
                      r.status.value)  # fmt: skip
    console.print(table)
    return 0


def _pay(args: argparse.Namespace) -> int:
    payment = Payment(payment_id=args.id, tax_no=args.tax_no, amount=args.amount, paid_at=utc_now())
    app = bootstrap()
    try:
        refused, receipts = app.clearance.record_payment(args.agent, payment)
    finally:
        app.close()
    for v in refused:
        console.print(f"[{v.code}] {v.path}: {v.en} / {v.zh}", markup=False, soft_wrap=True)
    if refused:
        return 1
    released = sum(1 for r in receipts if r.status == "800")
    console.print(f"payment {args.id} of {args.amount} recorded; {released} held lists released",
                  markup=False)  # fmt: skip
    return 0


def _guarantee(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        if args.amount is not None:
            app.clearance.set_guarantee(args.agent, args.amount)
        kept = app.clearance.guarantee(args.agent)
    finally:
        app.close()
    if kept is None:
        console.print(f"{args.agent} has no tax guarantee on file", markup=False)
        return 1
    console.print(f"{kept.agent}: guarantee {kept.amount}, used {kept.used}, left "
                  f"{kept.amount - kept.used}", markup=False)  # fmt: skip
    return 0


def _overdue(_args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        bills = app.clearance.overdue_bills()
    finally:
        app.close()
    table = Table("agent", "taxNo", "invtNo", "due", "outstanding", title="overdue tax bills")
    for bill in bills:
        table.add_row(bill.agent, bill.tax_no, bill.invt_no, bill.due.isoformat(),
                      str(bill.outstanding))  # fmt: skip
    console.print(table)
    return 0
