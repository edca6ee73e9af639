"""Alembic migrations for the observatory store (run by `store.open_store`)."""
