"""Data: SQLAlchemy 2 models, the engine and sessions, queries, migrations and the seed loader."""
