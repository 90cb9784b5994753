"""The registry on SQLite and PostgreSQL: identity across jurisdictions, uniqueness, the key
and token lifecycles, revocation seen at once by another process, registered keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import select

from tradewindow.parties import (
    CredentialExpired,
    CredentialKind,
    CredentialRevoked,
    IdentifierTaken,
    InvalidClient,
    InvalidIdentifier,
    InvalidKeyMaterial,
    InvalidParty,
    PartyKind,
    PartyNotFound,
    RegisterParty,
    Scheme,
)
from tradewindow.parties.service import PartyRegistry
from tradewindow.store import SqlStore, open_store
from tradewindow.store.engine import current_revision
from tradewindow.store.parties.tables import credentials

PEPPER = b"test-pepper"
START = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry(store: SqlStore, clock: Clock) -> PartyRegistry:
    return PartyRegistry(store.parties, pepper=PEPPER, clock=clock, agencies={"maritime_safety"})


def sf_express(**changes: object) -> RegisterParty:
    values: dict[str, object] = {
        "id": "sf-express",
        "name_zh": "顺丰速运有限公司",
        "name_en": "SF Express Co., Ltd.",
        "kind": "enterprise",
        "roles": ("logistics_firm", "broker"),
        "identifiers": (("cn.customs", "4403DM2001"), ("cn.uscc", "914403001922038216")),
        "city": "shenzhen",
        "sector": "logistics",
    }
    return RegisterParty(**{**values, **changes})  # type: ignore[arg-type]


def test_schema_has_the_parties_branch(store: SqlStore) -> None:
    assert "0008_commissions" in (current_revision(store.engine) or "").split("+")


def test_one_party_recognised_by_every_identifier(registry: PartyRegistry) -> None:
    party = registry.register(sf_express())
    registry.add_identifier(party.id, "hk.br", "31000001-000")
    registry.add_identifier(party.id, "mo.cr", "81001")
    for scheme, spelling in [
        (Scheme.CUSTOMS, "4403dm2001"),
        (Scheme.USCC, " 914403001922038216"),
        (Scheme.HK_BR, "31000001"),
        (Scheme.HK_BR, "31000001-000"),
        (Scheme.MO_CR, "0081001"),
    ]:
        found = registry.find(scheme, spelling)
        assert found is not None
        assert found.id == "sf-express"
    shown = registry.party("sf-express")
    assert shown.jurisdictions == ("CN", "HK", "MO")
    assert [str(i) for i in shown.identifiers] == [
        "cn.customs:4403DM2001",
        "cn.uscc:914403001922038216",
        "hk.br:31000001",
        "mo.cr:81001",
    ]
    assert shown.registered_at == START
    assert registry.find(Scheme.HK_BR, "31000002") is None
    assert registry.find("xx.nope", "1") is None


def test_an_identifier_belongs_to_one_party(registry: PartyRegistry) -> None:
    registry.register(sf_express())
    with pytest.raises(IdentifierTaken) as taken:
        registry.register(sf_express(id="copycat", identifiers=(("cn.customs", "4403dm2001"),)))
    assert taken.value.code == "party.identifier.taken"
    assert registry.find(Scheme.CUSTOMS, "4403DM2001").id == "sf-express"  # type: ignore[union-attr]
    assert [p.id for p in registry.parties()] == ["sf-express"]  # nothing half-registered

    other = registry.register(sf_express(id="cainiao", identifiers=(("cn.customs", "3301DM2002"),)))
    with pytest.raises(IdentifierTaken):
        registry.add_identifier(other.id, "cn.uscc", "914403001922038216")
    assert registry.add_identifier("sf-express", "cn.customs", "4403DM2001").id == "sf-express"
    with pytest.raises(InvalidIdentifier):
        registry.add_identifier(other.id, "cn.uscc", "914403001922038217")
    with pytest.raises(InvalidParty) as duplicate_id:
        registry.register(sf_express(identifiers=(("hk.br", "31000009"),)))
    assert [v.code for v in duplicate_id.value.violations] == ["party.id.taken"]


def test_roles_and_listing(registry: PartyRegistry) -> None:
    registry.register(sf_express())
    registry.register(
        RegisterParty(
            id="msa",
            name_zh="海事局",
            name_en="Maritime Safety",
            kind="agency",
            roles=("maritime_safety",),
            jurisdictions=("CN",),
        )
    )
    assert [p.id for p in registry.parties(PartyKind.AGENCY)] == ["msa"]
    assert [p.id for p in registry.parties(role="broker")] == ["sf-express"]
    assert registry.set_roles("sf-express", ["carrier"]).roles == ("carrier",)
    with pytest.raises(InvalidParty):
        registry.set_roles("sf-express", ["customs"])
    with pytest.raises(PartyNotFound):
        registry.party("nobody")


def test_api_key_lifecycle(registry: PartyRegistry, clock: Clock) -> None:
    registry.register(sf_express())
    issued = registry.issue_key("sf-express", label="erp")
    principal = registry.authenticate(issued.api_key)
    assert principal is not None
    assert principal.party_id == "sf-express"
    assert principal.roles == ("broker", "logistics_firm")
    assert principal.agency is None
    assert principal.credential_id == issued.credential.id

    clock.advance(minutes=5)
    rotated = registry.rotate_key(issued.credential.id, grace=timedelta(minutes=10))
    assert rotated.credential.id == issued.credential.id
    assert rotated.api_key != issued.api_key
    clock.advance(minutes=9)
    assert registry.authenticate(issued.api_key) is not None  # within the grace
    assert registry.authenticate(rotated.api_key) is not None
    clock.advance(minutes=1)
    assert registry.authenticate(issued.api_key) is None  # grace over
    assert registry.authenticate(rotated.api_key) is not None

    again = registry.rotate_key(issued.credential.id)  # no grace: the old one stops at once
    assert registry.authenticate(rotated.api_key) is None
    assert registry.authenticate(again.api_key) is not None

    revoked = registry.revoke_key(issued.credential.id)
    assert revoked.revoked_at == clock.now
    assert registry.authenticate(again.api_key) is None
    with pytest.raises(CredentialRevoked) as refused:
        registry.rotate_key(issued.credential.id)
    assert refused.value.code == "credential.revoked"


def test_keys_fail_when_expired_wrong_or_their_party_is_deactivated(
    registry: PartyRegistry, clock: Clock
) -> None:
    registry.register(sf_express())
    issued = registry.issue_key("sf-express", expires_at=START + timedelta(days=1))
    other = registry.issue_key("sf-express")
    credential_id, _secret = issued.credential.id, issued.secret
    assert registry.authenticate(f"tw_{credential_id}_{other.secret}") is None  # wrong secret
    assert registry.authenticate("tw_" + "a" * 16 + "_" + issued.secret) is None  # unknown id
    assert registry.authenticate("Bearer " + issued.api_key) is None
    clock.advance(days=1)
    assert registry.authenticate(issued.api_key) is None
    with pytest.raises(CredentialExpired):
        registry.rotate_key(credential_id)
    assert registry.authenticate(other.api_key) is not None
    registry.set_active("sf-express", False)
    assert registry.authenticate(other.api_key) is None
    registry.set_active("sf-express", True)
    assert registry.authenticate(other.api_key) is not None


def test_last_used_is_kept_to_the_minute(
    registry: PartyRegistry, store: SqlStore, clock: Clock
) -> None:
    registry.register(sf_express())
    issued = registry.issue_key("sf-express")

    def last_used() -> datetime | None:
        with store.engine.connect() as connection:
            query = select(credentials.c.last_used_at).where(
                credentials.c.id == issued.credential.id
            )
            value: datetime | None = connection.execute(query).scalar_one()
            return value

    assert last_used() is None
    registry.authenticate(issued.api_key)
    assert last_used() == START
    clock.advance(seconds=59)
    registry.authenticate(issued.api_key)
    assert last_used() == START  # no write for every request
    clock.advance(seconds=1)
    registry.authenticate(issued.api_key)
    assert last_used() == START + timedelta(minutes=1)


def test_oauth_client_credentials_and_bearer_tokens(registry: PartyRegistry, clock: Clock) -> None:
    registry.register(sf_express())
    client = registry.register_client("sf-express", label="tms")
    assert client.credential.kind is CredentialKind.OAUTH_CLIENT
    assert registry.authenticate(client.api_key) is None  # a client secret is no API key
    with pytest.raises(InvalidClient) as refused:
        registry.issue_token(client.client_id, client.secret[:-1] + "x")
    assert refused.value.code == "credential.invalid_client"
    api_key = registry.issue_key("sf-express")
    with pytest.raises(InvalidClient):
        registry.issue_token(api_key.credential.id, api_key.secret)  # an API key is no client

    token = registry.issue_token(client.client_id, client.secret)
    assert token.token_type == "Bearer"  # noqa: S105 — the RFC 6749 token type
    assert token.expires_in == 900
    assert token.expires_at == START + timedelta(minutes=15)
    principal = registry.authenticate_bearer(token.access_token)
    assert principal is not None
    assert principal.party_id == "sf-express"
    assert principal.credential_id == client.client_id
    assert registry.authenticate_bearer(token.access_token[:-1] + "x") is None
    assert registry.authenticate_bearer(api_key.api_key) is None

    clock.advance(minutes=15)
    assert registry.authenticate_bearer(token.access_token) is None  # expired
    assert registry.purge_expired_tokens() == 1

    fresh = registry.issue_token(client.client_id, client.secret)
    assert registry.authenticate_bearer(fresh.access_token) is not None
    registry.revoke_key(client.client_id)
    assert registry.authenticate_bearer(fresh.access_token) is None  # revoked with its client
    with pytest.raises(InvalidClient):
        registry.issue_token(client.client_id, client.secret)


@pytest.fixture
def second_process(database_url: str, store: SqlStore) -> Iterator[PartyRegistry]:
    """Another API process: its own engine and connection pool on the same database."""
    other = open_store(database_url)
    try:
        yield PartyRegistry(other.parties, pepper=PEPPER)
    finally:
        other.close()


def test_revocation_is_seen_at_once_by_another_process(
    registry: PartyRegistry, second_process: PartyRegistry
) -> None:
    registry.register(sf_express())
    issued = registry.issue_key("sf-express")
    client = registry.register_client("sf-express")
    token = second_process.issue_token(client.client_id, client.secret)
    assert second_process.authenticate(issued.api_key) is not None
    assert registry.authenticate_bearer(token.access_token) is not None
    registry.revoke_key(issued.credential.id)
    second_process.revoke_key(client.client_id)
    assert second_process.authenticate(issued.api_key) is None
    assert registry.authenticate_bearer(token.access_token) is None
    registry.set_roles("sf-express", ["carrier"])
    fresh = registry.issue_key("sf-express")
    assert second_process.authenticate(fresh.api_key).roles == ("carrier",)  # type: ignore[union-attr]


def test_registered_keys_and_certificates(registry: PartyRegistry, clock: Clock) -> None:
    registry.register(sf_express())
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    json_key = registry.register_certificate(
        "sf-express", "ed25519", raw, valid_until=START + timedelta(days=365), label="json"
    )
    assert json_key.valid_from == START
    with pytest.raises(InvalidKeyMaterial) as again:
        registry.register_certificate("sf-express", "ed25519", raw)
    assert again.value.code == "certificate.invalid"
    with pytest.raises(InvalidKeyMaterial):
        registry.register_certificate("sf-express", "ed25519", raw[:31])
    with pytest.raises(InvalidKeyMaterial):
        registry.register_certificate("sf-express", "dsa", raw)
    other = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(PartyNotFound):
        registry.register_certificate("nobody", "ed25519", other)

    clock.advance(days=30)
    newer = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    second = registry.register_certificate("sf-express", "ed25519", newer)
    registry.revoke_certificate(json_key.id)
    listed = registry.certificates_of("sf-express")
    assert [k.id for k in listed] == [json_key.id, second.id]
    assert listed[0].material == raw
    assert listed[0].revoked_at == clock.now
    assert [k.id for k in registry.certificates_of("sf-express", usable_at=clock.now)] == [
        second.id
    ]
    # a signature made before revocation still finds its key
    signed_at = START + timedelta(days=1)
    assert [k.id for k in registry.certificates_of("sf-express", usable_at=signed_at)] == [
        json_key.id
    ]
    # what a signed filing reads of its sender, in one read: the same party and keys
    party, keys = registry.party_and_keys("sf-express")
    assert (party, keys) == (registry.party("sf-express"), listed)
    with pytest.raises(PartyNotFound):
        registry.party_and_keys("nobody")
