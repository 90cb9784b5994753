"""``Recognitions``: the qualification-recognition use cases.

Access: an applicant reaches only their own applications, an officer only their department's;
anything else is ``NotFound`` exactly like an application that does not exist (no hint which).
Views are cut by the disclosure policy; a read of personal data by anyone but the applicant
is an evidence record. Every change of an application is an event and an evidence record in
the transaction that made it. (Over 400 lines: one use case per audience — applicant,
officer, public and employer, sweeps — all going through the one ``_change`` below.)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime

import msgspec

from tradewindow.clock import utc_now
from tradewindow.services.disclosure import (
    Disclosure,
    RecognitionView,
    Viewer,
    cut,
    personal_read,
    retention_due,
)
from tradewindow.services.documents import (
    ScanVerdict,
    Upload,
    document_violations,
    kept,
)
from tradewindow.services.errors import NotFound, Unavailable
from tradewindow.services.identity import Home, IdentityKind, normalise_identity
from tradewindow.services.ports import (
    HomeRegister,
    RecognitionRecords,
    RecognitionStore,
    Scanner,
    ServiceEvidence,
)
from tradewindow.services.recognition import (
    Application,
    ApplicationForm,
    Event,
    HomeLicence,
    Profession,
    State,
    Verification,
    approved,
    due_for_reminder,
    expired,
    form_violations,
    rechecked,
    refused,
    renewal_violations,
    renewed,
    verification_outcome,
    verified,
    withdrawn,
)
from tradewindow.violations import Rejected, Violation

SYSTEM = "system"  # the actor of the periodic sweeps
_SWEEP_PAGE = 500


class Officer(msgspec.Struct, frozen=True, kw_only=True):
    officer: str
    department: str


class Sweep(msgspec.Struct, frozen=True, kw_only=True):
    """What a periodic re-check did."""

    checked: int = 0
    suspended: int = 0
    reinstated: int = 0
    expired: int = 0
    unavailable: int = 0  # registers that did not answer: the recognition stays as it was


class Recognitions:
    def __init__(
        self,
        store: RecognitionStore,
        *,
        registers: Mapping[str, HomeRegister],
        scanner: Scanner,
        evidence: ServiceEvidence,
        disclosure: Disclosure,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._registers = registers  # by home jurisdiction ("HK", "MO")
        self._scanner = scanner
        self._evidence = evidence
        self._disclosure = disclosure
        self._clock = clock

    @property
    def disclosure(self) -> Disclosure:
        return self._disclosure

    # --- professions ------------------------------------------------------------------------

    def professions(self, on: date | None = None) -> list[Profession]:
        """The recognised professions (in force on ``on`` when given)."""
        with self._store.reading() as records:
            found = records.professions()
        return [p for p in found if on is None or p.in_force(on)]

    def load_professions(self, professions: list[Profession]) -> None:
        with self._store.writing() as records:
            for profession in professions:
                records.upsert_profession(profession)

    # --- the applicant ----------------------------------------------------------------------

    def apply(self, owner: str, form: ApplicationForm, uploads: list[Upload]) -> Application:
        """Check everything, keep the application and its documents, then verify the licence
        with the home register (when it does not answer, the application waits as submitted
        and ``verify`` tries again). Refuses with every violation at once."""
        now = self._clock()
        professions = {p.code: p for p in self.professions()}
        profession = professions.get(form.profession)
        problems = form_violations(form, profession, now.date()) + document_violations(uploads)
        verdicts = [self._scanner.scan(u.content) for u in uploads] if not problems else []
        problems += [
            Violation(
                path=f"documents[{index}]/content",
                code="services.document.infected",
                en="the virus scan found this file infected",
                zh="病毒扫描发现该文件已感染",
            )
            for index, verdict in enumerate(verdicts, start=1)
            if verdict is ScanVerdict.INFECTED
        ]
        if problems or profession is None:
            raise Rejected(problems)
        form = msgspec.structs.replace(
            form,
            identity_number=normalise_identity(
                IdentityKind(form.identity_kind), form.identity_number
            ),
            employer=msgspec.structs.replace(
                form.employer, uscc=form.employer.uscc.strip().upper()
            ),
        )
        application = Application(
            id="SA" + secrets.token_hex(8).upper(),
            owner=owner,
            form=form,
            home=profession.home,
            department=profession.department,
            state=State.SUBMITTED,
            documents=tuple(kept(u, v) for u, v in zip(uploads, verdicts, strict=True)),
            submitted_at=now,
            updated_at=now,
        )
        event = Event(
            application_id=application.id,
            at=now,
            actor=owner,
            action="submitted",
            before=None,
            after=State.SUBMITTED,
        )
        with self._store.writing() as records:
            records.insert_application(application, [u.content for u in uploads])
            records.insert_event(event)
            self._evidence.recognition_changed(records, application, event)
        try:
            return self.verify(application.id, actor=SYSTEM)
        except Unavailable:
            return application

    def mine(self, owner: str) -> list[RecognitionView]:
        with self._store.reading() as records:
            found = records.applications_of(owner)
        return [cut(self._disclosure, Viewer.APPLICANT, a) for a in found]

    def own(self, owner: str, application_id: str) -> tuple[RecognitionView, list[Event]]:
        """One of the owner's applications and everything that happened to it."""
        with self._store.reading() as records:
            found = records.application(application_id)
            if found is None or found.owner != owner:
                raise _absent(application_id)
            return cut(self._disclosure, Viewer.APPLICANT, found), records.events(found.id)

    def withdraw(self, owner: str, application_id: str) -> Application:
        return self._change(
            application_id,
            lambda app: withdrawn(app, owner, self._clock()),
            lambda app: app.owner == owner,
        )

    def renew(
        self, owner: str, application_id: str, number: str, valid_until: date | None
    ) -> Application:
        """Renew with the home licence's new validity (and number, when it changed),
        confirmed by the home register."""
        with self._store.reading() as records:
            found = records.application(application_id)
            professions = {p.code: p for p in records.professions()}
        if found is None or found.owner != owner:
            raise _absent(application_id)
        problems = renewal_violations(number, valid_until, self._clock().date())
        if problems or valid_until is None:
            raise Rejected(problems)
        licence = HomeLicence(
            authority=found.form.licence.authority, number=number.strip(), valid_until=valid_until
        )
        renewed_form = msgspec.structs.replace(found.form, licence=licence)
        check = self._check(renewed_form, found.home)
        profession = professions[found.form.profession]
        return self._change(
            application_id,
            lambda app: renewed(app, profession, licence, check, owner),
            lambda app: app.owner == owner,
        )

    # --- verification -----------------------------------------------------------------------

    def verify(self, application_id: str, actor: str) -> Application:
        """Ask the home register about the application's licence (submitted or unverified)."""
        with self._store.reading() as records:
            found = records.application(application_id)
        if found is None:
            raise _absent(application_id)
        check = self._check(found.form, found.home)
        return self._change(application_id, lambda app: verified(app, check, actor), None)

    def _check(self, form: ApplicationForm, home: Home) -> Verification:
        register = self._registers.get(home.value)
        if register is None:
            raise Unavailable(
                "services.verification.no_register",
                f"no register of {home.value} is connected",
                f"未接入{home.value}的登记机构",
            )
        record = register.look_up(form.licence.authority, form.licence.number)
        now = self._clock()
        return Verification(
            at=now,
            register=register.name,
            outcome=verification_outcome(form, record, now.date()),
            valid_until=None if record is None else record.valid_until,
        )

    # --- the competent department's officers -----------------------------------------------

    def worklist(
        self,
        officer: Officer,
        states: frozenset[State] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RecognitionView]:
        """The department's applications (cut for officers; the read of each is logged)."""
        with self._store.reading() as records:
            found = records.applications_for(officer.department, states, limit, offset)
        fields = personal_read(self._disclosure, Viewer.OFFICER)
        if fields and found:  # one evidence record per application read, appended at once
            reads = [(app.id, fields) for app in found]
            self._evidence.personal_reads(reads, officer.officer, self._clock())
        return [cut(self._disclosure, Viewer.OFFICER, app) for app in found]

    def for_officer(
        self, officer: Officer, application_id: str
    ) -> tuple[RecognitionView, list[Event]]:
        with self._store.reading() as records:
            found = records.application(application_id)
            if found is None or found.department != officer.department:
                raise _absent(application_id)
            events = records.events(found.id)
        return self._read(Viewer.OFFICER, found, officer.officer), events

    def document(self, officer: Officer, application_id: str, index: int) -> tuple[str, bytes]:
        """A document's media type and bytes, for the deciding department (the read logged)."""
        with self._store.reading() as records:
            found = records.application(application_id)
            if found is None or found.department != officer.department:
                raise _absent(application_id)
            content = records.document_content(application_id, index)
        if content is None or not 1 <= index <= len(found.documents):
            raise NotFound("services.document.not_found", "no such document", "无此文件")
        self._evidence.personal_read(application_id, ["documents"], officer.officer, self._clock())
        return found.documents[index - 1].media_type, content

    def decide(
        self, officer: Officer, application_id: str, decision: str, reasons: str
    ) -> Application:
        """``approve`` (only a verified application) or ``refuse`` (with reasons)."""
        with self._store.reading() as records:
            professions = {p.code: p for p in records.professions()}
        now = self._clock()

        def decided(app: Application) -> tuple[Application, Event]:
            if decision == "approve":
                profession = professions[app.form.profession]
                return approved(app, profession, officer.officer, reasons, now)
            if decision == "refuse":
                return refused(app, officer.officer, reasons, now)
            raise Rejected(
                [
                    Violation(
                        path="decision",
                        code="services.decision.unknown",
                        en=f"a decision is approve or refuse, not {decision!r}",
                        zh="决定应为 approve（予以备案）或 refuse（不予备案）",
                    )
                ]
            )

        return self._change(application_id, decided, lambda a: a.department == officer.department)

    # --- the public and employers -----------------------------------------------------------

    def register(
        self, text: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[RecognitionView]:
        """The public register: recognised and suspended professionals, cut for the public."""
        with self._store.reading() as records:
            found = records.register(text, limit, offset)
        return [cut(self._disclosure, Viewer.PUBLIC, a) for a in found]

    def verify_for_employer(
        self, filing_number: str, licence_number: str, actor: str
    ) -> RecognitionView:
        """What an employer may know of a filing, given its number and the licence number
        (both must match: a filing number alone discloses nothing beyond the register)."""
        with self._store.reading() as records:
            found = records.by_filing_number(filing_number.strip().upper())
        if (
            found is None
            or found.form.licence.number.strip().upper() != licence_number.strip().upper()
        ):
            raise NotFound(
                "services.recognition.not_found",
                "no recognition with this filing and licence number",
                "未找到该备案编号与执业资格编号对应的备案",
            )
        return self._read(Viewer.EMPLOYER, found, actor)

    def _read(self, viewer: Viewer, app: Application, actor: str) -> RecognitionView:
        fields = personal_read(self._disclosure, viewer)
        if fields:
            self._evidence.personal_read(app.id, fields, actor, self._clock())
        return cut(self._disclosure, viewer, app)

    # --- the periodic sweeps ----------------------------------------------------------------

    def recheck(self) -> Sweep:
        """Expire recognitions past their last day, then ask the home registers about every
        recognised or suspended licence: suspend the lapsed, reinstate the valid again."""
        counts = {"checked": 0, "suspended": 0, "reinstated": 0, "expired": 0, "unavailable": 0}
        after = ""
        while True:
            with self._store.reading() as records:
                page = records.in_states(
                    frozenset({State.RECOGNISED, State.SUSPENDED}), _SWEEP_PAGE, after
                )
            if not page:
                return Sweep(**counts)
            for app in page:
                counts["checked"] += 1
                if expired(app, self._clock(), SYSTEM) is not None:
                    self._change(
                        app.id, lambda a: _required(expired(a, self._clock(), SYSTEM)), None
                    )
                    counts["expired"] += 1
                    continue
                try:
                    check = self._check(app.form, app.home)
                except Unavailable:
                    counts["unavailable"] += 1
                    continue
                change = rechecked(app, check, SYSTEM)
                if change is not None:
                    self._change(app.id, _rechecking(check), None)
                    counts[change[1].action] += 1
            after = page[-1].id

    def reminders(self, on: date) -> list[Application]:
        """Recognitions expiring within the reminder period (for the notices sent out)."""
        with self._store.reading() as records:
            found = records.in_states(frozenset({State.RECOGNISED}), 1_000_000, "")
        return [a for a in found if due_for_reminder(a, on)]

    def erase_expired_records(self) -> int:
        """Erase the documents of closed applications kept past the retention period."""
        today = self._clock().date()
        closed = frozenset(self._disclosure.retention_days)
        with self._store.writing() as records:
            due = [
                a
                for a in records.in_states(closed, 1_000_000, "")
                if retention_due(self._disclosure, a, today)
            ]
            for app in due:
                records.erase_documents(app.id)
        return len(due)

    # --- statistics -------------------------------------------------------------------------

    def counts(self) -> list[tuple[str, str, str, str, int]]:
        with self._store.reading() as records:
            return records.recognition_counts()

    def by_month(self) -> list[tuple[str, str, int]]:
        with self._store.reading() as records:
            return records.recognitions_by_month()

    # --- one change, in one transaction -----------------------------------------------------

    def _change(
        self,
        application_id: str,
        step: Callable[[Application], tuple[Application, Event]],
        allowed: Callable[[Application], bool] | None,
    ) -> Application:
        with self._store.writing() as records:
            found = records.application(application_id)
            if found is None or (allowed is not None and not allowed(found)):
                raise _absent(application_id)
            changed, event = step(found)
            records.update_application(changed)
            records.insert_event(event)
            self._evidence.recognition_changed(records, changed, event)
            return changed


def _rechecking(check: Verification) -> Callable[[Application], tuple[Application, Event]]:
    return lambda app: _required(rechecked(app, check, SYSTEM))


def _required(change: tuple[Application, Event] | None) -> tuple[Application, Event]:
    if change is None:  # the application changed between the page read and this write
        raise NotFound("services.application.changed", "the application changed", "申请已变更")
    return change


def _absent(application_id: str) -> NotFound:
    return NotFound(
        "services.application.not_found",
        f"no application {application_id} here",
        f"未找到申请 {application_id}",
    )


__all__ = ["Officer", "RecognitionRecords", "Recognitions", "Sweep"]
