"""The reminder planner: from a task's milestones and state, every reminder due in a window,
with its reason. Pure: no database, no clock, no network.

- ``deadline``: before each open milestone at each offset (default 7d, 3d, 1d, 0d) at the
  reminder time; a whole-day offset falling on a weekend or public holiday moves to the previous
  working day; offsets that land on the same instant are merged into one reminder.
- ``coordination``: coordinating agencies are asked, at the first (largest) offset, to send
  their input to the lead agency.
- ``overdue``: the working day after a missed milestone, then every week; from 14 days late
  (configurable) the same instants also carry an ``escalation`` to the standing office and the
  directing leaders.
- ``checkin``: tasks without a fixed date ("Theo lộ trình"): the first working day of each month.
- Quiet hours: nothing between 21:00 and 07:00; what falls there waits until 07:00.
A completed milestone (or task) gets nothing; an extended deadline is planned from its new date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.workdays import next_working_day, previous_working_day

DAY = timedelta(days=1)


class Kind(StrEnum):
    DEADLINE = "deadline"
    COORDINATION = "coordination"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    CHECKIN = "checkin"
    DIGEST = "digest"
    # Follow-ups, from rows already in the ledger (scheduler/followups.py), not planned here.
    SNOOZED = "snoozed"
    REPEAT = "repeat"
    RECEIPTS = "receipts"


@dataclass(frozen=True)
class Rules:
    offsets: tuple[timedelta, ...]
    send_time: time
    zone: ZoneInfo
    overdue_every: timedelta = timedelta(days=7)
    escalate_after_days: int = 14
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    repeat_unacknowledged: bool = True  # a deadline-day or overdue reminder unanswered: once more


# Slotted: a plan of 50,000 tasks holds some 100,000 milestones and, planned ten days ahead,
# over 100,000 occasions; without a __dict__ each instance takes about half the memory.
@dataclass(frozen=True, slots=True)
class MilestonePlan:
    id: int
    due: date  # the current due date (after any extension)
    done: bool = False
    label: str | None = None


@dataclass(frozen=True, slots=True)
class TaskPlan:
    id: int
    roadmap: bool = False  # "Theo lộ trình": monthly check-ins instead of deadlines
    done: bool = False
    milestones: tuple[MilestonePlan, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Occasion:
    """One reminder to send at ``at`` (UTC) about a task (and milestone), to its recipients."""

    at: datetime
    task_id: int
    milestone_id: int | None
    kind: Kind
    due: date | None = None

    def sort_key(self) -> tuple[datetime, int, int, str]:
        return (self.at, self.task_id, self.milestone_id or 0, self.kind)  # a str: its value


def quiet_adjusted(at: datetime, rules: Rules) -> datetime:
    """Move an instant inside quiet hours (21:00-07:00 local) to the next 07:00."""
    local = at.astimezone(rules.zone)
    if local.time() >= rules.quiet_start:
        morning = local.date() + DAY
    elif local.time() < rules.quiet_end:
        morning = local.date()
    else:
        return at
    return datetime.combine(morning, rules.quiet_end, rules.zone).astimezone(UTC)


@lru_cache(maxsize=16384)
def _at(day: date, rules: Rules) -> datetime:
    return quiet_adjusted(datetime.combine(day, rules.send_time, rules.zone).astimezone(UTC), rules)


@lru_cache(maxsize=16384)
def deadline_instants(due: date, rules: Rules) -> tuple[datetime, ...]:
    """Distinct instants of the deadline reminders for a milestone due on ``due``, earliest first."""
    deadline = datetime.combine(due, rules.send_time, rules.zone).astimezone(UTC)
    instants = set()
    for offset in rules.offsets:
        if offset % DAY == timedelta(0):
            instants.add(_at(previous_working_day(due - offset), rules))
        else:
            instants.add(quiet_adjusted(deadline - offset, rules))
    return tuple(sorted(instants))


def overdue_instants(
    due: date, rules: Rules, until: datetime, since: datetime | None = None
) -> Iterator[tuple[datetime, int]]:
    """(instant, days late) of each overdue reminder before ``until`` (from ``since``, if
    given: the weeks before it are skipped, not walked)."""
    first = next_working_day(due + DAY)
    step = 0
    if since is not None:
        weeks = (since.astimezone(rules.zone).date() - first).days // rules.overdue_every.days - 1
        step = max(0, weeks)
    previous = None
    while True:
        day = next_working_day(first + step * rules.overdue_every)
        at = _at(day, rules)
        if at >= until:
            return
        if at != previous:  # a week of holidays (Tết) moves two steps to the same day: once
            yield at, (day - due).days
        previous = at
        step += 1


def _months(start: date, end: date) -> Iterator[date]:
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        yield date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def plan_task(task: TaskPlan, rules: Rules, start: datetime, end: datetime) -> list[Occasion]:
    """Every reminder of ``task`` planned in [start, end), ordered by instant."""
    if task.done:
        return []
    found: list[Occasion] = []
    for m in task.milestones:
        if m.done:
            continue
        instants = deadline_instants(m.due, rules)
        for index, at in enumerate(instants):
            if start <= at < end:
                found.append(Occasion(at, task.id, m.id, Kind.DEADLINE, m.due))
                if index == 0:
                    found.append(Occasion(at, task.id, m.id, Kind.COORDINATION, m.due))
        for at, late in overdue_instants(m.due, rules, end, since=start):
            if at >= start:
                found.append(Occasion(at, task.id, m.id, Kind.OVERDUE, m.due))
                if late >= rules.escalate_after_days:
                    found.append(Occasion(at, task.id, m.id, Kind.ESCALATION, m.due))
    if task.roadmap:
        local_start = start.astimezone(rules.zone).date()
        local_end = end.astimezone(rules.zone).date()
        for first in _months(local_start, local_end):
            at = _at(next_working_day(first), rules)
            if start <= at < end:
                found.append(Occasion(at, task.id, None, Kind.CHECKIN))
    return sorted(found, key=Occasion.sort_key)


def digest_instants(rules: Rules, start: datetime, end: datetime) -> list[datetime]:
    """Weekly digests: Mondays at the reminder time (the next working day if Monday is off)."""
    day = start.astimezone(rules.zone).date()
    day -= timedelta(days=day.weekday())  # this week's Monday
    found: list[datetime] = []
    while True:
        at = _at(next_working_day(day), rules)
        if at >= end:
            return found
        if at >= start:
            found.append(at)
        day += timedelta(days=7)
