"""Sales as CSV: what an operator uploads instead of typing each sale (交易登记批量导入).

One row per goods line; rows with the same ``sale_ref`` are one sale (their buyer, day and
currency must agree). Columns (a header row; UTF-8, a BOM allowed)::

    sale_ref,buyer_id,sold_on,currency,hs_code,name,quantity,unit,price

Every bad row is reported at once (``Rejected``, paths ``row[N]/column``); nothing else is
checked here — the sales themselves are checked by ``procurement.sales`` when recorded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from tradewindow.procurement.model import Line
from tradewindow.procurement.sales import SaleForm
from tradewindow.violations import Rejected, Violation

COLUMNS = ("sale_ref", "buyer_id", "sold_on", "currency", "hs_code", "name", "quantity", "unit",
           "price")  # fmt: skip
MAX_ROWS = 10_000


def _violation(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"MPT.csv.{rule}", en=en, zh=zh)


def _decimal(text: str, path: str, found: list[Violation]) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        found.append(_violation(path, "number", "a decimal number", "应为十进制数字"))
        return Decimal(0)
    return value


def _rows(reader: csv.DictReader[str], found: list[Violation]) -> Iterator[dict[str, str]]:
    """The reader's rows until the first one csv cannot read (reported, not raised)."""
    try:
        yield from reader
    except csv.Error as error:
        found.append(
            _violation(
                f"row[{reader.line_num}]",
                "syntax",
                f"not readable as CSV: {error}",
                "无法按CSV格式读取",
            )
        )


def read_sales(data: bytes) -> list[tuple[str, SaleForm]]:
    """The sales of a CSV upload, each with its ``sale_ref``, in the order first met."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Rejected(
            [_violation("", "encoding", "the file is not UTF-8", "文件应为UTF-8编码")]
        ) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error:
        header = ()
    if header != COLUMNS:
        raise Rejected(
            [
                _violation(
                    "header",
                    "header",
                    "columns must be " + ",".join(COLUMNS),
                    "表头应为 " + ",".join(COLUMNS),
                )
            ]
        )
    found: list[Violation] = []
    heads: dict[str, tuple[str, date, str]] = {}
    lines: dict[str, list[Line]] = {}
    for number, row in enumerate(_rows(reader, found), start=1):
        path = f"row[{number}]"
        if number > MAX_ROWS:
            found.append(_violation(path, "rows", f"at most {MAX_ROWS:,} rows", "行数超过上限"))
            break
        if None in row or None in row.values():  # fewer or more fields than the header
            found.append(
                _violation(
                    path,
                    "columns",
                    f"a row has exactly {len(COLUMNS)} fields",
                    f"每行应有 {len(COLUMNS)} 个字段",
                )
            )
            continue
        try:
            sold_on = date.fromisoformat(row["sold_on"].strip())
        except ValueError:
            found.append(
                _violation(f"{path}/sold_on", "date", "a date YYYY-MM-DD", "日期格式应为YYYY-MM-DD")
            )
            continue
        head = (row["buyer_id"].strip(), sold_on, row["currency"].strip().upper())
        ref = row["sale_ref"].strip()
        if heads.setdefault(ref, head) != head:
            found.append(
                _violation(
                    path,
                    "sale.mixed",
                    "rows of one sale_ref have one buyer, day and currency",
                    "同一交易的各行应为同一采购商、日期和币制",
                )
            )
        lines.setdefault(ref, []).append(
            Line(
                hs_code=row["hs_code"].strip(),
                name=row["name"].strip(),
                quantity=_decimal(row["quantity"], f"{path}/quantity", found),
                unit=row["unit"].strip(),
                price=_decimal(row["price"], f"{path}/price", found),
            )
        )
    if not heads and not found:
        found.append(_violation("", "empty", "no sale in the file", "文件中没有交易"))
    if found:
        raise Rejected(found)
    return [
        (ref, SaleForm(buyer_id=buyer, sold_on=day, currency=currency, lines=tuple(lines[ref])))
        for ref, (buyer, day, currency) in heads.items()
    ]
