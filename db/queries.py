"""Reads and writes the command engine needs. The caller owns the session and transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from db import identity
from db.models import (
    Assignment,
    ChatAccount,
    Member,
    Milestone,
    Plan,
    StatusChange,
    Task,
)
from domain.access import Role, Seat, Who

# Statements run on every message are built once (building and keying one costs more than
# running it on SQLite).
_ACCOUNT_MEMBER = (
    select(Member)
    .join(ChatAccount, ChatAccount.member_id == Member.id)
    .where(
        ChatAccount.channel == bindparam("channel"),
        ChatAccount.external_id == bindparam("external_id"),
        Member.active.is_(True),
    )
)


async def account_member(session: AsyncSession, channel: str, external_id: str) -> Member | None:
    """The active member linked to this chat account, if any."""
    member: Member | None = await session.scalar(
        _ACCOUNT_MEMBER, {"channel": channel, "external_id": external_id}
    )
    return member


async def link_account(
    session: AsyncSession, member: Member, channel: str, external_id: str, *, now: datetime
) -> ChatAccount:
    account = await session.scalar(
        select(ChatAccount).where(
            ChatAccount.channel == channel, ChatAccount.external_id == external_id
        )
    )
    if account is None:
        account = ChatAccount(channel=channel, external_id=external_id, linked_at=now)
        session.add(account)
    account.member_id = member.id
    await session.flush()
    return account


async def all_members(session: AsyncSession) -> Sequence[Member]:
    return (await session.scalars(select(Member).order_by(Member.full_name))).all()


async def who_is(session: AsyncSession, member: Member) -> Who:
    return await session.run_sync(
        lambda s: identity.who_of(s.connection(), member.id, member.is_admin, member.committee_role)
    )


async def current_plan(session: AsyncSession, year: int) -> Plan | None:
    """The plan of ``year``, else the latest before it, else the earliest after it."""
    return await member_plan(session, None, year)


async def member_plan(session: AsyncSession, member: Member | None, year: int) -> Plan | None:
    """The plan the member chose to view (/kehoach), else the current one."""
    chosen = member.plan_year if member is not None else None
    ref = await session.run_sync(lambda s: identity.plan_of(s.connection(), chosen, year))
    return await session.get(Plan, ref.id) if ref is not None else None


def task_options() -> list[ExecutableOption]:
    return [
        selectinload(Task.milestones).selectinload(Milestone.extensions),
        selectinload(Task.section),
        selectinload(Task.assignments).selectinload(Assignment.member),
        selectinload(Task.assignments).selectinload(Assignment.agency),
        selectinload(Task.assignments).selectinload(Assignment.group),
    ]


async def task_by_code(session: AsyncSession, plan_id: int, code: str) -> Task | None:
    task: Task | None = await session.scalar(
        select(Task).where(Task.plan_id == plan_id, Task.code == code).options(*task_options())
    )
    return task


async def task_by_id(session: AsyncSession, task_id: int) -> Task | None:
    task: Task | None = await session.scalar(
        select(Task).where(Task.id == task_id).options(*task_options())
    )
    return task


async def tasks_reaching(session: AsyncSession, plan_id: int, who: Who) -> Sequence[Task]:
    """Tasks of the plan that name the member, one of their groups or one of their agencies.

    Driven from the member's assignments (covering indexes), then the tasks by primary key: the
    cost follows the member's own list, not the size of the plan (``IN (subquery)`` made SQLite
    walk every task of the plan)."""
    conditions = [Assignment.member_id == who.member_id]
    if who.group_ids:
        conditions.append(Assignment.group_id.in_(who.group_ids))
    if who.agency_ids:
        conditions.append(Assignment.agency_id.in_(who.agency_ids))
    mine = select(Assignment.task_id).where(or_(*conditions)).distinct().subquery()
    return (
        await session.scalars(
            select(Task)
            .join(mine, mine.c.task_id == Task.id)
            .where(Task.plan_id == plan_id)
            .options(*task_options())
            .order_by(Task.position)
        )
    ).all()


async def plan_tasks(session: AsyncSession, plan_id: int) -> Sequence[Task]:
    return (
        await session.scalars(
            select(Task)
            .where(Task.plan_id == plan_id)
            .options(*task_options())
            .order_by(Task.position)
        )
    ).all()


def seats(task: Task) -> list[Seat]:
    return [
        Seat(Role(a.role), member_id=a.member_id, group_id=a.group_id, agency_id=a.agency_id)
        for a in task.assignments
    ]


async def history(session: AsyncSession, task_ids: Sequence[int]) -> dict[int, list[StatusChange]]:
    """Every change of these tasks, oldest first."""
    if not task_ids:
        return {}
    rows = await session.scalars(
        select(StatusChange)
        .where(StatusChange.task_id.in_(task_ids))
        .options(selectinload(StatusChange.member))
        .order_by(StatusChange.task_id, StatusChange.id)
    )
    result: dict[int, list[StatusChange]] = {task_id: [] for task_id in task_ids}
    for change in rows:
        result[change.task_id].append(change)
    return result


async def count_members(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Member)) or 0)
