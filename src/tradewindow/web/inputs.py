"""What the HTTP edge refuses before any route runs, so that no bad input reaches a service.

* :class:`StrictRequest` reads JSON bodies (every ``data:`` parameter of a route) through
  :mod:`tradewindow.formats.strict_json`: UTF-8 only (a declared charset too), bounded depth,
  no duplicate member names, no character tradewindow cannot store — 400 ``json.*``;
* :func:`refuse_unreadable` (the application's ``before_request``) refuses path and query
  parameters and form fields holding such characters (400 ``text.character``: PostgreSQL
  refuses U+0000 in text) and integer path parameters no database row can have (404);
* :data:`PageNumber`, :data:`PageSize` bound the integers of paged listings (400
  ``http.invalid_parameter`` beyond them, never an overflow in SQL).

The rules live in ``formats``; the HTTP statuses in :mod:`tradewindow.web.problems`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Parameter
from litestar.types import Empty

from tradewindow.formats import strict_json
from tradewindow.formats.characters import refuse_forbidden
from tradewindow.web.problems import not_found

MAX_PAGE = 1_000_000  # × the largest page size stays far inside a 64-bit OFFSET
MAX_PAGE_SIZE = 10_000  # the server caps a page lower still (TRADEWINDOW_API_PAGE_SIZE)
MAX_ROW_ID = 2**63 - 1  # BIGINT: a larger id names no row

PageNumber = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="1 for the first page")]
RowAfter = Annotated[int, Parameter(ge=0, le=MAX_ROW_ID, description="the last id seen")]
PageSize = Annotated[
    int, Parameter(ge=1, le=MAX_PAGE_SIZE, description="capped at the server's page size")
]


class StrictRequest(Request[Any, Any, Any]):
    """A request whose JSON body is read by the strict JSON rules before any route sees it."""

    async def json(self) -> Any:
        if self._json is Empty:
            body = await self.body()
            if body:
                strict_json.charset(self.headers.get("content-type", ""))
                strict_json.check(body)
            self._json = msgspec.json.decode(body or b"null")
        return self._json


async def refuse_unreadable(request: Request[Any, Any, Any]) -> None:
    """The application's ``before_request``: refuse unreadable parameters and form fields."""
    for value in request.path_params.values():
        if isinstance(value, int) and not -MAX_ROW_ID <= value <= MAX_ROW_ID:
            raise not_found("item")
    fields = [
        *((f"path/{name}", str(value)) for name, value in request.path_params.items()),
        *((f"query/{name}", value) for name, value in request.query_params.multi_items()),
        *((f"query/{name}", name) for name in request.query_params),
    ]
    media, _ = request.content_type
    if media in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        form = await request.form()
        fields += [(f"form/{k}", v) for k, v in form.multi_items() if isinstance(v, str)]
        fields += [(f"form/{name}", name) for name in form]
    refuse_forbidden(fields)
