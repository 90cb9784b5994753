"""The portal's export pages over HTTP, on SQLite and PostgreSQL: the export list form checked
live by the core's rules and filed; the firm's own lists with their statuses (nobody else's);
the summary previewed (merged lines, deadlines, the overdue lists) and filed (CEB702, CEB792);
overseas warehouses registered with every fault beside its field and a 9810 list checked
against them; the export inspection workbench deciding a list routed to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import export_set as s
import pytest
from export_world import SELLER_CLERK, World, exporters_world, file_as, form_of
from litestar.testing import TestClient
from portal_world import csrf_of, sign_in

from tradewindow.cbec.documents import CHINA_TZ

CHECKED = re.compile(r'data-total="(\d+)"')


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    opened = exporters_world(database_url, tmp_path)
    yield opened
    opened.window.close()


@pytest.fixture
def client(world: World) -> Iterator[TestClient[Any]]:
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture
def seller(client: TestClient[Any]) -> str:
    """The seller's clerk signed in; the form's CSRF token."""
    assert sign_in(client, SELLER_CLERK).status_code == 303
    return csrf_of(client, "/portal/export/file")


def check(client: TestClient[Any], csrf: str, form: dict[str, str]) -> tuple[int, str]:
    answer = client.post("/portal/export/file/check", data={"csrf_token": csrf, **form})
    assert answer.status_code == 200, answer.text
    return int(CHECKED.search(answer.text)[1]), answer.text  # type: ignore[index]


def documents_on_file(world: World, client: TestClient[Any], order_no: str, waybill: str) -> None:
    file_as(world, client, "export-platform", "CEB303",
            s.order(order_no=order_no, guid=s.guid("order", order_no)))  # fmt: skip
    file_as(world, client, "export-payer", "CEB403",
            s.receipt(order_no=order_no, guid=s.guid("receipt", order_no)))  # fmt: skip
    file_as(world, client, "export-carrier", "CEB505",
            s.waybill(logistics_no=waybill, guid=s.guid("waybill", waybill)))  # fmt: skip


def test_the_form_starts_from_the_firm_and_today(client, seller) -> None:
    page = client.get("/portal/export/file").text
    today = datetime.now(CHINA_TZ).strftime("%Y%m%d")
    for name, value in (("head.ebcCode", s.EBC_CODE), ("head.ownerCode", s.EBC_CODE),
                        ("head.agentCode", s.EBC_CODE), ("head.ieFlag", "E"),
                        ("head.tradeMode", "9610"), ("head.statisticsFlag", "B"),
                        ("head.ieDate", today), ("line.1.currency", "142")):  # fmt: skip
        assert f'name="{name}" value="{value}"' in page, name


def test_a_good_list_checks_clean_and_a_bad_one_names_every_fault(client, seller) -> None:
    form = form_of(s.inventory(agent_code=s.EBC_CODE))
    total, _ = check(client, seller, form)
    assert total == 0
    over = dict(form, **{"head.tradeMode": "9710", "line.1.qty": "200",
                         "line.1.totalPrice": "24000.00", "head.ieFlag": "I"})  # fmt: skip
    total, text = check(client, seller, over)
    assert "CEB603.tradeMode.b2b_declaration_required" in text  # over 5,000 CNY
    assert "CEB603.ieFlag.not_export" in text
    assert total >= 2
    stranger = dict(form, **{"head.ebcCode": "4401960999"})  # another firm as consignor
    _, text = check(client, seller, stranger)
    assert "auth." in text  # the right to every code, as filing checks it
    typo = dict(form, **{"line.1.qty": "two"})
    _, text = check(client, seller, typo)
    assert "portal.form.decimal" in text
    _, text = check(client, seller, dict(form, **{"head.ieDate": "20261345"}))
    assert "CEB603.ieDate.not_a_day" in text
    assert "Export date" in text  # the export list's own label, not the import list's


def test_a_list_is_filed_followed_to_departure_and_summarised(world, client, seller) -> None:
    form = form_of(s.inventory(agent_code=s.EBC_CODE))
    filed = client.post("/portal/export/file", data={"csrf_token": seller, **form},
                        follow_redirects=False)  # fmt: skip
    assert filed.status_code == 303, filed.text
    answer = client.get(filed.headers["location"]).text
    assert 'data-type="CEB604"' in answer
    assert 'data-return-status="2"' in answer  # waiting for its documents
    assert f'data-order="{s.ORDER_NO}" data-status="waiting"' in answer
    documents_on_file(world, client, s.ORDER_NO, s.LOGISTICS_NO)
    assert 'data-status="accepted"' in client.get("/portal/export").text
    file_as(world, client, "export-site", "CEB507", s.arrival())
    file_as(world, client, "export-carrier", "CEB509", s.departure())
    page = client.get("/portal/export?status=departed").text
    assert f'data-order="{s.ORDER_NO}" data-status="departed"' in page
    preview = client.get("/portal/export/summaries").text
    assert 'data-summary="1" data-lists="1" data-lines="2"' in preview
    assert "海关总署公告2018年第194号" in preview
    # departed 2026-03-11: due by 15 April 2026, past by now
    assert 'data-due="2026-04-15"' in preview
    assert 'data-overdue="1"' in preview
    assert 'data-gcode="8518300000" data-total="240.00"' in preview
    done = client.post("/portal/export/summaries", data={"csrf_token": seller})
    assert done.status_code == 200, done.text
    assert 'data-type="CEB702"' in done.text
    assert 'data-type="CEB792"' in done.text
    assert "CEB701.deadline.passed" in done.text  # filed late: said in the receipt
    (sum_no,) = set(re.findall(r'data-sumNo="([^"]+)"', done.text))
    lists = client.get("/portal/export").text
    assert f'data-sum="{sum_no}"' in lists
    assert "data-none" in client.get("/portal/export/summaries").text  # nothing left to summarise


def test_a_firm_sees_only_its_own_lists(world, client, seller) -> None:
    form = form_of(s.inventory(agent_code=s.EBC_CODE))
    client.post("/portal/export/file", data={"csrf_token": seller, **form})
    client.post("/sign-out", data={"csrf_token": seller})
    assert sign_in(client, "rival-clerk").status_code == 303
    page = client.get("/portal/export").text
    assert s.ORDER_NO not in page
    assert "data-none" in page


def test_warehouses_are_registered_with_every_fault_beside_its_field(client, seller) -> None:
    bad = {"csrf_token": seller, "warehouseCode": "USLAX001", "name": "", "country": "142",
           "address": "1 Harbor Way", "areaM2": "-5", "tenure": "leased", "evidence": " ",
           "validFrom": "2026-01-01", "validUntil": "2025-12-31"}  # fmt: skip
    refused = client.post("/portal/export/warehouses", data=bad, follow_redirects=False)
    assert refused.status_code == 422
    for code in ("warehouse.name.length", "warehouse.country.not_abroad",
                 "warehouse.areaM2.not_positive", "warehouse.evidence.missing",
                 "warehouse.validUntil.before_start"):  # fmt: skip
        assert f'data-code="{code}"' in refused.text, code
    unread = client.post("/portal/export/warehouses", data=dict(bad, areaM2="lots"))
    assert 'data-code="portal.form.decimal"' in unread.text
    good = dict(bad, name="Los Angeles fulfilment centre", country="502", areaM2="1200",
                evidence="LEASE-2026-001", validUntil="2027-12-31")  # fmt: skip
    done = client.post("/portal/export/warehouses", data=good, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"]).text
    assert 'data-registered="USLAX001"' in page
    assert 'data-warehouse="USLAX001" data-valid="yes"' in page
    # a 9810 list names it as its platform: the list rule finds it registered
    booked = form_of(s.inventory(agent_code=s.EBC_CODE, trade_mode="9810", ebp_code="USLAX001",
                                 ie_date=datetime.now(CHINA_TZ).strftime("%Y%m%d")))  # fmt: skip
    total, text = check(client, seller, booked)
    assert total == 0, text
    elsewhere = dict(booked, **{"head.ebpCode": "DEFRA009"})
    _, text = check(client, seller, elsewhere)
    assert "CEB603.ebpCode.warehouse_unregistered" in text


def test_export_inspection_decides_the_lists_routed_to_it(world, client) -> None:
    food = s.inventory(agent_code=s.EBC_CODE, order_no="EXP-FOOD-1", logistics_no="SZX-FOOD-1",
                       guid=s.guid("food"))  # fmt: skip
    food.items[0].gcode = "2106909090"  # food preparations: inspection & quarantine's prefixes
    assert sign_in(client, SELLER_CLERK).status_code == 303
    csrf = csrf_of(client, "/portal/export/file")
    client.post("/portal/export/file", data={"csrf_token": csrf, **form_of(food)})
    documents_on_file(world, client, "EXP-FOOD-1", "SZX-FOOD-1")
    assert 'data-status="accepted"' in client.get("/portal/export").text
    client.post("/sign-out", data={"csrf_token": csrf})
    customs = world.officers["customs"]
    assert sign_in(client, customs).status_code == 303
    assert "data-empty" in client.get("/workbench/export").text  # not routed to customs
    client.post("/sign-out", data={"csrf_token": csrf_of(client, "/workbench/export")})
    assert sign_in(client, world.officers["inspection_quarantine"]).status_code == 303
    queue = client.get("/workbench/export").text
    (invt_no,) = re.findall(r'data-invt="([^"]+)" data-status="accepted"', queue)
    assert "2106909090" in queue
    token = csrf_of(client, "/workbench/export")
    missing = client.post("/workbench/export/5141NOSUCHLIST/decision",
                          data={"csrf_token": token, "decision": "release"})  # fmt: skip
    assert missing.status_code == 404
    decided = client.post(f"/workbench/export/{invt_no}/decision",
                          data={"csrf_token": token, "decision": "release"})  # fmt: skip
    assert decided.status_code == 200  # followed to the queue
    assert f'data-decided="{invt_no}"' in decided.text
    assert f'data-invt="{invt_no}"' not in decided.text.split("</p>", 3)[-1]
    with world.window.app.store.export.reading() as records:
        found = records.list_by_invt_no(invt_no)
    assert found is not None
    assert found.facts.agencies_pending == frozenset()


def test_the_pages_refuse_who_may_not_use_them(world, client) -> None:
    assert sign_in(client, world.officers["customs"]).status_code == 303
    assert client.get("/portal/export").status_code == 403  # an officer is no enterprise
    client.post("/sign-out", data={"csrf_token": csrf_of(client, "/workbench/export")})
    assert sign_in(client, SELLER_CLERK).status_code == 303
    assert client.get("/workbench/export").status_code == 403
    assert client.post("/portal/export/file/check", data={"head.orderNo": "X"}).status_code == 403
    anonymous = TestClient(world.app, base_url="http://127.0.0.1:8000")
    with anonymous:
        assert anonymous.get("/portal/export", follow_redirects=False).status_code == 303


def test_a_list_value_is_summed_per_currency(world, client, seller) -> None:
    form = form_of(s.inventory(agent_code=s.EBC_CODE))
    client.post("/portal/export/file", data={"csrf_token": seller, **form})
    page = client.get("/portal/export").text
    assert f"{Decimal('400.00'):,}" in page


def test_the_same_form_filed_twice_is_one_filing_and_a_refusal_keeps_the_form(
    world, client, seller
) -> None:
    form = {"csrf_token": seller, "message_guid": "6F1C2A1E-0D7B-4F43-9E51-3C2B7A0B9D11",
            "document_guid": "1B7E0F2C-5A44-4C1A-8F0E-2D9C3B6A7E55",
            **form_of(s.inventory(agent_code=s.EBC_CODE))}  # fmt: skip
    first = client.post("/portal/export/file", data=form, follow_redirects=False)
    again = client.post("/portal/export/file", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    with world.window.app.store.export.reading() as records:
        assert len(records.lists_of("seller", [], limit=10)) == 1
    stranger = dict(form, **{"head.ebcCode": "4401960999", "head.orderNo": "EXP-STRANGER-1",
                             "message_guid": "", "document_guid": ""})  # fmt: skip
    refused = client.post("/portal/export/file", data=stranger, follow_redirects=False)
    assert refused.status_code == 403
    assert 'id="error-summary"' in refused.text
    assert 'data-code="auth.' in refused.text
    assert 'value="EXP-STRANGER-1"' in refused.text  # the form as it was typed
