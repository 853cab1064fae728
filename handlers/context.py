"""What every command handler gets: one ``Context``.

Always: the message, the sender and the plan as plain values (``sender``, ``plan_ref``), their
seats (``who``), the time, and ``read`` for lean reads. A route that reads or writes through the
ORM (``Route.lean`` false for its arguments) also gets a session with the sender and the plan as
ORM objects (``session``, ``member``, ``plan``); the lists members send most are lean and open no
session at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from chat import texts
from chat.messages import Inbound
from chat.views import TaskView, view_of
from db import facts, records
from db.identity import PlanRef, Sender
from db.models import Member, Plan, Task
from db.session import Database
from domain.access import Role, Who, roles_of
from handlers.parse import parse_code

T = TypeVar("T")


def local_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


@dataclass(frozen=True)
class Orm:
    """The sender and the plan as ORM objects, in the route's session."""

    session: AsyncSession
    member: Member
    plan: Plan


class LeanRoute(RuntimeError):
    """A handler asked for the session on a route declared lean: declare it not lean."""


@dataclass(frozen=True)
class Context:
    inbound: Inbound
    sender: Sender
    who: Who
    plan_ref: PlanRef
    now: datetime
    zone: ZoneInfo
    database: Database
    telegram_username: str | None = None
    orm: Orm | None = None
    web_base_url: str | None = None  # the web desk's address (None: no desk)

    def _orm(self) -> Orm:
        if self.orm is None:
            raise LeanRoute(self.inbound.text[:40])
        return self.orm

    @property
    def session(self) -> AsyncSession:
        return self._orm().session

    @property
    def member(self) -> Member:
        return self._orm().member

    @property
    def plan(self) -> Plan:
        return self._orm().plan

    confirm_completion: bool = False  # CONFIRM_COMPLETION: an agency's completion awaits the office
    files_dir: Path = Path("data/files")  # where files that back a completion are kept

    def deep_link(self, code: str) -> str | None:
        """The t.me link that opens the bot with ``/start <code>``, when the bot is known."""
        if self.telegram_username is None:
            return None
        return f"https://t.me/{self.telegram_username}?start={code}"

    @cached_property
    def today(self) -> date:  # asked once per task of a list
        return local_day(self.now, self.zone)

    async def read(self, fn: Callable[[Connection], T]) -> T:
        return await self.database.read(fn)

    def roles(self, view: TaskView) -> frozenset[Role]:
        return roles_of(self.who, view.facts.seat_list())

    async def views(self, tasks: list[Task]) -> list[TaskView]:
        """The tasks as the lists and reminders show them (``db.facts``), in the order given,
        with what this transaction has written so far."""
        await self.session.flush()
        ids = [t.id for t in tasks]
        found = await self.session.run_sync(lambda s: facts.tasks(s.connection(), ids))
        by_id = {f.id: f for f in found}
        return [view_of(by_id[task_id], self.today, self.who) for task_id in ids]


async def named_task(ctx: Context, args: str, example: str) -> Task | str:
    """The task whose code opens ``args``, in the plan the sender views; or what to answer
    (the code is missing, or no task has it), with ``example`` as the command to copy."""
    code = parse_code(args.split(" ", 1)[0]) if args.strip() else None
    if code is None:
        return texts.TASK_CODE_MISSING.format(example=example)
    task = await records.task_by_code(ctx.session, ctx.plan.id, code, milestones_only=True)
    if task is None:
        return texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code)
    return task
