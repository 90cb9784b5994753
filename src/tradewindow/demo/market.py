"""Who buys what, where, through which route: drawing purchases for the workload.

``Market.purchase`` draws a valid set: a platform by market share, a route by volume, a
basket of one to three goods that plausibly take that route, and a repeat or new buyer
whose spending stays far below the annual limit. Choices use flattened weight tables
(``rng.choice`` on a list with repeats) because ``random.choices`` with weights costs several
times more and this runs a few hundred thousand times a second.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from tradewindow.demo.catalogue import GOODS, Good
from tradewindow.demo.parties import PLATFORMS, ROUTES, Platform, Route
from tradewindow.demo.people import Buyer, BuyerPool, Population
from tradewindow.demo.tradeset import (
    Basket,
    LineStructs,
    SetFactory,
    TradeSet,
    basket_of,
    line_structs,
)

T = TypeVar("T")

# Valid baskets stay at or below this goods value, so that even goods value + freight + the
# highest tax estimate (23 %) stays under the CNY 5,000 per-transaction limit.
BASKET_CEILING = Decimal("4000")
_LINES = (1,) * 70 + (2,) * 22 + (3,) * 8
_COUNTS = (1,) * 75 + (2,) * 18 + (3,) * 5 + (4, 6)
_OWN_CONSIGNEE = 0.95  # most buyers ship to themselves
BASKETS_PER_ROUTE = 1_024


def flatten(items: Sequence[T], weights: Sequence[int]) -> tuple[T, ...]:
    """Each item repeated by its weight: a uniform pick is then a weighted pick."""
    return tuple(item for item, weight in zip(items, weights, strict=True) for _ in range(weight))


class Market:
    def __init__(self, rng: random.Random, buyers: int) -> None:
        self.rng = rng
        self.population = Population(rng)
        self.pool = BuyerPool(self.population, buyers)
        self.factory = SetFactory(rng)
        self.platforms = flatten(PLATFORMS, [p.weight for p in PLATFORMS])
        self.routes = flatten(ROUTES, [r.weight for r in ROUTES])
        self.bonded = tuple(r for r in ROUTES if r.trade_mode == "1210")
        self._shelves: dict[int, tuple[Good, ...]] = {}
        self._baskets: dict[int, list[tuple[Basket, LineStructs]]] = {}
        for route in ROUTES:
            goods = [g for g in GOODS if not route.origins or g.origin in route.origins]
            self._shelves[id(route)] = flatten(goods, [g.weight for g in goods])
            # Baskets are drawn once and reused: working out their figures is the costly part.
            baskets = [basket_of(self.basket(route)) for _ in range(BASKETS_PER_ROUTE)]
            self._baskets[id(route)] = [(b, line_structs(b, route)) for b in baskets]

    def basket(self, route: Route) -> list[tuple[Good, int]]:
        """One to three different goods from the route's shelf, within the ceiling."""
        pick = self.factory.pick
        shelf = self._shelves[id(route)]
        basket: list[tuple[Good, int]] = []
        value = Decimal(0)
        for _ in range(pick(_LINES)):
            good = pick(shelf)
            if any(good is chosen for chosen, _ in basket):
                continue
            count = pick(_COUNTS)
            while count > 1 and value + good.price * count > BASKET_CEILING:
                count -= 1
            if value + good.price * count > BASKET_CEILING:
                continue
            basket.append((good, count))
            value += good.price * count
        if not basket:  # every pick was over the ceiling: the cheapest thing on the shelf
            basket.append((min(shelf, key=lambda g: g.price), 1))
        return basket

    def platform(self) -> Platform:
        return self.factory.pick(self.platforms)

    def route(self) -> Route:
        return self.factory.pick(self.routes)

    def consignee(self, buyer: Buyer) -> Buyer:
        if self.rng.random() < _OWN_CONSIGNEE:
            return buyer
        return self.pool.someone()

    def purchase(self, times: tuple[int, int, int, int]) -> TradeSet:
        """A valid set from a pool buyer."""
        route = self.route()
        basket, lines = self.factory.pick(self._baskets[id(route)])
        year = int(self.factory.clock.day_text(times[0])[:4])
        buyer = self.pool.draw(basket.amount, year)
        return self.factory.build(
            times, self.platform(), route, basket, buyer, self.consignee(buyer), lines
        )

    def purchase_by(
        self,
        buyer: Buyer,
        times: tuple[int, int, int, int],
        basket: list[tuple[Good, int]] | None = None,
        *,
        full_tax: bool = False,
    ) -> TradeSet:
        """A set bought by ``buyer`` (a fault's own buyer); a given basket ships bonded."""
        if basket is None:
            route = self.route()
            chosen, lines = self.factory.pick(self._baskets[id(route)])
            return self.factory.build(times, self.platform(), route, chosen, buyer, buyer, lines)
        route = self.factory.pick(self.bonded)
        chosen = basket_of(basket, full_tax=full_tax)
        return self.factory.build(times, self.platform(), route, chosen, buyer, buyer)
