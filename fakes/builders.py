"""Data builders shared by tests and benchmarks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Assignment, ChatAccount, Group, Member, Task


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
