"""The first, simple risk step: which released-eligible lists a person looks at first.

Later issues grow this into declarative targeting; today it holds two named rules.
"""

from __future__ import annotations

import enum
import hashlib

from tradewindow.cbec.documents import Inventory


class Route(enum.StrEnum):
    RELEASE = "release"
    MANUAL_REVIEW = "manual_review"  # 300 人工审核
    INSPECTION = "inspection"  # 500 海关查验


# One list in 200 is selected for inspection at random (deterministically, by its order key,
# so re-evaluating the same list never changes the answer).
INSPECTION_SAMPLE_PER_MILLE = 5


def route(inventory: Inventory, *, needs_review: bool) -> tuple[Route, str]:
    """Where a list that passed matching, quota and tax goes, with the reason."""
    if needs_review:
        return Route.MANUAL_REVIEW, "tax needs an officer (specific-rate goods) / 需人工审核计税"
    if _sampled(inventory):
        return Route.INSPECTION, "random inspection sample / 随机布控查验"
    return Route.RELEASE, "released / 放行"


def _sampled(inventory: Inventory) -> bool:
    """Random sampling rule: a stable hash of the order key picks ~0.5% of lists."""
    head = inventory.head
    digest = hashlib.blake2b(f"{head.ebp_code}|{head.order_no}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % 1000 < INSPECTION_SAMPLE_PER_MILLE
