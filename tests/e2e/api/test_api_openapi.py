"""The OpenAPI document: served equals checked in; schemathesis finds no server error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_world import World
from hypothesis import HealthCheck, given, settings

from tradewindow.web.app import openapi_text

CHECKED_IN = Path(__file__).parents[3] / "docs" / "openapi.json"


def test_the_served_document_equals_the_checked_in_one(world: World) -> None:
    served = world.client.get("/schema/openapi.json")
    assert served.status_code == 200
    checked_in = json.loads(CHECKED_IN.read_text("utf-8"))
    assert served.json() == checked_in, "run: tradewindow openapi > docs/openapi.json"
    assert openapi_text() == CHECKED_IN.read_text("utf-8")


def test_every_api_operation_documents_its_problems() -> None:
    document = json.loads(CHECKED_IN.read_text("utf-8"))
    for path, operations in document["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            for status in ("401", "404", "422", "429"):
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content, (method, path, status)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(world: World) -> None:
    schemathesis = pytest.importorskip("schemathesis")

    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", world.app)
    schema = schema.include(path_regex="^/v1/")
    auth = world.auth("broker")
    failures: list[tuple[str, str, int, str]] = []
    statuses: list[int] = []

    for found in schema.get_all_operations():
        operation = found.ok()

        @given(operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            response = case.call(headers={**auth, "Idempotency-Key": world.key()})
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.path, response.status_code, response.text))

        call()
    assert failures == []
    assert len(statuses) >= 50
    assert {200, 404} <= set(statuses)  # it reached handlers, not only the auth gate
