"""The portal files by the API's steps, the commission check included: a broker's clerk files
the firm's list by form or upload only under the firm's live commission."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from portal_world import World, form_values
from test_portal_http import csrf_of, sign_in

import builders
from tradewindow.formats import ceb_xml, xmldsig
from tradewindow.parties.commissions import GrantCommission

NOT_COMMISSIONED = 'data-code="auth.not_commissioned"'


def commission_the_broker(world: World) -> str:
    command = GrantCommission(agent="broker", scope=("CEB621",))
    return world.window.commissions.grant("firm", command, by="firm").id


def file_by_form(client: Any, parcel: builders.ImportSet) -> Any:
    token = csrf_of(client, "/portal/file/inventory")
    values = {**form_values(parcel), "csrf_token": token}
    return client.post("/portal/file/inventory", data=values, follow_redirects=False)


def test_a_form_for_an_enterprise_that_did_not_commission_the_filer_is_refused(
    world: World, client: Any
) -> None:
    parcel = builders.import_set()
    world.file_by_api(client, parcel)
    assert sign_in(client, "broker-clerk").status_code == 303
    answer = file_by_form(client, parcel)
    assert answer.status_code == 403
    assert NOT_COMMISSIONED in answer.text
    assert builders.EBC_CODE in answer.text
    listed = client.get("/v1/cbec/filings?kind=inventory", headers=world.auth("broker"))
    assert listed.json()["items"] == []  # nothing stored
    commission_id = commission_the_broker(world)
    answer = file_by_form(client, parcel)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/portal/messages/")
    world.window.commissions.revoke(commission_id, by="firm")
    again = builders.import_set(order_no="SO-P-2", logistics_no="SF-P-2")
    world.file_by_api(client, again)
    assert file_by_form(client, again).status_code == 403


def test_an_uploaded_list_is_checked_for_its_commission_before_its_signature(
    world: World, client: Any
) -> None:
    parcel = builders.import_set()
    world.file_by_api(client, parcel)
    assert sign_in(client, "broker-clerk").status_code == 303
    token = csrf_of(client, "/portal/upload")
    headers = {"x-csrf-token": token, "x-file-name": "list.xml", "content-type": "application/xml"}
    # signed (the XSD wants ds:Signature) by a key the broker never registered
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = xmldsig.sign(ceb_xml.write_message(parcel.messages[3]), key, key_name="unregistered")

    answer = client.post("/portal/upload", content=body, headers=headers)
    assert answer.status_code == 403
    assert NOT_COMMISSIONED in answer.text
    commission_the_broker(world)
    answer = client.post("/portal/upload", content=body, headers=headers)
    assert NOT_COMMISSIONED not in answer.text  # past the commission: the signature refuses it
    assert answer.status_code == 401
    assert "<code>signature.unknown_key</code>" in answer.text


def test_the_live_check_names_a_missing_commission_beside_the_ebc_code(
    world: World, client: Any
) -> None:
    parcel = builders.import_set()
    world.file_by_api(client, parcel)
    assert sign_in(client, "broker-clerk").status_code == 303

    def live_check() -> str:
        token = csrf_of(client, "/portal/file/inventory")
        values = {**form_values(parcel), "csrf_token": token}
        answer = client.post("/portal/file/inventory/check", data=values)
        assert answer.status_code == 200
        text: str = answer.text
        return text

    without = live_check()
    ebc_errors = without.split('id="e-head-ebcCode"')[1].split("</span></span>")[0]
    assert NOT_COMMISSIONED in ebc_errors  # beside the input, before anything is filed
    listed = client.get("/v1/cbec/filings?kind=inventory", headers=world.auth("broker"))
    assert listed.json()["items"] == []
    commission_the_broker(world)
    assert NOT_COMMISSIONED not in live_check()
