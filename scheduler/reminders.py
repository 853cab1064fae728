"""Reminder execution, the run loop: APScheduler wakes the service at each planned instant (and
every minute as a safety net); the database is the truth.

Each run plans the reminders due in [now - grace, now] from the current state of the plan (so a
completed task or an extended deadline changes what is sent at once; ``timetable``), claims one
ledger row per recipient (``recipients``), sends outside any transaction within the rate limits
(``sending``), and records the outcome (``outcomes``). Reminders missed while the service was
down are sent at start if the task is still open and they were planned for the same day (local
time); older ones are left to the next overdue reminder and the weekly digest, which lists every
overdue task anyway. Nothing is sent in quiet hours (21:00-07:00): a run that falls there waits
until 07:00. With several instances on PostgreSQL only the holder of the lock sends (``leader``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from chat.delivery import Outbox
from db.session import Database
from domain.clock import Clock
from scheduler import followups, ledger, recipients
from scheduler.leader import Leadership, leadership_for
from scheduler.outcomes import Delivery, record
from scheduler.planner import Occasion, Rules, quiet_adjusted
from scheduler.sending import Pacer
from scheduler.timetable import Timetable

log = logging.getLogger(__name__)
GRACE = timedelta(hours=24)
SWEEP_SECONDS = 60
REPLAN_DELAY = timedelta(seconds=2)


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
        self.timetable = Timetable(database, clock, rules)
        self.pacer = Pacer(outboxes, send_rate=send_rate, per_chat_seconds=per_chat_seconds)
        self.scheduler = AsyncIOScheduler(timezone=rules.zone)
        self._lock = asyncio.Lock()
        self.leadership = leadership or leadership_for(database.engine)
        self._leading = False

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Finish what was in flight, send what was missed, then wake at each planned instant."""
        if await self._lead():
            await self.resend_in_flight()
        self.scheduler.start()
        self._schedule("reminders:sweep", "interval", seconds=SWEEP_SECONDS, max_instances=1)
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
        self.timetable.forget()
        if self.scheduler.running:
            self._wake_at(self.clock.now() + REPLAN_DELAY)

    def _wake_at(self, at: datetime) -> None:
        real = datetime.now(UTC) + (at - self.clock.now())  # the service clock may be shifted
        self._schedule("reminders:wake", "date", run_date=real)

    def _schedule(self, job_id: str, trigger: str, **when: object) -> None:
        """Run ``run_due`` on ``trigger``: one job per id (adding it again replaces it), and a
        missed or late run made once, however late."""
        self.scheduler.add_job(
            self.run_due,
            trigger,
            id=job_id,
            coalesce=True,
            misfire_grace_time=None,
            replace_existing=True,
            **when,
        )

    # ---------------------------------------------------------------- running
    async def run_due(self) -> int:
        """Send every reminder due now; return how many messages went out."""
        async with self._lock:
            if not await self._lead():
                return 0  # another instance sends
            now = self.clock.now()
            if quiet_adjusted(now, self.rules) != now:
                if self.scheduler.running:
                    self._wake_at(quiet_adjusted(now, self.rules))
                return 0
            today = self.timetable.today()
            midnight = datetime.combine(today, datetime.min.time(), self.rules.zone)
            since = max(now - self.grace, midnight.astimezone(UTC))
            plans = await self.timetable.task_plans()
            due = await self.timetable.occasions(since, now + timedelta(microseconds=1), plans)
            deliveries = await self.claim(due, now)
            async with self.database.transaction(write=True) as session:
                deliveries += await followups.claim(session, since, now, self.rules.zone, plans)
            sent = await self._send(deliveries)
        if self.scheduler.running:
            # After the instant this run planned up to: what fell due while it ran is next.
            upcoming = await self.timetable.next_instant(plans, after=now)
            if upcoming is not None:
                self._wake_at(upcoming)
        return sent

    async def claim(self, due: Sequence[Occasion], now: datetime) -> list[Delivery]:
        """Claim the due reminders' ledger rows; the deliveries to send."""
        async with self.database.transaction(write=True) as session:
            return await recipients.claim(
                session, due, now, self.rules.zone, repeat=self.rules.repeat_unacknowledged
            )

    async def resend_in_flight(self) -> int:
        """Rows left in ``sending`` by a process that died: send them again."""
        now = self.clock.now()
        today = now.astimezone(self.rules.zone).date()
        async with self.database.transaction(write=True) as session:
            stuck = await ledger.in_flight(session)
            follow_ups = [r for r in stuck if r.kind in followups.FOLLOW_UPS]
            stuck = [r for r in stuck if r.kind not in followups.FOLLOW_UPS]
            claimed = await recipients.claims_of(session, stuck)
            zone = self.rules.zone
            deliveries = await recipients.deliveries(session, claimed, today, zone)
            deliveries += await followups.deliveries(session, follow_ups, today, zone)
        if deliveries:
            log.warning(
                "resending %d reminders that were in flight at the last stop", len(deliveries)
            )
        return await self._send(deliveries)

    async def _send(self, deliveries: list[Delivery]) -> int:
        async def record_now(batch: Sequence[Delivery]) -> None:
            await record(self.database, self.outboxes, batch, self.clock.now())

        return await self.pacer.send(deliveries, record_now)
