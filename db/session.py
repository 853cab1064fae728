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

``read(fn)`` is the fast path for the reads every message makes (who is asking, their list):
``fn`` takes a synchronous connection. On PostgreSQL it runs through asyncpg (``run_sync``) on
read-only connections in autocommit (``make_reader``). On SQLite it runs on the event loop
itself, on a read-only connection: aiosqlite hands every statement to a thread and back, and on
the 2-core benchmark machine each hand-off costs ~0.4 ms against a few microseconds for an
indexed SELECT, and SQLAlchemy's aiosqlite adapter makes four a statement (cursor, execute,
fetch, close). A WAL reader does not wait for writers; in the rare
moments it must wait (another process checkpointing or recovering the file) the read gives up at
once and is run again through aiosqlite, off the loop, with the full busy timeout.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, SingletonThreadPool

from db.statements import driver_execute

T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
# The loop's own read connection: never waits for a lock (see ``Database.read``), never writes.
_INLINE_PRAGMAS = ("PRAGMA busy_timeout=0", "PRAGMA query_only=ON")
# PostgreSQL's reader keeps this many connections open, no more: a read lasts a few ms, so at 50
# members at once the rest wait a moment for one. Connections opened past the pool and closed
# after one read (SQLAlchemy's overflow) cost the server a process each: a third of its CPU.
# A read's function is synchronous, so it never waits for a second reader: no deadlock.
READERS = 10


def _pragmas(
    pragmas: tuple[str, ...],
) -> Callable[[DBAPIConnection, ConnectionPoolEntry], None]:
    def on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (the driver's implicit BEGIN is off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    return on_connect


_on_connect = _pragmas(_PRAGMAS)


def _sqlite_path(url: str) -> str:
    return url.split(":///", 1)[-1]


def _emit_begin(begin: str) -> Callable[[Connection], None]:
    def on_begin(connection: Connection) -> None:
        if not connection.get_execution_options().get("outside_transaction"):
            connection.exec_driver_sql(begin)

    return on_begin


def make_engine(url: str, *, immediate: bool = False, **kwargs: Any) -> AsyncEngine:
    """Create an engine; for SQLite, create the file's folder and set the pragmas."""
    if not url.startswith("sqlite"):
        return create_async_engine(url, **kwargs)
    path = _sqlite_path(url)
    if path and ":memory:" not in path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {"timeout": BUSY_TIMEOUT_MS / 1000})
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "connect", _on_connect)
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    event.listen(engine.sync_engine, "begin", _emit_begin(begin))
    return engine


def make_inline_engine(url: str) -> Engine | None:
    """SQLite's read-only connection for the event loop (None for an in-memory database, whose
    contents another connection would not see, and for other databases)."""
    if not url.startswith("sqlite") or ":memory:" in url or _sqlite_path(url) in ("", url):
        return None
    engine = create_engine(f"sqlite:///{_sqlite_path(url)}", poolclass=SingletonThreadPool)
    # No "begin" listener (``Database.read`` emits BEGIN): with any listener on an engine,
    # every statement dispatches the execute events, a cost per statement.
    event.listen(engine, "connect", _pragmas(_INLINE_PRAGMAS))
    return engine


def make_reader(url: str) -> AsyncEngine:
    """PostgreSQL's engine for ``Database.read``: read-only sessions in autocommit. Each
    statement is its own read-only transaction: no BEGIN and COMMIT round trips, and nothing
    lost, since at PostgreSQL's default isolation (read committed) every statement of a
    transaction takes a fresh snapshot anyway. The settings travel with the connection's
    start-up message (no round trip): read-only, and generic plans for the prepared hot
    statements, whose custom plans were the same index scans planned again at every message
    (the member's seats: 150 µs of the server's CPU each time)."""
    settings = {"default_transaction_read_only": "on", "plan_cache_mode": "force_generic_plan"}
    return create_async_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_size=READERS,
        max_overflow=0,
        connect_args={"server_settings": settings},
    )


def _busy(error: OperationalError) -> bool:
    message = str(error.orig).lower()
    return "locked" in message or "busy" in message


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
        # A connection per thread (the loop's): ``read`` never awaits, so reads never overlap.
        self._inline = make_inline_engine(url)
        self._held = threading.local()  # each thread's inline connection, see read
        self._bridged_reads = self.engine if url.startswith("sqlite") else make_reader(url)

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """``fn(connection)`` in a read-only transaction of its own; see the module's note."""
        if self._inline is not None:
            try:
                with self._inline_connection() as connection:
                    return fn(connection)
            except OperationalError as error:
                if not _busy(error):
                    raise
        try:
            async with self._bridged_reads.connect() as bridged:
                return await bridged.run_sync(fn)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        # The server dropped the connection (a restart, a failover): SQLAlchemy has invalidated
        # the pool's connections, and a read may simply run again on a fresh one.
        async with self._bridged_reads.connect() as bridged:
            return await bridged.run_sync(fn)

    @contextmanager
    def _inline_connection(self) -> Iterator[Connection]:
        """This thread's inline connection (the loop's, in the service), kept checked out between
        reads (checking it out and back in cost as much as a statement), in a transaction of its
        own."""
        assert self._inline is not None
        connection: Connection | None = getattr(self._held, "connection", None)
        if connection is None or connection.closed:
            connection = self._held.connection = self._inline.connect()
        # BEGIN and ROLLBACK on the driver's connection: one snapshot for all the read's
        # statements, without SQLAlchemy's transaction machinery (a third of an empty read).
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        driver_execute(connection, "BEGIN")  # a driver error as SQLAlchemy's (see read)
        try:
            yield connection
        finally:
            if connection.in_transaction():  # begun by a statement run through SQLAlchemy
                connection.rollback()  # which ends SQLite's transaction too
            if raw.in_transaction:
                driver_execute(connection, "ROLLBACK")  # read-only: nothing to keep

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
        held: Connection | None = getattr(self._held, "connection", None)
        if held is not None:  # other threads' go with the engine's pool
            held.close()
            self._held.connection = None
        if self._inline is not None:
            self._inline.dispose()
        if self._bridged_reads is not self.engine:
            await self._bridged_reads.dispose()
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()
