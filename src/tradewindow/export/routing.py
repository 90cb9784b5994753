"""What the 9710 check knows of controlled goods.

It comes from the data-sharing policy's inspection list (``agencies/policy.toml``, the HS
prefixes inspection & quarantine must see: animal and plant products, food, cosmetics, raw
hides and wood), which applies to exports as to imports (出口食品、动植物产品检验检疫, Law on
Import and Export Commodity Inspection art. 5): a 9710 line under one needs inspection (涉检).
Which agencies a list waits for is the policy's routing (:func:`.sharing.policy_routing`).

Export licences (两用物项和技术出口许可证管理目录) and export duties (出口关税税则) are not
shipped as reference data yet: until they are, a 9710 list is judged 涉证 by its licenseNo only
and never 涉税 (a known gap, said in issue 13's report).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tradewindow.export.rules import Controls, GoodsControl


def inspection_controls(prefixes: Iterable[str]) -> Controls:
    """Goods under ``prefixes`` need inspection; nothing else is known (see the module)."""
    under = tuple(prefixes)

    def controls(gcode: str, _day: date) -> GoodsControl:
        return GoodsControl(inspection=bool(under) and gcode.startswith(under))

    return controls
