"""Service trade over HTTP, signed in: the departments' editors and officers, the applicants,
and employers checking a recognition. Translation only (``services`` holds every rule).

=================================================  ==========================================
``GET  /v1/services/rules/worklist``               the department's drafts and reviews
``POST /v1/services/rules``                        save a draft (new item, revision, change)
``POST /v1/services/rules/{list}/{no}/submit``     send it for review
``POST /v1/services/rules/{list}/{no}/return``     send it back, saying why
``POST /v1/services/rules/{list}/{no}/publish``    publish (another officer than its author)
``GET  /v1/services/rules/{list}/{no}/history``    the item's full history
``GET  /v1/services/applications``                 the department's applications
``GET  /v1/services/applications/{id}``            one, with what happened to it
``POST /v1/services/applications/{id}/verify``     ask the home register again
``POST /v1/services/applications/{id}/decision``   recognise or refuse, with reasons
``GET  /v1/services/applications/{id}/documents/{n}``  a document's bytes
``GET|POST /v1/services/my-applications``          the applicant's own; apply
``GET  /v1/services/my-applications/{id}``         one, with everything held about it
``POST /v1/services/my-applications/{id}/withdraw``
``POST /v1/services/my-applications/{id}/renew``   with the home licence's new validity
``POST /v1/services/verifications``                an employer checks a filing
=================================================  ==========================================

Officers are agency principals whose agency is one of the departments
(``services/data/departments.csv``); the officer acting is the credential (API key or OAuth
client), so two officers of one department hold two credentials. An application of another
department, or of another applicant, is 404 exactly like one that does not exist.
(Over 400 lines: the four audiences' controllers share the request shapes and the officer
check above them; each handler is a few lines.)

(Over 400 lines: one short translating handler per endpoint of the table above, sharing the
audiences' sign-in checks and the refusal mapping; no rule lives here.)
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.services.departments import departments
from tradewindow.services.disclosure import RecognitionView
from tradewindow.services.documents import Upload
from tradewindow.services.recognition import (
    ApplicationForm,
    Employer,
    Event,
    HomeLicence,
    State,
)
from tradewindow.services.recognition_service import Officer, Recognitions
from tradewindow.services.registry import Editor, HistoryEntry, ItemContent, Revision
from tradewindow.services.registry_service import RuleRegistry
from tradewindow.web.openapi_docs import document
from tradewindow.web.problems import ApiError
from tradewindow.web.routes.services_public import MAX_OFFSET
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]


class NoteRequest(msgspec.Struct, frozen=True, kw_only=True):
    note: str = ""


class RevisionList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Revision]


class HistoryList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[HistoryEntry]


class ApplicationList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RecognitionView]


class ApplicationDetail(msgspec.Struct, frozen=True, kw_only=True):
    application: RecognitionView
    events: list[Event]


class DocumentUpload(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: str  # identity, licence, employment, photo, other
    filename: str
    media_type: str  # application/pdf, image/jpeg or image/png (checked against the bytes)
    content: bytes  # base64 in JSON


class ApplyRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    profession: str
    identity_kind: str  # hk_identity_card, mo_identity_card, travel_permit
    identity_number: str
    name_en: str
    name_zh: str
    licence: HomeLicence
    employer: Employer
    city: str
    documents: list[DocumentUpload]


class DecisionRequest(msgspec.Struct, frozen=True, kw_only=True):
    decision: str  # approve or refuse (any other is a coded 422, once the access is checked)
    reasons: str = ""


class RenewRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    number: str = ""  # the home licence's number (as before, unless it changed)
    valid_until: date | None = None  # its new validity


class VerificationRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    filing_number: str
    licence_number: str


def _window(request: AnyRequest) -> Window:
    window: Window = request.app.state.window
    return window


def _registry(request: AnyRequest) -> RuleRegistry:
    return _window(request).app.service_trade.registry


def _recognitions(request: AnyRequest) -> Recognitions:
    return _window(request).app.service_trade.recognitions


def officer_of(principal: Principal) -> Officer:
    """The department officer acting, or 403 for anyone else."""
    if principal.kind is not PartyKind.AGENCY or principal.agency not in departments():
        raise ApiError(
            403,
            "services.officer_only",
            "only an officer of a registries' department may do this",
            "仅限相关主管部门的工作人员操作",
        )
    return Officer(officer=principal.credential_id, department=principal.agency)


def editor_of(principal: Principal) -> Editor:
    officer = officer_of(principal)
    return Editor(officer=officer.officer, department=officer.department)


def _json(value: object, status: int = 200) -> Response[bytes]:
    return Response(msgspec.json.encode(value), status_code=status, media_type="application/json")


class RuleEditorController(Controller):
    path = "/v1/services/rules"
    tags = ["services"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/worklist",
        sync_to_thread=True,
        summary="Drafts and reviews of the department's items",
        responses=document({}),
    )
    def worklist(self, request: AnyRequest, principal: Principal) -> RevisionList:
        return RevisionList(items=_registry(request).worklist(editor_of(principal)))

    @post(
        "/",
        sync_to_thread=True,
        status_code=201,
        summary="Save a draft: a new item, a new revision of a published one, or a change of"
        " the item's draft",
        responses=document({201: (Revision, "the draft as saved")}),
    )
    def draft(self, request: AnyRequest, data: ItemContent, principal: Principal) -> Revision:
        return _registry(request).draft(editor_of(principal), data)

    @post(
        "/{list_code:str}/{number:str}/submit",
        sync_to_thread=True,
        status_code=200,
        summary="Send the draft for review",
        responses=document({200: (Revision, "the revision in review")}),
    )
    def submit(
        self, request: AnyRequest, list_code: str, number: str, principal: Principal
    ) -> Revision:
        return _registry(request).submit(editor_of(principal), f"{list_code}/{number}")

    @post(
        "/{list_code:str}/{number:str}/return",
        sync_to_thread=True,
        status_code=200,
        summary="Send a revision in review back to its draft, saying why",
        responses=document({200: (Revision, "the draft")}),
    )
    def send_back(
        self,
        request: AnyRequest,
        list_code: str,
        number: str,
        data: NoteRequest,
        principal: Principal,
    ) -> Revision:
        return _registry(request).send_back(
            editor_of(principal), f"{list_code}/{number}", data.note
        )

    @post(
        "/{list_code:str}/{number:str}/publish",
        sync_to_thread=True,
        status_code=200,
        summary="Publish the revision in review (a reviewer other than its author)",
        responses=document({200: (Revision, "the published revision")}),
    )
    def publish(
        self,
        request: AnyRequest,
        list_code: str,
        number: str,
        data: NoteRequest,
        principal: Principal,
    ) -> Revision:
        return _registry(request).publish(editor_of(principal), f"{list_code}/{number}", data.note)

    @get(
        "/{list_code:str}/{number:str}/history",
        sync_to_thread=True,
        summary="The item's full history (drafts, reviews, returns, publications)",
        responses=document({200: (HistoryList, "oldest first")}),
    )
    def history(
        self, request: AnyRequest, list_code: str, number: str, principal: Principal
    ) -> HistoryList:
        return HistoryList(
            items=_registry(request).history(editor_of(principal), f"{list_code}/{number}")
        )


class RecognitionOfficerController(Controller):
    path = "/v1/services/applications"
    tags = ["services"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/",
        sync_to_thread=True,
        summary="The department's applications (each read logged)",
        responses=document({}),
    )
    def applications(
        self,
        request: AnyRequest,
        principal: Principal,
        in_state: Annotated[State | None, Parameter(query="state")] = None,
        limit: int = Parameter(default=100, ge=1, le=500),
        offset: int = Parameter(default=0, ge=0, le=MAX_OFFSET),
    ) -> ApplicationList:
        states = None if in_state is None else frozenset({in_state})
        found = _recognitions(request).worklist(officer_of(principal), states, limit, offset)
        return ApplicationList(items=found)

    @get(
        "/{application_id:str}",
        sync_to_thread=True,
        summary="One application and its events",
        responses=document({}),
    )
    def application(
        self, request: AnyRequest, application_id: str, principal: Principal
    ) -> ApplicationDetail:
        view, events = _recognitions(request).for_officer(officer_of(principal), application_id)
        return ApplicationDetail(application=view, events=events)

    @post(
        "/{application_id:str}/verify",
        sync_to_thread=True,
        status_code=200,
        summary="Ask the home register about the licence again",
        responses=document({200: (ApplicationDetail, "the application after the check")}),
    )
    def verify(
        self, request: AnyRequest, application_id: str, principal: Principal
    ) -> ApplicationDetail:
        officer = officer_of(principal)
        recognitions = _recognitions(request)
        recognitions.for_officer(officer, application_id)  # 404 unless the department's
        recognitions.verify(application_id, actor=officer.officer)
        view, events = recognitions.for_officer(officer, application_id)
        return ApplicationDetail(application=view, events=events)

    @post(
        "/{application_id:str}/decision",
        sync_to_thread=True,
        status_code=200,
        summary="Recognise (a verified application) or refuse (with reasons)",
        responses=document({200: (ApplicationDetail, "the application as decided")}),
    )
    def decide(
        self, request: AnyRequest, application_id: str, data: DecisionRequest, principal: Principal
    ) -> ApplicationDetail:
        officer = officer_of(principal)
        recognitions = _recognitions(request)
        recognitions.decide(officer, application_id, data.decision, data.reasons)
        view, events = recognitions.for_officer(officer, application_id)
        return ApplicationDetail(application=view, events=events)

    @get(
        "/{application_id:str}/documents/{index:int}",
        sync_to_thread=True,
        summary="A document's bytes (the read logged)",
        media_type="application/octet-stream",
        responses=document({}),
    )
    def document(
        self, request: AnyRequest, application_id: str, index: int, principal: Principal
    ) -> Response[bytes]:
        media_type, content = _recognitions(request).document(
            officer_of(principal), application_id, index
        )
        return Response(
            content,
            media_type=media_type,
            headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
        )


class MyApplicationsController(Controller):
    path = "/v1/services/my-applications"
    tags = ["services"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/", sync_to_thread=True, summary="The applicant's own applications", responses=document({})
    )
    def mine(self, request: AnyRequest, principal: Principal) -> ApplicationList:
        return ApplicationList(items=_recognitions(request).mine(principal.party_id))

    @post(
        "/",
        sync_to_thread=True,
        status_code=201,
        summary="Apply for recognition (documents base64 in JSON); the licence is verified at once",
        responses=document({201: (RecognitionView, "the application as kept")}),
    )
    def apply(
        self,
        request: AnyRequest,
        data: ApplyRequest,
        body: bytes,
        principal: Principal,
        idempotency_key: str | None = Parameter(header="Idempotency-Key", required=False),
    ) -> Response[bytes]:
        window = _window(request)
        form = ApplicationForm(
            profession=data.profession,
            identity_kind=data.identity_kind,
            identity_number=data.identity_number,
            name_en=data.name_en,
            name_zh=data.name_zh,
            licence=data.licence,
            employer=data.employer,
            city=data.city,
        )
        uploads = [
            Upload(kind=d.kind, filename=d.filename, media_type=d.media_type, content=d.content)
            for d in data.documents
        ]

        def run() -> Response[bytes]:  # a retried application must not be kept twice
            recognitions = _recognitions(request)
            kept = recognitions.apply(principal.party_id, form, uploads)
            view, _ = recognitions.own(principal.party_id, kept.id)
            return _json(view, 201)

        return window.idempotency.once(
            principal.party_id, idempotency_key, request.url.path, body, run
        )

    @get(
        "/{application_id:str}",
        sync_to_thread=True,
        summary="One of the applicant's own, with its events",
        responses=document({}),
    )
    def own(
        self, request: AnyRequest, application_id: str, principal: Principal
    ) -> ApplicationDetail:
        view, events = _recognitions(request).own(principal.party_id, application_id)
        return ApplicationDetail(application=view, events=events)

    @post(
        "/{application_id:str}/withdraw",
        sync_to_thread=True,
        status_code=200,
        summary="Withdraw an application not yet decided",
        responses=document({200: (ApplicationDetail, "the application withdrawn")}),
    )
    def withdraw(
        self, request: AnyRequest, application_id: str, principal: Principal
    ) -> ApplicationDetail:
        recognitions = _recognitions(request)
        recognitions.withdraw(principal.party_id, application_id)
        view, events = recognitions.own(principal.party_id, application_id)
        return ApplicationDetail(application=view, events=events)

    @post(
        "/{application_id:str}/renew",
        sync_to_thread=True,
        status_code=200,
        summary="Renew a recognition with the home licence's new validity",
        responses=document({200: (ApplicationDetail, "the recognition renewed")}),
    )
    def renew(
        self, request: AnyRequest, application_id: str, data: RenewRequest, principal: Principal
    ) -> ApplicationDetail:
        recognitions = _recognitions(request)
        recognitions.renew(principal.party_id, application_id, data.number, data.valid_until)
        view, events = recognitions.own(principal.party_id, application_id)
        return ApplicationDetail(application=view, events=events)


class EmployerVerificationController(Controller):
    path = "/v1/services/verifications"
    tags = ["services"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @post(
        "/",
        sync_to_thread=True,
        status_code=200,
        summary="An employer checks a recognition by its filing and licence numbers",
        responses=document({200: (RecognitionView, "what the policy shows employers")}),
    )
    def verify(
        self, request: AnyRequest, data: VerificationRequest, principal: Principal
    ) -> RecognitionView:
        """Both numbers must match one filing (404 otherwise, with no hint which was wrong);
        the read is an evidence record naming the employer's party."""
        return _recognitions(request).verify_for_employer(
            data.filing_number, data.licence_number, actor=principal.party_id
        )
