"""What a command handler gets. ``Context``: a session, the sender as an ORM member, the plan,
the time. ``Glance``: for the read-only lists answered from lean reads alone (no session, plain
values), the commands members send most."""

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

from db import queries
from db.identity import PlanRef, Sender
from db.models import Member, Plan, Task
from db.session import Database
from domain.access import Role, Who, roles_of
from handlers.types import Inbound
from handlers.views import TaskView, task_view

T = TypeVar("T")


def local_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    inbound: Inbound
    member: Member
    who: Who
    plan: Plan
    now: datetime
    zone: ZoneInfo
    telegram_username: str | None = None
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

    def roles(self, task: Task) -> frozenset[Role]:
        return roles_of(self.who, queries.seats(task))

    async def views(self, tasks: list[Task]) -> list[TaskView]:
        changes = await queries.history(self.session, [t.id for t in tasks])
        return [task_view(t, changes[t.id], self.today) for t in tasks]


@dataclass(frozen=True)
class Glance:
    """The sender and plan as plain values and a way to read: no session, nothing to write."""

    inbound: Inbound
    member: Sender
    who: Who
    plan: PlanRef
    now: datetime
    zone: ZoneInfo
    database: Database

    @cached_property
    def today(self) -> date:  # asked once per task of a list
        return local_day(self.now, self.zone)

    async def read(self, fn: Callable[[Connection], T]) -> T:
        return await self.database.read(fn)
