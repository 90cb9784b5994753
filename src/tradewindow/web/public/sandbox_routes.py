"""The CEB conformance sandbox's page and JSON API (no sign-in, nothing filed or kept).

=================================  ===========================================================
``GET /sandbox``                   the upload form, the sample set and the codes explained
``POST /sandbox``                  the report (an htmx request gets the report fragment only)
``GET /sandbox/samples/{name}``    a valid sample message (order, payment, waybill, list)
``POST /api/v1/sandbox``           JSON: the report on the multipart files uploaded
=================================  ===========================================================

Uploads are read into memory, checked by ``tradewindow.sandbox.check`` (which clears them on
a throwaway database) and dropped. Each client address may check a few uploads per second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeAlias

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from tradewindow.sandbox import MAX_FILES, SandboxReport, check
from tradewindow.settings import Settings
from tradewindow.store.web.rate_limits import SqlRateLimiter
from tradewindow.web import i18n
from tradewindow.web.limits import retry_after
from tradewindow.web.pages.shell import language_of, page
from tradewindow.web.ports import RateLimits
from tradewindow.web.problems import ApiError, not_found
from tradewindow.web.public import sandbox_report as shaped

AnyRequest: TypeAlias = Request[Any, Any, Any]
SAMPLES = Path(__file__).parent / "samples"
SAMPLE_SET = ("order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml")
RATE = 2.0  # checks per second per client address, sustained
BURST = 20
_LIMITER_STATE = "public_sandbox_limiter"


class SandboxPages(Controller):
    path = "/sandbox"
    include_in_schema = False

    @get("/")
    async def form_page(self, request: AnyRequest) -> Template:
        return page(request, "public/sandbox.html", _form_context())

    @post("/", status_code=200)
    async def report_page(self, request: AnyRequest) -> Template:
        form = await request.form()
        uploads: list[tuple[str, bytes]] = []
        for _, value in form.multi_items():
            if isinstance(value, UploadFile) and value.filename:
                uploads.append((value.filename, await value.read()))
        pasted = str(form.get("pasted") or "").strip()
        if pasted:
            uploads.append((_pasted_name(pasted), pasted.encode()))
        fragment = request.headers.get("hx-request") == "true"
        template = "public/_sandbox_report.html" if fragment else "public/sandbox.html"
        context = _form_context() | {"pasted": pasted}
        try:
            _admit(request)
            shaped.check_limits(uploads)
        except shaped.UploadRefused as refused:
            refusal = {"code": refused.code, "text": refusal_text(refused, language_of(request))}
            response = page(
                request, template, context | {"refusal": refusal}, status_code=refused.status
            )
            response.headers.update(refused.headers)
            return response
        report = await to_thread.run_sync(lambda: check(uploads, settings=_settings(request)))
        return page(request, template, context | {"report": _report_view(report)})

    @get("/samples/{name:str}")
    async def sample(self, name: FromPath[str]) -> Response[bytes]:
        if name not in SAMPLE_SET:
            raise not_found(f"sample {name}")
        return Response(
            content=(SAMPLES / name).read_bytes(),
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


class SandboxApi(Controller):
    path = "/api/v1/sandbox"
    tags = ["sandbox"]  # noqa: RUF012 - Litestar's declared attribute type

    @post("/", status_code=200, summary="Check CEB messages without filing them")
    async def check_messages(
        self,
        request: AnyRequest,
        data: Annotated[list[UploadFile], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> SandboxReport:
        """Every fault of each uploaded CEB message (XML, or JSON for ``.json`` file names):
        format errors (CEB900), XSD errors, every business-rule violation with its path, code
        and English and Chinese message, and the receipts the platform would return. Messages
        uploaded together are cleared together on a throwaway database: companions match each
        other, nothing on file is consulted and nothing is kept. At most 20 files of 2 MiB."""
        uploads = [(upload.filename or "message.xml", await upload.read()) for upload in data]
        try:
            _admit(request)
            shaped.check_limits(uploads)
        except shaped.UploadRefused as refused:
            raise ApiError(
                refused.status,
                refused.code,
                refusal_text(refused, "en"),
                refusal_text(refused, "zh-Hans"),
                headers=refused.headers,
            ) from None
        return await to_thread.run_sync(lambda: check(uploads, settings=_settings(request)))


def refusal_text(refused: shaped.UploadRefused, language: str) -> str:
    """The refusal in ``language``, from the catalogue (``public.sandbox.refused.*``)."""
    key = "public.sandbox.refused." + refused.code.removeprefix("sandbox.")
    return i18n.message(language, key, **refused.values)


def _admit(request: AnyRequest) -> None:
    limiter = _limiter(request)
    if limiter is None:
        return
    client = request.client.host if request.client else "unknown"
    wait = limiter.admit(f"public:sandbox:{client}")
    if wait is not None:
        headers = {"Retry-After": retry_after(wait)}
        raise shaped.UploadRefused("sandbox.rate_limited", headers=headers)


def _limiter(request: AnyRequest) -> RateLimits | None:
    """A limiter over the window's database (shared by every process), when there is one."""
    state = request.app.state
    limiter: RateLimits | None = state.get(_LIMITER_STATE)
    window = state.get("window")
    if limiter is None and window is not None:
        limiter = SqlRateLimiter(window.app.store.engine, rate=RATE, burst=BURST)
        state[_LIMITER_STATE] = limiter
    return limiter


def _settings(request: AnyRequest) -> Settings:
    window = request.app.state.get("window")
    return window.app.settings if window is not None else Settings()


def _pasted_name(text: str) -> str:
    return "pasted.json" if text.startswith(("{", "[")) else "pasted.xml"


def _form_context() -> dict[str, Any]:
    return {
        "samples": SAMPLE_SET,
        "limits": {
            "files": MAX_FILES,
            "file_mib": shaped.MAX_FILE_BYTES // (1024 * 1024),
            "total_mib": shaped.MAX_TOTAL_BYTES // (1024 * 1024),
        },
        "explained_rules": shaped.EXPLAINED_RULES,
        "explained_format": shaped.EXPLAINED_FORMAT,
        "report": None,
        "refusal": None,
        "explain": shaped.explanation,
        "pasted": "",
    }


def _report_view(report: SandboxReport) -> dict[str, Any]:
    messages = []
    for message in report.messages:
        messages.append(
            {
                "report": message,
                "faults": shaped.fault_count(message),
                "xsd": shaped.grouped(message.xsd_errors),
                "rules": shaped.grouped(message.rule_violations),
                "receipts": [
                    {
                        "receipt": receipt,
                        "xml": shaped.pretty_xml(receipt),
                        "href": shaped.download_href(receipt),
                        "filename": f"{receipt.message_type}-{receipt.guid}.xml",
                    }
                    for receipt in message.receipts
                ],
            }
        )
    clean = sum(1 for m in report.messages if m.clean)
    return {"checked_at": report.checked_at, "messages": messages, "clean": clean}
