"""Qualification recognition on SQLite and PostgreSQL: apply, verify through the connector,
decide, the public register and the employers' check, the reads logged, suspension by a
re-check with the clock, expiry, renewal, retention, and who may reach what (BOLA)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import services_builders as sb
from tradewindow.evidence.chain import RecordKind
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.service_trade import ServiceRecords
from tradewindow.services.disclosure import shipped_disclosure
from tradewindow.services.documents import EICAR, EicarScanner, Upload
from tradewindow.services.errors import Conflict, NotFound
from tradewindow.services.hk_register import SimulatedRegister
from tradewindow.services.recognition import HomeLicence, LicenceStatus, State
from tradewindow.services.recognition_service import Officer, Recognitions, Sweep
from tradewindow.store import SqlStore
from tradewindow.violations import Rejected

OFFICER = Officer(officer="zhou", department="sz_housing")
OTHER_DEPARTMENT = Officer(officer="he", department="sz_health")
LICENCE_UNTIL = date(2028, 3, 31)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def evidence(store: SqlStore) -> EvidenceLog:
    return EvidenceLog(store.evidence)


@pytest.fixture
def register() -> SimulatedRegister:
    found = SimulatedRegister()
    found.enrol("hk-arb", "ARB-1234", "CHAN Tai Man", LICENCE_UNTIL)
    found.enrol("hk-arb", "ARB-5678", "WONG Siu Ming", LICENCE_UNTIL)
    return found


@pytest.fixture
def recognitions(
    store: SqlStore, evidence: EvidenceLog, register: SimulatedRegister, clock: Clock
) -> Recognitions:
    service = Recognitions(
        store.recognitions,
        registers={"HK": register},
        scanner=EicarScanner(),
        evidence=ServiceRecords(evidence),
        disclosure=shipped_disclosure(),
        clock=clock,
    )
    service.load_professions([sb.profession()])
    return service


def recognised(recognitions: Recognitions) -> str:
    app = recognitions.apply("chan", sb.form(), sb.uploads())
    assert app.state is State.VERIFIED
    return recognitions.decide(OFFICER, app.id, "approve", reasons="conditions met").id


def test_apply_verify_decide_and_publish(recognitions: Recognitions, evidence: EvidenceLog) -> None:
    app = recognitions.apply("chan", sb.form(identity_number="a123456 3"), sb.uploads())
    assert app.state is State.VERIFIED
    assert app.verification is not None
    assert app.verification.register == "hk-simulated"
    assert app.form.identity_number == "A123456(3)"
    assert recognitions.register() == []  # nothing public before the decision
    decided = recognitions.decide(OFFICER, app.id, "approve", reasons="conditions met")
    assert decided.state is State.RECOGNISED
    assert decided.recognised_until == LICENCE_UNTIL
    [entry] = recognitions.register()
    assert (entry.filing_number, entry.name_zh, entry.identity_number, entry.id) == (
        decided.filing_number,
        "陳大文",
        None,
        None,
    )
    assert recognitions.register("chan")[0].filing_number == decided.filing_number
    assert recognitions.register("nobody") == []
    own, events = recognitions.own("chan", app.id)
    assert own.identity_number == "A123456(3)"
    assert [e.action for e in events] == ["submitted", "verified", "approved"]
    changes = [r for r in evidence.records() if r.kind == RecordKind.RECOGNITION_CHANGED]
    assert len(changes) == 3
    assert changes[-1].subject_ids == [
        f"recognition:{app.id}",
        f"filing:{decided.filing_number}",
    ]


def test_the_employers_check_needs_both_numbers_and_is_logged(
    recognitions: Recognitions, evidence: EvidenceLog
) -> None:
    app_id = recognised(recognitions)
    filing = recognitions.own("chan", app_id)[0].filing_number
    assert filing is not None
    view = recognitions.verify_for_employer(filing.lower(), "arb-1234", actor="employer-1")
    assert (view.state, view.employer_uscc, view.identity_number) == (
        State.RECOGNISED,
        sb.EMPLOYER_USCC,
        None,
    )
    with pytest.raises(NotFound):
        recognitions.verify_for_employer(filing, "ARB-9999", actor="employer-1")
    reads = [r for r in evidence.records() if r.kind == RecordKind.PERSONAL_DATA_READ]
    assert reads[-1].actor == "employer-1"
    assert reads[-1].subject_ids == [f"recognition:{app_id}", "field:nameEn", "field:nameZh"]


def test_officers_reads_of_identity_are_logged(
    recognitions: Recognitions, evidence: EvidenceLog
) -> None:
    app = recognitions.apply("chan", sb.form(), sb.uploads())
    view, _ = recognitions.for_officer(OFFICER, app.id)
    assert view.identity_number == "A123456(3)"
    media_type, content = recognitions.document(OFFICER, app.id, 2)
    assert (media_type, content) == ("image/png", sb.PNG)
    reads = [r for r in evidence.records() if r.kind == RecordKind.PERSONAL_DATA_READ]
    assert [r.actor for r in reads] == ["zhou", "zhou"]
    assert "field:identityNumber" in reads[0].subject_ids
    assert reads[1].subject_ids == [f"recognition:{app.id}", "field:documents"]
    other = recognitions.apply("chan", sb.form(), sb.uploads())
    listed = recognitions.worklist(OFFICER)
    assert {v.id for v in listed} == {app.id, other.id}
    reads = [r for r in evidence.records() if r.kind == RecordKind.PERSONAL_DATA_READ][2:]
    assert sorted(r.subject_ids[0] for r in reads) == sorted(
        f"recognition:{a}" for a in (app.id, other.id)
    )  # one record per application listed


def test_bola_applicants_see_only_their_own_officers_only_their_department(
    recognitions: Recognitions,
) -> None:
    chans = recognitions.apply("chan", sb.form(), sb.uploads())
    wongs = recognitions.apply(
        "wong",
        sb.form(
            name_en="WONG Siu Ming",
            identity_number="G123456(A)",
            licence=HomeLicence(authority="hk-arb", number="ARB-5678", valid_until=LICENCE_UNTIL),
        ),
        sb.uploads(),
    )
    assert [v.id for v in recognitions.mine("chan")] == [chans.id]
    with pytest.raises(NotFound):
        recognitions.own("chan", wongs.id)
    with pytest.raises(NotFound):
        recognitions.withdraw("chan", wongs.id)
    with pytest.raises(NotFound):
        recognitions.renew("chan", wongs.id, "ARB-5678", LICENCE_UNTIL)
    with pytest.raises(NotFound):
        recognitions.for_officer(OTHER_DEPARTMENT, chans.id)
    with pytest.raises(NotFound):
        recognitions.document(OTHER_DEPARTMENT, chans.id, 1)
    with pytest.raises(NotFound):
        recognitions.decide(OTHER_DEPARTMENT, chans.id, "approve", reasons="")
    assert recognitions.worklist(OTHER_DEPARTMENT) == []
    assert {v.id for v in recognitions.worklist(OFFICER)} == {chans.id, wongs.id}
    assert recognitions.own("chan", chans.id)[0].state is State.VERIFIED  # nothing changed


def test_every_check_refuses_bad_input_with_codes(recognitions: Recognitions) -> None:
    bad = sb.form(identity_number="A123456(4)", city="hong-kong")
    infected = [
        *sb.uploads(),
        Upload(
            kind="other", filename="x.pdf", media_type="application/pdf", content=sb.PDF + EICAR
        ),
    ]
    with pytest.raises(Rejected) as refused:
        recognitions.apply("chan", bad, sb.uploads()[:2])
    assert [v.code for v in refused.value.violations] == [
        "services.identity.hkid.check",
        "services.applicant.city",
        "services.document.missing.employment",
    ]
    with pytest.raises(Rejected) as refused:
        recognitions.apply("chan", sb.form(), infected)
    assert [(v.path, v.code) for v in refused.value.violations] == [
        ("documents[4]/content", "services.document.infected")
    ]
    assert recognitions.mine("chan") == []


def test_an_unconfirmed_licence_cannot_be_approved_and_a_refusal_needs_reasons(
    recognitions: Recognitions, register: SimulatedRegister
) -> None:
    register.set_status("hk-arb", "ARB-1234", LicenceStatus.LAPSED)
    app = recognitions.apply("chan", sb.form(), sb.uploads())
    assert app.state is State.UNVERIFIED
    assert app.verification is not None
    assert app.verification.outcome == "services.verification.lapsed"
    with pytest.raises(Conflict):
        recognitions.decide(OFFICER, app.id, "approve", reasons="")
    with pytest.raises(Conflict):
        recognitions.decide(OFFICER, app.id, "refuse", reasons="")
    with pytest.raises(Rejected) as unknown:
        recognitions.decide(OFFICER, app.id, "maybe", reasons="")
    assert [v.code for v in unknown.value.violations] == ["services.decision.unknown"]
    refused = recognitions.decide(OFFICER, app.id, "refuse", reasons="licence lapsed")
    assert refused.state is State.REFUSED


def test_an_unavailable_register_leaves_the_application_waiting(
    recognitions: Recognitions, register: SimulatedRegister
) -> None:
    register.available = False
    app = recognitions.apply("chan", sb.form(), sb.uploads())
    assert app.state is State.SUBMITTED
    register.available = True
    assert recognitions.verify(app.id, actor="zhou").state is State.VERIFIED


def test_a_lapsed_home_licence_suspends_the_filing_automatically(
    recognitions: Recognitions, register: SimulatedRegister, clock: Clock
) -> None:
    app_id = recognised(recognitions)
    clock.now += timedelta(days=90)
    assert recognitions.recheck() == Sweep(checked=1)
    register.set_status("hk-arb", "ARB-1234", LicenceStatus.LAPSED)
    clock.now += timedelta(days=90)
    assert recognitions.recheck() == Sweep(checked=1, suspended=1)
    view, events = recognitions.own("chan", app_id)
    assert view.state is State.SUSPENDED
    assert (events[-1].action, events[-1].actor, events[-1].note) == (
        "suspended",
        "system",
        "services.verification.lapsed",
    )
    [entry] = recognitions.register()
    assert entry.state is State.SUSPENDED  # the register says so, publicly
    register.set_status("hk-arb", "ARB-1234", LicenceStatus.VALID)
    assert recognitions.recheck() == Sweep(checked=1, reinstated=1)
    register.available = False
    assert recognitions.recheck() == Sweep(checked=1, unavailable=1)


def test_expiry_reminders_and_renewal(
    recognitions: Recognitions, register: SimulatedRegister, clock: Clock
) -> None:
    app_id = recognised(recognitions)
    clock.now = datetime(2028, 2, 15, tzinfo=UTC)
    assert [a.id for a in recognitions.reminders(clock.now.date())] == [app_id]
    new_until = date(2031, 3, 31)
    register.enrol("hk-arb", "ARB-1234", "CHAN Tai Man", new_until)
    with pytest.raises(Rejected) as refused:
        recognitions.renew("chan", app_id, " ", None)
    assert [v.code for v in refused.value.violations] == [
        "services.licence.number",
        "services.licence.expired",
    ]
    renewed = recognitions.renew("chan", app_id, "ARB-1234", new_until)
    assert renewed.recognised_until == date(2031, 2, 15)
    clock.now = datetime(2031, 2, 16, 0, 1, tzinfo=UTC)
    assert recognitions.recheck() == Sweep(checked=1, expired=1)
    assert recognitions.own("chan", app_id)[0].state is State.EXPIRED
    assert recognitions.register() == []


def test_retention_erases_the_documents_of_closed_applications(
    recognitions: Recognitions, clock: Clock
) -> None:
    app = recognitions.apply("chan", sb.form(), sb.uploads())
    recognitions.withdraw("chan", app.id)
    clock.now += timedelta(days=365)
    assert recognitions.erase_expired_records() == 0
    clock.now += timedelta(days=1)
    assert recognitions.erase_expired_records() == 1
    with pytest.raises(NotFound):
        recognitions.document(OFFICER, app.id, 1)


def test_statistics(recognitions: Recognitions) -> None:
    recognised(recognitions)
    assert recognitions.counts() == [("hk-architect", "HK", "shenzhen", "recognised", 1)]
    assert recognitions.by_month() == [("2026-12", "hk-architect", 1)]
