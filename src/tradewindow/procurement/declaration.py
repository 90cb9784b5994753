"""The simplified declaration of a market procurement shipment (简化归类申报).

GACC Announcement 2019 No. 221, article 5 (as the platforms apply it): of the goods in one
declaration, the five of highest value are declared item by item under their own HS codes; the
rest are merged by HS chapter, each chapter declared under the HS code of its highest-value
item, with the chapter's values and quantities summed.

How "goods" and ties are read here (stated, and tested by hand-worked cases):

- a *good* is one HS code: lines of the same code, from any transaction in the shipment, are one
  good (their values and quantities summed) before ranking;
- ranking is by value, highest first; equal values rank by HS code, lowest first, so the same
  shipment always gives the same declaration;
- a merged chapter's representative is its highest-value good, ties again by lowest HS code;
- quantities are summed per unit: a good or chapter holding several units keeps one quantity
  per unit (kilograms are never added to pieces).

Nothing is rounded here: values arrive already rounded to the cent (``consolidation``), so the
declaration's values add up exactly to the shipment's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import msgspec

ITEMISED = 5  # goods declared item by item


class Good(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a transaction, valued in the declaration's currency."""

    hs_code: str
    name: str
    quantity: Decimal
    unit: str
    value: Decimal
    transaction_id: str


class Quantity(msgspec.Struct, frozen=True, kw_only=True):
    unit: str
    quantity: Decimal


class DeclaredItem(msgspec.Struct, frozen=True, kw_only=True):
    number: int  # 1-based, the declaration's item number
    hs_code: str
    name: str
    value: Decimal
    quantities: tuple[Quantity, ...]  # by unit code, ascending
    merged: bool  # True for a chapter's merged remainder
    chapter: str
    hs_codes: tuple[str, ...]  # the goods it stands for, ascending
    transaction_ids: tuple[str, ...]  # the transactions it draws on, ascending


class Declaration(msgspec.Struct, frozen=True, kw_only=True):
    items: tuple[DeclaredItem, ...]

    @property
    def value(self) -> Decimal:
        return sum((item.value for item in self.items), Decimal(0))


class _Summed(msgspec.Struct, kw_only=True):
    hs_code: str
    name: str
    value: Decimal
    quantities: dict[str, Decimal]
    transaction_ids: set[str]


def _rank_key(good: _Summed) -> tuple[Decimal, str]:
    return (-good.value, good.hs_code)


def _by_code(lines: Iterable[Good]) -> list[_Summed]:
    """One entry per HS code, named after its highest-value line (ties: first met)."""
    goods: dict[str, _Summed] = {}
    best: dict[str, Decimal] = {}
    for line in lines:
        good = goods.get(line.hs_code)
        if good is None:
            good = goods[line.hs_code] = _Summed(
                hs_code=line.hs_code,
                name=line.name,
                value=Decimal(0),
                quantities=defaultdict(Decimal),
                transaction_ids=set(),
            )
            best[line.hs_code] = line.value
        elif line.value > best[line.hs_code]:
            good.name, best[line.hs_code] = line.name, line.value
        good.value += line.value
        good.quantities[line.unit] += line.quantity
        good.transaction_ids.add(line.transaction_id)
    return sorted(goods.values(), key=_rank_key)


def _quantities(by_unit: dict[str, Decimal]) -> tuple[Quantity, ...]:
    return tuple(Quantity(unit=unit, quantity=by_unit[unit]) for unit in sorted(by_unit))


def simplified(lines: Iterable[Good]) -> Declaration:
    """The declaration of ``lines``: the top five goods itemised, the rest merged by chapter.

    Items come in this order: the itemised goods by rank, then the merged chapters by value
    (highest first; ties by chapter)."""
    ranked = _by_code(lines)
    items: list[DeclaredItem] = []
    for good in ranked[:ITEMISED]:
        items.append(
            DeclaredItem(
                number=len(items) + 1,
                hs_code=good.hs_code,
                name=good.name,
                value=good.value,
                quantities=_quantities(good.quantities),
                merged=False,
                chapter=good.hs_code[:2],
                hs_codes=(good.hs_code,),
                transaction_ids=tuple(sorted(good.transaction_ids)),
            )
        )
    chapters: dict[str, list[_Summed]] = defaultdict(list)
    for good in ranked[ITEMISED:]:
        chapters[good.hs_code[:2]].append(good)  # each list stays in rank order
    merged = sorted(
        chapters.items(),
        key=lambda pair: (-sum((g.value for g in pair[1]), Decimal(0)), pair[0]),
    )
    for chapter, goods in merged:
        head = goods[0]  # the chapter's highest-value good (ties: lowest code)
        by_unit: dict[str, Decimal] = defaultdict(Decimal)
        for good in goods:
            for unit, quantity in good.quantities.items():
                by_unit[unit] += quantity
        items.append(
            DeclaredItem(
                number=len(items) + 1,
                hs_code=head.hs_code,
                name=head.name,
                value=sum((good.value for good in goods), Decimal(0)),
                quantities=_quantities(by_unit),
                merged=len(goods) > 1,
                chapter=chapter,
                hs_codes=tuple(sorted(good.hs_code for good in goods)),
                transaction_ids=tuple(sorted(set().union(*(g.transaction_ids for g in goods)))),
            )
        )
    return Declaration(items=tuple(items))
