"""Delivery with pacing: every delivery sent on each of its member's accounts, outside any
transaction, within the overall send rate, at most one message a second to one chat, and a bounded
number of requests in flight; outcomes recorded every few deliveries (if the process dies, only
what was sent since the last record, and what was in flight, can be sent again)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence

from aiolimiter import AsyncLimiter

from chat.delivery import Outbox, attempt
from scheduler.outcomes import Delivery

RECORD_EVERY = 20  # deliveries recorded together while a fan-out runs
MAX_IN_FLIGHT = 32
# Chats served at once; a chat's next message waits a second (per_chat_seconds), so more
# workers than requests in flight keep the rate when chats have several messages.
WORKERS = 4 * MAX_IN_FLIGHT

Record = Callable[[Sequence[Delivery]], Awaitable[None]]


class Pacer:
    def __init__(
        self, outboxes: Mapping[str, Outbox], *, send_rate: float, per_chat_seconds: float
    ) -> None:
        self.outboxes = dict(outboxes)
        self.per_chat_seconds = per_chat_seconds
        # One message every 1/rate seconds: a bucket of one, so no burst ever exceeds the rate.
        self.limiter = AsyncLimiter(1, 1 / send_rate)
        # Requests in flight at once: more only queue inside the HTTP pool, which then spends
        # its time scanning its queue (quadratic in the backlog).
        self.in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._last_sent: dict[tuple[str, str], float] = {}

    async def send(self, deliveries: Sequence[Delivery], record: Record) -> int:
        """Send every delivery, handing finished ones to ``record`` in batches; return how many
        messages went out."""
        if not deliveries:
            return 0
        by_chat: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            for target in delivery.accounts:
                by_chat[target].append(delivery)
        completed: list[Delivery] = [d for d in deliveries if not d.accounts]
        recording = asyncio.Lock()

        async def finished(delivery: Delivery) -> None:
            if not delivery.tried_all:
                return  # other accounts of this member still to go
            completed.append(delivery)
            if len(completed) >= RECORD_EVERY:
                batch = completed[:]
                completed.clear()
                async with recording:
                    await record(batch)

        # A few workers take the chats in turn (not one task per chat: a fan-out to thousands
        # would create them all at one instant, holding back every member's reply meanwhile).
        chats = iter(by_chat.items())

        async def worker() -> None:
            for chat, items in chats:
                await self._send_chat(chat, items, finished)

        await asyncio.gather(*(worker() for _ in range(min(WORKERS, len(by_chat)))))
        async with recording:
            await record(completed)
        return sum(len(d.sent) for d in deliveries)

    async def _send_chat(
        self,
        chat: tuple[str, str],
        items: list[Delivery],
        finished: Callable[[Delivery], Awaitable[None]],
    ) -> None:
        channel, chat_id = chat
        running = channel in self.outboxes  # if not, each attempt is a transient failure
        for delivery in items:
            if running:
                wait = self._last_sent.get(chat, 0.0) + self.per_chat_seconds - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                async with self.in_flight, self.limiter:
                    self._last_sent[chat] = time.monotonic()
                    outcome = await attempt(self.outboxes, channel, chat_id, delivery.reply)
            else:
                outcome = await attempt(self.outboxes, channel, chat_id, delivery.reply)
            delivery.outcomes.append(outcome)
            await finished(delivery)
