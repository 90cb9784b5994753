"""Idempotency-Key on JSON posts, and the limits: body size, bulk size, page size, rate."""

from __future__ import annotations

import threading
from pathlib import Path

import msgspec
from api_world import World, decoded, open_world

import builders
from tradewindow.formats import ceb_json


def _order(no: str = builders.ORDER_NO) -> bytes:
    order = builders.order(order_no=no, guid=builders.guid("order", no))
    return ceb_json.write_message(builders.order_message(order))


def test_a_json_post_without_an_idempotency_key_is_400(world: World) -> None:
    response = world.post_json("platform", _order(), idempotency_key=None)
    assert response.status_code == 400
    assert decoded(response)["code"] == "idempotency.key_missing"


def test_a_retry_after_completion_is_the_original_answer_byte_for_byte(world: World) -> None:
    first = world.post_json("platform", _order(), idempotency_key="k1")
    again = world.post_json("platform", _order(), idempotency_key="k1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]


def test_the_same_key_with_another_body_is_422(world: World) -> None:
    assert world.post_json("platform", _order(), idempotency_key="k1").status_code == 201
    other = world.post_json("platform", _order("SO-OTHER"), idempotency_key="k1")
    assert other.status_code == 422
    assert decoded(other)["code"] == "idempotency.key_reused"


def test_keys_are_scoped_per_party(world: World) -> None:
    assert world.post_json("platform", _order(), idempotency_key="shared").status_code == 201
    payment = world.post_json("payer", builders.payment_message(), idempotency_key="shared")
    assert payment.status_code == 201


def test_the_same_key_still_in_flight_is_409(world: World) -> None:
    window = world.window
    started, release = threading.Event(), threading.Event()
    submit = window.app.clearance.submit

    def slow(submissions, **options):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)
        return submit(submissions, **options)

    object.__setattr__(window.app.clearance, "submit", slow)
    results = {}
    worker = threading.Thread(
        target=lambda: results.setdefault(
            "first", world.post_json("platform", _order(), idempotency_key="busy")
        )
    )
    worker.start()
    assert started.wait(10)
    second = world.post_json("platform", _order(), idempotency_key="busy")
    release.set()
    worker.join(10)
    assert second.status_code == 409
    assert decoded(second)["code"] == "idempotency.in_flight"
    assert results["first"].status_code == 201


def test_a_body_over_the_limit_is_413_unread(tmp_path: Path) -> None:
    world = open_world(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, max_body_bytes=4096)
    with world.client:
        response = world.post_json("platform", b"{" + b" " * 5000 + b"}")
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert decoded(response)["code"] == "limits.body_too_large"
    world.window.close()


def test_a_bulk_over_the_item_limit_is_413_and_within_it_each_item_answers(
    tmp_path: Path,
) -> None:
    world = open_world(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, max_bulk=3)
    messages = [msgspec.json.decode(_order(f"SO-BULK-{n}")) for n in range(4)]
    with world.client:
        big = world.post_json("platform", msgspec.json.encode({"messages": messages}))
        assert big.status_code == 413
        assert decoded(big)["code"] == "limits.bulk_too_large"
        stolen = msgspec.json.decode(ceb_json.write_message(builders.payment_message()))
        mixed = {"messages": [*messages[:2], stolen]}
        answer = world.post_json("platform", msgspec.json.encode(mixed))
        assert answer.status_code == 200
        items = decoded(answer)["items"]
        assert [i["status"] for i in items] == [201, 201, 403]
        assert items[2]["problem"]["code"] == "auth.forbidden"
    world.window.close()


def test_the_page_size_is_capped_and_the_cursor_walks_every_filing(tmp_path: Path) -> None:
    world = open_world(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, page_size=2)
    with world.client:
        for n in range(5):
            assert world.post_json("platform", _order(f"SO-PAGE-{n}")).status_code == 201
        seen, cursor, pages = [], None, 0
        while True:
            url = "/v1/cbec/filings?limit=500" + (f"&cursor={cursor}" if cursor else "")
            page = decoded(world.client.get(url, headers=world.auth("platform")))
            assert len(page["items"]) <= 2
            seen += [item["key"] for item in page["items"]]
            pages += 1
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert pages == 3
        assert seen == [f"{builders.EBP_CODE}|SO-PAGE-{n}" for n in range(5)]
        only = world.client.get("/v1/cbec/filings?kind=payment", headers=world.auth("platform"))
        assert decoded(only)["items"] == []
    world.window.close()


def test_past_the_rate_a_party_gets_429_with_retry_after(tmp_path: Path) -> None:
    world = open_world(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, rate=0.5, burst=3)
    with world.client:
        answers = [
            world.client.get("/v1/cbec/filings", headers=world.auth("platform")).status_code
            for _ in range(4)
        ]
        assert answers == [200, 200, 200, 429]
        refused = world.client.get("/v1/cbec/filings", headers=world.auth("platform"))
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) == 2  # one request per 2 s
        assert decoded(refused)["code"] == "limits.rate"
        # another party has its own budget
        assert world.client.get("/v1/cbec/filings", headers=world.auth("payer")).status_code == 200
    world.window.close()
