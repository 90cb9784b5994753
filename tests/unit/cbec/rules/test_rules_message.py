"""Envelope rules (guid, version, document count) and check_message's contract."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest
from rule_checks import check, found

import builders as b
from tradewindow.cbec.rules import MAX_DOCUMENTS


def test_message_guid_wrong_length() -> None:
    message = b.order_message(guid_="ABC-123")
    assert found(message) == [("CEB311.guid.wrong_length", "@guid")]


def test_message_guid_uppercase() -> None:
    message = b.payment_message(guid_=b.guid("m").lower())
    assert found(message) == [("CEB411.guid.not_uppercase", "@guid")]


def test_message_version_present() -> None:
    message = msgspec.structs.replace(b.waybill_message(), version="")
    assert found(message) == [("CEB511.version.required", "@version")]
    message = msgspec.structs.replace(b.waybill_message(), version="1.0.0.0.0.0")
    assert found(message) == [("CEB511.version.too_long", "@version")]


def test_count_allowed_too_many_documents() -> None:
    payments = [b.payment(order_no=f"SO{n:04d}") for n in range(MAX_DOCUMENTS + 1)]
    result = check(b.payment_message(*payments))
    assert [(v.code, v.path) for v in result.message] == [("CEB411.Payment.too_many", "Payment")]
    assert result.documents == {}
    assert found(b.payment_message(*payments[:MAX_DOCUMENTS])) == []


def test_count_allowed_no_document() -> None:
    message = msgspec.structs.replace(b.inventory_message(), inventories=[])
    assert found(message) == [("CEB621.Inventory.empty", "Inventory")]


def test_envelope_violations_are_apart_from_documents() -> None:
    message = b.order_message(b.order(), b.order(order_no="SO-2", order_type="X"), guid_="SHORT")
    result = check(message)
    assert [v.code for v in result.message] == ["CEB311.guid.wrong_length"]
    assert list(result.documents) == [1]
    assert result.documents[1][0].path == "Order[2]/OrderHead/orderType"
    assert not result.clean


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check(b.order_message(), now=datetime(2026, 3, 1, 12))  # noqa: DTZ001 - the point


def test_now_in_another_zone_is_the_same_instant() -> None:

    utc_now = b.NOW.astimezone(UTC)  # 04:00 UTC, same instant as 12:00 China time
    message = b.order_message(b.order(app_time="20260302120001"))
    assert found(message, now=utc_now) == [
        ("CEB311.appTime.in_future", "Order[1]/OrderHead/appTime")
    ]


def test_guids_unique() -> None:
    """Two documents of one message sharing a guid are both refused, each naming the other."""
    shared = b.guid("shared")
    message = b.order_message(
        b.order(order_no="SO-1", guid=shared),
        b.order(order_no="SO-2"),
        b.order(order_no="SO-3", guid=shared.lower().upper()),
    )
    result = check(message)
    assert [(v.code, v.path) for v in result.documents[0]] == [
        ("CEB311.guid.duplicate", "Order[1]/OrderHead/guid")
    ]
    assert "Order[3]" in result.documents[0][0].en
    assert [(v.code, v.path) for v in result.documents[2]] == [
        ("CEB311.guid.duplicate", "Order[3]/OrderHead/guid")
    ]
    assert 1 not in result.documents
    lists = b.inventory_message(b.inventory(), b.inventory(guid=b.inventory().head.guid))
    assert [v.code for v in check(lists).documents[1]] == ["CEB621.guid.duplicate"]
