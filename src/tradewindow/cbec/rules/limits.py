"""The single-transaction limit of CBEC retail imports, judged on the document itself.

An order (CEB311) or inventory list (CEB621) whose value alone is over the limit of the
dated policy (:mod:`tradewindow.cbec.retail_policy`) can never clear through the CBEC channel,
so it is reported with every other fault of the document, when it is checked — not only
once a list's companions have arrived and every other rule has passed. The annual limit,
which depends on what the buyer bought before, stays with the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tradewindow.cbec.documents import parse_day
from tradewindow.cbec.retail_policy import CbecPolicy, Line, over_transaction_limit, policy_on
from tradewindow.cbec.rules.context import Context
from tradewindow.violations import Violation

FEN = Decimal("0.01")
_DOCUMENT_ZH = {"CEB311": "订单", "CEB621": "清单"}


def within_transaction_limit(
    lines: Sequence[Line],
    value: Decimal,
    day: str,
    path: str,
    ctx: Context,
    out: list[Violation],
) -> None:
    """The transaction value (goods, freight and insurance) is within the single-transaction
    limit in force on ``day`` (``yyyyMMdd…``), or the document is the single indivisible item
    that may clear at full tax.

    Source: 财关税〔2016〕18号, 二 (the value: "以实际交易价格（包括货物零售价格、运费和保险费）
    作为完税价格") and 三 (limit 2000 CNY); 财关税〔2018〕49号, 一 (5000 CNY from 2019-01-01) and
    二 (a single item over it clears at full tax, within the annual limit).
    """
    found = parse_day(day[:8])
    policy = policy_on(found) if found is not None else None
    if policy is None:  # a bad day is its own fault; before 2016-04-08 the decision says so
        return
    if over_transaction_limit(policy, lines, value):
        out.append(transaction_limit_violation(policy, value, path, ctx.message_type))


def transaction_limit_violation(
    policy: CbecPolicy, value: Decimal, path: str, message_type: str
) -> Violation:
    """``<type>.quota.transaction_limit``, naming the value, the limit and the notice."""
    single = " and it is not a single item of quantity 1" * policy.single_item_full_tax
    return Violation(
        path=path,
        code=f"{message_type}.quota.transaction_limit",
        en=f"the transaction value CNY {_show(value)} (goods, freight and insurance) "
        f"exceeds the per-transaction limit of CNY {_show(policy.transaction_limit)}"
        f"{single} ({policy.source})",
        zh=f"{_DOCUMENT_ZH.get(message_type, '')}的购买金额[{_show(value)}]超过单笔限额"
        f"[{_show(policy.transaction_limit)}]（{policy.source}）",
    )


def _show(amount: Decimal) -> str:
    return f"{amount:.2f}" if amount == amount.quantize(FEN) else str(amount)
