"""Alembic environment. The service runs migrations with its own connection (``db.migrate``
passes it in the config's attributes); the ``alembic`` command line uses ``sqlalchemy.url`` if
set, else DATABASE_URL from the environment (the service's default file when unset)."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from db.models import Base

DEFAULT_URL = "sqlite+aiosqlite:///data/bot.db"  # bot.settings' default; bot/ is above db/
config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url() -> None:
    from db.session import make_engine

    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL", DEFAULT_URL)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")

shared = config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    asyncio.run(_run_from_url())
