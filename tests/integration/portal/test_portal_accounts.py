"""Accounts: argon2id hashes, lock-out, session lifetimes and sign-out, over a real SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from portal_world import PASSWORD, World
from sqlalchemy import select

from tradewindow.store.web.portal_tables import portal_accounts, portal_sessions
from tradewindow.web.portal.accounts import InvalidAccount, SignInRefused, session_key


def stored(world: World, table, column, **where):  # type: ignore[no-untyped-def]
    query = select(column).where(*(getattr(table.c, k) == v for k, v in where.items()))
    with world.window.app.store.engine.connect() as connection:
        return connection.execute(query).scalar_one()


def test_passwords_are_stored_as_argon2id_hashes_only(world: World) -> None:
    hashed = stored(world, portal_accounts, portal_accounts.c.password_hash, username="clerk")
    assert hashed.startswith("$argon2id$v=19$")
    assert PASSWORD not in hashed


def test_a_wrong_password_and_an_unknown_user_get_the_same_code(world: World) -> None:
    codes = []
    for username, password in (("clerk", "wrong password!!"), ("nobody", PASSWORD)):
        with pytest.raises(SignInRefused) as refused:
            world.accounts.sign_in(username, password)
        codes.append(refused.value.code)
    assert codes == ["auth.sign_in_failed", "auth.sign_in_failed"]


def test_wrong_passwords_never_lock_the_account(world: World) -> None:
    """Issue 15: a stranger could lock an officer out; the account layer no longer locks
    (the web edge throttles the stranger's address instead)."""
    world.clock.stop()
    for attempt in range(1, 21):
        with pytest.raises(SignInRefused) as refused:
            world.accounts.sign_in("clerk", f"wrong password {attempt}")
        assert refused.value.code == "auth.sign_in_failed"
        assert refused.value.until is None
    opened = world.accounts.sign_in("clerk", PASSWORD)
    assert opened.session.account.username == "clerk"


def test_the_cookie_secret_is_not_stored_only_its_hash(world: World) -> None:
    opened = world.accounts.sign_in("clerk", PASSWORD)
    assert opened.session.id == session_key(opened.secret) != opened.secret
    assert stored(world, portal_sessions, portal_sessions.c.id, id=opened.session.id)


def test_sessions_end_at_their_lifetime_when_idle_and_on_sign_out(world: World) -> None:
    accounts = world.accounts
    lasting = accounts.sign_in("clerk", PASSWORD)
    for minutes in (20, 40, 60):  # a request every 20 minutes keeps it open …
        world.clock.shift = timedelta(minutes=minutes)
        assert accounts.session(lasting.secret) is not None
    world.clock.shift = timedelta(hours=8, minutes=1)  # … until its lifetime ends
    assert accounts.session(lasting.secret) is None

    world.clock.shift = timedelta(0)
    idle = accounts.sign_in("clerk", PASSWORD)
    world.clock.shift = timedelta(minutes=31)
    assert accounts.session(idle.secret) is None

    world.clock.shift = timedelta(0)
    ended = accounts.sign_in("clerk", PASSWORD)
    accounts.sign_out(ended.session.id)
    assert accounts.session(ended.secret) is None
    assert accounts.session("forged") is None


def test_a_deactivated_party_signs_in_no_more_and_its_sessions_end(world: World) -> None:
    opened = world.accounts.sign_in("clerk", PASSWORD)
    world.window.registry.set_active("firm", False)
    assert world.accounts.session(opened.secret) is None
    with pytest.raises(SignInRefused):
        world.accounts.sign_in("clerk", PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("Clerk", PASSWORD, "account.username.taken"),  # usernames are case-insensitive
        ("a", PASSWORD, "account.username.invalid"),
        ("new-clerk", "short", "account.password.too_short"),
    ],
)
def test_accounts_refused(world: World, username: str, password: str, code: str) -> None:
    with pytest.raises(InvalidAccount) as refused:
        world.accounts.add("firm", username, password)
    assert refused.value.code == code


def test_officer_accounts_are_the_agencies_staff(world: World) -> None:
    assert world.accounts.account("officer-customs").officer  # type: ignore[union-attr]
    assert not world.accounts.account("clerk").officer  # type: ignore[union-attr]


def test_a_session_carries_its_account_as_stored(world: World) -> None:
    """The session's account is the account row itself, not the session's columns of the
    same name (its id and created_at were the session's before issue 9)."""
    opened = world.accounts.sign_in("clerk", PASSWORD)
    found = world.accounts.session(opened.secret)
    assert found is not None
    assert found.account == world.accounts.account("clerk")
    assert found.account.id != found.id
