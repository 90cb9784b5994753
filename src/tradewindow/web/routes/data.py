"""The research-data channel over HTTP (``/v1/data``). Translation only: ``datachannel`` holds
every rule; who may see what is decided by :class:`tradewindow.datachannel.channel.Channel`.

=====================================================  ======================================
``GET  /v1/data/projects``                             the caller's projects
``POST /v1/data/projects``                             register or change one (sender's officer)
``GET  /v1/data/projects/{code}/datasets``             a project's catalogue (members only)
``POST /v1/data/datasets``                             catalogue a dataset (sender's members)
``GET  /v1/data/transfers``                            the transfers of the caller's projects
``POST /v1/data/transfers``                            request a transfer (lawfulness check)
``GET  /v1/data/transfers/{id}``                       one, with its evidence
``POST /v1/data/transfers/{id}/approvals``             approve (data officers)
``POST /v1/data/transfers/{id}/refusal``               refuse (data officers)
``POST /v1/data/transfers/{id}/upload``                begin or resume: the chunks missing
``PUT  /v1/data/transfers/{id}/chunks/{n}``        one chunk (``X-Chunk-SHA256``)
``POST /v1/data/transfers/{id}/manifest``              close the upload: the signed manifest
``GET  /v1/data/transfers/{id}/manifest``              the manifest (named recipients)
``GET  /v1/data/transfers/{id}/content``               the bytes, ``Range`` honoured (206)
``POST /v1/data/transfers/{id}/release``               release (a data officer)
``POST /v1/data/transfers/{id}/verification``          the recipient's verification
``POST /v1/data/transfers/{id}/destruction``           destroy after retention (with proof)
``GET  /v1/data/register``                             the regulator's register (agencies)
``GET  /v1/data/totals?handler=…``                    a handler's running totals (agencies)
=====================================================  ======================================

The person acting is the credential (an API key or OAuth client id): a project names its
members by it. Anything of a project the caller is not in is 404, as if it did not exist.

(Over 400 lines: one short translating handler per endpoint of the table above, sharing the
channel's refusal mapping; no rule lives here.)
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Annotated, Any

import msgspec
from anyio import to_thread
from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from litestar.response import Stream

from tradewindow.datachannel.channel import Channel, NotFound, RegisterEntry
from tradewindow.datachannel.lawfulness import Totals
from tradewindow.datachannel.manifest import CHUNK_SIZE, Manifest
from tradewindow.datachannel.model import Dataset, Project, Transfer
from tradewindow.datachannel.ports import EvidenceRecord
from tradewindow.datachannel.workflow import awaiting
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.web.openapi_docs import document
from tradewindow.web.problems import ApiError
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class ProjectList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Project]


class DatasetList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Dataset]


class TransferList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Transfer]


class TransferDetail(msgspec.Struct, frozen=True, kw_only=True):
    transfer: Transfer
    evidence: list[EvidenceRecord]
    missing_approvals: list[str] = msgspec.field(name="missingApprovals")


class TransferRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    dataset: str
    recipients: list[str]
    retain_until: date


class ApprovalRequest(msgspec.Struct, frozen=True, kw_only=True):
    kind: str = ""  # an ApprovalKind; checked once the caller's access is (a coded 422)
    reference: str = ""


class UploadRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    size: int = -1  # required; checked once the caller's access is (a coded 422)
    chunk_size: int = CHUNK_SIZE


class UploadPlan(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    missing: list[int]
    chunk_size: int
    size: int


class VerificationRequest(msgspec.Struct, frozen=True, kw_only=True):
    root: str = ""
    ok: bool = False


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    evidence: str  # the digest of the evidence record


class RegisterList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RegisterEntry]


def channel_of(request: AnyRequest) -> Channel:
    window: Window = request.app.state.window
    return window.app.data


def _found(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except NotFound:
        raise ApiError(404, "DATA.not_found", "no such item here", "未找到该项") from None


def _regulator(principal: Principal) -> None:
    if principal.kind is not PartyKind.AGENCY:
        raise ApiError(
            403, "DATA.regulatorOnly", "only a regulator reads the register", "仅限监管部门查阅"
        )


class DataController(Controller):
    path = "/v1/data"
    tags = ["data"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/projects",
        sync_to_thread=True,
        summary="The caller's projects",
        responses=document({}),
    )
    def projects(self, request: AnyRequest, principal: Principal) -> ProjectList:
        return ProjectList(items=channel_of(request).projects_of(principal.credential_id))

    @post(
        "/projects",
        sync_to_thread=True,
        status_code=201,
        summary="Register a project (or change one): the caller is a data officer of the"
        " sending institution, named in it",
        responses=document({201: (Project, "the project as registered")}),
    )
    def register_project(self, request: AnyRequest, data: Project, principal: Principal) -> Project:
        found: Project = _found(channel_of(request).register_project, principal.credential_id, data)
        return found

    @get(
        "/projects/{project_code:str}/datasets",
        sync_to_thread=True,
        summary="A project's datasets (its members only)",
        responses=document({}),
    )
    def datasets(self, request: AnyRequest, project_code: str, principal: Principal) -> DatasetList:
        found = _found(channel_of(request).datasets_for, principal.credential_id, project_code)
        return DatasetList(items=list(found))

    @post(
        "/datasets",
        sync_to_thread=True,
        status_code=201,
        summary="Catalogue a dataset (members of the sending institution)",
        responses=document({201: (Dataset, "the dataset as catalogued")}),
    )
    def catalogue(self, request: AnyRequest, data: Dataset, principal: Principal) -> Dataset:
        _found(channel_of(request).save_dataset, principal.credential_id, data)
        return data

    @get(
        "/transfers",
        sync_to_thread=True,
        summary="The transfers of the caller's projects",
        responses=document({}),
    )
    def transfers(self, request: AnyRequest, principal: Principal) -> TransferList:
        return TransferList(items=channel_of(request).transfers_for(principal.credential_id))

    @post(
        "/transfers",
        sync_to_thread=True,
        status_code=201,
        summary="Request a transfer: checked against the lawfulness table and the mechanisms on"
        " file (a coded 422 names the mechanism missing)",
        responses=document({201: (Transfer, "the transfer requested")}),
    )
    def request_transfer(
        self, request: AnyRequest, data: TransferRequest, principal: Principal
    ) -> Transfer:
        channel = channel_of(request)
        found: Transfer = _found(
            channel.request,
            principal.credential_id,
            data.id,
            data.dataset,
            data.recipients,
            data.retain_until,
        )
        return found

    @get(
        "/transfers/{transfer_id:str}",
        sync_to_thread=True,
        summary="A transfer with its evidence and the approvals it waits for",
        responses=document({}),
    )
    def transfer(
        self, request: AnyRequest, transfer_id: str, principal: Principal
    ) -> TransferDetail:
        channel = channel_of(request)
        transfer, _, dataset = _found(channel.transfer_for, principal.credential_id, transfer_id)
        return TransferDetail(
            transfer=transfer,
            evidence=list(channel.records.evidence(transfer_id)),
            missing_approvals=list(awaiting(transfer, dataset)),
        )

    @post(
        "/transfers/{transfer_id:str}/approvals",
        sync_to_thread=True,
        status_code=200,
        summary="Record an approval (the data officer of that side)",
        responses=document({200: (Transfer, "the transfer with the approval")}),
    )
    def approve(
        self, request: AnyRequest, transfer_id: str, data: ApprovalRequest, principal: Principal
    ) -> Transfer:
        channel = channel_of(request)
        found: Transfer = _found(
            channel.approve, principal.credential_id, transfer_id, data.kind, data.reference
        )
        return found

    @post(
        "/transfers/{transfer_id:str}/refusal",
        sync_to_thread=True,
        status_code=200,
        summary="Refuse the transfer (a data officer)",
        responses=document({}),
    )
    def refuse(self, request: AnyRequest, transfer_id: str, principal: Principal) -> Transfer:
        found: Transfer = _found(channel_of(request).refuse, principal.credential_id, transfer_id)
        return found

    @post(
        "/transfers/{transfer_id:str}/upload",
        sync_to_thread=True,
        status_code=200,
        summary="Begin or resume the upload: the chunks still missing",
        responses=document({}),
    )
    def upload(
        self, request: AnyRequest, transfer_id: str, data: UploadRequest, principal: Principal
    ) -> UploadPlan:
        missing = _found(
            channel_of(request).begin_upload,
            principal.credential_id,
            transfer_id,
            data.size,
            data.chunk_size,
        )
        return UploadPlan(missing=missing, chunk_size=data.chunk_size, size=data.size)

    @put(
        "/transfers/{transfer_id:str}/chunks/{chunk_index:int}",
        status_code=201,
        summary="One chunk of the upload (the raw bytes), its SHA-256 in X-Chunk-SHA256; 201"
        " once stored durably",
        responses=document({}),
    )
    async def chunk(
        self,
        request: AnyRequest,
        transfer_id: str,
        chunk_index: int,
        principal: Principal,
        digest: Annotated[str | None, Parameter(header="X-Chunk-SHA256")] = None,
    ) -> None:
        # the body is raw bytes, not JSON: read as sent, then stored off the event loop
        body = await request.body()
        channel = channel_of(request)
        await to_thread.run_sync(
            _found,
            channel.put_chunk,
            principal.credential_id,
            transfer_id,
            chunk_index,
            body,
            digest,
        )

    @post(
        "/transfers/{transfer_id:str}/manifest",
        sync_to_thread=True,
        status_code=201,
        summary="Close the upload: the manifest, signed, with the chunks' Merkle root",
        responses=document({}),
    )
    def finish(self, request: AnyRequest, transfer_id: str, principal: Principal) -> Manifest:
        found: Manifest = _found(
            channel_of(request).finish_upload, principal.credential_id, transfer_id
        )
        return found

    @get(
        "/transfers/{transfer_id:str}/manifest",
        sync_to_thread=True,
        summary="The signed manifest (the named recipients of a released transfer)",
        responses=document({}),
    )
    def manifest(self, request: AnyRequest, transfer_id: str, principal: Principal) -> Manifest:
        found: Manifest = _found(
            channel_of(request).manifest_for, principal.credential_id, transfer_id
        )
        return found

    @get(
        "/transfers/{transfer_id:str}/content",
        sync_to_thread=True,
        summary="The released bytes (Range: bytes=a-b honoured with 206), each chunk verified"
        " against the manifest before it is sent",
        media_type="application/octet-stream",
        responses=document({}),
    )
    def content(
        self,
        request: AnyRequest,
        transfer_id: str,
        principal: Principal,
        range_header: Annotated[str | None, Parameter(header="Range")] = None,
    ) -> Stream:
        channel = channel_of(request)
        found: Manifest = _found(channel.manifest_for, principal.credential_id, transfer_id)
        start, end = byte_range(range_header, found.size)
        pieces = _found(channel.read, principal.credential_id, transfer_id, start, end)
        # the first chunk is opened and checked before the answer begins: a tampered one is a
        # coded refusal (422), not a cut stream (a chunk's range, as `data pull` asks, is whole)
        first = next(pieces, b"")
        headers = {"Accept-Ranges": "bytes", "Content-Length": str(end - start)}
        if range_header:
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{found.size}"
        return Stream(
            itertools.chain([first], pieces),
            status_code=206 if range_header else 200,
            headers=headers,
            media_type="application/octet-stream",
        )

    @post(
        "/transfers/{transfer_id:str}/release",
        sync_to_thread=True,
        status_code=200,
        summary="Release to the named recipients (a data officer; every approval recorded)",
        responses=document({}),
    )
    def release(self, request: AnyRequest, transfer_id: str, principal: Principal) -> Transfer:
        found: Transfer = _found(channel_of(request).release, principal.credential_id, transfer_id)
        return found

    @post(
        "/transfers/{transfer_id:str}/verification",
        sync_to_thread=True,
        status_code=201,
        summary="The recipient's verification of the manifest and every chunk",
        responses=document({}),
    )
    def verification(
        self, request: AnyRequest, transfer_id: str, data: VerificationRequest, principal: Principal
    ) -> Receipt:
        digest: str = _found(
            channel_of(request).record_verification,
            principal.credential_id,
            transfer_id,
            data.root,
            data.ok,
        )
        return Receipt(evidence=digest)

    @post(
        "/transfers/{transfer_id:str}/destruction",
        sync_to_thread=True,
        status_code=201,
        summary="Destroy the copy after its retention date: the proof recorded",
        responses=document({}),
    )
    def destruction(self, request: AnyRequest, transfer_id: str, principal: Principal) -> Receipt:
        proof: str = _found(channel_of(request).destroy, principal.credential_id, transfer_id)
        return Receipt(evidence=proof)

    @get(
        "/register",
        sync_to_thread=True,
        summary="The regulator's register: every transfer, its mechanism and state (no contents)",
        responses=document({}),
    )
    def register(self, request: AnyRequest, principal: Principal) -> RegisterList:
        _regulator(principal)
        return RegisterList(items=channel_of(request).register())

    @get(
        "/totals",
        sync_to_thread=True,
        summary="A data handler's running totals of persons sent abroad this window",
        responses=document({}),
    )
    def totals(self, request: AnyRequest, principal: Principal, handler: str = "") -> Totals:
        _regulator(principal)
        return channel_of(request).totals(handler)


def byte_range(header: str | None, size: int) -> tuple[int, int]:
    """``[start, end)`` of a ``Range: bytes=…`` header (one range; RFC 9110 §14.1.2)."""
    if not header:
        return 0, size
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise _unsatisfiable(size)
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size
    else:
        start = int(first)
        end = size if last == "" else min(size, int(last) + 1)
    if start >= size or end <= start:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> ApiError:
    return ApiError(
        416,
        "DATA.download.range",
        f"the range is not within the {size} bytes",
        f"范围不在{size}字节之内",
    )
