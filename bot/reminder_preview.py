"""``python -m bot remind --dry-run [--at ISO]``: the reminders due at an instant, with their
recipients and reasons, computed exactly as the service would, without sending or recording."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.runner import rules_from
from bot.settings import Settings
from bot.wiring import Service
from chat.reach import reachable
from db.models import ChatAccount, Member, Task
from scheduler.audience import task_audience
from scheduler.planner import Kind
from scheduler.timetable import Timetable

WINDOW = timedelta(minutes=1)
REASONS = {
    Kind.DEADLINE: "deadline reminder",
    Kind.COORDINATION: "coordinating agency: send input to the lead",
    Kind.OVERDUE: "overdue",
    Kind.ESCALATION: "overdue long: standing office and directors told",
    Kind.CHECKIN: "monthly check-in (no fixed date)",
    Kind.DIGEST: "weekly digest",
}


async def preview(service: Service, settings: Settings, at: datetime) -> list[str]:
    timetable = Timetable(service.database, service.clock, rules_from(settings))
    occasions = await timetable.occasions(at, at + WINDOW)
    local = at.astimezone(settings.zone)
    lines = [f"Reminders due {local:%d/%m/%Y %H:%M} ({settings.bot_timezone}): {len(occasions)}"]
    async with service.database.transaction() as session:
        for occasion in occasions:
            if occasion.kind == Kind.DIGEST:
                members = set(
                    await session.scalars(select(Member.id).where(Member.active.is_(True)))
                )
                subject = "weekly digest"
            else:
                members = set(
                    (await task_audience(session, occasion.task_id)).for_kind(occasion.kind)
                )
                task = await session.get(Task, occasion.task_id)
                due = f", due {occasion.due:%d/%m/%Y}" if occasion.due else ""
                subject = f"{task.code if task else occasion.task_id}{due}"
            accounts = await reachable(session, members, local.date())
            names = {
                m.id: m.full_name
                for m in await session.scalars(select(Member).where(Member.id.in_(members)))
            }
            lines.append(f"- {subject}: {REASONS[occasion.kind]}")
            for member_id in sorted(members, key=lambda m: names.get(m, "")):
                where = _where(accounts.get(member_id, []))
                lines.append(f"    {names.get(member_id, member_id)}: {where}")
            if not members:
                lines.append("    (nobody holds this role yet)")
    return lines


def _where(accounts: list[ChatAccount]) -> str:
    if not accounts:
        return "not reachable (not linked, on leave, or blocked)"
    return ", ".join(f"{a.channel}:{a.external_id}" for a in accounts)
