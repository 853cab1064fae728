"""Which instance sends the reminders when several run on one database.

On PostgreSQL, the instance that holds a session-level advisory lock (on a connection of its own,
kept for the life of the process) is the one that sends; the others answer chats and try again
at every sweep. When the sender stops or dies its connection closes, the lock is free, and the
next instance to try takes over: it first sends again the rows the dead one left in ``sending``
(as one instance does after a crash). A row in ``sending`` therefore always belongs to the
holder of the lock, so no other instance can take it for a leftover and send it twice.

On SQLite there is one service per file: ``python -m bot run`` refuses to start while another
holds the file's OS lock (bot/instance_lock.py), so the one running is the sender, and a row it
finds in ``sending`` at start belongs to a process that is gone (the claim's ``BEGIN IMMEDIATE``
still keeps two from taking one row).
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
LOCK_KEY = 0x6263_6463_6863  # "bcdchc": the reminder sender's advisory lock


class Leadership(Protocol):
    async def acquire(self) -> bool:
        """Whether this instance is (now) the sender."""
        ...

    async def release(self) -> None: ...


class Always:
    """A single instance: always the sender."""

    async def acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLock:
    """PostgreSQL ``pg_try_advisory_lock`` held on a dedicated connection."""

    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self._connection is not None:
            try:
                await self._connection.exec_driver_sql("SELECT 1")
                return True
            except Exception:  # the connection (and with it the lock) is gone
                log.warning("lost the reminder lock's connection; trying to take it again")
                await self.release()
        connection = await self.engine.connect()
        try:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = (
                await connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({self.key})")
            ).scalar()
        except Exception:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        log.info("this instance sends the reminders (advisory lock taken)")
        return True

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()  # closing the session frees the lock
            except Exception:
                log.warning("closing the reminder lock's connection failed", exc_info=True)


def leadership_for(engine: AsyncEngine) -> Leadership:
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else Always()
