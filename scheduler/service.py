"""Reminder execution: APScheduler wakes the service at each planned instant (and every minute
as a safety net); the database is the truth.

Each run plans the reminders due in [now - grace, now] from the current state of the plan (so a
completed task or an extended deadline changes what is sent at once), resolves recipients,
claims one ledger row per member (the unique key makes a second claim impossible), sends outside
any transaction within the rate limits, and records the outcome. Reminders missed while the
service was down are sent at start if the task is still open and they were planned for the
same day (local time); older ones are left to the next overdue reminder and the weekly digest,
which lists every overdue task anyway.
Nothing is sent in quiet hours (21:00-07:00): a run that falls there waits until 07:00.
"""

from __future__ import annotations

import asyncio
import logging
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Protocol

from aiolimiter import AsyncLimiter
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from db import queries
from db.models import ChatAccount, Member, SentMessage, Task
from db.session import Database
from handlers import render, texts
from handlers.types import Reply
from handlers.views import TaskView, task_view
from scheduler import ledger, messages
from scheduler.audience import reachable, task_audience
from scheduler.leader import Leadership, leadership_for
from scheduler.planner import (
    Kind,
    Occasion,
    Rules,
    TaskPlan,
    digest_instants,
    plan_task,
    quiet_adjusted,
)
from scheduler.plans import current_task_plans, fingerprint

log = logging.getLogger(__name__)
_AT = attrgetter("at")
GRACE = timedelta(hours=24)
LOOKAHEAD = timedelta(days=62)
SWEEP_SECONDS = 60
FINISH_BATCH = 200
RECORD_EVERY = 20  # deliveries recorded together while a fan-out runs
MAX_IN_FLIGHT = 32
REPLAN_DELAY = timedelta(seconds=2)
PLAN_AHEAD = timedelta(days=10)  # planned at once, then read by the sweeps of the next days
RELOAD_SECONDS = 600  # the plan is read again at least this often (in-place edits by `seed`)


class PermanentFailure(Exception):
    """The message can never be delivered to this chat (blocked, deleted, not found)."""


class Outbox(Protocol):
    channel: str

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        """Send ``reply``; return the message id. Raise PermanentFailure or anything transient."""
        ...


@dataclass
class Delivery:
    reminder_ids: list[int]
    member_id: int
    member_name: str
    task_id: int | None
    accounts: list[tuple[str, str]]
    reply: Reply
    outcomes: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    # (channel, chat_id, message id or None, error or None)


async def load_task_plans(database: Database, today: date) -> list[TaskPlan]:
    """Every task of the current plan as the planner sees it."""
    async with database.transaction() as session:
        return await current_task_plans(session, today)


def _plan_all(
    plans: Sequence[TaskPlan], rules: Rules, start: datetime, end: datetime
) -> list[Occasion]:
    return [o for task in plans for o in plan_task(task, rules, start, end)]


