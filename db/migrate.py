"""Bring a database to the newest schema with Alembic, on the service's own engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.session import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x6263_6464_6230  # PostgreSQL: instances starting together migrate one at a time
# The newest migration. A database already there starts without loading Alembic at all (a
# quarter of a second of imports on every start); tests/db/test_migrations.py checks that this is
# Alembic's head, so a new migration cannot be forgotten here.
HEAD = "0011_parts"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (idempotent), in one write transaction.

    On SQLite, foreign keys are switched off while migrating: a batch migration rebuilds a table
    by copying and dropping it, and with foreign keys on, dropping ``members`` would cascade to
    the history. They are switched back on and checked afterwards. On PostgreSQL, an advisory
    lock makes instances that start together migrate one after the other.
    """

    if revision == "head" and await current_revision(database) == HEAD:
        return

    def _upgrade(connection: Connection) -> None:
        from alembic import command

        command.upgrade(alembic_config(connection), revision)

    sqlite = database.url.startswith("sqlite")
    async with database.write_engine.connect() as connection:
        if sqlite:
            await _pragma(connection, "PRAGMA foreign_keys=OFF")
        async with connection.begin():
            if not sqlite:  # held to the commit; the next instance then finds nothing to do
                await connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            await connection.run_sync(_upgrade)
            if sqlite:
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        if sqlite:
            await _pragma(connection, "PRAGMA foreign_keys=ON")


async def current_revision(database: Database) -> str | None:
    """The revision the database is at; None for a new database."""
    try:
        async with database.transaction() as session:
            found = await session.scalar(text("SELECT version_num FROM alembic_version"))
            return str(found) if found is not None else None
    except DBAPIError:  # no alembic_version table yet
        return None


async def _pragma(connection: AsyncConnection, pragma: str) -> None:
    """Run a pragma outside any transaction (SQLite ignores foreign_keys inside one)."""
    await connection.execution_options(outside_transaction=True)
    await connection.exec_driver_sql(pragma)
    await connection.commit()
    await connection.execution_options(outside_transaction=False)
