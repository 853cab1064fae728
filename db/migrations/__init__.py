"""Alembic migrations (``env.py``, ``versions/``); a package so that the layers contract sees them."""
