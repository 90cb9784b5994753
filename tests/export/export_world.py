"""The portal world (``tests/integration/portal/portal_world.py``) with the export set's firms:
the Shenzhen seller (with a clerk's portal account), its platform, payment firm, carrier and
the supervised site, each with an API key, so a test files what each firm files and looks at
the seller's pages. Shared by the export portal's HTTP and browser tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import export_set as s
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "portal"))

from portal_world import PASSWORD, World, open_world

from tradewindow.export.documents import ExportMessage
from tradewindow.formats import ceb_export
from tradewindow.parties.model import RegisterParty

EXPORTERS = {
    "seller": (s.EBC_CODE, "ecommerce_enterprise", "深圳湾区好物出口贸易有限公司"),
    "export-platform": (s.EBP_CODE, "ecommerce_platform", "湾区出海跨境电商平台有限公司"),
    "export-payer": (s.PAY_CODE, "payment_firm", "湾区支付科技有限公司"),
    "export-carrier": (s.LOGISTICS_CODE, "logistics_firm", "湾区国际快递有限公司"),
    "export-site": (s.OPERATOR_CODE, "terminal_operator", "白云机场跨境电商监管中心"),
}
SELLER_CLERK = "seller-clerk"
__all__ = ["PASSWORD", "SELLER_CLERK", "World", "exporters_world", "file_as", "form_of"]


def exporters_world(database_url: str, data_dir: Path) -> World:
    world = open_world(database_url, data_dir)
    registry = world.window.registry
    for party_id, (code, role, name) in EXPORTERS.items():
        registry.register(
            RegisterParty(id=party_id, name_zh=name, name_en=party_id, kind="enterprise",
                          roles=(role,), identifiers=(("cn.customs", code),), city="shenzhen")
        )  # fmt: skip
        world.keys[party_id] = registry.issue_key(party_id).api_key
    world.accounts.add("seller", SELLER_CLERK, PASSWORD, display_name="Zhou Min")
    return world


def file_as(world: World, client: Any, party: str, code: str, *documents: Any) -> Any:
    """``documents`` as the ``code`` message, filed over the API by ``party``."""
    message: ExportMessage = s.message(code, *documents)
    sender = s.base_transfer(EXPORTERS[party][0], EXPORTERS[party][2])
    message = msgspec.structs.replace(message, base_transfer=sender)
    answer = client.post(
        "/v1/export/messages",
        content=ceb_export.write_message(message),
        headers={**world.auth(party), "Content-Type": "application/xml"},
    )
    assert answer.status_code == 201, answer.text
    return answer


def form_of(inventory: Any) -> dict[str, str]:
    """An export list as the export form's inputs (CEB names)."""
    plain = msgspec.to_builtins(inventory)
    values = {f"head.{k}": str(v) for k, v in plain["InventoryHead"].items()
              if k not in ("guid", "appType", "appTime", "appStatus")}  # fmt: skip
    for n, line in enumerate(plain["InventoryList"], 1):
        values |= {f"line.{n}.{k}": str(v) for k, v in line.items() if k != "gnum"}
    return values
