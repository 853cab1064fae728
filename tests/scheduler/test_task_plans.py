"""The reminder planner's view of the plan (``scheduler.task_plans``) is read in partitions and
folded as the rows come: the plans must not depend on where a partition ends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import Plan, Task
from db.session import Database
from scheduler import task_plans
from scheduler.planner import TaskPlan
from tests.conftest import Chat


async def _plans(
    database: Database, partition: int, monkeypatch: pytest.MonkeyPatch
) -> list[TaskPlan]:
    monkeypatch.setattr(task_plans, "PARTITION", partition)
    async with database.transaction() as session:
        return await task_plans.current_task_plans(session, date(2024, 3, 20))


async def test_the_plans_do_not_depend_on_the_partitions(
    chat: Chat, seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    vinh = await chat.link("le-hong-vinh")
    admin = await chat.add_office_admin()
    await chat.all_accepted(
        (vinh, "/capnhat I.5 hoàn thành"),
        (vinh, "/capnhat I.6 đang thực hiện 40%"),
        (admin, "/giahan I.9 31/12/2024 chờ số liệu"),
    )
    whole = await _plans(seeded, 100_000, monkeypatch)
    for partition in (1, 2, 7):
        assert await _plans(seeded, partition, monkeypatch) == whole, partition
    async with seeded.transaction() as session:
        tasks = await session.scalar(
            select(func.count()).select_from(Task).join(Plan).where(Plan.year == 2024)
        )
    assert len(whole) == len({p.id for p in whole}) == tasks  # every task of the plan, once
    assert sum(p.done for p in whole) == 1  # I.5, completed
    assert any(m.due == date(2024, 12, 31) for p in whole for m in p.milestones)  # extended
    assert any(len(p.milestones) > 1 for p in whole)  # a task in several batches (I.8)
    assert any(p.roadmap for p in whole)  # and one on a roadmap
