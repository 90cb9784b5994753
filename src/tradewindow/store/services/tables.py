"""The service-trade tables as the running code sees them (SQLAlchemy Core).

The DDL is owned by ``store/migrations/versions/v0010_services.py`` (the ``services`` branch).
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text

from tradewindow.store.types import Instant, RowId

metadata = MetaData()

# one row per revision of a rule-integration item; departments and cities as "|a|b|" so that
# LIKE '%|a|%' finds an item of a department on both databases
rule_revisions = Table(
    "svc_rule_revisions",
    metadata,
    Column("item_id", String(), primary_key=True),  # "list_code/number"
    Column("revision", Integer, primary_key=True),
    Column("list_code", String(), nullable=False),
    Column("number", String(), nullable=False),
    Column("field", String(), nullable=False),
    Column("status", String(), nullable=False),
    Column("state", String(), nullable=False),
    Column("departments", String(), nullable=False),
    Column("cities", String(), nullable=False),
    Column("search_text", Text(), nullable=False),  # every text, lower case
    Column("body", Text(), nullable=False),  # ItemContent as JSON
    Column("author", String(), nullable=False),
    Column("author_department", String(), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("reviewer", String()),
    Column("published_at", Instant()),
)

rule_history = Table(
    "svc_rule_history",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("item_id", String(), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(), nullable=False),
    Column("actor", String(), nullable=False),
    Column("department", String(), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("note", Text(), nullable=False),
)

professions = Table(
    "svc_professions",
    metadata,
    Column("code", String(), primary_key=True),
    Column("body", Text(), nullable=False),  # Profession as JSON
)

applications = Table(
    "svc_applications",
    metadata,
    Column("id", String(), primary_key=True),
    Column("owner", String(), nullable=False),
    Column("department", String(), nullable=False),
    Column("state", String(), nullable=False),
    Column("filing_number", String(), unique=True),
    Column("profession", String(), nullable=False),
    Column("home", String(), nullable=False),
    Column("city", String(), nullable=False),
    Column("search_text", Text(), nullable=False),  # names, licence, filing no., employer
    Column("body", Text(), nullable=False),  # Application as JSON (documents' bytes apart)
    Column("submitted_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
    Column("decided_at", Instant()),
)

documents = Table(
    "svc_documents",
    metadata,
    Column("application_id", String(), primary_key=True),
    Column("position", Integer, primary_key=True),  # 1-based, as the application lists them
    Column("content", LargeBinary()),  # None once retention erased it
)

events = Table(
    "svc_events",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("application_id", String(), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("actor", String(), nullable=False),
    Column("action", String(), nullable=False),
    Column("before", String()),
    Column("after", String(), nullable=False),
    Column("note", Text(), nullable=False),
)
