"""CEB411 payment (支付单) rules beyond the XSD facets."""

from __future__ import annotations

from tradewindow.cbec.documents import Payment
from tradewindow.cbec.rules import codes
from tradewindow.cbec.rules import head as common
from tradewindow.cbec.rules.context import Context, not_positive
from tradewindow.cbec.rules.fields import PAYMENT_HEAD, FacetTable
from tradewindow.violations import Violation

_HEAD = FacetTable(PAYMENT_HEAD)


def check_payment(payment: Payment, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of ``payment`` (the document at path ``at``) to ``out``."""
    head, head_at = payment.head, f"{at}/PaymentHead"
    _HEAD.check(head, head_at, ctx.message_type, out)
    common.guid_uppercase(head.guid, head_at, ctx, out)
    common.app_type_allowed(head.app_type, head_at, ctx, out)
    common.app_status_allowed(head.app_status, head_at, ctx, out)
    common.time_sane(head.app_time, "appTime", head_at, ctx, out)
    common.time_sane(head.pay_time, "payTime", head_at, ctx, out)
    common.id_type_allowed(head.payer_id_type, "payerIdType", head_at, ctx, out)
    common.id_number_valid(
        head.payer_id_type, head.payer_id_number, "payerIdNumber", head_at, ctx, out
    )
    codes.currency_known(head.currency, head_at, ctx, out)
    amount_paid_positive(payment, head_at, ctx, out)


def amount_paid_positive(payment: Payment, at: str, ctx: Context, out: list[Violation]) -> None:
    """amountPaid > 0: a payment voucher records money actually paid.

    Source: spec 202205 表 3-10, 支付金额; 表 3-3 实际支付金额 "与支付凭证的支付金额一致".
    """
    if payment.head.amount_paid <= 0:
        out.append(not_positive("amountPaid", payment.head.amount_paid, f"{at}/amountPaid", ctx))
