"""What the desk reads: who is behind a browser session, and the report they may see, as of a
day. The same read model as the chat (``db.facts`` through ``chat.views`` into
``reports.model``), so the desk's counts are the chat's /baocao counts.

"As of a day": the history is cut at the end of that local day and every task is classified on
that day, so a past review shows what the committee saw then."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from chat import texts as chat_texts
from chat.views import TaskView, view_of
from db import facts, records
from db.acks import unacknowledged_by_agency
from db.facts import TaskFacts, Timeline
from db.identity import PlanRef, plan_of, who_of
from db.models import ExtensionRequest, Member, Milestone, Plan, Task
from db.session import Database
from db.web_access import WebUser, session_user
from domain.access import Who, sees_whole_plan
from domain.classify import Category, Verdict
from domain.parts import task_state
from domain.progress import derive_state
from reports.model import Report, Row, build_report, verdict_from
from web.fingerprint import FingerprintCache, plan_fingerprint
from web.verdict_memo import VerdictMemo

Cut = TypeVar("Cut", TaskFacts, Timeline, TaskFacts | Timeline)


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: the member, what reaches them, the plan they look at."""

    user: WebUser
    who: Who
    plan: PlanRef | None

    @property
    def whole_plan(self) -> bool:
        return sees_whole_plan(self.who)


async def viewer(database: Database, token: str, *, now: datetime, zone: ZoneInfo) -> Viewer | None:
    """The person behind a session cookie; None without a live session."""
    year = now.astimezone(zone).year

    def read(connection: Connection) -> Viewer | None:
        user = session_user(connection, token, now)
        if user is None:
            return None
        who = who_of(connection, user.member_id, user.is_admin, user.committee_role)
        return Viewer(user, who, plan_of(connection, user.plan_year, year))

    return await database.read(read)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after ``day`` in the service's zone."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def as_of(found: Sequence[Cut], cutoff: datetime | None) -> list[Cut]:
    """The tasks with the history that existed before ``cutoff`` (None: all of it)."""
    if cutoff is None:
        return list(found)
    return [f._replace(changes=tuple(c for c in f.changes if c.at < cutoff)) for f in found]


async def report_for(
    database: Database, person: Viewer, plan: PlanRef, *, day: date, past: bool, zone: ZoneInfo
) -> Report:
    """The report the chat's /baocao gives this person (the whole plan or their slice), as of
    ``day`` (``past``: the history after that day is left out)."""
    whole = person.whole_plan

    def read(connection: Connection) -> list[TaskFacts]:
        if whole:
            return facts.whole_plan(connection, plan.id)
        return facts.reaching(connection, plan.id, person.who)

    found = as_of(await database.read(read), end_of_day(day, zone) if past else None)
    return build_report(
        [view_of(f, day, None if whole else person.who) for f in found],
        plan_code=plan.code,
        plan_year=plan.year,
        today=day,
        zone=zone,
        scope=None if whole else person.user.full_name,
        unassigned=chat_texts.REPORT_UNASSIGNED,
    )


OVERDUE_SHOWN = 50  # the overview lists the most overdue; the rest are a click away
UNACKNOWLEDGED_DAYS = 7  # the overview's unacknowledged reminders: the last week's


@dataclass(frozen=True)
class PendingRequest:
    """An extension request awaiting the standing office's decision."""

    number: int
    task_code: str
    milestone: str
    new_due: date
    requested_by: str | None
    reason: str


@dataclass(frozen=True)
class Overview:
    """What the overview shows: the counts by category, the most overdue tasks, the pending
    extension requests and (for the whole plan) the last week's unacknowledged reminders."""

    plan_code: str
    plan_year: int
    today: date
    scope: str | None
    totals: Counter[Category]
    count: int
    overdue: tuple[Row, ...]  # most days late first, at most OVERDUE_SHOWN
    overdue_count: int
    pending: tuple[PendingRequest, ...] = ()
    unacknowledged: tuple[tuple[str, int], ...] | None = None  # None: not shown (a member)


@dataclass(frozen=True)
class Classified:
    """Every task's verdict, summed up: the counts and the overdue tasks, most late first."""

    totals: Counter[Category]
    count: int
    late: tuple[tuple[int, Verdict], ...]  # (task id, verdict)


def classify_all(
    found: Sequence[Timeline | TaskFacts],
    day: date,
    zone: ZoneInfo,
    memo: VerdictMemo | None = None,
) -> Classified:
    """Each task's verdict from its milestones and replayed history (no names, no views).
    ``memo``: a task whose milestones and history equal those its kept verdict was judged from
    on this day keeps that verdict (``web.verdict_memo``)."""
    untouched = derive_state(())  # a task without history: only its milestones and the day
    kept = memo.entries((day, zone)) if memo is not None else {}
    verdicts = []
    for f in found:
        entry = kept.get(f.id)
        inputs = (f.milestones, f.parts)  # an agency added later: a part more to be done
        if entry is not None and entry[0] == inputs and entry[1] == f.changes:
            verdicts.append(entry[2])
            continue
        verdict = verdict_from(
            task_state(f.changes, f.parts) if f.changes or f.parts else untouched,
            [(m.id, m.due_on, m.current_due) for m in f.milestones],
            day,
            zone,
        )
        verdicts.append(verdict)
        if memo is not None:
            kept[f.id] = (inputs, f.changes, verdict)
    overdue = Category.OVERDUE
    late = sorted(
        ((f, v) for f, v in zip(found, verdicts, strict=True) if v.category == overdue),
        key=lambda fv: (-(fv[1].days_late or 0), fv[0].position),
    )
    return Classified(
        Counter([v.category for v in verdicts]), len(verdicts), tuple((f.id, v) for f, v in late)
    )


