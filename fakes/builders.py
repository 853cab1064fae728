"""Data builders shared by tests and benchmarks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Assignment, ChatAccount, Group, Member, Plan, Task
from db.seed import apply_seed
from db.seed_file import load_seed_file

SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"


async def add_directing_group(
    session: AsyncSession, task_code: str, count: int, now: datetime, first_chat: int
) -> None:
    """``count`` members, each linked on Telegram (chat ids from ``first_chat``), in a new role
    group that directs ``task_code``: each is owed every reminder of that task."""
    task = await session.scalar(select(Task).where(Task.code == task_code))
    assert task is not None, task_code
    group = Group(key=f"load-{task_code}-{first_chat}", name="Cán bộ thử tải")
    session.add(group)
    await session.flush()
    session.add(Assignment(task_id=task.id, role="director", position=99, group_id=group.id))
    members = [
        Member(key=f"load{first_chat + n}", full_name=f"Cán bộ {n}", created_at=now, groups=[group])
        for n in range(count)
    ]
    session.add_all(members)
    await session.flush()
    session.add_all(
        ChatAccount(
            member_id=m.id, channel="telegram", external_id=str(first_chat + n), linked_at=now
        )
        for n, m in enumerate(members)
    )


async def task_id_of(session: AsyncSession, code: str, year: int = 2024) -> int:
    """The id of task ``code`` in the plan of ``year``."""
    found = await session.scalar(
        select(Task.id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.year == year, Task.code == code)
    )
    assert found is not None, (code, year)
    return found


async def add_next_years_plan(session: AsyncSession, now: datetime, year: int = 2025) -> None:
    """A second plan, for ``year``, with the same task codes, people and agencies as the seed's
    2024 plan: a code such as "II.1" then names a task in each year."""
    seed = load_seed_file(SEED)
    plan = seed.plan.model_copy(update={"year": year, "code": f"05/KH-BCĐ-{year}"})
    await apply_seed(session, seed.model_copy(update={"plan": plan}), now=now)
