"""The overview's lean read of a whole plan (``db.facts.plan_timelines``: only the columns and
the kinds of history a verdict replays, tasks without history not replayed) gives every task
the verdict the full read of the plan gives, today and as of a past day; and the memo of
verdicts (``web.verdict_memo``) answers as a fresh judgement after every kind of change."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from db import facts
from db.models import Extension, Milestone, StatusChange, Task
from db.session import Database
from domain.classify import Category, Verdict
from domain.progress import CONFIRM, PENDING
from domain.status import Status
from tests.conftest import ZONE, local
from web.data import Classified, as_of, classify_all, end_of_day
from web.verdict_memo import VerdictMemo


def _change(task_id: int, at: datetime, **fields: object) -> StatusChange:
    fields.setdefault("kind", "status")
    return StatusChange(task_id=task_id, channel="test", at=at, **fields)


async def test_the_lean_timelines_classify_as_the_full_facts(seeded: Database) -> None:
    async with seeded.transaction(write=True) as session:
        plan_id = await session.scalar(select(Task.plan_id).limit(1))
        ids = list(
            await session.scalars(
                select(Task.id).where(Task.plan_id == plan_id).order_by(Task.position)
            )
        )
        multi = await session.scalar(
            select(Milestone.task_id).group_by(Milestone.task_id).having(func.count() > 1).limit(1)
        )
        first_milestone = await session.scalar(
            select(Milestone.id).where(Milestone.task_id == multi).order_by(Milestone.position)
        )
        assert plan_id is not None and multi is not None
        day = local("2024-03-01 09:00")
        done, progress = Status.DONE.value, Status.IN_PROGRESS.value
        session.add_all(
            [
                # a note alone: history, but nothing a verdict replays
                _change(ids[0], day, kind="note", note="chỉ ghi chú"),
                _change(ids[1], day, new_status=progress, progress=40),
                _change(ids[2], day, new_status=done, completed_on=date(2024, 2, 20)),
                # a completion awaiting the office, then confirmed later (after the past day)
                _change(ids[3], day, new_status=done, confirmation=PENDING),
                _change(ids[3], day + timedelta(days=60), kind=CONFIRM),
                _change(ids[4], day, new_status=done, confirmation=PENDING),  # never confirmed
                # done, then reopened, with a note between
                _change(ids[5], day, new_status=done),
                _change(ids[5], day + timedelta(days=1), kind="note", note="mở lại"),
                _change(ids[5], day + timedelta(days=2), new_status=progress),
                # one batch of a task of several batches
                _change(multi, day, milestone_id=first_milestone, new_status=done),
            ]
        )

    def read(connection: Connection) -> tuple[list[facts.Timeline], list[facts.TaskFacts]]:
        return facts.plan_timelines(connection, plan_id), facts.whole_plan(connection, plan_id)

    lean, full = await seeded.read(read)
    assert [t.id for t in lean] == [f.id for f in full] and len(lean) == len(ids)
    assert not lean[0].changes and lean[1].changes  # the note alone is not read
    for today, past in ((date(2024, 9, 27), False), (date(2024, 3, 15), True)):
        cutoff = end_of_day(today, ZONE) if past else None
        expected = classify_all(as_of(full, cutoff), today, ZONE)
        assert classify_all(as_of(lean, cutoff), today, ZONE) == expected, today
        assert sum(expected.totals.values()) == len(ids)
    assert expected.totals[Category.DONE_ON_TIME] + expected.totals[Category.DONE_LATE] > 0


async def test_the_verdict_memo_follows_every_change_of_a_task(seeded: Database) -> None:
    """Kept verdicts are reused only for tasks whose inputs are unchanged: after a milestone's
    date edited in place, an extension, a status change, a deleted change and a new day,
    the memo's answer is the fresh one, and the memo did answer for the untouched tasks."""
    memo = VerdictMemo()
    today = date(2024, 9, 27)
    async with seeded.transaction() as session:
        plan_id = await session.scalar(select(Task.plan_id).limit(1))
        task_id = await session.scalar(
            select(Milestone.task_id)
            .group_by(Milestone.task_id)
            .having(func.min(Milestone.due_on) > today)
            .order_by(Milestone.task_id)
            .limit(1)
        )
        milestone_id = await session.scalar(
            select(Milestone.id).where(Milestone.task_id == task_id).order_by(Milestone.id)
        )
    assert plan_id is not None

    async def judged(day: date = today) -> tuple[Classified, Classified]:
        found = await seeded.read(lambda c: facts.plan_timelines(c, plan_id))
        return classify_all(found, day, ZONE, memo), classify_all(found, day, ZONE)

    async def change(statement: Any) -> None:
        async with seeded.transaction(write=True) as session:
            await session.execute(statement)

    remembered, fresh = await judged()
    assert remembered == fresh and len(memo) == fresh.count
    seen = [fresh]
    at = local("2024-09-20 09:00")
    done = Status.DONE.value
    for statement in (  # each moves the plan's verdicts: on track, overdue, extended, done...
        update(Milestone).where(Milestone.id == milestone_id).values(due_on=date(2024, 9, 1)),
        insert(Extension).values(
            milestone_id=milestone_id, new_due=date(2024, 12, 20), reason="x", at=at
        ),
        insert(StatusChange).values(
            task_id=task_id, kind="status", channel="test", at=at, new_status=done
        ),
        delete(StatusChange).where(StatusChange.task_id == task_id),
    ):
        await change(statement)
        remembered, fresh = await judged()
        assert remembered == fresh, statement
        assert fresh != seen[-1], statement
        seen.append(fresh)
    later, fresh = await judged(today + timedelta(days=90))
    assert later == fresh and later.totals != seen[-1].totals


def test_the_memo_answers_an_unchanged_task_without_judging_it() -> None:
    """The kept verdict is what is answered when the inputs equal (proof the memo is used)."""
    memo = VerdictMemo()
    task = facts.Timeline(
        7, 1, (facts.MilestoneFacts(1, None, date(2024, 1, 1), date(2024, 1, 1)),), ()
    )
    first = classify_all([task], date(2024, 6, 1), ZONE, memo)
    assert first.totals == {Category.OVERDUE: 1}
    kept = memo.entries((date(2024, 6, 1), ZONE))
    marker = Verdict(Category.NO_DEADLINE)
    kept[7] = (kept[7][0], kept[7][1], marker)
    assert classify_all([task], date(2024, 6, 1), ZONE, memo).totals == {Category.NO_DEADLINE: 1}
    moved = task._replace(milestones=(task.milestones[0]._replace(due_on=date(2024, 7, 1)),))
    assert classify_all([moved], date(2024, 6, 1), ZONE, memo).totals == {Category.ON_TRACK: 1}
    assert classify_all([task], date(2024, 6, 2), ZONE, memo).totals == {Category.OVERDUE: 1}