def pending_requests(
    connection: Connection, plan_id: int, cutoff: datetime | None
) -> list[tuple[int, PendingRequest]]:
    """The plan's extension requests awaiting a decision, oldest first, with their task ids;
    ``cutoff``: those pending then (made before it, decided, if at all, after it)."""
    query = (
        select(
            Task.id,
            ExtensionRequest.id,
            Task.code,
            Milestone.label,
            ExtensionRequest.new_due,
            Member.full_name,
            ExtensionRequest.reason,
        )
        .join(Task, Task.id == ExtensionRequest.task_id)
        .join(Milestone, Milestone.id == ExtensionRequest.milestone_id)
        .outerjoin(Member, Member.id == ExtensionRequest.member_id)
        .where(Task.plan_id == plan_id)
        .order_by(ExtensionRequest.id)
    )
    if cutoff is None:
        query = query.where(ExtensionRequest.state == "pending")
    else:
        query = query.where(
            ExtensionRequest.at < cutoff,
            (ExtensionRequest.state == "pending") | (ExtensionRequest.decided_at >= cutoff),
        )
    return [
        (task_id, PendingRequest(number, code, label, new_due, name, reason))
        for task_id, number, code, label, new_due, name, reason in connection.execute(query)
    ]


async def overview_for(
    database: Database,
    person: Viewer,
    plan: PlanRef,
    *,
    day: date,
    past: bool,
    zone: ZoneInfo,
    cache: FingerprintCache | None = None,
    memo: VerdictMemo | None = None,
) -> Overview:
    """The /baocao totals for this person and the most overdue tasks, read lean, then the shown
    overdue tasks in full. The whole plan's verdicts are kept in ``cache`` under the plan's
    fingerprint (``web.fingerprint``), read in the same transaction as the data it stands for."""
    whole = person.whole_plan
    cutoff = end_of_day(day, zone) if past else None
    key = (plan.id, day, past)

    def read(
        connection: Connection,
    ) -> tuple[tuple[int, ...] | None, Classified | None, Sequence[Timeline | TaskFacts]]:
        if not whole:
            return None, None, facts.reaching(connection, plan.id, person.who, lean=True)
        fingerprint = plan_fingerprint(connection, plan.id) if cache is not None else None
        if cache is not None and fingerprint is not None:
            known = cache.get(key, fingerprint)
            if known is not None:
                return fingerprint, known, ()
        return fingerprint, None, facts.plan_timelines(connection, plan.id)

    fingerprint, classified, found = await database.read(read)
    if classified is None:
        found_ids = {f.id for f in found}
        classified = classify_all(as_of(found, cutoff), day, zone, memo)
        if cache is not None and fingerprint is not None:
            cache.put(key, fingerprint, classified)
    else:
        found_ids = set()
    shown = [task_id for task_id, _ in classified.late[:OVERDUE_SHOWN]]
    full = {f.id: f for f in as_of(await database.read(lambda c: facts.tasks(c, shown)), cutoff)}
    rows = tuple(
        Row(view_of(full[task_id], day), v)
        for task_id, v in classified.late[:OVERDUE_SHOWN]
        if task_id in full
    )
    requests = await database.read(lambda c: pending_requests(c, plan.id, cutoff))
    pending = tuple(r for task_id, r in requests if whole or task_id in found_ids)
    unacknowledged = None
    if whole:
        midnight = datetime.combine(day, time(0), zone)
        async with database.transaction() as session:
            counts = await unacknowledged_by_agency(
                session, since=midnight - timedelta(days=UNACKNOWLEDGED_DAYS), until=midnight
            )
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        unacknowledged = tuple((name or chat_texts.DIGEST_NO_AGENCY, n) for name, n in ordered)
    return Overview(
        plan_code=plan.code,
        plan_year=plan.year,
        today=day,
        scope=None if whole else person.user.full_name,
        totals=classified.totals,
        count=classified.count,
        overdue=rows,
        overdue_count=len(classified.late),
        pending=pending,
        unacknowledged=unacknowledged,
    )


async def task_view(
    database: Database, plan: PlanRef, code: str, *, day: date, past: bool, zone: ZoneInfo
) -> TaskView | None:
    """One task of the plan in full (any member may open any task, as in the chat)."""
    async with database.transaction() as session:
        task = await records.task_by_code(session, plan.id, code)
        if task is None:
            return None
        ids = [task.id]
        (found,) = await session.run_sync(lambda s: facts.tasks(s.connection(), ids))
    (cut,) = as_of([found], end_of_day(day, zone) if past else None)
    return view_of(cut, day)


async def plan_title(database: Database, plan: PlanRef) -> str:
    async with database.transaction() as session:
        row = await session.get(Plan, plan.id)
        return row.title if row is not None else plan.code
