"""Recognition of Hong Kong and Macao professional qualifications (港澳专业人士执业备案).

The recognised professions are a dated reference table; a professional applies with an
identity document, the home licence and the mainland employer; the licence is verified
against the issuing authority's register (``ports.HomeRegister``); an officer of the competent
mainland department decides with reasons. A recognition runs until the earlier of the home
licence's expiry and the profession's validity period; a periodic re-check suspends it when
the register no longer shows the licence valid, and it expires by the clock.

Every change is a pure function from an application to the next application and the event
that says what happened; the use cases (``services.recognition_service``) store both.
(Over 400 lines because the form's checks and every state change sit together with the
states they move between: reading one state change means reading its neighbours.)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

import msgspec

from tradewindow.reference.gba import gba_city
from tradewindow.services.documents import Document
from tradewindow.services.errors import Conflict
from tradewindow.services.identity import Home, employer_violations, identity_violations
from tradewindow.services.registry import Field
from tradewindow.violations import Violation

REMINDER_DAYS = 60  # a recognition expiring within this many days is due for renewal


class Profession(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One recognised profession (a row of the dated reference table)."""

    code: str  # e.g. "hk-architect"
    field: Field
    name_en: str
    name_zh: str
    home: Home
    authority: str  # issuing authority code, e.g. "hk-arb" (Architects Registration Board)
    authority_en: str
    authority_zh: str
    department: str  # mainland competent department, e.g. "sz_housing"
    department_en: str
    department_zh: str
    conditions_en: str
    conditions_zh: str
    validity_years: int  # longest a recognition runs before renewal
    source_document: str  # the notice that lists it
    valid_from: date
    valid_until: date | None = None
    illustrative: bool = False

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


