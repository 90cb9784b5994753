"""Callback signing, back-off and Retry-After, and the egress guard (no network)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta

import pytest

from tradewindow.logistics.callbacks import RetryPolicy, retry_after, signature
from tradewindow.logistics.guard import EgressGuard, EgressRefused, SecretBox


def test_signature_matches_an_independent_hmac() -> None:
    secret = bytes(range(32))
    body = b'[{"eventID":"1"}]'
    expected = hmac.HMAC(secret, body, hashlib.sha256).hexdigest()
    assert signature(secret, body) == f"sha256={expected}"


def test_back_off_doubles_from_60_seconds_to_a_24_hour_cap() -> None:
    policy = RetryPolicy()
    delays = [policy.delay(n).total_seconds() for n in range(1, 14)]
    assert delays[:6] == [60, 120, 240, 480, 960, 1920]
    assert delays[-1] == 86_400
    assert max(delays) == 86_400


def test_back_off_is_configurable() -> None:
    policy = RetryPolicy(first=timedelta(seconds=5), cap=timedelta(seconds=30))
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 30, 30]


def test_retry_after_in_seconds_and_as_a_date() -> None:
    now = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)
    assert retry_after("120", now) == timedelta(seconds=120)
    assert retry_after("Fri, 14 Mar 2025 08:05:00 GMT", now) == timedelta(minutes=5)
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


def fixed(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host: list(addresses)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fd00::5", "private"),
        ("0.0.0.0", "unspecified"),  # noqa: S104  (the address under test)
        ("::ffff:10.0.0.1", "private"),
        # issue 15: accepted by the former range-list guard
        ("100.100.100.200", "carrier-grade NAT"),  # a cloud metadata service
        ("100.64.0.1", "carrier-grade NAT"),
        ("::ffff:100.100.100.200", "IPv4-mapped of 100.100.100.200"),
        ("2002:a00:1::", "6to4 of 10.0.0.1"),
        ("64:ff9b::a00:1", "NAT64 of 10.0.0.1"),
        ("64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo of 10.0.0.1"),
        ("::a00:1", "deprecated IPv4-compatible"),
        ("192.0.2.1", "private"),  # documentation (TEST-NET-1)
        ("198.18.0.1", "private"),  # benchmarking
        ("224.0.0.1", "multicast"),
        ("ff0e::1", "multicast"),
        ("2001:db8::1", "private"),  # documentation
    ],
)
def test_ssrf_refuses_non_public_addresses(address: str, reason: str) -> None:
    guard = EgressGuard(resolver=fixed(address))
    [violation] = guard.check("https://callback.example.com/tnt")
    assert violation.code == "TNT.callbackUrl.forbiddenAddress"
    assert reason in violation.en


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "2606:4700::1", "2002:5db8:d822::", "64:ff9b::5db8:d822", "::ffff:1.1.1.1"],
)
def test_globally_routable_unicast_is_accepted_also_inside_ipv6_forms(address: str) -> None:
    assert EgressGuard(resolver=fixed(address)).check("https://x.example/cb") == []


def test_allow_list_opens_only_the_networks_it_names() -> None:
    allow = [ipaddress.ip_network("10.20.0.0/16")]
    assert EgressGuard(allow=allow, resolver=fixed("10.20.3.4")).check("http://erp.lan/cb") == []
    assert EgressGuard(allow=allow, resolver=fixed("::ffff:10.20.3.4")).check("http://e/cb") == []
    assert EgressGuard(allow=allow, resolver=fixed("10.21.0.1")).check("http://erp.lan/cb")
    assert EgressGuard(allow=allow, resolver=fixed("100.100.100.200")).check("http://m/cb")


@pytest.mark.parametrize(
    ("url", "address", "pinned", "host"),
    [
        (
            "https://cb.example.com/tnt?x=1",
            "93.184.216.34",
            "https://93.184.216.34/tnt?x=1",
            "cb.example.com",
        ),
        (
            "http://cb.example.com:8080/a",
            "2606:4700::1",
            "http://[2606:4700::1]:8080/a",
            "cb.example.com:8080",
        ),
        ("http://[2606:4700::1]/a", "2606:4700::1", "http://[2606:4700::1]/a", "[2606:4700::1]"),
    ],
)
def test_admitted_destination_is_pinned_to_the_checked_address(
    url: str, address: str, pinned: str, host: str
) -> None:
    destination = EgressGuard(resolver=fixed(address, "93.184.216.35")).admit(url)
    assert destination.address == address
    assert destination.pinned_url == pinned
    assert destination.host_header == host


def test_admission_resolves_once() -> None:
    calls: list[str] = []

    def counting(host: str) -> list[str]:
        calls.append(host)
        return ["93.184.216.34"]

    EgressGuard(resolver=counting).admit("https://cb.example.com/x")
    assert calls == ["cb.example.com"]


def test_refusal_raises_with_the_violation() -> None:
    with pytest.raises(EgressRefused) as refused:
        EgressGuard(resolver=fixed("100.64.0.1")).admit("https://cb.example.com/x")
    assert [v.code for v in refused.value.violations] == ["TNT.callbackUrl.forbiddenAddress"]


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    guard = EgressGuard(resolver=fixed("93.184.216.34", "10.0.0.8"))
    assert [v.code for v in guard.check("https://x.example/cb")] == [
        "TNT.callbackUrl.forbiddenAddress"
    ]


def test_public_address_is_accepted() -> None:
    assert EgressGuard(resolver=fixed("93.184.216.34")).check("https://x.example/cb") == []


def test_loopback_allowed_only_by_setting() -> None:
    guard = EgressGuard(allow_loopback=True, resolver=fixed("127.0.0.1"))
    assert guard.check("http://127.0.0.1:8080/cb") == []
    # the setting opens loopback, nothing else
    assert EgressGuard(allow_loopback=True, resolver=fixed("10.0.0.1")).check("http://a/cb")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/x", "TNT.callbackUrl.scheme"),
        ("file:///etc/passwd", "TNT.callbackUrl.scheme"),
        ("https://user:pw@example.com/x", "TNT.callbackUrl.credentials"),
    ],
)
def test_url_shape_refusals(url: str, code: str) -> None:
    assert [v.code for v in EgressGuard(resolver=fixed("93.184.216.34")).check(url)] == [code]


def test_unresolvable_host_is_refused() -> None:
    def fail(host: str) -> list[str]:
        raise OSError("no such host")

    assert [v.code for v in EgressGuard(resolver=fail).check("https://nx.example/")] == [
        "TNT.callbackUrl.unresolvable"
    ]


def test_secret_box_round_trip_and_key_rotation() -> None:
    old = SecretBox.generate()
    sealed = old.seal(b"s3cret-bytes")
    assert b"s3cret" not in sealed
    assert old.open(sealed) == b"s3cret-bytes"
    other = SecretBox.generate()
    with pytest.raises(ValueError, match="no longer set"):
        other.open(sealed)
