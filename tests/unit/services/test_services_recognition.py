"""Applications: the form's checks, verification outcomes and every state change by the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

import services_builders as sb
from tradewindow.services.errors import Conflict
from tradewindow.services.identity import Home
from tradewindow.services.recognition import (
    Application,
    HomeLicence,
    LicenceRecord,
    LicenceStatus,
    State,
    Verification,
    approved,
    due_for_reminder,
    expired,
    form_violations,
    rechecked,
    refused,
    renewed,
    verification_outcome,
    verified,
    withdrawn,
)

TODAY = date(2026, 12, 5)
NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def codes(**changes: object) -> list[str]:
    return [v.code for v in form_violations(sb.form(**changes), sb.profession(), TODAY)]


def test_a_good_form_passes() -> None:
    assert codes() == []


def test_every_form_problem_at_once() -> None:
    found = codes(
        identity_number="A123456(4)",
        licence=HomeLicence(authority="hk-mc", number="", valid_until=date(2026, 1, 1)),
        employer=sb.form().employer.__class__(uscc="914403001922038217", name=""),
        city="macao",
        name_en="",
    )
    assert found == [
        "services.identity.hkid.check",
        "services.licence.authority",
        "services.licence.number",
        "services.licence.expired",
        "services.employer.uscc.check",
        "services.employer.name",
        "services.applicant.name",
        "services.applicant.city",
    ]


def test_a_profession_not_in_force_is_refused() -> None:
    ended = sb.profession(valid_until=date(2026, 6, 30))
    found = form_violations(sb.form(), ended, TODAY)
    assert [v.code for v in found] == ["services.profession.unknown"]


def record(status: LicenceStatus = LicenceStatus.VALID, **changes: object) -> LicenceRecord:
    found = LicenceRecord(
        authority="hk-arb",
        number="ARB-1234",
        holder_en="Chan, Tai Man",
        status=status,
        valid_until=date(2028, 3, 31),
    )
    return msgspec.structs.replace(found, **changes)


@pytest.mark.parametrize(
    ("entry", "outcome"),
    [
        (record(), "confirmed"),
        (None, "services.verification.not_found"),
        (record(LicenceStatus.LAPSED), "services.verification.lapsed"),
        (record(LicenceStatus.REVOKED), "services.verification.revoked"),
        (record(valid_until=date(2026, 12, 4)), "services.verification.lapsed"),
        (record(holder_en="WONG Siu Ming"), "services.verification.name_mismatch"),
    ],
)
def test_verification_outcomes(entry: LicenceRecord | None, outcome: str) -> None:
    assert verification_outcome(sb.form(), entry, TODAY) == outcome


def submitted() -> Application:
    return Application(
        id="SA0123456789ABCDEF",
        owner="chan",
        form=sb.form(),
        home=Home.HK,
        department="sz_housing",
        state=State.SUBMITTED,
        documents=(),
        submitted_at=NOW,
        updated_at=NOW,
    )


def confirmed(at: datetime = NOW, until: date = date(2028, 3, 31)) -> Verification:
    return Verification(at=at, register="hk-simulated", outcome="confirmed", valid_until=until)


def lapsed(at: datetime) -> Verification:
    return Verification(at=at, register="hk-simulated", outcome="services.verification.lapsed")


def recognised() -> Application:
    app, _ = verified(submitted(), confirmed(), "system")
    app, _ = approved(app, sb.profession(), "officer-1", "meets the conditions", NOW)
    return app


def test_recognition_runs_to_the_earlier_of_licence_and_validity() -> None:
    app = recognised()
    assert app.state is State.RECOGNISED
    assert app.recognised_until == date(2028, 3, 31)  # licence ends before 3 years
    assert app.filing_number == "GBA-HK-2026-89ABCDEF"
    long_licence, _ = verified(submitted(), confirmed(until=date(2035, 1, 1)), "system")
    three_years, _ = approved(long_licence, sb.profession(), "officer-1", "", NOW)
    assert three_years.recognised_until == date(2029, 12, 5)


def test_only_a_verified_application_is_approved() -> None:
    with pytest.raises(Conflict):
        approved(submitted(), sb.profession(), "officer-1", "", NOW)
    unverified, event = verified(submitted(), lapsed(NOW), "system")
    assert (unverified.state, event.note) == (State.UNVERIFIED, "services.verification.lapsed")
    with pytest.raises(Conflict):
        approved(unverified, sb.profession(), "officer-1", "", NOW)


def test_a_refusal_states_its_reasons() -> None:
    with pytest.raises(Conflict) as error:
        refused(submitted(), "officer-1", " ", NOW)
    assert error.value.code == "services.decision.reasons"
    app, event = refused(submitted(), "officer-1", "licence not confirmed", NOW)
    assert (app.state, event.before, event.after) == (State.REFUSED, State.SUBMITTED, State.REFUSED)


def test_withdrawal_only_while_open() -> None:
    assert withdrawn(submitted(), "chan", NOW)[0].state is State.WITHDRAWN
    with pytest.raises(Conflict):
        withdrawn(recognised(), "chan", NOW)


def test_a_lapsed_licence_suspends_and_a_valid_one_reinstates() -> None:
    later = NOW + timedelta(days=30)
    suspended, event = rechecked(recognised(), lapsed(later), "system") or (None, None)
    assert suspended is not None
    assert event is not None
    assert (suspended.state, suspended.suspension) == (
        State.SUSPENDED,
        "services.verification.lapsed",
    )
    assert rechecked(suspended, lapsed(later), "system") is None
    back = rechecked(suspended, confirmed(later), "system")
    assert back is not None
    assert back[0].state is State.RECOGNISED
    assert back[0].suspension is None
    assert rechecked(recognised(), confirmed(later), "system") is None


def test_expiry_by_the_clock() -> None:
    app = recognised()
    last_day = datetime(2028, 3, 31, 23, tzinfo=UTC)
    assert expired(app, last_day, "system") is None
    after = expired(app, last_day + timedelta(hours=1), "system")
    assert after is not None
    assert after[0].state is State.EXPIRED


def test_reminders_within_sixty_days() -> None:
    app = recognised()
    assert not due_for_reminder(app, date(2028, 1, 30))
    assert due_for_reminder(app, date(2028, 1, 31))


def test_renewal_extends_from_the_new_licence() -> None:
    app = recognised()
    at = datetime(2028, 2, 1, tzinfo=UTC)
    licence = HomeLicence(authority="hk-arb", number="ARB-1234", valid_until=date(2031, 3, 31))
    renewal, event = renewed(
        app, sb.profession(), licence, confirmed(at, date(2031, 3, 31)), "chan"
    )
    assert renewal.recognised_until == date(2031, 2, 1)  # three years from the renewal
    assert (renewal.form.licence, event.action) == (licence, "renewed")
    with pytest.raises(Conflict) as error:
        renewed(app, sb.profession(), licence, lapsed(at), "chan")
    assert error.value.code == "services.verification.lapsed"
