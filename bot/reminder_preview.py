"""``python -m bot remind --dry-run [--at ISO]``: the reminders due at an instant, with their
recipients and reasons, in Vietnamese, planned by the same function as the real run
(``scheduler.recipients.plan``), without sending or recording."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.runner import rules_from
from bot.settings import Settings
from bot.wiring import Service
from chat import texts
from chat.reach import Account
from db.models import Member, Task
from scheduler.planner import Kind
from scheduler.recipients import plan
from scheduler.timetable import Timetable

WINDOW = timedelta(minutes=1)


async def preview(service: Service, settings: Settings, at: datetime) -> list[str]:
    timetable = Timetable(service.database, service.clock, rules_from(settings))
    occasions = await timetable.occasions(at, at + WINDOW)
    local = at.astimezone(settings.zone)
    lines = [
        texts.PREVIEW_TITLE.format(
            at=texts.moment(at, settings.zone), zone=settings.bot_timezone, count=len(occasions)
        )
    ]
    escalated = {(o.task_id, o.at) for o in occasions if o.kind == Kind.ESCALATION}
    async with service.database.transaction() as session:
        for planned in await plan(session, occasions, local.date()):
            occasion, members = planned.occasion, planned.audience
            if occasion.kind == Kind.DIGEST:
                subject = texts.PREVIEW_SUBJECT_DIGEST
            else:
                task = await session.get(Task, occasion.task_id)
                code = task.code if task else str(occasion.task_id)
                subject = (
                    texts.PREVIEW_SUBJECT_TASK.format(code=code, due=texts.day(occasion.due))
                    if occasion.due
                    else code
                )
            names = {
                m.id: m.full_name
                for m in await session.scalars(select(Member).where(Member.id.in_(members)))
            }
            reason = texts.PREVIEW_REASON[occasion.kind.value]
            lines.append(texts.PREVIEW_LINE.format(subject=subject, reason=reason))
            for member_id in sorted(members, key=lambda m: names.get(m, "")):
                where = _where(planned.reach.get(member_id, []))
                lines.append(f"    {names.get(member_id, member_id)}: {where}")
            if not members:
                in_escalation = (occasion.task_id, occasion.at) in escalated
                lines.append(texts.PREVIEW_IN_ESCALATION if in_escalation else texts.PREVIEW_NOBODY)
    return lines


def _where(accounts: list[Account]) -> str:
    if not accounts:
        return texts.PREVIEW_UNREACHABLE
    return ", ".join(f"{a.channel}:{a.external_id}" for a in accounts)
