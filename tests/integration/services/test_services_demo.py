"""The demo's illustrative service-trade registries: 72 + 20 items, 20 professions, a few
hundred applications in every state, the public register and statistics filled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tradewindow.bootstrap import bootstrap
from tradewindow.demo.services import seed_service_offices, seed_service_trade
from tradewindow.services.ports import RegistryQuery
from tradewindow.services.recognition import State
from tradewindow.settings import Settings


def test_the_demo_fills_every_state(sqlite_url: str, tmp_path: Path) -> None:
    app = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path))
    try:
        built = seed_service_trade(app, seed=7, today=date(2026, 12, 5))
        assert (built.items, built.professions) == (92, 20)
        assert sum(built.applications.values()) == 360
        trade = app.service_trade
        counted: dict[str, int] = {}
        for _profession, _home, _city, state, n in trade.recognitions.counts():
            counted[state] = counted.get(state, 0) + n
        assert counted == {k: v for k, v in built.applications.items() if v}
        assert set(counted) == {state.value for state in State}
        assert all(n >= 5 for n in counted.values()), counted
        found, total = trade.registry.search(RegistryQuery(list_code="gz-72", limit=1))
        assert total == 72
        assert found[0].content.illustrative
        assert len(trade.recognitions.register(limit=500)) == (
            counted["recognised"] + counted["suspended"]
        )
        assert evidence_ok(app)
    finally:
        app.close()


def evidence_ok(app: object) -> bool:
    return bool(app.evidence.verify().ok)  # type: ignore[attr-defined]


def test_each_deciding_department_gets_an_office(sqlite_url: str, tmp_path: Path) -> None:
    app = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path))
    try:
        offices = seed_service_offices(app)
        assert [o.agency for o in offices] == [
            "hq_authority",
            "qh_authority",
            "sz_finance",
            "sz_health",
            "sz_housing",
            "sz_justice",
            "sz_tax",
            "sz_tourism",
        ]
        assert seed_service_offices(app) == offices  # registered once
    finally:
        app.close()
