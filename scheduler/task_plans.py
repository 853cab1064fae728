"""The current plan as the reminder planner sees it, read lean: four column-only queries over
the plan (tasks, milestones, extensions, status changes), no ORM objects, no names, no
assignments. At 10,000 tasks in the current plan this takes a fraction of a second and a few
MB, where loading full task objects took seconds and hundreds of MB (bench.province)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import facts, identity
from db.models import Extension, Milestone, Plan, StatusChange, Task
from domain.parts import CLOSE, task_state
from domain.progress import CARRIED, Change, derive_state
from domain.status import Status
from scheduler.planner import MilestonePlan, TaskPlan

# Rows are read in partitions of this many and folded into the plans as they come: at 50,000
# tasks, holding every row of the plan at once (and the driver's copy of them) was most of the
# service's peak memory, several times what the plans themselves take.
PARTITION = 5_000


async def _rows(session: AsyncSession, statement: Select[Any]) -> AsyncIterator[Sequence[Any]]:
    """The statement's rows, fetched a partition at a time."""
    result = await session.stream(statement.execution_options(yield_per=PARTITION))
    async for partition in result.partitions():
        for row in partition:
            yield row


async def current_task_plans(session: AsyncSession, today: date) -> list[TaskPlan]:
    """Every task of the current plan: its milestones (after extensions) and what is done."""
    plan = await session.run_sync(lambda s: identity.plan_of(s.connection(), None, today.year))
    if plan is None:
        return []
    in_plan = Task.plan_id == plan.id
    extended: dict[int, date] = {
        milestone_id: new_due
        for milestone_id, new_due in (
            await session.execute(
                select(Extension.milestone_id, Extension.new_due)
                .join(Milestone, Milestone.id == Extension.milestone_id)
                .join(Task, Task.id == Milestone.task_id)
                .where(in_plan)
                .order_by(Extension.id)  # the latest extension wins
            )
        ).all()
    }
    changes: dict[int, list[Change]] = defaultdict(list)
    # A planner's verdict: the completion day and the office's confirmation do not move it.
    async for task_id, kind, milestone_id, new_status, progress, at, _, _, agency_id in _rows(
        session,
        select(StatusChange.task_id, *facts.STEP_COLUMNS)
        .join(Task, Task.id == StatusChange.task_id)
        .where(in_plan, StatusChange.kind.in_(("status", CARRIED, CLOSE)))
        .order_by(StatusChange.task_id, StatusChange.id),
    ):
        changes[task_id].append(
            Change(kind, milestone_id, new_status, progress, at, agency_id=agency_id)
        )
    plan_id = plan.id
    parts = await session.run_sync(lambda s: facts.plan_parts(s.connection(), plan_id))
    untouched = derive_state(())  # most tasks have no history yet
    # A collective task is done when every part is, or when it is closed (domain.parts).
    states = {
        task_id: task_state(changes.pop(task_id, []), agencies)
        for task_id, agencies in parts.items()
    }
    states.update((task_id, derive_state(history)) for task_id, history in changes.items())
    del changes
    milestones: dict[int, list[MilestonePlan]] = defaultdict(list)
    async for milestone_id, task_id, due_on in _rows(
        session,
        select(Milestone.id, Milestone.task_id, Milestone.due_on)
        .join(Task, Task.id == Milestone.task_id)
        .where(in_plan)
        .order_by(Milestone.task_id, Milestone.position),
    ):
        done = milestone_id in states.get(task_id, untouched).done_milestones
        # the label plans nothing: not read
        milestones[task_id].append(
            MilestonePlan(milestone_id, extended.get(milestone_id, due_on), done)
        )
    plans = []
    async for task_id, schedule in _rows(session, select(Task.id, Task.schedule).where(in_plan)):
        plans.append(
            TaskPlan(
                id=task_id,
                roadmap=schedule == "roadmap",
                done=states.get(task_id, untouched).status == Status.DONE,
                milestones=tuple(milestones.pop(task_id, ())),
            )
        )
    return plans


async def milestone_dues(session: AsyncSession, milestone_ids: set[int]) -> dict[int, date]:
    """The current due date (after extensions, the latest winning) of each milestone: the date
    the planner gives a reminder, read again for one rebuilt from the ledger."""
    if not milestone_ids:
        return {}
    planned = await session.execute(
        select(Milestone.id, Milestone.due_on).where(Milestone.id.in_(milestone_ids))
    )
    extended = await session.execute(
        select(Extension.milestone_id, Extension.new_due)
        .where(Extension.milestone_id.in_(milestone_ids))
        .order_by(Extension.id)
    )
    return {milestone_id: due for milestone_id, due in [*planned.all(), *extended.all()]}


_FINGERPRINT = select(
    *(
        select(aggregate(model.id)).scalar_subquery()
        for model in (Plan, Task, Milestone, Extension, StatusChange)
        for aggregate in (func.count, func.max)
    )
)


async def fingerprint(session: AsyncSession) -> tuple[object, ...]:
    """Counts and highest ids of what the planner reads: one cheap query that changes when a
    plan, task, milestone, extension or status change is added or removed (by this instance,
    another one, or the command line). In-place edits (a re-seeded date) are not seen: the
    service also reloads every few minutes."""
    return tuple((await session.execute(_FINGERPRINT)).one())
