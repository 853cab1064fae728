"""What is planned when: the current plan as the planner sees it (read again only when it changed),
and the reminders planned over a window (planned once per version of the plan, then sliced)."""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from operator import attrgetter

from db.session import Database
from domain.clock import Clock
from scheduler.planner import Kind, Occasion, Rules, TaskPlan, digest_instants, plan_task
from scheduler.task_plans import current_task_plans, fingerprint

_AT = attrgetter("at")
LOOKAHEAD = timedelta(days=62)
PLAN_AHEAD = timedelta(days=10)  # planned at once, then read by the sweeps of the next days
RELOAD_SECONDS = 600  # the plan is read again at least this often (in-place edits by `seed`)


async def load_task_plans(database: Database, today: date) -> list[TaskPlan]:
    """Every task of the current plan as the planner sees it."""
    async with database.transaction() as session:
        return await current_task_plans(session, today)


def _plan_all(
    plans: Sequence[TaskPlan], rules: Rules, start: datetime, end: datetime
) -> list[Occasion]:
    return [o for task in plans for o in plan_task(task, rules, start, end)]


class Timetable:
    def __init__(self, database: Database, clock: Clock, rules: Rules) -> None:
        self.database = database
        self.clock = clock
        self.rules = rules
        self._plans: tuple[tuple[object, ...], float, list[TaskPlan]] | None = None
        self._planned: tuple[Sequence[TaskPlan], datetime, datetime, list[Occasion]] | None = None

    def forget(self) -> None:
        """The plan changed here: read it again at the next look."""
        self._plans = None

    def today(self) -> date:
        return self.clock.now().astimezone(self.rules.zone).date()

    async def task_plans(self) -> list[TaskPlan]:
        """The current plan as the planner sees it, read again only when it changed (a
        fingerprint query), at a new day, or every RELOAD_SECONDS: the sweep runs every minute
        and reading a large plan is the costly part of it."""
        today = self.today()
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
        (planning a large plan costs CPU that chats would wait for)."""
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
