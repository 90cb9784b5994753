"""The failed-authentication throttle (issue 15): exponential waits per (address, account)
and per address, cleared by a success, never a lock of the account itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tradewindow.parties.throttle import Throttle, ThrottleSettings


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def make(**settings: object) -> tuple[Throttle, Clock]:
    clock = Clock()
    return Throttle(ThrottleSettings(**settings), clock=clock), clock  # type: ignore[arg-type]


def test_waits_double_after_the_free_failures_up_to_the_cap() -> None:
    throttle, clock = make(free_failures=3, max_delay=timedelta(seconds=10))
    keys = throttle.keys("portal", "198.51.100.7", "Clerk")
    waits = []
    for _ in range(8):
        throttle.failed(keys)
        waits.append(throttle.wait(keys))
        clock.now += timedelta(minutes=1)  # past any wait
    seconds = [w.total_seconds() if w else 0 for w in waits]
    assert seconds == [0, 0, 1, 2, 4, 8, 10, 10]


def test_the_account_name_is_matched_as_signed_in() -> None:
    throttle, _ = make(free_failures=1)
    throttle.failed(throttle.keys("portal", "a", " Clerk "))
    assert throttle.wait(throttle.keys("portal", "a", "clerk")) == timedelta(seconds=1)


def test_another_address_is_not_slowed() -> None:
    throttle, _ = make(free_failures=2)
    stranger = throttle.keys("portal", "203.0.113.9", "officer-customs")
    for _ in range(30):
        throttle.failed(stranger)
    assert throttle.wait(stranger) is not None
    assert throttle.wait(throttle.keys("portal", "10.1.1.1", "officer-customs")) is None


def test_one_address_guessing_many_accounts_is_throttled_as_a_whole() -> None:
    throttle, _ = make(free_failures=5, source_free_failures=20)
    for n in range(20):
        throttle.failed(throttle.keys("oauth", "198.51.100.7", f"client-{n}"))
    assert throttle.wait(throttle.keys("oauth", "198.51.100.7", "client-new")) is not None
    assert throttle.wait(throttle.keys("oauth", "198.51.100.8", "client-new")) is None


def test_success_clears_the_pair_and_scopes_are_apart() -> None:
    throttle, _ = make(free_failures=2)
    keys = throttle.keys("api", "a", "key-1")
    throttle.failed(keys)
    throttle.failed(keys)
    assert throttle.wait(keys) is not None
    assert throttle.wait(throttle.keys("portal", "a", "key-1")) is None
    throttle.succeeded(keys)
    assert throttle.wait(keys) is None
