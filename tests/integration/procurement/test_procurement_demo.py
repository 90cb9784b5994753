"""The demo's market procurement day: six markets on one platform, a few hundred operators,
every sale through the use cases (so every rule held), shipments under the cap decided, and
the operators' receipts reconciled with some amounts still unmatched."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from tradewindow.analytics.lake import Lake
from tradewindow.analytics.procurement import breakdown, procurement_lines, write_lines
from tradewindow.bootstrap import bootstrap
from tradewindow.demo.procurement import seed_market_procurement
from tradewindow.procurement.consolidation import VALUE_CAP_USD
from tradewindow.settings import Settings

DAY = date(2026, 12, 4)


def test_six_markets_on_one_platform(sqlite_url: str, tmp_path: Path) -> None:
    app = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path))
    try:
        started = time.perf_counter()
        built = seed_market_procurement(app, seed=7, today=DAY)
        print(f"demo day: {built} in {time.perf_counter() - started:.1f} s")
        assert (built.markets, built.operators, built.agents) == (6, 310, 12)
        assert built.sales > 200
        assert 0 < built.released <= built.shipments
        with app.store.procurement.reading() as records:
            markets = {m.id for m in records.markets()}
            assert len(markets) == 6
            for buyer in records.buyers():
                # each buyer is scoped to its market: every sale of it is in that market
                sold = records.transactions(buyer_ids=(buyer.id,))
                assert {sale.market_id for sale in sold} <= {buyer.market_id}
            shipments = records.shipments()
            assert all(s.value_usd <= VALUE_CAP_USD for s in shipments)
            assert {s.port_of_loading for s in shipments} == {"CNNSA", "CNHUA"}
            states = Counter(sale.state.value for sale in records.transactions())
        assert set(states) == {"recorded", "confirmed", "cancelled", "declared"}
        settlements = [
            row
            for shipment in shipments
            if shipment.state.value == "released"
            for row in app.market_procurement.shipments.reconcile_in_store(shipment.id)
        ]
        unmatched = [row for row in settlements if row.unmatched_usd != Decimal(0)]
        assert 0 < len(unmatched) < len(settlements)
        # the lake: one line per goods line of a released shipment, the declared USD exactly
        lake = Lake(tmp_path / "lake")
        lines = procurement_lines(app.market_procurement)
        assert write_lines(lake, lines) == len(lines) > 0
        released = [s for s in shipments if s.state.value == "released"]
        declared = sum((s.value_usd for s in released), Decimal(0))
        for by in ("market", "destination", "chapter"):
            shares = breakdown(lake, by)
            assert sum((share.value_usd for share in shares), Decimal(0)) == declared
            assert [s.value_usd for s in shares] == sorted(
                (s.value_usd for s in shares), reverse=True
            )
        assert {share.key for share in breakdown(lake, "chapter")} >= {"42", "94", "95"}
        assert breakdown(lake, "market", month="1999-01") == []
    finally:
        app.close()
