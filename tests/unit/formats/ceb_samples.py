"""The sample import set in tests/data/ceb, for the CEB format tests (and anyone else's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewindow.formats import ceb_schema

CEB_DATA = Path(__file__).resolve().parents[2] / "data" / "ceb"
SAMPLES = {
    "CEB311": "order_311.xml",
    "CEB411": "payment_411.xml",
    "CEB511": "waybill_511.xml",
    "CEB621": "inventory_621.xml",
}
LIMITS = {"max_bytes": 1024 * 1024, "max_depth": 32}

needs_xsd = pytest.mark.skipif(
    not ceb_schema.schemas_available(),
    reason="CEB XSDs not found (set TRADEWINDOW_CEB_XSD_DIR or provide shared/data/specs/ceb)",
)


def sample(name: str) -> bytes:
    """The bytes of a sample file, by message type (``CEB311``) or file name."""
    return (CEB_DATA / SAMPLES.get(name, name)).read_bytes()
