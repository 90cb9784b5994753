"""The public sandbox answers unreadable uploads with a report, never a 500: each bad file
gets its CEB900 codes (deep JSON, not UTF-8, GBK declared, NUL, duplicate members) and the
good file beside it its receipts; a pasted message with a NUL is a coded 400, before any
check runs (no sign-in is needed to reach it)."""

from __future__ import annotations

from public_world import SAMPLES

BAD = {
    "deep.json": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "CEB900.json.too_deep"),
    "gbk.json": ('{"messageType": "CEB311", "guid": "湾区"}'.encode("gbk"), "CEB900.json.encoding"),
    "nul.json": (b'{"messageType": "CEB311", "guid": "\\u0000"}', "CEB900.json.character"),
    "twice.json": (
        b'{"messageType": "CEB311", "messageType": "CEB411"}',
        "CEB900.json.duplicate_key",
    ),
    "gbk.xml": (
        '<?xml version="1.0" encoding="GBK"?><ceb:CEB311Message xmlns:ceb="x"/>'.encode("gbk"),
        "CEB900.xml.encoding",
    ),
}


def test_every_bad_upload_gets_its_code_and_the_good_one_its_receipts(client) -> None:  # type: ignore[no-untyped-def]
    good = ("order_311.xml", (SAMPLES / "order_311.xml").read_bytes())
    uploads = [(name, data) for name, (data, _) in BAD.items()] + [good]
    sent = [("files", (name, data, "application/octet-stream")) for name, data in uploads]
    response = client.post("/api/v1/sandbox", files=sent)
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    found = {m["source"]: [e["code"] for e in m["formatErrors"]] for m in messages}
    assert found == {**{name: [code] for name, (_, code) in BAD.items()}, good[0]: []}
    assert [r["message_type"] for r in messages[-1]["receipts"]] == ["CEB312"]


def test_a_pasted_message_with_a_nul_is_a_coded_400(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/sandbox", data={"pasted": '{"guid": "a\x00b"}'})
    assert response.status_code == 400
    assert response.json()["code"] == "text.character"
