"""Store tests use the database fixtures of tests/conftest.py (SQLite and PostgreSQL)."""
