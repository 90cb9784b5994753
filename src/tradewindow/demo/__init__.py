"""A realistic generator of Greater Bay Area cross-border e-commerce *import* traffic.

It produces the CEB messages platforms, payment firms, carriers and declaring agents send
to customs (``OrderMessage`` CEB311, ``PaymentMessage`` CEB411, ``WaybillMessage`` CEB511,
``InventoryMessage`` CEB621 of ``tradewindow.cbec.documents``), up to 100 documents of one
type from one sender per message, reproducibly from a seed.

Public API::

    generate_day(day: date, *, sets: int, seed: int, faults: bool = True,
                 rates: Mapping[FaultKind, float] = DEFAULT_RATES,
                 per_message: int = 100) -> DemoDay
        One day's traffic for the demo (typically 20,000–50,000 sets): documents out of
        order, about 4 % of the sets spoiled on purpose. ``DemoDay`` iterates its messages;
        ``DemoDay.expectations`` lists each injected fault (``Expectation``: fault kind,
        order keys "ebpCode|orderNo", documents customs should refuse, what becomes of the
        inventory list, an explanation in English and Chinese).

    generate_sets(count: int, *, seed: int, start: datetime, faults: bool = False,
                  per_message: int = 100, rates=DEFAULT_RATES,
                  on_fault: Callable[[Expectation], None] | None = None) -> Iterator[Message]
        A lazy stream of ``count`` sets for benchmarks, flat in memory for any count; every
        inventory's companions are in the stream. With ``faults=False`` every set is valid.

    volume_factor(day: date) -> float
        How busy a day is relative to an ordinary weekday (Double 11, 618, Spring Festival …).

Generated documents are plain Structs. Their heads are their own, but order and list *lines*
(``OrderItem``, ``InventoryItem``) are shared by every set that bought the same basket on the
same route (making them is the generator's main cost): replace a line
(``msgspec.structs.replace``), never edit it in place.
"""

from tradewindow.demo.day import DemoDay, generate_day
from tradewindow.demo.faults import DEFAULT_RATES, Expectation, FaultKind, InventoryOutcome
from tradewindow.demo.seasons import volume_factor
from tradewindow.demo.sets import generate_sets

__all__ = [
    "DEFAULT_RATES",
    "DemoDay",
    "Expectation",
    "FaultKind",
    "InventoryOutcome",
    "generate_day",
    "generate_sets",
    "volume_factor",
]
