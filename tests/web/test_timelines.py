"""The overview's lean read of a whole plan (``db.facts.plan_timelines``: only the columns and
the kinds of history a verdict replays, tasks without history not replayed) gives every task
the verdict the full read of the plan gives, today and as of a past day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from db import facts
from db.models import Milestone, StatusChange, Task
from db.session import Database
from domain.classify import Category
from domain.progress import CONFIRM, PENDING
from domain.status import Status
from tests.conftest import ZONE, local
from web.data import as_of, classify_all, end_of_day


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
