"""ORM records the writing commands load and change: a task with its relationships, the current
plan, a member's chat account. What a member or a plan is shown is read from ``db.facts``; the
caller owns the session and transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from db import identity
from db.models import Assignment, ChatAccount, Member, Milestone, Plan, StatusChange, Task


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


async def current_plan(session: AsyncSession, year: int) -> Plan | None:
    """The plan of ``year``, else the latest before it, else the earliest after it."""
    ref = await session.run_sync(lambda s: identity.plan_of(s.connection(), None, year))
    return await session.get(Plan, ref.id) if ref is not None else None


def task_options() -> list[ExecutableOption]:
    return [
        selectinload(Task.milestones).selectinload(Milestone.extensions),
        selectinload(Task.section),
        selectinload(Task.assignments).selectinload(Assignment.member),
        selectinload(Task.assignments).selectinload(Assignment.agency),
        selectinload(Task.assignments).selectinload(Assignment.group),
    ]


def _milestones_only() -> list[ExecutableOption]:
    """The task with its milestones (a batch is named by them), for the commands that read the
    task's view from ``db.facts`` and need of the row only its id, code and milestones (a status
    change, a note, a file, receipts); any other relationship raises rather than load."""
    return [selectinload(Task.milestones), raiseload("*")]


async def task_by_code(
    session: AsyncSession, plan_id: int, code: str, *, milestones_only: bool = False
) -> Task | None:
    """The plan's task with this code, with what the admin commands read of it (its milestones
    with their extensions, section, seats and their names); ``milestones_only``: see
    ``_milestones_only`` (two statements instead of eight)."""
    task: Task | None = await session.scalar(
        select(Task)
        .where(Task.plan_id == plan_id, Task.code == code)
        .options(*(_milestones_only() if milestones_only else task_options()))
    )
    return task


async def task_by_id(
    session: AsyncSession, task_id: int, *, milestones_only: bool = False
) -> Task | None:
    """As ``task_by_code``, by the task's id."""
    task: Task | None = await session.scalar(
        select(Task)
        .where(Task.id == task_id)
        .options(*(_milestones_only() if milestones_only else task_options()))
    )
    return task


async def task_changes(session: AsyncSession, task_id: int) -> list[StatusChange]:
    """A task's history as ORM rows, oldest first: for a command that acts on one of them
    (the completion an admin confirms or returns)."""
    rows = await session.scalars(
        select(StatusChange)
        .where(StatusChange.task_id == task_id)
        .options(selectinload(StatusChange.member))
        .order_by(StatusChange.id)
    )
    return list(rows)