class ReminderService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        rules: Rules,
        outboxes: Mapping[str, Outbox],
        *,
        send_rate: float = 25.0,
        per_chat_seconds: float = 1.0,
        grace: timedelta = GRACE,
        leadership: Leadership | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.rules = rules
        self.outboxes = dict(outboxes)
        self.grace = grace
        self.per_chat_seconds = per_chat_seconds
        # One message every 1/rate seconds: a bucket of one, so no burst ever exceeds the rate.
        self.limiter = AsyncLimiter(1, 1 / send_rate)
        # Requests in flight at once: more only queue inside the HTTP pool, which then spends
        # its time scanning its queue (quadratic in the backlog).
        self.in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.scheduler = AsyncIOScheduler(timezone=rules.zone)
        self._lock = asyncio.Lock()
        self._plans: tuple[tuple[object, ...], float, list[TaskPlan]] | None = None
        self._planned: tuple[Sequence[TaskPlan], datetime, datetime, list[Occasion]] | None = None
        self.leadership = leadership or leadership_for(database.engine)
        self._leading = False
        self._last_sent: dict[tuple[str, str], float] = {}

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Finish what was in flight, send what was missed, then wake at each planned instant.
        With several instances on PostgreSQL only the holder of the lock sends (``leader``)."""
        if await self._lead():
            await self.resend_in_flight()
        self.scheduler.start()
        self.scheduler.add_job(
            self.run_due, "interval", seconds=SWEEP_SECONDS, id="reminders:sweep",
            coalesce=True, max_instances=1, misfire_grace_time=None, replace_existing=True,
        )  # fmt: skip
        await self.run_due()

    async def stop(self) -> None:
        """Stop waking up, and let a run in progress record what it sent."""
        if self.scheduler.running:
            self.scheduler.pause()
            async with self._lock:
                self.scheduler.shutdown(wait=False)
        await self.leadership.release()

    async def _lead(self) -> bool:
        """Whether this instance sends; on taking over from another, first resend what that
        one left in flight."""
        leading = await self.leadership.acquire()
        if leading and not self._leading:
            self._leading = True
            if self.scheduler.running:  # took over from an instance that stopped or died
                await self.resend_in_flight()
        self._leading = leading
        return leading

    def plan_changed(self) -> None:
        """A status, an extension or a task changed: re-plan shortly (a burst of changes
        replaces the same wake-up job, so it costs one run)."""
        self._plans = None
        if self.scheduler.running:
            self._wake_at(self.clock.now() + REPLAN_DELAY)

    def _wake_at(self, at: datetime) -> None:
        real = datetime.now(UTC) + (at - self.clock.now())  # the service clock may be shifted
        self.scheduler.add_job(
            self.run_due, "date", run_date=real, id="reminders:wake",
            coalesce=True, misfire_grace_time=None, replace_existing=True,
        )  # fmt: skip

    # ---------------------------------------------------------------- planning
    def _today(self) -> date:
        return self.clock.now().astimezone(self.rules.zone).date()

    async def task_plans(self) -> list[TaskPlan]:
        """The current plan as the planner sees it, read again only when it changed (a
        fingerprint query), at a new day, or every RELOAD_SECONDS: reading 10,000 tasks takes
        a third of a second, and the sweep runs every minute."""
        today = self._today()
        async with self.database.transaction() as session:
            key = (today, *await fingerprint(session))
        cached = self._plans
        if cached is None or cached[0] != key or time.monotonic() - cached[1] > RELOAD_SECONDS:
            plans = await load_task_plans(self.database, today)
            self._plans = cached = (key, time.monotonic(), plans)
        return cached[2]

    async def occasions(
        self, start: datetime, end: datetime, plans: Sequence[TaskPlan] | None = None
    ) -> list[Occasion]:
        """Every reminder planned in [start, end). The planner is pure and filters by instant,
        so the reminders of a wider window, filtered, are the same: a window of PLAN_AHEAD is
        planned once per version of the plan and the sweeps of the next days read from it
        (planning 10,000 tasks takes a few hundred ms of CPU, which chats would wait for)."""
        if plans is None:
            plans = await self.task_plans()
        cached = self._planned
        if cached is None or cached[0] is not plans or not cached[1] <= start <= end <= cached[2]:
            wide_end = max(end, start + PLAN_AHEAD)
            found = await asyncio.to_thread(_plan_all, plans, self.rules, start, wide_end)
            found += [
                Occasion(at, 0, None, Kind.DIGEST)
                for at in digest_instants(self.rules, start, wide_end)
            ]
            self._planned = cached = (plans, start, wide_end, sorted(found, key=Occasion.sort_key))
        ordered = cached[3]  # by instant first: the window is a slice
        return ordered[bisect_left(ordered, start, key=_AT) : bisect_left(ordered, end, key=_AT)]

    async def next_instant(
        self, plans: Sequence[TaskPlan] | None = None, after: datetime | None = None
    ) -> datetime | None:
        """The next planned instant after ``after`` (default now): a day ahead first, then
        further."""
        now = after or self.clock.now()
        if plans is None:
            plans = await self.task_plans()
        for ahead in (timedelta(days=1), timedelta(days=8), LOOKAHEAD):
            upcoming = await self.occasions(now + timedelta(microseconds=1), now + ahead, plans)
            if upcoming:
                return upcoming[0].at
        return None

    # ---------------------------------------------------------------- running
    async def run_due(self) -> int:
        """Send every reminder due now; return how many messages went out."""
        async with self._lock:
            if not await self._lead():
                return 0  # another instance sends
            now = self.clock.now()
            if quiet_adjusted(now, self.rules) != now:
                self._wake_if_running(quiet_adjusted(now, self.rules))
                return 0
            midnight = datetime.combine(self._today(), datetime.min.time(), self.rules.zone)
            since = max(now - self.grace, midnight.astimezone(UTC))
            plans = await self.task_plans()
            due = await self.occasions(since, now + timedelta(microseconds=1), plans)
            deliveries = await self._claim(due, now)
            sent = await self._send(deliveries)
        if self.scheduler.running:
            # After the instant this run planned up to: what fell due while it ran is next.
            upcoming = await self.next_instant(plans, after=now)
            if upcoming is not None:
                self._wake_at(upcoming)
        return sent

    def _wake_if_running(self, at: datetime) -> None:
        if self.scheduler.running:
            self._wake_at(at)

    async def resend_in_flight(self) -> int:
        """Rows left in ``sending`` by a process that died: send them again."""
        now = self.clock.now()
        async with self.database.transaction(write=True) as session:
            stuck = await ledger.in_flight(session)
            occasions = {
                r.id: Occasion(r.planned_at, r.task_key, r.milestone_id, Kind(r.kind))
                for r in stuck
            }
            deliveries = await self._deliveries(
                session, [(occasions[r.id], r.member_id, r.id) for r in stuck], now
            )
        if deliveries:
            log.warning(
                "resending %d reminders that were in flight at the last stop", len(deliveries)
            )
        return await self._send(deliveries)

    async def _claim(self, due: Sequence[Occasion], now: datetime) -> list[Delivery]:
        today = now.astimezone(self.rules.zone).date()
        async with self.database.transaction(write=True) as session:
            claimed: list[tuple[Occasion, int, int]] = []
            everyone: frozenset[int] | None = None
            escalated = {(o.task_id, o.at) for o in due if o.kind == Kind.ESCALATION}
            for occasion in due:
                if occasion.kind == Kind.DIGEST:
                    if everyone is None:
                        everyone = frozenset(await session.scalars(
                            select(Member.id).where(Member.active.is_(True), Member.digest_muted.is_(False))
                        ))  # fmt: skip
                    members = everyone
                else:
                    audience = await task_audience(session, occasion.task_id)
                    members = audience.for_kind(occasion.kind)
                    if (
                        occasion.kind == Kind.OVERDUE
                        and (occasion.task_id, occasion.at) in escalated
                    ):
                        members -= audience.for_kind(Kind.ESCALATION)  # one message, not two
                targets = sorted((await reachable(session, members, today)).keys())
                taken = await ledger.claim(session, occasion, targets, now)
                claimed += [
                    (occasion, member_id, taken[member_id])
                    for member_id in targets
                    if member_id in taken
                ]
            return await self._deliveries(session, claimed, now)

    async def _deliveries(
        self,
        session: AsyncSession,
        claimed: list[tuple[Occasion, int, int]],
        now: datetime,
    ) -> list[Delivery]:
        """Build the messages for claimed rows (inside the claiming transaction)."""
        if not claimed:
            return []
        today = now.astimezone(self.rules.zone).date()
        accounts = await reachable(session, {m for _, m, _ in claimed}, today)
        names = {m.id: m.full_name for m in await session.scalars(
            select(Member).where(Member.id.in_({m for _, m, _ in claimed})))}  # fmt: skip
        task_ids = sorted({o.task_id for o, _, _ in claimed if o.task_id})
        views = await self._views(session, task_ids, today)
        result = []
        escalations: dict[tuple[int, datetime], list[tuple[Occasion, int]]] = defaultdict(list)
        for occasion, member_id, reminder_id in claimed:
            targets = [(a.channel, a.external_id) for a in accounts.get(member_id, [])]
            name = names.get(member_id, "")
            if occasion.kind == Kind.DIGEST:
                reply = await self._digest(session, member_id, name, today)
            elif occasion.kind == Kind.ESCALATION and occasion.task_id in views:
                escalations[(member_id, occasion.at)].append((occasion, reminder_id))
                continue
            elif occasion.task_id in views:
                reply = messages.reminder(views[occasion.task_id], occasion, today)
            else:
                continue
            result.append(
                Delivery([reminder_id], member_id, name, occasion.task_id or None, targets, reply)
            )
        for (member_id, _), items in escalations.items():
            # Escalations of one instant reach a recipient as one message, however many tasks.
            targets = [(a.channel, a.external_id) for a in accounts.get(member_id, [])]
            if len(items) == 1:
                occasion, reminder_id = items[0]
                view = views[occasion.task_id]
                directors = (await task_audience(session, occasion.task_id)).directors
                reply = messages.reminder(
                    view, occasion, today, recipient_directs=member_id in directors
                )
                task_id: int | None = occasion.task_id
            else:
                reply = messages.escalations([views[o.task_id] for o, _ in items], today)
                task_id = None
            result.append(
                Delivery(
                    [r for _, r in items],
                    member_id,
                    names.get(member_id, ""),
                    task_id,
                    targets,
                    reply,
                )
            )
        return result

    async def _views(
        self, session: AsyncSession, task_ids: list[int], today: date
    ) -> dict[int, TaskView]:
        if not task_ids:
            return {}
        tasks = (await session.scalars(
            select(Task).where(Task.id.in_(task_ids)).options(*queries.task_options())
        )).all()  # fmt: skip
        changes = await queries.history(session, task_ids)
        return {t.id: task_view(t, changes[t.id], today) for t in tasks}

    async def _digest(self, session: AsyncSession, member_id: int, name: str, today: date) -> Reply:
        member = await session.get(Member, member_id)
        plan = await queries.current_plan(session, today.year)
        if member is None or plan is None:
            return messages.digest(name, today, [], None)
        who = await queries.who_is(session, member)
        mine = list(await queries.tasks_reaching(session, plan.id, who))
        changes = await queries.history(session, [t.id for t in mine])
        views = [task_view(t, changes[t.id], today) for t in mine]
        summary = None
        if member.is_admin:
            everything = list(await queries.plan_tasks(session, plan.id))
            all_changes = await queries.history(session, [t.id for t in everything])
            all_views = [task_view(t, all_changes[t.id], today) for t in everything]
            summary = (
                texts.DIGEST_PLAN.format(code=plan.code) + "\n" + render.summary_counts(all_views)
            )
        return messages.digest(name, today, views, summary)

    # ---------------------------------------------------------------- sending
    async def _send(self, deliveries: list[Delivery]) -> int:
        """Send, recording outcomes every few deliveries: if the process dies, only what was
        sent since the last record (and what was in flight) can be sent again."""
        if not deliveries:
            return 0
        by_chat: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            for target in delivery.accounts:
                by_chat[target].append(delivery)
        completed: list[Delivery] = [d for d in deliveries if not d.accounts]
        recording = asyncio.Lock()

        async def record(delivery: Delivery) -> None:
            if len(delivery.outcomes) < len(delivery.accounts):
                return  # other accounts of this member still to go
            completed.append(delivery)
            if len(completed) >= RECORD_EVERY:
                batch = completed[:]
                completed.clear()
                async with recording:
                    await self._finish(batch)

        await asyncio.gather(
            *(self._send_chat(chat, items, record) for chat, items in by_chat.items())
        )
        async with recording:
            await self._finish(completed)
        return sum(1 for d in deliveries for o in d.outcomes if o[2] is not None)

    async def _send_chat(
        self,
        chat: tuple[str, str],
        items: list[Delivery],
        record: Callable[[Delivery], Awaitable[None]],
    ) -> None:
        channel, chat_id = chat
        outbox = self.outboxes.get(channel)
        for delivery in items:
            if outbox is None:
                delivery.outcomes.append((channel, chat_id, None, f"no {channel} channel running"))
                await record(delivery)
                continue
            wait = self._last_sent.get(chat, 0.0) + self.per_chat_seconds - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            async with self.in_flight, self.limiter:
                self._last_sent[chat] = time.monotonic()
                try:
                    message_id = await outbox.deliver(chat_id, delivery.reply)
                    delivery.outcomes.append((channel, chat_id, message_id, None))
                except PermanentFailure as exc:
                    delivery.outcomes.append((channel, chat_id, None, f"permanent: {exc}"))
                except Exception as exc:  # transient: the row goes back to planned
                    log.warning("reminder not sent, will retry: %s", type(exc).__name__)
                    delivery.outcomes.append(
                        (channel, chat_id, None, f"transient: {type(exc).__name__}")
                    )
            await record(delivery)

    async def _finish(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        now = self.clock.now()
        blocked: list[tuple[Delivery, str, str]] = []
        for start in range(0, len(deliveries), FINISH_BATCH):
            async with self.database.transaction(write=True) as session:
                batch = deliveries[start : start + FINISH_BATCH]
                outcomes: list[tuple[int, str | None]] = []
                for d in batch:
                    ok = [o for o in d.outcomes if o[2] is not None]
                    errors = [o[3] for o in d.outcomes if o[3]]
                    permanent = bool(errors) and all(e.startswith("permanent") for e in errors)
                    error = None if ok else ("permanent: all accounts refused" if permanent else
                                             (errors[0] if errors else "transient: no account"))  # fmt: skip
                    outcomes += [(reminder_id, error) for reminder_id in d.reminder_ids]
                    session.add_all(
                        SentMessage(channel=channel, chat_id=chat_id, message_id=message_id,
                                    task_id=d.task_id, sent_at=now)
                        for channel, chat_id, message_id, _ in ok if d.task_id and message_id
                    )  # fmt: skip
                    for channel, chat_id, _, err in d.outcomes:
                        if err and err.startswith("permanent"):
                            blocked.append((d, channel, chat_id))
                await ledger.finish(session, outcomes, now)
                for _, channel, chat_id in blocked:
                    await session.execute(
                        update(ChatAccount)
                        .where(ChatAccount.channel == channel, ChatAccount.external_id == chat_id,
                               ChatAccount.blocked_at.is_(None))
                        .values(blocked_at=now)
                    )  # fmt: skip
        if blocked:
            await self._report_blocked(blocked)

    async def _report_blocked(self, blocked: list[tuple[Delivery, str, str]]) -> None:
        """Tell the standing office, once per account, that a member cannot be reached."""
        async with self.database.transaction() as session:
            admins = (await session.scalars(
                select(ChatAccount).join(Member, Member.id == ChatAccount.member_id)
                .where(Member.is_admin.is_(True), ChatAccount.blocked_at.is_(None))
            )).all()  # fmt: skip
        seen = set()
        for delivery, channel, chat_id in blocked:
            if (channel, chat_id) in seen:
                continue
            seen.add((channel, chat_id))
            text = texts.BLOCKED_REPORT.format(
                name=delivery.member_name, channel=texts.CHANNEL_NAMES.get(channel, channel),
                reason=texts.BLOCKED_REASON,
            )  # fmt: skip
            for admin in admins:
                outbox = self.outboxes.get(admin.channel)
                if outbox is not None:
                    try:
                        await outbox.deliver(admin.external_id, Reply(text))
                    except Exception:
                        log.exception("could not report a blocked account to an admin")
