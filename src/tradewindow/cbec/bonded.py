"""The bonded warehouse's electronic account book (1210 / 1239 保税进口): stock per account
book (``emsNo``) and item (``itemRecordNo``, 账册备案料号, which every bonded list line
states), as a ledger of moves.

- an **entry** brings goods into the bonded zone (with the declaration that brought them);
- a **release** of a bonded list takes each line's quantity out; a list whose lines the
  stock cannot cover is *returned* (100, ``CEB621.stock.short``, every short line named)
  rather than left waiting: its tax and quota were assessed for a release that cannot
  happen, and the operator must first record the entry, then the enterprise declares the
  list again (appType 2) — a waiting list would hold the buyer's place against stock that
  may never come;
- a **cancellation** of a released list and an accepted **return** put the quantities back.

The platform keeps an account book once an entry is recorded for it; lists of a book it does
not keep (no moves on file) are released unchecked, as before the book was kept here.
The balance of an item is the sum of its moves, so ``stock = entries − releases +
cancellations + returns`` holds at every point by construction; releases are checked in the
clearance unit of work, which runs one at a time per database, and entries only add, so a
balance is never negative. Quantities are the lines' ``qty`` in their unit of sale.
Source: GACC announcement 2018 No.194 (保税进口: 电子账册管理, 出区时核减); spec 202205 表
3-31 (账册编号 emsNo, 账册备案料号 itemRecordNo "保税进口必填").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import Inventory
from tradewindow.cbec.ports import CBEC_LIFECYCLE, EvidenceItem, StockMove, UnitOfWork
from tradewindow.cbec.rules.codes import BONDED_MODES
from tradewindow.violations import Violation

Item = tuple[str, str]  # (emsNo, itemRecordNo)
_encode = msgspec.json.Encoder(decimal_format="string").encode


class StockBook:
    """The balances one clearance unit of work reads and the moves it makes, written once
    by :meth:`flush`; a later list of the batch sees what an earlier one took."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._records = uow.part(CBEC_LIFECYCLE)
        self._balances: dict[Item, Decimal] = {}
        self.moves: list[StockMove] = []
        self.effects: list[EvidenceItem] = []  # one record per move, for the evidence log
        self._kept: dict[str, bool] = {}

    def balances(self, items: Iterable[Item]) -> dict[Item, Decimal]:
        wanted = [item for item in items if item not in self._balances]
        if wanted:
            found = self._records.stock_balances(wanted)
            for item in wanted:
                self._balances[item] = found.get(item, Decimal(0))
        return self._balances

    def kept(self, ems_no: str) -> bool:
        """Whether this platform keeps the account book: it has moves on file (an entry
        first). A book kept elsewhere is not checked here (its stock is not known)."""
        if ems_no not in self._kept:
            self._kept[ems_no] = bool(self._records.kept_books([ems_no]))
        return self._kept[ems_no]

    def take(self, inventory: Inventory, ref: str, at: datetime) -> list[Violation]:
        """Release the bonded list's quantities, or every shortfall (nothing taken); a list
        of a book not kept here is released unchecked."""
        if not self.kept(inventory.head.ems_no or ""):
            return []
        balances = self.balances(needed(inventory))
        short = shortfalls(inventory, balances)
        if not short:
            self.move(moves_of(inventory, "release", ref, at, -1))
        return short

    def took(self, list_key: str) -> bool:
        """Whether releasing the list took stock here (a list released unchecked, its book
        not kept here then, gets nothing back on cancellation or return)."""
        if any(m.ref == list_key and m.cause == "release" for m in self.moves):
            return True
        return bool(self._records.released_refs([list_key]))

    def move(self, moves: Iterable[StockMove], actor: str = "platform") -> None:
        for move in moves:
            self._kept[move.ems_no] = True
            item = (move.ems_no, move.item)
            self.balances([item])[item] += move.qty
            self.moves.append(move)
            self.effects.append(
                EvidenceItem(
                    kind="stock_moved",
                    subjects=(move.ems_no, move.item, move.ref),
                    payload_digest=hashlib.sha256(_encode(move)).hexdigest(),
                    actor=actor,
                )
            )

    def flush(self) -> None:
        if self.moves:
            self._records.add_stock_moves(self.moves)
            self.moves = []


