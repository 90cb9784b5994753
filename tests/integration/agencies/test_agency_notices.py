"""Informed agencies' notices on SQLite and PostgreSQL: routing after CBEC release informs
taxation (once, in the caller's transaction, never in the combined status); the notice's view
is cut by the policy in force now; listing filters, sorts and pages; another agency's notice is
not found."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest
from agency_desk_setup import clear, key, parcel, route, stored_tax_bill
from sqlalchemy import func, select

from tradewindow.agencies import errors
from tradewindow.agencies.fields import ANY
from tradewindow.agencies.notices import NoticeSort
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.ports import AGENCY_ROUTING
from tradewindow.agencies.queue import MAX_PAGE_SIZE, AgencyDesk
from tradewindow.agencies.sharing_policy import Policy, parse_policy
from tradewindow.agencies.status import Decision, FilingStatus
from tradewindow.store import SqlStore
from tradewindow.store.agencies.tables import agency_notices

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def policy_with(edit: Callable[[dict[str, Any]], None]) -> Policy:
    """The shipped policy file with ``edit`` applied to its table."""
    text = resources.files("tradewindow.agencies").joinpath("policy.toml").read_text("utf-8")
    table = tomllib.loads(text)
    edit(table)
    return parse_policy(table)


@pytest.fixture
def desk(store: SqlStore) -> AgencyDesk:
    return AgencyDesk(store.agencies, shipped_policy(), clock=Clock())


def notice_count(store: SqlStore) -> int:
    with store.engine.connect() as connection:
        query = select(func.count()).select_from(agency_notices)
        count: int = connection.execute(query).scalar_one()
    return count


def key_paths(node: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(node, dict):
        for name, value in node.items():
            paths.add(f"{prefix}{name}")
            paths |= key_paths(value, f"{prefix}{name}/")
    elif isinstance(node, list):
        for element in node:
            paths |= key_paths(element, f"{prefix.rstrip('/')}/{ANY}/")
    return paths


def test_a_routed_filing_informs_taxation_once_and_never_waits_for_it(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)

    tasks = route(desk, store, first)

    assert [t.agency for t in tasks] == ["customs", "inspection_quarantine"]
    (notice,) = desk.notices.list("taxation").notices
    assert (notice.filing, notice.agency, notice.policy_version) == (
        key(first), "taxation", shipped_policy().version,
    )  # fmt: skip
    assert route(desk, store, first) == tasks  # routing again adds nothing
    assert notice_count(store) == 1
    status = desk.combined_status(key(first))
    assert [o.agency for o in status.agencies] == ["customs", "inspection_quarantine"]
    for task in tasks:
        desk.claim(task.agency, "officer", task.id)
        desk.decide(task.agency, "officer", task.id, Decision.RELEASE, None)
    assert desk.combined_status(key(first)).status is FilingStatus.RELEASED  # not waiting
    assert desk.notices.list("taxation").notices == [notice]  # and the notice stays


def test_informing_in_the_callers_transaction_is_undone_with_it(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)
    with store.unit_of_work() as uow:
        desk.route_released_list(key(first), first.inventory, routing=uow.part(AGENCY_ROUTING))
        # no commit: the unit of work rolls back
    assert notice_count(store) == 0
    with store.unit_of_work() as uow:
        desk.route_released_list(key(first), first.inventory, routing=uow.part(AGENCY_ROUTING))
        uow.commit()
    assert notice_count(store) == 1


def test_a_notice_is_cut_to_the_agencys_share(store: SqlStore, desk: AgencyDesk) -> None:
    first = parcel(1)
    clear(store, first)
    route(desk, store, first)
    (notice,) = desk.notices.list("taxation").notices

    seen = desk.notices.view("taxation", notice.id)

    assert seen.notice == notice
    assert sorted(seen.documents) == ["inventory", "order", "tax_bill"]
    granted = desk_policy_grants("taxation")
    for kind, document in seen.documents.items():
        assert key_paths(document) <= granted[kind], kind
    bill = stored_tax_bill(store, first)
    assert bill is not None
    shown = seen.documents["tax_bill"]["TaxHeadRd"]
    assert shown["taxNo"] == bill.head.tax_no
    assert shown["valueAddedTax"] == str(bill.head.value_added_tax)
    assert "guid" not in shown
    assert "buyerName" not in seen.documents["inventory"]["InventoryHead"]
    assert "buyerIdNumber" not in seen.documents["order"]["OrderHead"]
    assert seen.personal_data == []
    assert seen.policy_version == shipped_policy().version


def desk_policy_grants(agency: str) -> dict[str, set[str]]:
    """Every key path a view of ``agency`` may hold, by kind (granted leaves and containers)."""
    found: dict[str, set[str]] = {}
    for kind, leaves in shipped_policy().agencies[agency].grants.items():
        containers = {
            "/".join(p.split("/")[:n]) for p in leaves for n in range(1, p.count("/") + 1)
        }
        found[kind] = set(leaves) | containers
    return found


def test_a_notice_names_the_personal_data_it_shows(store: SqlStore) -> None:
    def give_taxation_the_buyer(table: dict[str, Any]) -> None:
        table["agencies"]["taxation"]["receives"]["order"]["OrderHead"].append("buyerName")

    desk = AgencyDesk(store.agencies, policy_with(give_taxation_the_buyer), clock=Clock())
    first = parcel(1)
    clear(store, first)
    route(desk, store, first)
    (notice,) = desk.notices.list("taxation").notices

    seen = desk.notices.view("taxation", notice.id)

    assert seen.documents["order"]["OrderHead"]["buyerName"] == "王小明"
    assert seen.personal_data == ["OrderHead/buyerName"]


def test_a_tightened_policy_applies_to_notices_made_before_it(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)
    route(desk, store, first)
    (notice,) = desk.notices.list("taxation").notices

    def tax_bills_only(table: dict[str, Any]) -> None:
        receives = table["agencies"]["taxation"]["receives"]
        del receives["order"], receives["inventory"]

    later = AgencyDesk(store.agencies, policy_with(tax_bills_only), clock=Clock())
    assert list(later.notices.view("taxation", notice.id).documents) == ["tax_bill"]


def test_another_agencys_notice_is_not_found(store: SqlStore, desk: AgencyDesk) -> None:
    first = parcel(1)
    clear(store, first)
    route(desk, store, first)
    (notice,) = desk.notices.list("taxation").notices

    def code(call: Callable[[], object]) -> str:
        with pytest.raises(errors.AgencyError) as refused:
            call()
        return refused.value.code

    assert code(lambda: desk.notices.view("customs", notice.id)) == "agency.notice.not_found"
    assert code(lambda: desk.notices.view("foreign_exchange", notice.id)) == (
        "agency.notice.not_found"
    )
    assert code(lambda: desk.notices.view("taxation", 987654)) == "agency.notice.not_found"
    assert isinstance(errors.notice_not_found(1), errors.NotFound)
    # deciding agencies are never informed: their listings are empty
    for agency in ("customs", "inspection_quarantine", "border_control", "foreign_exchange"):
        assert desk.notices.list(agency).notices == []
        assert desk.notices.count(agency) == 0


def test_listing_notices_filters_sorts_and_pages(store: SqlStore, desk: AgencyDesk) -> None:
    parcels = [parcel(n) for n in range(1, 6)]
    clear(store, *parcels)
    for p in reversed(parcels):  # routed newest order number first
        route(desk, store, p)
    keys = [key(p) for p in reversed(parcels)]  # in routing order

    first = desk.notices.list("taxation", page=1, size=2)
    second = desk.notices.list("taxation", page=2, size=2)
    third = desk.notices.list("taxation", page=3, size=2)
    assert [len(p.notices) for p in (first, second, third)] == [2, 2, 1]
    assert [p.has_more for p in (first, second, third)] == [True, True, False]
    assert [n.filing for p in (first, second, third) for n in p.notices] == keys
    assert desk.notices.count("taxation") == 5

    newest = desk.notices.list("taxation", sort=NoticeSort.NEWEST)
    assert [n.filing for n in newest.notices] == keys[::-1]
    by_filing = desk.notices.list("taxation", sort="filing")
    assert [n.filing for n in by_filing.notices] == sorted(keys)

    wanted = key(parcels[2])
    lower = wanted.split("|")[1].lower()
    assert [n.filing for n in desk.notices.list("taxation", filing=f" {lower} ").notices] == [
        wanted
    ]
    assert desk.notices.count("taxation", filing=lower) == 1
    # the officer's "%" and "_" are characters, not wildcards
    assert desk.notices.list("taxation", filing="%").notices == []
    assert desk.notices.list("taxation", filing="SO_026").notices == []
    assert desk.notices.count("taxation", filing="_") == 0

    assert desk.notices.list("taxation", size=10_000).size == MAX_PAGE_SIZE
    assert desk.notices.list("taxation", page=0).page == 1
    with pytest.raises(ValueError, match="sideways"):
        desk.notices.list("taxation", sort="sideways")
