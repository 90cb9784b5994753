"""The demo's research-data channel: two campuses, four projects, the cohort transfer refused for
crossing 100,000 persons without a (GBA) standard contract, the others where the rules put them."""

from __future__ import annotations

from pathlib import Path

from tradewindow.bootstrap import bootstrap
from tradewindow.clock import utc_now
from tradewindow.demo.research_data import seed_research_data
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings


def test_the_demo_campuses(tmp_path: Path) -> None:
    app = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'tw.db'}", data_dir=tmp_path))
    try:
        app.parties.register(
            RegisterParty(
                id="bay-university",
                name_zh="湾区大学",
                name_en="Bay University",
                kind="enterprise",
                roles=("ecommerce_enterprise",),
                identifiers=(("cn.customs", "4401960019"),),
            )
        )
        built = seed_research_data(app, "bay-university", tmp_path, today=utc_now().date())
        assert built.projects == 4
        assert built.refused == ["DATA.transfer.mechanism.gba_standard_contract"]
        assert built.transfers == {
            "T-COHORT-1": "requested",
            "T-COHORT-2": "refused",
            "T-ESTUARY-1": "uploaded",
            "T-GENOME-1": "released",
            "T-RETINA-1": "uploaded",
        }
        assert app.data.totals("BAYU-NANSHA").persons == 80_000
        assert app.data.totals("BAYU-NANSHA").sensitive_persons == 2_000
        retina = app.data.records.transfer("T-RETINA-1")
        estuary = app.data.records.transfer("T-ESTUARY-1")
        assert retina is not None
        assert estuary is not None
        assert retina.mechanism == "gba_standard_contract"
        assert estuary.mechanism == "security_assessment"
        keys = (tmp_path / "research-data-keys.txt").read_text("utf-8").splitlines()
        assert len(keys) == 5
    finally:
        app.close()
