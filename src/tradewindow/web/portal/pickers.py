"""The code lists the filing forms offer beside their inputs (``web.codes``)."""

from __future__ import annotations

from tradewindow.web.codes import FIELD_TABLES, Option, code_name, datalists

__all__ = ["FIELD_TABLES", "Option", "code_name", "datalists"]