class HomeLicence(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    authority: str  # the issuing authority's code (the profession's)
    number: str
    valid_until: date


class Employer(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    uscc: str
    name: str


class ApplicationForm(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What the professional fills in."""

    profession: str
    identity_kind: str
    identity_number: str
    name_en: str
    name_zh: str
    licence: HomeLicence
    employer: Employer
    city: str  # the mainland GBA city of practice


class State(StrEnum):
    SUBMITTED = "submitted"  # 已提交
    VERIFIED = "verified"  # home licence confirmed by the register
    UNVERIFIED = "unverified"  # the register did not confirm it (reason kept)
    RECOGNISED = "recognised"  # 已备案: may practise
    REFUSED = "refused"
    SUSPENDED = "suspended"  # the home licence lapsed at a re-check
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


STATE_ZH = {
    State.SUBMITTED: "已提交",
    State.VERIFIED: "资格已核验",
    State.UNVERIFIED: "资格未能核验",
    State.RECOGNISED: "已备案",
    State.REFUSED: "不予备案",
    State.SUSPENDED: "已暂停",
    State.EXPIRED: "已到期",
    State.WITHDRAWN: "已撤回",
}
OPEN = frozenset({State.SUBMITTED, State.VERIFIED, State.UNVERIFIED})


class LicenceStatus(StrEnum):
    """What a home register says of a licence."""

    VALID = "valid"
    LAPSED = "lapsed"
    REVOKED = "revoked"
    NOT_FOUND = "not_found"


class LicenceRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A home register's entry for a licence."""

    authority: str
    number: str
    holder_en: str
    status: LicenceStatus
    valid_until: date


class Verification(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    at: datetime
    register: str  # which register answered
    outcome: str  # "confirmed" or a services.verification.* code
    valid_until: date | None = None


class Application(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    owner: str  # the applicant's account (party or portal account id)
    form: ApplicationForm
    home: Home
    department: str  # the competent department deciding it (the profession's)
    state: State
    documents: tuple[Document, ...]
    submitted_at: datetime
    updated_at: datetime
    verification: Verification | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reasons: str = ""
    filing_number: str | None = None
    recognised_until: date | None = None
    suspension: str | None = None  # the services.verification.* code that suspended it
    illustrative: bool = False


class Event(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    application_id: str
    at: datetime
    actor: str
    action: str  # submitted, verified, decided, suspended, reinstated, expired, renewed, …
    before: State | None
    after: State
    note: str = ""


def form_violations(
    form: ApplicationForm, profession: Profession | None, on: date
) -> list[Violation]:
    """Every problem with an application form (identity, licence, employer, city)."""
    out: list[Violation] = []
    if profession is None or not profession.in_force(on):
        out.append(
            Violation(
                path="profession",
                code="services.profession.unknown",
                en=f"{form.profession!r} is no recognised profession in force",
                zh=f"{form.profession!r} 不是现行认可的专业",
            )
        )
    else:
        out += identity_violations(form.identity_kind, form.identity_number, profession.home)
        if form.licence.authority != profession.authority:
            out.append(
                Violation(
                    path="licence/authority",
                    code="services.licence.authority",
                    en=f"this profession's licences are issued by {profession.authority}",
                    zh=f"该专业资格由 {profession.authority_zh} 签发",
                )
            )
    if not form.licence.number.strip() or len(form.licence.number) > 32:
        out.append(
            Violation(
                path="licence/number",
                code="services.licence.number",
                en="the licence number is 1 to 32 characters",
                zh="执业资格编号应为1至32个字符",
            )
        )
    if form.licence.valid_until <= on:
        out.append(
            Violation(
                path="licence/validUntil",
                code="services.licence.expired",
                en="the home licence has expired",
                zh="境外执业资格已过期",
            )
        )
    out += employer_violations(form.employer.uscc)
    if not form.employer.name.strip():
        out.append(
            Violation(
                path="employer/name",
                code="services.employer.name",
                en="the employer's name is required",
                zh="聘用单位名称为必填项",
            )
        )
    for name, text in (("nameEn", form.name_en), ("nameZh", form.name_zh)):
        if not text.strip() or len(text) > 100:
            out.append(
                Violation(
                    path=name,
                    code="services.applicant.name",
                    en=f"{name} is 1 to 100 characters",
                    zh=f"{name} 应为1至100个字符",
                )
            )
    city = gba_city(form.city)
    if city is None or not city.mainland:
        out.append(
            Violation(
                path="city",
                code="services.applicant.city",
                en=f"{form.city!r} is no mainland GBA city",
                zh=f"{form.city!r} 不是大湾区内地城市",
            )
        )
    return out


def renewal_violations(number: str, valid_until: date | None, on: date) -> list[Violation]:
    """Every problem with a renewal's licence number and new validity."""
    out = []
    if not number.strip() or len(number) > 32:
        out.append(
            Violation(
                path="number",
                code="services.licence.number",
                en="the licence number is 1 to 32 characters",
                zh="执业资格编号应为1至32个字符",
            )
        )
    if valid_until is None or valid_until <= on:
        out.append(
            Violation(
                path="validUntil",
                code="services.licence.expired",
                en="the renewed licence's validity is a date after today",
                zh="续期后的执业资格有效期应晚于今天",
            )
        )
    return out


def verification_outcome(form: ApplicationForm, record: LicenceRecord | None, on: date) -> str:
    """``confirmed``, or the code saying why the register does not confirm the licence."""
    if record is None or record.status is LicenceStatus.NOT_FOUND:
        return "services.verification.not_found"
    if record.status is not LicenceStatus.VALID or record.valid_until < on:
        return (
            "services.verification.revoked"
            if record.status is LicenceStatus.REVOKED
            else "services.verification.lapsed"
        )
    if _plain(record.holder_en) != _plain(form.name_en):
        return "services.verification.name_mismatch"
    return "confirmed"


def _plain(name: str) -> str:
    return " ".join(name.replace(",", " ").upper().split())


def verified(app: Application, verification: Verification, actor: str) -> tuple[Application, Event]:
    _require(app, State.SUBMITTED, State.UNVERIFIED)
    after = State.VERIFIED if verification.outcome == "confirmed" else State.UNVERIFIED
    changed = msgspec.structs.replace(
        app, state=after, verification=verification, updated_at=verification.at
    )
    return changed, _event(app, changed, verification.at, actor, "verified", verification.outcome)


def approved(
    app: Application, profession: Profession, officer: str, reasons: str, at: datetime
) -> tuple[Application, Event]:
    """Recognised until the earlier of the licence's expiry and the validity period."""
    _require(app, State.VERIFIED)
    licence_until = (
        app.verification.valid_until if app.verification and app.verification.valid_until else None
    ) or app.form.licence.valid_until
    until = min(licence_until, _add_years(at.date(), profession.validity_years))
    changed = msgspec.structs.replace(
        app,
        state=State.RECOGNISED,
        decided_by=officer,
        decided_at=at,
        reasons=reasons,
        filing_number=f"GBA-{app.home.value}-{at.year}-{app.id[-8:].upper()}",
        recognised_until=until,
        updated_at=at,
    )
    return changed, _event(app, changed, at, officer, "approved", reasons)


def refused(
    app: Application, officer: str, reasons: str, at: datetime
) -> tuple[Application, Event]:
    _require(app, *OPEN)
    if not reasons.strip():
        raise Conflict(
            "services.decision.reasons",
            "a refusal states its reasons",
            "不予备案须说明理由",
        )
    changed = msgspec.structs.replace(
        app, state=State.REFUSED, decided_by=officer, decided_at=at, reasons=reasons, updated_at=at
    )
    return changed, _event(app, changed, at, officer, "refused", reasons)


def withdrawn(app: Application, actor: str, at: datetime) -> tuple[Application, Event]:
    _require(app, *OPEN)
    changed = msgspec.structs.replace(app, state=State.WITHDRAWN, updated_at=at)
    return changed, _event(app, changed, at, actor, "withdrawn", "")


def rechecked(
    app: Application, verification: Verification, actor: str
) -> tuple[Application, Event] | None:
    """The periodic re-check: a recognition whose licence the register no longer confirms is
    suspended; a suspended one whose licence is valid again is reinstated. None: no change."""
    _require(app, State.RECOGNISED, State.SUSPENDED)
    at = verification.at
    if verification.outcome != "confirmed" and app.state is State.RECOGNISED:
        changed = msgspec.structs.replace(
            app,
            state=State.SUSPENDED,
            suspension=verification.outcome,
            verification=verification,
            updated_at=at,
        )
        return changed, _event(app, changed, at, actor, "suspended", verification.outcome)
    if verification.outcome == "confirmed" and app.state is State.SUSPENDED:
        changed = msgspec.structs.replace(
            app, state=State.RECOGNISED, suspension=None, verification=verification, updated_at=at
        )
        return changed, _event(app, changed, at, actor, "reinstated", "")
    return None


def expired(app: Application, at: datetime, actor: str) -> tuple[Application, Event] | None:
    """A recognition or suspension past its last day expires; None when it has not."""
    if app.state not in (State.RECOGNISED, State.SUSPENDED) or app.recognised_until is None:
        return None
    if at.date() <= app.recognised_until:
        return None
    changed = msgspec.structs.replace(app, state=State.EXPIRED, updated_at=at)
    return changed, _event(app, changed, at, actor, "expired", str(app.recognised_until))


def renewed(
    app: Application,
    profession: Profession,
    licence: HomeLicence,
    verification: Verification,
    actor: str,
) -> tuple[Application, Event]:
    """Renewal with the home licence's new validity, once the register confirms it: the
    recognition runs on from today (a lapsed renewal is refused with the register's code)."""
    _require(app, State.RECOGNISED, State.SUSPENDED)
    if verification.outcome != "confirmed":
        raise Conflict(
            verification.outcome,
            "the home register does not confirm the renewed licence",
            "境外登记机构未能核实续期后的执业资格",
        )
    at = verification.at
    until = min(
        verification.valid_until or licence.valid_until,
        _add_years(at.date(), profession.validity_years),
    )
    form = msgspec.structs.replace(app.form, licence=licence)
    changed = msgspec.structs.replace(
        app,
        form=form,
        state=State.RECOGNISED,
        suspension=None,
        verification=verification,
        recognised_until=until,
        updated_at=at,
    )
    return changed, _event(app, changed, at, actor, "renewed", str(until))


def due_for_reminder(app: Application, on: date) -> bool:
    """Recognised and expiring within ``REMINDER_DAYS``."""
    return (
        app.state is State.RECOGNISED
        and app.recognised_until is not None
        and app.recognised_until - on <= timedelta(days=REMINDER_DAYS)
    )


def _add_years(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year + years)
    except ValueError:  # 29 February in a year that has none
        return on.replace(year=on.year + years, day=28)


def _require(app: Application, *states: State) -> None:
    if app.state not in states:
        raise Conflict(
            "services.application.state",
            f"application {app.id} is {app.state.value}, not " + " or ".join(states),
            f"申请 {app.id} 当前状态为“{STATE_ZH[app.state]}”，不能执行此操作",
        )


def _event(
    before: Application, after: Application, at: datetime, actor: str, action: str, note: str
) -> Event:
    return Event(
        application_id=before.id,
        at=at,
        actor=actor,
        action=action,
        before=before.state,
        after=after.state,
        note=note,
    )
