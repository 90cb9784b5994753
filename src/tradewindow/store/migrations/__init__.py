"""Alembic migrations, shipped as package data and run by ``tradewindow.store.migrate``."""
