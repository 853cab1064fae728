"""What a command handler gets: the session, the sender as a member, the plan, and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db import queries
from db.models import Member, Plan, Task
from domain.access import Role, Who, roles_of
from handlers.types import Inbound
from handlers.views import TaskView, task_view


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

    def deep_link(self, code: str) -> str | None:
        """The t.me link that opens the bot with ``/start <code>``, when the bot is known."""
        if self.telegram_username is None:
            return None
        return f"https://t.me/{self.telegram_username}?start={code}"

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def roles(self, task: Task) -> frozenset[Role]:
        return roles_of(self.who, queries.seats(task))

    async def views(self, tasks: list[Task]) -> list[TaskView]:
        changes = await queries.history(self.session, [t.id for t in tasks])
        return [task_view(t, changes[t.id], self.today) for t in tasks]
