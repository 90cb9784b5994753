"""The public services' test world: the whole app over an empty database, the CEB samples."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from tradewindow.bootstrap import bootstrap
from tradewindow.settings import Settings
from tradewindow.web.app import create_app

SAMPLES = Path(__file__).parents[2] / "data" / "ceb"
SAMPLE_SET = ("order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml")


def open_app(database_url: str, data_dir: Path) -> Litestar:
    settings = Settings(database_url=database_url, data_dir=data_dir)
    return create_app(bootstrap(settings))