class StockEntry(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Goods brought into the bonded zone: what the operator records."""

    ems_no: str
    item_record_no: str
    qty: Decimal
    source_declaration: str  # the declaration (报关单号 / 核注清单号) that brought them in


class StockRow(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """An item's account: what entered, left, came back, and the balance."""

    ems_no: str
    item_record_no: str
    entered: Decimal
    released: Decimal
    restored: Decimal  # by cancellations and returns
    balance: Decimal


def is_bonded(inventory: Inventory) -> bool:
    return inventory.head.trade_mode in BONDED_MODES and bool(inventory.head.ems_no)


def needed(inventory: Inventory) -> dict[Item, Decimal]:
    """What releasing the bonded list takes out, per item (lines of one item added up)."""
    ems_no = inventory.head.ems_no or ""
    found: dict[Item, Decimal] = {}
    for line in inventory.items:
        item = (ems_no, line.item_record_no or "")
        found[item] = found.get(item, Decimal(0)) + line.qty
    return found


def entry_violations(entry: StockEntry, index: int = 1) -> list[Violation]:
    """A stock entry names its account book, item and source declaration, and brings in a
    positive quantity."""
    at = f"entries[{index}]"
    found = []
    for element, value in (
        ("emsNo", entry.ems_no),
        ("itemRecordNo", entry.item_record_no),
        ("sourceDeclaration", entry.source_declaration),
    ):
        if not value.strip():
            found.append(
                Violation(
                    path=f"{at}/{element}",
                    code=f"bonded.{element}.required",
                    en=f"{element} is required",
                    zh=f"{element} 必须填写",
                )
            )
    if not entry.qty.is_finite() or entry.qty <= 0:
        found.append(
            Violation(
                path=f"{at}/qty",
                code="bonded.qty.not_positive",
                en=f"qty must be greater than zero, not {entry.qty}",
                zh=f"数量必须大于0，实际为{entry.qty}",
            )
        )
    return found


def shortfalls(inventory: Inventory, balances: dict[Item, Decimal]) -> list[Violation]:
    """``CEB621.stock.short`` for every line whose item the stock cannot cover (the lines of
    one item together)."""
    short = {
        item for item, qty in needed(inventory).items() if balances.get(item, Decimal(0)) < qty
    }
    ems_no = inventory.head.ems_no or ""
    return [
        Violation(
            path=f"InventoryList[{index}]/itemRecordNo",
            code="CEB621.stock.short",
            en=f"account book {ems_no} holds {balances.get(item, Decimal(0))} of item"
            f" {item[1]}, the list takes {needed(inventory)[item]}",
            zh=f"账册{ems_no}料号{item[1]}结存{balances.get(item, Decimal(0))}，"
            f"不足清单核减数量{needed(inventory)[item]}",
        )
        for index, line in enumerate(inventory.items, 1)
        if (item := (ems_no, line.item_record_no or "")) in short
    ]


def report(moves: Iterable[StockMove]) -> list[StockRow]:
    """Each item's account, by account book and item."""
    rows: dict[Item, list[Decimal]] = {}
    for move in moves:
        entered, released, restored = rows.setdefault(
            (move.ems_no, move.item), [Decimal(0), Decimal(0), Decimal(0)]
        )
        if move.cause == "entry":
            rows[(move.ems_no, move.item)][0] = entered + move.qty
        elif move.cause == "release":
            rows[(move.ems_no, move.item)][1] = released - move.qty
        else:
            rows[(move.ems_no, move.item)][2] = restored + move.qty
    return [
        StockRow(
            ems_no=ems_no,
            item_record_no=item,
            entered=e,
            released=r,
            restored=back,
            balance=e - r + back,
        )
        for (ems_no, item), (e, r, back) in sorted(rows.items())
    ]


def moves_of(
    inventory: Inventory,
    cause: str,
    ref: str,
    at: datetime,
    sign: int,
    quantities: dict[Item, Decimal] | None = None,
) -> list[StockMove]:
    """The moves of a release (sign −1) or a restoration (+1) of ``quantities`` (default:
    the whole list)."""
    taken = quantities if quantities is not None else needed(inventory)
    return [
        StockMove(ems_no=ems, item=item, qty=qty * sign, cause=cause, ref=ref, at=at)
        for (ems, item), qty in sorted(taken.items())
        if qty
    ]


def returned_quantities(
    inventory: Inventory, lines: Sequence[tuple[int, Decimal]]
) -> dict[Item, Decimal]:
    """Per item, the quantities of returned lines (gnum, qty)."""
    by_gnum = {line.gnum: line for line in inventory.items}
    ems_no = inventory.head.ems_no or ""
    found: dict[Item, Decimal] = {}
    for gnum, qty in lines:
        line = by_gnum.get(gnum)
        if line is not None:
            item = (ems_no, line.item_record_no or "")
            found[item] = found.get(item, Decimal(0)) + qty
    return found
