"""``tradewindow parties …``: the operator's commands over the registry.

``register(subparsers)`` adds the group to the main parser. Each command only translates its
arguments into one registry call and prints the result (or the error's code and messages).
The registry is opened from the environment: the store at ``TRADEWINDOW_DATABASE_URL`` and
the credential pepper from ``Settings`` (``TRADEWINDOW_CREDENTIAL_PEPPER``, or the embedded
default's pepper file). ``parties commission grant|list|revoke`` act as the registry's
operator (recorded so in the evidence log) on behalf of the principal named.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import datetime, timedelta
from typing import TypeVar

import msgspec
from rich.console import Console
from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.clock import utc_now
from tradewindow.demo.registry import seed_commissions, seed_parties
from tradewindow.parties.commission_registry import OPERATOR, CommissionRegistry
from tradewindow.parties.commissions import Commission, GrantCommission, Scope
from tradewindow.parties.credentials import CredentialKind, IssuedSecret
from tradewindow.parties.errors import PartyError, PartyNotFound
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.model import Party, RegisterParty
from tradewindow.parties.principal import PartyKind
from tradewindow.parties.roles import Role
from tradewindow.parties.service import PartyRegistry
from tradewindow.settings import Settings, SettingsError

RegistryOpener = Callable[[], AbstractContextManager[PartyRegistry]]
CommissionsOpener = Callable[[], AbstractContextManager[CommissionRegistry]]
Service = TypeVar("Service")
console = Console()


@contextmanager
def registry_from_environment() -> Iterator[PartyRegistry]:
    """The registry of the application the environment configures (see ``bootstrap``)."""

    app = bootstrap(Settings.from_env())
    try:
        yield app.parties
    finally:
        app.close()


@contextmanager
def commissions_from_environment() -> Iterator[CommissionRegistry]:
    """The commission registry of the application the environment configures."""

    app = bootstrap(Settings.from_env())
    try:
        yield app.commissions
    finally:
        app.close()


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    open_registry: RegistryOpener = registry_from_environment,
    open_commissions: CommissionsOpener = commissions_from_environment,
) -> None:
    group = subparsers.add_parser("parties", help="the registry of parties and their keys")
    commands = group.add_subparsers(title="party commands")

    add = commands.add_parser("add", help="register a party")
    add.add_argument("--id", help="party id (a-z, 0-9, -); chosen when not given")
    add.add_argument("--name-zh", default="")
    add.add_argument("--name-en", default="")
    add.add_argument("--kind", choices=[k.value for k in PartyKind], default="enterprise")
    add.add_argument("--role", action="append", default=[], help="repeatable; agency code too")
    add.add_argument("--uscc", help="mainland Unified Social Credit Code")
    add.add_argument("--customs", help="10-character customs registration code")
    add.add_argument("--hk-br", help="Hong Kong Business Registration number")
    add.add_argument("--mo-cr", help="Macao commercial registration number")
    add.add_argument("--jurisdiction", action="append", default=[], choices=["CN", "HK", "MO"])
    add.add_argument("--city")
    add.add_argument("--sector")
    add.set_defaults(run=_run(open_registry, _add))

    listing = commands.add_parser("list", help="list parties")
    listing.add_argument("--kind", choices=[k.value for k in PartyKind])
    listing.add_argument("--role", choices=[r.value for r in Role])
    listing.set_defaults(run=_run(open_registry, _list))

    show = commands.add_parser("show", help="one party, by id or SCHEME:VALUE identifier")
    show.add_argument("party", help="e.g. sf-express or cn.customs:4403DM2001")
    show.set_defaults(run=_run(open_registry, _show))

    seed = commands.add_parser(
        "seed", help="register the demo parties and commissions and print their keys"
    )
    seed.set_defaults(run=_run(_both(open_registry, open_commissions), _seed))

    key = commands.add_parser("key", help="API keys and OAuth2 clients")
    keys = key.add_subparsers(title="key commands")
    issue = keys.add_parser("issue", help="issue an API key (or OAuth2 client) to a party")
    issue.add_argument("party")
    issue.add_argument("--label", default="")
    expiry = issue.add_mutually_exclusive_group(required=True)
    expiry.add_argument("--expires-days", type=int, help="valid for this many days (at least 1)")
    expiry.add_argument(
        "--no-expiry",
        action="store_true",
        help="valid until revoked (recorded so in the evidence log)",
    )
    issue.add_argument("--client", action="store_true", help="an OAuth2 client, not an API key")
    issue.set_defaults(run=_run(open_registry, _issue))
    rotate = keys.add_parser("rotate", help="give a key a new secret")
    rotate.add_argument("key_id")
    rotate.add_argument("--grace-minutes", type=int, default=0, help="old secret stays valid")
    rotate.set_defaults(run=_run(open_registry, _rotate))
    revoke = keys.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=_run(open_registry, _revoke))
    _register_commissions(commands, open_commissions)


def _register_commissions(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], opener: CommissionsOpener
) -> None:
    group = commands.add_parser("commission", help="commissions: who may file for whom (委托)")
    commissions = group.add_subparsers(title="commission commands")
    grant = commissions.add_parser("grant", help="register a commission of an agent")
    grant.add_argument("principal", help="the commissioning party: id or SCHEME:VALUE")
    grant.add_argument("agent", help="the agent: id, SCHEME:VALUE or a registration code")
    grant.add_argument(
        "--scope",
        action="append",
        choices=[s.value for s in Scope],
        help=f"repeatable; default {Scope.INVENTORY.value}",
    )
    grant.add_argument("--valid-from", type=datetime.fromisoformat, help="ISO 8601 with zone")
    grant.add_argument("--valid-until", type=datetime.fromisoformat, help="ISO 8601 with zone")
    grant.set_defaults(run=_run(opener, _grant))
    listing = commissions.add_parser("list", help="the commissions a party gave (or holds)")
    listing.add_argument("party", help="id or SCHEME:VALUE")
    listing.add_argument("--held", action="store_true", help="those it holds as agent")
    listing.set_defaults(run=_run(opener, _commissions))
    revoke = commissions.add_parser("revoke", help="revoke a commission at once")
    revoke.add_argument("commission_id")
    revoke.set_defaults(run=_run(opener, _revoke_commission))


def _both(
    open_registry: RegistryOpener, open_commissions: CommissionsOpener
) -> Callable[[], AbstractContextManager[tuple[PartyRegistry, CommissionRegistry]]]:
    @contextmanager
    def opened() -> Iterator[tuple[PartyRegistry, CommissionRegistry]]:
        with ExitStack() as stack:
            yield stack.enter_context(open_registry()), stack.enter_context(open_commissions())

    return opened


def _run(
    open_service: Callable[[], AbstractContextManager[Service]],
    command: Callable[[Service, argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            with open_service() as service:
                return command(service, args)
        except SettingsError as error:
            console.print(f"[red]settings[/red] {error}", highlight=False)
            return 2
        except PartyError as error:
            console.print(f"[red]{error.code}[/red] {error.en} / {error.zh}", highlight=False)
            for violation in error.violations:
                console.print(
                    f"  {violation.path}: [{violation.code}] {violation.en} / {violation.zh}",
                    highlight=False,
                    markup=False,
                )
            return 1

    return run


def _add(registry: PartyRegistry, args: argparse.Namespace) -> int:
    given = {
        Scheme.USCC: args.uscc,
        Scheme.CUSTOMS: args.customs,
        Scheme.HK_BR: args.hk_br,
        Scheme.MO_CR: args.mo_cr,
    }
    party = registry.register(
        RegisterParty(
            id=args.id,
            name_zh=args.name_zh,
            name_en=args.name_en,
            kind=args.kind,
            roles=tuple(args.role),
            identifiers=tuple((s.value, v) for s, v in given.items() if v),
            jurisdictions=tuple(args.jurisdiction),
            city=args.city,
            sector=args.sector,
        )
    )
    _print_party(party)
    return 0


def _list(registry: PartyRegistry, args: argparse.Namespace) -> int:
    kind = PartyKind(args.kind) if args.kind else None
    table = Table("id", "kind", "roles", "name", "identifiers", "city")
    for party in registry.parties(kind, args.role):
        table.add_row(
            party.id,
            party.kind.value,
            " ".join(party.roles),
            party.name_zh or party.name_en,
            " ".join(str(i) for i in party.identifiers),
            party.city or "",
        )
    console.print(table)
    return 0


def _show(registry: PartyRegistry, args: argparse.Namespace) -> int:
    party = _party(registry, args.party)
    _print_party(party)
    for credential in registry.credentials_of(party.id):
        state = "revoked" if credential.revoked_at else "live"
        console.print(
            f"  key {credential.id} {credential.kind.value} {state}"
            f" label={credential.label!r} created={credential.created_at:%Y-%m-%d}"
            f" last_used={credential.last_used_at or '-'}",
            highlight=False,
        )
    return 0


def _issue(registry: PartyRegistry, args: argparse.Namespace) -> int:
    party = _party(registry, args.party)
    days = args.expires_days
    # beyond timedelta's range (~2.7 million years) the key lasts as long as a date can
    valid_for = None if days is None else timedelta(days=min(days, timedelta.max.days))
    kind = CredentialKind.OAUTH_CLIENT if args.client else CredentialKind.API_KEY
    issued = registry.issue_key(
        party.id, label=args.label, valid_for=valid_for, kind=kind, actor=OPERATOR
    )
    _print_secret(issued)
    return 0


def _rotate(registry: PartyRegistry, args: argparse.Namespace) -> int:
    issued = registry.rotate_key(args.key_id, grace=timedelta(minutes=args.grace_minutes))
    _print_secret(issued)
    return 0


def _revoke(registry: PartyRegistry, args: argparse.Namespace) -> int:
    credential = registry.revoke_key(args.key_id)
    console.print(f"revoked {credential.id} at {credential.revoked_at}", highlight=False)
    return 0


def _seed(services: tuple[PartyRegistry, CommissionRegistry], args: argparse.Namespace) -> int:

    registry, commissions = services
    # plain lines, never cut to the terminal's width: the keys are shown this once
    console.print("API keys of the seed parties (shown once):")
    for seeded in seed_parties(registry):
        console.print(
            f"{seeded.party.id:<32} {seeded.api_key}  {' '.join(seeded.party.roles)}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    granted = seed_commissions(commissions)
    console.print(f"{len(granted)} demo commissions registered", highlight=False)
    return 0


def _grant(commissions: CommissionRegistry, args: argparse.Namespace) -> int:
    principal = commissions.resolve(args.principal)
    command = GrantCommission(
        agent=args.agent,
        scope=tuple(args.scope or [Scope.INVENTORY.value]),
        valid_from=args.valid_from,
        valid_until=args.valid_until,
    )
    _print_commission(commissions.grant(principal.id, command, by=OPERATOR))
    return 0


def _commissions(commissions: CommissionRegistry, args: argparse.Namespace) -> int:
    party = commissions.resolve(args.party)
    found = commissions.held(party.id) if args.held else commissions.given(party.id)
    now = utc_now()
    # plain lines, never cut to the terminal's width: the ids are what ``revoke`` takes
    for commission in found:
        until = commission.valid_until.isoformat() if commission.valid_until else "-"
        console.print(
            f"{commission.id} {commission.principal_id} -> {commission.agent_id}"
            f" {','.join(commission.scope)} {commission.valid_from.isoformat()} .. {until}"
            f" {commission.state(now).value}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    return 0


def _revoke_commission(commissions: CommissionRegistry, args: argparse.Namespace) -> int:
    _print_commission(commissions.revoke(args.commission_id, by=OPERATOR))
    return 0


def _print_commission(commission: Commission) -> None:
    console.print_json(msgspec.json.encode(commission).decode())


def _party(registry: PartyRegistry, reference: str) -> Party:
    scheme, separator, value = reference.partition(":")
    if separator:
        found = registry.find(scheme, value)
        if found is None:
            raise PartyNotFound(reference)
        return found
    return registry.party(reference)


def _print_party(party: Party) -> None:
    console.print_json(msgspec.json.encode(party).decode())


def _print_secret(issued: IssuedSecret) -> None:
    credential = issued.credential
    if credential.kind is CredentialKind.API_KEY:
        console.print(f"API key for {credential.party_id} (shown once):", highlight=False)
        console.print(issued.api_key, highlight=False, markup=False, soft_wrap=True)
    else:
        console.print(f"OAuth2 client for {credential.party_id} (secret shown once):")
        console.print(f"client_id={issued.client_id}", highlight=False, markup=False)
        console.print(f"client_secret={issued.secret}", highlight=False, markup=False)
