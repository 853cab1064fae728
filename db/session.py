"""The database: SQLite in WAL mode with a busy timeout and foreign keys on.

SQLite lets one writer at a time in. A transaction that reads and then writes (read the status,
append the change) must take the write lock at its start, or two of them can deadlock and one
fails with "database is locked" whatever the busy timeout. So writes run in ``BEGIN IMMEDIATE``
transactions on a second engine, and reads in plain ``BEGIN`` (WAL readers never wait).

Within the process, write transactions also queue on an asyncio lock, first come first served.
SQLite's busy handler is not fair: a writer sleeping between retries loses the lock to newcomers
again and again, and under a steady load of writes (200 members at once) one of them waits out
the whole busy timeout and fails with "database is locked". The busy timeout still covers other
processes (the command line while the service runs).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

BUSY_TIMEOUT_MS = 10_000
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (the driver's implicit BEGIN is off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def make_engine(url: str, *, immediate: bool = False, **kwargs: Any) -> AsyncEngine:
    """Create an engine; for SQLite, create the file's folder and set the pragmas."""
    if not url.startswith("sqlite"):
        return create_async_engine(url, **kwargs)
    path = url.split(":///", 1)[-1]
    if path and ":memory:" not in path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {"timeout": BUSY_TIMEOUT_MS / 1000})
    engine = create_async_engine(url, **kwargs)
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    def _on_begin(connection: Connection) -> None:
        if not connection.get_execution_options().get("outside_transaction"):
            connection.exec_driver_sql(begin)

    event.listen(engine.sync_engine, "connect", _on_connect)
    event.listen(engine.sync_engine, "begin", _on_begin)
    return engine


class Database:
    """Sessions for reading and for writing. Each unit of work gets its own session."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.write_engine = (
            make_engine(url, immediate=True) if url.startswith("sqlite") else self.engine
        )
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._writers = asyncio.Lock()  # one write transaction at a time, in arrival order

    @asynccontextmanager
    async def transaction(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error.
        Write transactions must not nest (the second would wait for the first for ever)."""
        if not write:
            async with self._read() as session, session.begin():
                yield session
            return
        async with self._writers, self._write() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()
