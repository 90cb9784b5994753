"""Guessing credentials over the API is throttled (issue 15): 200 guessed OAuth client
secrets or bearer keys no longer get 200 × 401 — after the free failures, 429 with
Retry-After; the client's right secret from elsewhere is unaffected."""

from __future__ import annotations

from api_world import World, decoded


def test_guessed_client_secrets_get_429_with_retry_after(world: World) -> None:
    client = world.window.registry.register_client("platform")
    form = {"grant_type": "client_credentials", "client_id": client.client_id}
    answers = [
        world.client.post("/v1/oauth/token", data={**form, "client_secret": f"guess-{n}"})
        for n in range(20)
    ]
    statuses = [a.status_code for a in answers]
    assert statuses[:4] == [401] * 4
    assert 429 in statuses
    refused = answers[statuses.index(429)]
    assert decoded(refused)["code"] == "auth.throttled"
    assert int(refused.headers["Retry-After"]) >= 1
    # another address (another key of the throttle) still gets its token
    throttle = world.window.throttle
    assert throttle.wait(throttle.keys("oauth", "192.0.2.44", client.client_id)) is None


def test_unknown_and_known_client_ids_are_throttled_alike(world: World) -> None:
    known = world.window.registry.register_client("platform").client_id
    for client_id in (known, "no-such-client"):
        codes = [
            world.client.post(
                "/v1/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": "wrong",
                },
            ).status_code
            for _ in range(6)
        ]
        assert codes == [401] * 5 + [429], client_id


def test_guessed_bearer_keys_get_429(world: World) -> None:
    statuses = [
        world.client.get(
            "/v1/cbec/filings", headers={"Authorization": f"Bearer tw_nope{n}"}
        ).status_code
        for n in range(60)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429
