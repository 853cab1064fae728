"""Links between bot messages and tasks, written in the background, in batches.

A member may reply to a bot message about a task (its detail, the answer to an update), and the
reply must update that task. The link is noted in memory when the message has gone out
(``add``): a reply reaching this process finds it at once (``task_of``). A background task
writes what is noted every ``INTERVAL`` seconds, or as soon as ``BATCH`` links wait, in one
write transaction for them all, so showing a task never takes the write lock and an update
takes it once. ``close`` writes what is left: a clean shutdown loses nothing. A batch that
cannot be written is tried again at the next turn (dropped, and logged, after ``ATTEMPTS``).
A reply that reaches another instance before the batch is written is tied through the text of
the message it answers (``chat.task_messages``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from db.sent_links import Link, record_links
from db.session import Database

INTERVAL = 0.5  # seconds a link may wait in memory
BATCH = 200  # links that start a write at once
ATTEMPTS = 20  # turns a batch is tried before it is dropped
log = logging.getLogger(__name__)


class LinkWriter:
    def __init__(
        self, database: Database, *, interval: float = INTERVAL, batch: int = BATCH
    ) -> None:
        self.database = database
        self.interval = interval
        self.batch = batch
        self._pending: dict[tuple[str, str, str], Link] = {}
        self._task: asyncio.Task[None] | None = None
        self._full: asyncio.Event | None = None  # made by the task, on its loop
        self._failures = 0

    def add(self, link: Link) -> None:
        """Note ``link``; it is written within ``interval`` seconds."""
        self._pending[link.key] = link
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        elif len(self._pending) >= self.batch and self._full is not None:
            self._full.set()

    def task_of(self, channel: str, chat_id: str, message_id: str) -> int | None:
        """The task of a link noted but perhaps not yet written."""
        link = self._pending.get((channel, chat_id, message_id))
        return link.task_id if link is not None else None

    async def _run(self) -> None:
        self._full = asyncio.Event()
        while self._pending:
            if len(self._pending) < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self.interval)
            self._full.clear()
            await self.flush()

    async def flush(self) -> None:
        """Write every link noted so far, in one transaction."""
        links = list(self._pending.values())
        if not links:
            return
        try:
            async with self.database.transaction(write=True) as session:
                await record_links(session, links)
        except Exception:
            self._failures += 1
            if self._failures < ATTEMPTS:
                log.warning("message links not written yet (%d)", len(links), exc_info=True)
                return
            log.exception("message links dropped (%d)", len(links))
        self._failures = 0
        for link in links:  # those noted again meanwhile wait for the next turn
            if self._pending.get(link.key) is link:
                del self._pending[link.key]

    async def close(self) -> None:
        """Stop the background task and write what is left."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.flush()
