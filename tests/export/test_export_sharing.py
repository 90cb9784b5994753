"""The data-sharing policy's export entries (issue 13 item 7): what each agency sees of an
export filing (every agency × every export kind, generated from the policy file), which
agencies an export list waits for and which are informed of it, and that a routed list is
released only after the agency's decision — pure, then on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import export_set as s
import msgspec
import pytest

from builders import import_set
from tradewindow.agencies.fields import ANY, leaf_paths
from tradewindow.agencies.policy_file import policy_from_text, shipped_policy
from tradewindow.agencies.routing import informed_agencies, required_agencies
from tradewindow.agencies.sharing_policy import PolicyInvalid
from tradewindow.agencies.views import agency_view, personal_data_in
from tradewindow.bootstrap import App, bootstrap
from tradewindow.export import sharing
from tradewindow.export.sharing import ExportFiling
from tradewindow.settings import Settings
from tradewindow.store import open_store

POLICY = shipped_policy()
KINDS = (sharing.ORDER, sharing.RECEIPT, sharing.WAYBILL, sharing.INVENTORY)
MATRIX = [(agency, kind) for agency in POLICY.agencies for kind in KINDS]
FOOD = "2106909090"  # food supplements: on the inspection list


def filing(*gcodes: str, **receipt: Any) -> ExportFiling:
    """The sample filing, its list's lines given ``gcodes`` (the first lines' codes changed,
    as many lines as the sample's when no more are asked for: its totals still agree)."""
    inventory = s.inventory()
    if gcodes:
        items = inventory.items
        template = items[-1]
        lines = [
            msgspec.structs.replace(items[n - 1] if n <= len(items) else template, gnum=n, gcode=g)
            for n, g in enumerate(gcodes, 1)
        ] + items[len(gcodes) :]
        inventory = msgspec.structs.replace(inventory, items=lines)
    return ExportFiling(
        inventory=inventory, order=s.order(), receipt=s.receipt(**receipt), waybill=s.waybill()
    )


def full_documents() -> dict[str, dict[str, Any]]:
    """The sample filing with every optional leaf filled in (a missing field would make
    "exactly the granted fields" pass vacuously)."""
    found = filing().shared()
    for kind, document in found.items():
        for path in leaf_paths(kind):
            _fill(document, path.split("/"), f"filled-{path}")
    return found


