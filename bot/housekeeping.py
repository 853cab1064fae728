"""Housekeeping while the service runs: tables that only grow are pruned, at start and then
every hour (the wrong invite codes kept for throttling, ``join_attempts``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from db.invites import prune_join_attempts
from db.session import Database
from domain.clock import Clock

EVERY_SECONDS = 3600
log = logging.getLogger(__name__)


async def prune(database: Database, clock: Clock) -> int:
    """One pass; returns how many rows went."""
    async with database.transaction(write=True) as session:
        return await prune_join_attempts(session, now=clock.now())


class Housekeeping:
    def __init__(self, database: Database, clock: Clock, every: float = EVERY_SECONDS) -> None:
        self.database = database
        self.clock = clock
        self.every = every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="housekeeping")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                pruned = await prune(self.database, self.clock)
                if pruned:
                    log.info("pruned %d old wrong-invite-code records", pruned)
            except Exception:  # the next pass tries again; the service carries on
                log.exception("housekeeping failed")
            await asyncio.sleep(self.every)
