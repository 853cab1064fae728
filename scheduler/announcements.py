"""Deliver the standing office's announcements to every member, and notices to named members
(extension requests and their answers), from a ledger in the database.

/thongbao writes one ``announcement_deliveries`` row per member (planned); a notice writes one
per member it names. This sender claims
rows (planned -> sending), sends outside any transaction through the same rate limiter as the
reminders, and records sent, failed (every account refused for good) or planned again (a
transient failure, up to ``MAX_ATTEMPTS``). Rows left in ``sending`` by a crash are sent again
at start: at most the messages in flight are repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from chat import texts
from chat.actions import receipt_actions
from chat.delivery import Failure, NotSent, Outbox, Outcome, Sent, attempt, verdict
from chat.messages import Action, Reply
from chat.reach import reachable
from db.acks import Receipt, record_receipts
from db.models import Announcement, AnnouncementDelivery
from db.session import Database
from domain.clock import Clock
from scheduler.leader import Always, Leadership

log = logging.getLogger(__name__)
BATCH = 100
MAX_ATTEMPTS = 5
RETRY_SECONDS = 30.0
POLL_SECONDS = 60.0
NO_ACCOUNT = NotSent("", "", Failure.PERMANENT, "no linked account")
STOP_GRACE_SECONDS = 10.0  # a batch at the send rate takes ~4 s


def announcement_text(announcement: Announcement) -> str:
    author = announcement.member.full_name if announcement.member else ""
    return texts.ANNOUNCEMENT.format(text=announcement.text, name=author)


def announcement_reply(announcement: Announcement) -> Reply:
    """An announcement under the office's heading, with its "Đã nhận" choice; a notice (an
    extension request, its answer) as written, with its own buttons."""
    if announcement.kind == "notice":
        actions = tuple(Action(label, command) for label, command in announcement.actions or [])
        return Reply(announcement.text, actions)
    return Reply(
        announcement_text(announcement), receipt_actions(f"a{announcement.id}", snooze=False)
    )


class AnnouncementSender:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        outboxes: Mapping[str, Outbox],
        limiter: AbstractAsyncContextManager[None],
        *,
        per_chat_seconds: float = 1.0,
        leadership: Leadership | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.outboxes = dict(outboxes)
        self.limiter = limiter
        self.per_chat_seconds = per_chat_seconds
        # Several instances on PostgreSQL: only the reminder sender (the lock's holder) sends,
        # so a row in ``sending`` always belongs to a live sender or to a dead one.
        self.leadership = leadership or Always()
        self._leading = False
        self._wanted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_sent: dict[tuple[str, str], float] = {}

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="announcements")
        self.wake()

    async def _lead(self) -> bool:
        """Whether this instance sends; on becoming the sender, take back what a dead one left
        in ``sending`` (sent again: at most the messages in flight are repeated)."""
        leading = await self.leadership.acquire()
        if leading and not self._leading:
            async with self.database.transaction(write=True) as session:
                await session.execute(
                    update(AnnouncementDelivery)
                    .where(AnnouncementDelivery.state == "sending")
                    .values(state="planned")
                )
        self._leading = leading
        return leading

    def wake(self) -> None:
        """Something may have been announced: look for planned rows."""
        self._wanted.set()

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop after the batch in progress is sent and recorded (cancelled mid-transaction,
        it would leave its rows to be sent again at the next start). Cancelled after
        ``grace`` seconds all the same."""
        if self._task is None:
            return
        self._stopping = True
        self._wanted.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _loop(self) -> None:
        while not self._stopping:
            # Woken by /thongbao here, or every POLL_SECONDS for one queued from the CLI.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), POLL_SECONDS)
            self._wanted.clear()
            try:
                while not self._stopping and await self._lead() and await self.run_once():
                    pass
            except Exception:
                log.exception("announcement delivery failed; will retry on the next wake-up")

    async def run_once(self) -> int:
        """Claim and send one batch; return how many rows were claimed."""
        now = self.clock.now()
        async with self.database.transaction(write=True) as session:
            rows = (
                await session.scalars(
                    select(AnnouncementDelivery)
                    .where(AnnouncementDelivery.state == "planned")
                    .order_by(AnnouncementDelivery.announcement_id, AnnouncementDelivery.member_id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)  # several instances on PostgreSQL
                )
            ).all()
            if not rows:
                return 0
            for row in rows:
                row.state, row.updated_at = "sending", now
            accounts = await reachable(
                session, {r.member_id for r in rows}, now.date(), on_leave=True
            )
            announcements = {
                a.id: announcement_reply(a)
                for a in await session.scalars(
                    select(Announcement)
                    .where(Announcement.id.in_({r.announcement_id for r in rows}))
                    .options(selectinload(Announcement.member))
                )
            }
            work = [
                (
                    r.announcement_id,
                    r.member_id,
                    [(a.channel, a.external_id) for a in accounts.get(r.member_id, [])],
                )
                for r in rows
            ]
        outcomes = await asyncio.gather(
            *(self._send(announcements[aid], targets) for aid, _, targets in work)
        )
        await self._record(
            [(aid, mid, outcome) for (aid, mid, _), outcome in zip(work, outcomes, strict=True)]
        )
        return len(rows)

    async def _send(self, reply: Reply, targets: list[tuple[str, str]]) -> list[Outcome]:
        """Send on each account; the outcome of each."""
        outcomes: list[Outcome] = []
        for channel, chat_id in targets:
            if channel in self.outboxes:
                wait = self._last_sent.get((channel, chat_id), 0.0) + self.per_chat_seconds
                if wait > time.monotonic():
                    await asyncio.sleep(wait - time.monotonic())
                async with self.limiter:
                    self._last_sent[(channel, chat_id)] = time.monotonic()
                    outcomes.append(await attempt(self.outboxes, channel, chat_id, reply))
            else:
                outcomes.append(await attempt(self.outboxes, channel, chat_id, reply))
        return outcomes

    async def _record(self, results: list[tuple[int, int, list[Outcome]]]) -> None:
        now = self.clock.now()
        retry = False
        async with self.database.transaction(write=True) as session:
            await record_receipts(
                session,
                [
                    Receipt(o.channel, o.chat_id, o.message_id, member_id, announcement_id=aid)
                    for aid, member_id, outcomes in results
                    for o in outcomes
                    if isinstance(o, Sent)
                ],
                now,
            )
            for announcement_id, member_id, outcomes in results:
                failure = verdict(outcomes, no_account=NO_ACCOUNT)
                row = await session.get(AnnouncementDelivery, (announcement_id, member_id))
                if row is None:
                    continue
                row.attempts += 1
                row.updated_at = now
                row.last_error = str(failure)[:500] if failure else None
                if failure is None:
                    row.state, row.sent_at = "sent", now
                elif failure.permanent or row.attempts >= MAX_ATTEMPTS:
                    row.state = "failed"
                else:
                    row.state, retry = "planned", True
        if retry:
            asyncio.get_running_loop().call_later(RETRY_SECONDS, self.wake)