def _fill(node: Any, parts: list[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if head == ANY:
        for element in node:
            _fill(element, rest, value)
    elif not rest:
        node.setdefault(head, value)
    else:
        _fill(node[head], rest, value)


def _key_paths(node: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            paths.add(f"{prefix}{key}")
            paths |= _key_paths(value, f"{prefix}{key}/")
    elif isinstance(node, list):
        for element in node:
            paths |= _key_paths(element, f"{prefix.rstrip('/')}/{ANY}/")
    return paths


@pytest.mark.parametrize(("agency", "kind"), MATRIX, ids=[f"{a}-{k}" for a, k in MATRIX])
def test_view_holds_exactly_the_granted_fields(agency: str, kind: str) -> None:
    document = full_documents()[kind]
    granted = POLICY.agencies[agency].grants.get(kind)
    view = agency_view(POLICY, agency, kind, document)
    if granted is None:
        assert view is None
        return
    if kind == sharing.INVENTORY and agency == "inspection_quarantine":
        assert view is None  # no line of the sample list is on the inspection list
        return
    assert view is not None
    paths = _key_paths(view)
    leaves = {p for p in paths if not any(q.startswith(f"{p}/") for q in paths)}
    assert leaves == granted
    assert personal_data_in(POLICY, view) == []  # no export document names a person


def test_customs_receives_every_export_field_and_the_others_what_their_mandate_needs() -> None:
    for kind in KINDS:
        assert POLICY.agencies["customs"].grants[kind] == leaf_paths(kind)
    received = {a: sorted(set(p.grants) & set(KINDS)) for a, p in POLICY.agencies.items()}
    assert received == {
        "customs": sorted(KINDS),
        "inspection_quarantine": [sharing.INVENTORY],
        "border_control": [],
        "taxation": [sharing.INVENTORY],
        "foreign_exchange": [sharing.INVENTORY, sharing.RECEIPT],
        "commerce": [],
    }


def test_export_paths_are_never_import_paths() -> None:
    """So that no policy line grants or routes on an import and an export document at once."""
    for kind in KINDS:
        for other in ("order", "payment", "waybill", "inventory", "tax_bill", "refund"):
            assert not leaf_paths(kind) & leaf_paths(other), (kind, other)


def test_inspection_sees_only_the_inspected_lines_of_an_export_list() -> None:
    documents = filing("8518300000", FOOD, "6110200090").shared()
    view = agency_view(POLICY, "inspection_quarantine", sharing.INVENTORY,
                       documents[sharing.INVENTORY])  # fmt: skip
    assert view is not None
    lines = view["Inventory"]["InventoryList"]
    assert [(line["gnum"], line["gcode"]) for line in lines] == [(2, FOOD)]
    assert "totalPrice" not in lines[0]
    assert view["Inventory"]["InventoryHead"]["country"] == "502"  # the destination
    for kind in (sharing.ORDER, sharing.RECEIPT, sharing.WAYBILL):
        assert agency_view(POLICY, "inspection_quarantine", kind, documents[kind]) is None


def test_foreign_exchange_sees_the_receipt_of_payment_taxation_the_rebate_data() -> None:
    documents = filing().shared()
    fx = agency_view(POLICY, "foreign_exchange", sharing.RECEIPT, documents[sharing.RECEIPT])
    assert fx == {
        "Receipts": {
            "ebpCode": s.EBP_CODE, "ebpName": s.EBP_NAME, "ebcCode": s.EBC_CODE,
            "ebcName": s.EBC_NAME, "orderNo": s.ORDER_NO, "payCode": s.PAY_CODE,
            "payName": "湾区支付科技有限公司", "payNo": "PAYE2026031009300001",
            "charge": "435.00", "currency": "142", "accountingDate": "20260310092800",
        }
    }  # fmt: skip
    tax = agency_view(POLICY, "taxation", sharing.INVENTORY, documents[sharing.INVENTORY])
    assert tax is not None
    assert [(x["gcode"], x["qty"], x["totalPrice"]) for x in tax["Inventory"]["InventoryList"]] == [
        ("8518300000", "2", "240.00"), ("6110200090", "1", "160.00"),
    ]  # fmt: skip
    assert agency_view(POLICY, "taxation", sharing.RECEIPT, documents[sharing.RECEIPT]) is None


# --- routing and notices ---------------------------------------------------------------------


def test_an_export_list_of_inspected_goods_needs_export_inspection() -> None:
    assert required_agencies(POLICY, filing(FOOD).shared()) == ["customs", "inspection_quarantine"]
    assert required_agencies(POLICY, filing().shared()) == ["customs"]


@pytest.mark.parametrize(
    "receipt", [{}, {"charge": Decimal("30000.00")}, {"currency": "502"}]
)  # fmt: skip
def test_foreign_exchange_is_informed_of_export_receipts_and_never_holds_a_parcel(
    receipt: dict[str, Any],
) -> None:
    """Its rules read import payments only: an export filing, however large its receipt of
    payment or in whatever currency, is one it is told of, never one it decides."""
    documents = filing(**receipt).shared()
    assert "foreign_exchange" not in required_agencies(POLICY, documents)
    assert informed_agencies(POLICY, documents) == ["taxation", "foreign_exchange"]


def test_an_export_by_road_is_not_routed_by_the_import_border_rule() -> None:
    by_road = ExportFiling(inventory=s.inventory(traf_mode="4"), order=s.order())
    assert required_agencies(POLICY, by_road.shared()) == ["customs"]


def test_taxation_and_foreign_exchange_are_informed_of_every_export_filing() -> None:
    for documents in (filing().shared(), filing(FOOD).shared()):
        assert informed_agencies(POLICY, documents) == ["taxation", "foreign_exchange"]


def test_an_import_filing_informs_as_before() -> None:
    """Foreign exchange decides on import payments: not informed of an import filing."""
    parcel = import_set()
    documents = {
        kind: msgspec.to_builtins(getattr(parcel, kind))
        for kind in ("order", "payment", "waybill", "inventory")
    }
    assert informed_agencies(POLICY, documents) == ["taxation"]


def test_the_export_routing_leaves_customs_to_the_arrival() -> None:
    routing = sharing.policy_routing(lambda documents: required_agencies(POLICY, documents))
    assert routing(filing()) == frozenset()
    assert routing(filing(FOOD, currency="502")) == {"inspection_quarantine"}


# --- the policy file ---------------------------------------------------------------------------

_SMALL = """
policy_version = "t"
effective_from = 2026-03-01
[lists]
inspection_hs = ["21"]
[agencies.customs]
name_en = "Customs"
name_zh = "海关"
route_when = "always"
[agencies.inspection]
name_en = "Inspection"
name_zh = "检验检疫"
[agencies.inspection.only_lines]
{lines}
[agencies.inspection.receives.export_inventory]
"Inventory/InventoryList/*" = ["gnum", "gcode"]
{more}
"""


def test_only_lines_takes_one_condition_per_kind_of_list() -> None:
    both = _SMALL.format(
        lines='"InventoryList/*/gcode" = { prefix_in = "inspection_hs" }\n'
        '"Inventory/InventoryList/*/gcode" = { prefix_in = "inspection_hs" }',
        more='[agencies.inspection.receives.inventory]\n"InventoryList/*" = ["gnum", "gcode"]',
    )
    policy = policy_from_text(both)
    assert set(policy.agencies["inspection"].lines_of) == {"inventory", sharing.INVENTORY}
    lines_only = _SMALL.format(
        lines='"Inventory/InventoryList/*/gcode" = { prefix_in = "inspection_hs" }',
        more='[agencies.inspection.receives.export_receipt]\nReceipts = ["charge"]',
    )
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(lines_only)
    assert refused.value.violations[0].code == "policy.only_lines.other_kind"
    twice = _SMALL.format(
        lines='"Inventory/InventoryList/*/gcode" = { prefix_in = "inspection_hs" }\n'
        '"Inventory/InventoryList/*/gnum" = { in = ["1"] }',
        more="",
    )
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_text(twice)
    assert refused.value.violations[0].code == "policy.only_lines.invalid"


# --- through export clearance, SQLite and PostgreSQL -------------------------------------------

AT = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    settings = msgspec.structs.replace(
        Settings.from_env(), database_url=database_url, data_dir=tmp_path / "var"
    )
    built = bootstrap(settings, store=open_store(database_url), clock=lambda: AT)
    try:
        yield built
    finally:
        built.close()


def _status(app: App, invt_no: str) -> str:
    with app.store.export.reading() as records:
        found = records.list_by_invt_no(invt_no)
    assert found is not None
    return found.status.value


def test_a_routed_export_list_is_released_only_after_the_agencies_decide(app: App) -> None:
    """A list of food supplements waits, after its arrival, for export inspection; released
    when it has released it. Paid in US dollars, it waits for nobody else."""
    for message in (
        s.message("CEB303"), s.message("CEB403", s.receipt(currency="502")),
        s.message("CEB505"), s.message("CEB603", filing(FOOD).inventory),
        s.message("CEB507", s.arrival()),
    ):  # fmt: skip
        app.export(message, "operator:test", AT)
    with app.store.export.reading() as records:
        (waiting,) = records.waiting_for_agency("inspection_quarantine")
    invt_no = waiting.invt_no
    assert invt_no is not None
    assert waiting.facts.agencies_pending == {"inspection_quarantine"}
    assert _status(app, invt_no) == "arrived"
    app.export.decide(invt_no, "inspection_quarantine", True, AT + timedelta(hours=1))
    assert _status(app, invt_no) == "released"


def _file_food_set(app: App, **receipt: Any) -> str:
    """A list of food supplements with its documents and arrival; its invtNo."""
    for message in (
        s.message("CEB303"), s.message("CEB403", s.receipt(**receipt)), s.message("CEB505"),
        s.message("CEB603", filing(FOOD).inventory), s.message("CEB507", s.arrival()),
    ):  # fmt: skip
        app.export(message, "operator:test", AT)
    with app.store.export.reading() as records:
        (waiting,) = records.waiting_for_agency("inspection_quarantine")
    assert waiting.invt_no is not None
    return waiting.invt_no


FILING = sharing.filing_key(f"{s.EBP_CODE}|{s.ORDER_NO}")


def test_an_export_list_is_a_task_of_inspection_and_a_notice_of_taxation(app: App) -> None:
    """Routed in the transaction that accepts it: inspection's task, cut to the inspected
    line; taxation's notice, the rebate data; no customs task (it decides by the arrival)."""
    _file_food_set(app)
    (task,) = app.desk.list_tasks("inspection_quarantine").tasks
    assert task.filing == FILING
    assert app.desk.list_tasks("customs").tasks == []
    seen = app.desk.view("inspection_quarantine", task.id)
    assert list(seen.documents) == [sharing.INVENTORY]
    lines = seen.documents[sharing.INVENTORY]["Inventory"]["InventoryList"]
    assert [line["gcode"] for line in lines] == [FOOD]
    assert seen.personal_data == []
    (notice,) = app.desk.notices.list("taxation").notices
    told = app.desk.notices.view("taxation", notice.id)
    assert list(told.documents) == [sharing.INVENTORY]
    assert "totalPrice" in told.documents[sharing.INVENTORY]["Inventory"]["InventoryList"][0]


def test_an_officers_decision_on_the_desk_moves_the_export_list(app: App) -> None:
    invt_no = _file_food_set(app)
    (task,) = app.desk.list_tasks("inspection_quarantine").tasks
    app.desk.claim("inspection_quarantine", "officer-1", task.id)
    app.desk.decide("inspection_quarantine", "officer-1", task.id, "inspect", "sample it")
    app.export.settle(FILING, AT + timedelta(hours=1))
    assert _status(app, invt_no) == "arrived"  # an inspection is no conclusion
    app.desk.decide("inspection_quarantine", "officer-1", task.id, "release", None)
    answer = app.export.settle(FILING, AT + timedelta(hours=2))
    assert [r.return_status for a in answer.receipts for r in a.receipt.returns] == ["800"]  # type: ignore[union-attr]
    assert _status(app, invt_no) == "released"


def test_a_refusal_on_the_desk_holds_the_export_list(app: App) -> None:
    invt_no = _file_food_set(app)
    (task,) = app.desk.list_tasks("inspection_quarantine").tasks
    app.desk.claim("inspection_quarantine", "officer-1", task.id)
    app.desk.decide("inspection_quarantine", "officer-1", task.id, "refuse", "label missing")
    app.export.settle(FILING, AT + timedelta(hours=1))
    assert _status(app, invt_no) == "held"


def test_a_decision_over_the_export_api_concludes_the_agencys_task(app: App) -> None:
    invt_no = _file_food_set(app)
    app.export.decide(invt_no, "inspection_quarantine", True, AT + timedelta(hours=1))
    (task,) = app.desk.list_tasks("inspection_quarantine").tasks
    assert (task.status.value, task.decision) == ("decided", "release")
    assert _status(app, invt_no) == "released"


def test_a_cancelled_export_list_closes_its_open_tasks(app: App) -> None:
    invt_no = _file_food_set(app)
    app.export(s.message("CEB605", s.cancel(invt_no)), "operator:test", AT + timedelta(hours=1))
    (task,) = app.desk.list_tasks("inspection_quarantine").tasks
    assert (task.status.value, task.decision, task.officer) == (
        "decided", "refuse", "export-lifecycle",
    )  # fmt: skip
    assert _status(app, invt_no) == "cancelled"


def test_the_work_list_names_an_export_tasks_goods_and_why_it_came(app: App) -> None:
    _file_food_set(app)
    (task,) = app.desk.list_tasks("inspection_quarantine").tasks
    item = app.desk.item("inspection_quarantine", task.id)
    assert item.goods is not None
    assert (item.goods.lines, item.goods.order_no, item.goods.logistics_no) == (
        1, s.ORDER_NO, s.LOGISTICS_NO,
    )  # fmt: skip
    assert item.goods.invt_no is not None
    assert [(r.path, r.found) for r in item.reasons] == [("Inventory/InventoryList/*/gcode", FOOD)]
