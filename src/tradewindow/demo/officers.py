"""Simulated agency officers for the demo: each agency works through its open tasks.

Most filings are released; a few are held or sent for inspection with a reason, so the demo
shows every combined status reaching the enterprise.
"""

from __future__ import annotations

import random
from collections import Counter

from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import App
from tradewindow.cbec.ports import ReceiptRecord

_REASONS = {
    Decision.HOLD: "label lacks a Chinese ingredients list / 缺少中文成分标签",
    Decision.INSPECT: "random quarantine inspection / 随机检疫查验",
}
_WEIGHTS = ((Decision.RELEASE, 0.97), (Decision.HOLD, 0.02), (Decision.INSPECT, 0.01))
SETTLE_BATCH = 1000


def agencies_decide(app: App, *, seed: int) -> tuple[list[ReceiptRecord], Counter[str]]:
    """Every agency decides every open task; the lists follow. Returns the new receipts and
    how many decisions of each kind were made (``agency:decision``)."""
    rng = random.Random(f"officers:{seed}")
    made: Counter[str] = Counter()
    filings: set[str] = set()
    for agency in app.policy.agencies:
        officer = f"demo-{agency}-officer"
        while True:
            page = app.desk.list_tasks(agency, TaskStatus.OPEN, page=1, size=100)
            if not page.tasks:
                break
            decisions = []
            for task in page.tasks:
                decision = rng.choices([d for d, _ in _WEIGHTS], [w for _, w in _WEIGHTS])[0]
                decisions.append((task.id, decision, _REASONS.get(decision)))
                made[f"{agency}:{decision.value}"] += 1
                filings.add(task.filing)
            app.desk.decide_many(agency, officer, decisions)
    receipts: list[ReceiptRecord] = []
    ordered = sorted(filings)
    for start in range(0, len(ordered), SETTLE_BATCH):
        chunk = ordered[start : start + SETTLE_BATCH]
        receipts += app.clearance.settle(chunk, reason=f"agencies:{start // SETTLE_BATCH}")
    return receipts, made
