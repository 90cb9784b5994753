"""The public sandbox over HTTP: the JSON report is the core's report on the same bytes, the
page lists every fault by document and field, limits are coded refusals, nothing is filed."""

from __future__ import annotations

import re

import pytest
from public_world import SAMPLE_SET, SAMPLES
from sqlalchemy import func, select

from tradewindow.formats import ceb_json, ceb_xml
from tradewindow.sandbox import MAX_FILES, check
from tradewindow.store.schema import documents, messages
from tradewindow.store.web.rate_limits import SqlRateLimiter as RateLimiter
from tradewindow.web.public.sandbox_report import MAX_FILE_BYTES
from tradewindow.web.public.sandbox_routes import _LIMITER_STATE, BURST, RATE


def faulty_order() -> bytes:
    data = (SAMPLES / "order_311.xml").read_bytes()
    data = data.replace(b"<ceb:goodsValue>500.00", b"<ceb:goodsValue>510.00")
    return data.replace(b"<ceb:orderType>I<", b"<ceb:orderType>X<")


def files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/xml")) for name, data in items]


def test_a_complete_set_is_clean_with_the_receipts_of_each_message(client) -> None:
    uploads = [(name, (SAMPLES / name).read_bytes()) for name in SAMPLE_SET]
    response = client.post("/api/v1/sandbox", files=files(*uploads))
    assert response.status_code == 200
    report = response.json()
    assert [m["source"] for m in report["messages"]] == list(SAMPLE_SET)
    assert all(m["readable"] and not m["ruleViolations"] for m in report["messages"])
    assert all(m["xsdErrors"] == [] for m in report["messages"])
    receipts = [[r["message_type"] for r in m["receipts"]] for m in report["messages"]]
    assert receipts == [["CEB312"], ["CEB412"], ["CEB512"], ["CEB622"]]
    # the same engine as filing: the agencies' routing holds the list for inspection &
    # quarantine (399), as ``clear`` and the API would
    [inventory] = report["messages"][3]["documents"]
    assert (inventory["kind"], inventory["status"]) == ("inventory", "399")
    assert [m["outcome"] for m in report["messages"]] == ["answered"] * 4


def test_the_json_report_lists_what_the_core_finds_in_the_same_bytes(client) -> None:
    data = faulty_order()
    expected = check([("order.xml", data)]).messages[0].rule_violations
    answer = client.post("/api/v1/sandbox", files=files(("order.xml", data))).json()
    (message,) = answer["messages"]
    found = [(v["path"], v["code"], v["en"], v["zh"]) for v in message["ruleViolations"]]
    assert found == [(v.path, v.code, v.en, v.zh) for v in expected]
    codes = {(v["path"], v["code"]) for v in message["ruleViolations"]}
    assert ("Order[1]/OrderHead/goodsValue", "CEB311.goodsValue.mismatch") in codes
    assert ("Order[1]/OrderHead/orderType", "CEB311.orderType.invalid") in codes
    assert [r["message_type"] for r in message["receipts"]] == ["CEB312"]


def test_the_page_lists_every_fault_under_its_document_and_field(client) -> None:
    data = faulty_order()
    expected = check([("order.xml", data)]).messages[0].rule_violations
    page = client.post("/sandbox", files=files(("order.xml", data)), data={"pasted": ""})
    assert page.status_code == 200
    html = page.text
    assert 'data-document="Order[1]"' in html
    for violation in expected:
        field = re.search(
            rf'<li class="fault" data-path="{re.escape(violation.path)}">(.*?)</li>\s*</ul>',
            html,
            re.S,
        )
        assert field, violation.path
        assert f'data-code="{violation.code}"' in field.group(1)
    assert "CEB312" in html


def test_a_pasted_json_message_is_read_as_json(client) -> None:

    message = ceb_xml.read_message(
        (SAMPLES / "payment_411.xml").read_bytes(), max_bytes=1 << 20, max_depth=32
    ).message
    pasted = ceb_json.write_message(message).decode()
    page = client.post("/sandbox", data={"pasted": pasted}, files=[])
    assert page.status_code == 200
    assert 'data-source="pasted.json"' in page.text
    assert "is-clean" in page.text
    # the XSD describes the XML form: for JSON it is not "missing", it does not apply
    assert 'data-xsd="json"' in page.text
    assert "XSDs are not installed" not in page.text


def test_limits_are_coded_refusals(client) -> None:
    too_many = files(*[(f"m{i}.xml", b"<x/>") for i in range(MAX_FILES + 1)])
    refused = client.post("/api/v1/sandbox", files=too_many)
    assert refused.status_code == 400
    assert refused.json()["code"] == "sandbox.too_many_files"
    big = client.post("/api/v1/sandbox", files=files(("big.xml", b" " * (MAX_FILE_BYTES + 1))))
    assert big.status_code == 413
    assert big.json()["code"] == "sandbox.file_too_large"
    empty = client.post("/sandbox", data={"pasted": "  "}, files=[])
    assert empty.status_code == 400
    assert 'data-refusal="sandbox.no_files"' in empty.text


def test_nothing_is_filed_in_the_window(client, app) -> None:
    uploads = [(name, (SAMPLES / name).read_bytes()) for name in SAMPLE_SET]
    assert client.post("/api/v1/sandbox", files=files(*uploads)).status_code == 200
    engine = app.state.window.app.store.engine
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(messages)).scalar() == 0
        assert connection.execute(select(func.count()).select_from(documents)).scalar() == 0


@pytest.mark.parametrize("name", SAMPLE_SET)
def test_the_samples_served_are_the_valid_sample_set(client, name) -> None:
    response = client.get(f"/sandbox/samples/{name}")
    assert response.status_code == 200
    assert response.content == (SAMPLES / name).read_bytes()
    assert client.get("/sandbox/samples/test_signer_key.pem").status_code == 404


def test_each_address_gets_a_burst_of_checks_then_waits(client, app) -> None:

    engine = app.state.window.app.store.engine  # the clock stands still: no token comes back
    app.state[_LIMITER_STATE] = RateLimiter(engine, rate=RATE, burst=BURST, clock=lambda: 1e9)

    statuses = [client.post("/sandbox", data={"pasted": ""}).status_code for _ in range(BURST)]
    assert set(statuses) == {400}  # counted, though refused for having no message
    limited = client.post("/api/v1/sandbox", files=files(("o.xml", faulty_order())))
    assert limited.status_code == 429
    assert limited.json()["code"] == "sandbox.rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
