"""check_message and match never raise, whatever values of the declared types they meet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_checks import check

import builders as b
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.matching import match

_text = st.one_of(
    st.text(max_size=70),
    st.sampled_from(["", "1", "I", "142", "9610", "1210", "20260301120000", "20260301"]),
    st.text(alphabet="0123456789X", min_size=18, max_size=18),
)
_decimal = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.sampled_from([Decimal("sNaN"), Decimal("1E+999999"), Decimal("-1E-999999")]),
)
_int = st.one_of(st.integers(), st.integers(min_value=-3, max_value=120))


def _value(annotation: str) -> st.SearchStrategy[Any]:
    base = {"str": _text, "Decimal": _decimal, "int": _int}[annotation.split(" | ")[0]]
    return st.one_of(st.none(), base) if annotation.endswith("| None") else base


def _mutate(struct: Any, data: st.DataObject) -> Any:
    """``struct`` with a random subset of its scalar fields replaced by random values."""
    changes = {}
    for name, annotation in type(struct).__annotations__.items():
        scalar = annotation in ("str", "Decimal", "int") or annotation.endswith("| None")
        if scalar and data.draw(st.booleans()):
            changes[name] = data.draw(_value(annotation))
    return msgspec.structs.replace(struct, **changes)


def _document(doc: Any, data: st.DataObject) -> Any:
    changes: dict[str, Any] = {"head": _mutate(doc.head, data)}
    if hasattr(doc, "items"):
        changes["items"] = [_mutate(item, data) for item in doc.items]
    return msgspec.structs.replace(doc, **changes)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(list(SpecVersion)))
def test_check_message_never_raises(data: st.DataObject, spec: SpecVersion) -> None:
    s = b.import_set(trade_mode=data.draw(st.sampled_from(["9610", "1210"])))
    order, payment, waybill, inventory = (
        _document(doc, data) for doc in (s.order, s.payment, s.waybill, s.inventory)
    )
    messages = (
        b.order_message(order),
        b.payment_message(payment),
        b.waybill_message(waybill),
        b.inventory_message(inventory),
    )
    for message in messages:
        envelope = msgspec.structs.replace(
            message,
            guid=data.draw(_text),
            version=data.draw(_text),
            base_transfer=_mutate(message.base_transfer, data),
        )
        result = check(envelope, spec=spec)
        for violation in [*result.message, *(v for vs in result.documents.values() for v in vs)]:
            assert violation.code.startswith(message.__struct_config__.tag)  # type: ignore[operator]
            assert violation.en
            assert violation.zh
    matched = match(inventory, order=order, payment=payment, waybill=waybill)
    assert matched.missing == []
