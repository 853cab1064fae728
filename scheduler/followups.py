"""Reminders that follow another one, from rows already in the ledger (not from the planner):

- ``snoozed``: the member chose "Nhắc lại" (this afternoon, the next working day, in three days);
- ``repeat``: a deadline-day or overdue reminder neither acknowledged nor answered with an
  update of its task, repeated once, the next working day at 10:00 (``REPEAT_UNACKNOWLEDGED``);
- ``receipts``: the sender of an announcement told, an hour later, how many have acknowledged it.

Each is a ledger row planned at its instant, so it is sent once, as every reminder, also after a
restart in between; one no longer needed (the task done, the reminder acknowledged) is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat import texts
from chat.messages import Reply
from chat.reach import reachable
from db.models import Acknowledgement, Announcement, AnnouncementDelivery, Reminder, StatusChange
from scheduler import recipients
from scheduler.audience import task_audience
from scheduler.outcomes import Delivery
from scheduler.planner import Kind, TaskPlan

FOLLOW_UPS = (Kind.SNOOZED.value, Kind.REPEAT.value, Kind.RECEIPTS.value)


async def _first_kind(session: AsyncSession, row: Reminder) -> Kind | None:
    """The kind of the planned reminder a chain of follow-ups started from (a snooze of a
    snooze of a coordination request: the coordination request)."""
    seen = {row.id}
    while row.kind in FOLLOW_UPS and row.origin_id is not None and row.origin_id not in seen:
        origin = await session.get(Reminder, row.origin_id)
        if origin is None:
            return None
        seen.add(origin.id)
        row = origin
    return None if row.kind in FOLLOW_UPS else Kind(row.kind)


async def _still_asked(session: AsyncSession, row: Reminder) -> bool:
    """Whether the member would still get the reminder this follow-up repeats: not once their
    agency's part is done or its coordination input sent since (nor after leaving the task)."""
    kind = await _first_kind(session, row)
    if kind is None:
        return True
    audience = await task_audience(session, row.task_key)
    return row.member_id in audience.for_kind(kind)


async def _still_wanted(session: AsyncSession, row: Reminder, plans: dict[int, TaskPlan]) -> bool:
    if row.kind == Kind.RECEIPTS.value:
        return row.announcement_id is not None
    task = plans.get(row.task_key)
    if task is None or task.done:
        return False
    milestone = next((m for m in task.milestones if m.id == row.milestone_id), None)
    if row.milestone_id is not None and (milestone is None or milestone.done):
        return False
    if not await _still_asked(session, row):
        return False
    if row.kind != Kind.REPEAT.value:
        return True
    origin = await session.get(Reminder, row.origin_id) if row.origin_id else None
    if origin is None or origin.state != "sent" or origin.sent_at is None:
        return False
    acknowledged = await session.scalar(
        select(
            exists().where(
                Acknowledgement.member_id == row.member_id,
                Acknowledgement.reminder_id == Reminder.id,
                Reminder.task_key == row.task_key,
                Reminder.planned_at >= origin.planned_at,
            )
        )
    )
    updated = await session.scalar(
        select(
            exists().where(
                StatusChange.task_id == row.task_key,
                StatusChange.at >= origin.sent_at,
            )
        )
    )
    return not acknowledged and not updated


async def claim(
    session: AsyncSession,
    since: datetime,
    now: datetime,
    zone: ZoneInfo,
    plans: Sequence[TaskPlan],
) -> list[Delivery]:
    """Claim the follow-ups due in [since, now]; the deliveries (the ones no longer needed are
    marked ``skipped``)."""
    due = (
        await session.scalars(
            select(Reminder)
            .where(
                Reminder.state == "planned",
                Reminder.kind.in_(FOLLOW_UPS),
                Reminder.planned_at >= since,
                Reminder.planned_at <= now,
            )
            .order_by(Reminder.planned_at, Reminder.id)
        )
    ).all()
    if not due:
        return []
    by_task = {p.id: p for p in plans}
    wanted: list[Reminder] = []
    unwanted: list[Reminder] = []
    for row in due:
        (wanted if await _still_wanted(session, row, by_task) else unwanted).append(row)
    if unwanted:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_([r.id for r in unwanted]))
            .values(state="skipped", updated_at=now)
        )
    taken = set(
        (
            await session.scalars(
                update(Reminder)
                .where(Reminder.id.in_([r.id for r in wanted]), Reminder.state == "planned")
                .values(state="sending", attempts=Reminder.attempts + 1, updated_at=now)
                .returning(Reminder.id)
            )
        ).all()
    )
    rows = [r for r in wanted if r.id in taken]
    return await deliveries(session, rows, now.astimezone(zone).date(), zone)


async def deliveries(
    session: AsyncSession, rows: Sequence[Reminder], today: date, zone: ZoneInfo
) -> list[Delivery]:
    """The messages for claimed follow-up rows (also those found in flight at start)."""
    receipts = [r for r in rows if r.kind == Kind.RECEIPTS.value]
    reminders = [r for r in rows if r.kind != Kind.RECEIPTS.value]
    claimed = await recipients.claims_of(session, reminders)
    result = await recipients.deliveries(session, claimed, today, zone)
    if receipts:
        accounts = await reachable(session, {r.member_id for r in receipts}, today, on_leave=True)
        for row in receipts:
            assert row.announcement_id is not None
            text = await receipts_text(session, row.announcement_id)
            targets = [(a.channel, a.external_id) for a in accounts.get(row.member_id, [])]
            result.append(Delivery([row.id], row.member_id, "", None, targets, Reply(text)))
    return result


async def receipts_text(session: AsyncSession, announcement_id: int) -> str:
    """ "Thông báo ngày …: 38/45 đã nhận" for the sender of an announcement."""
    announcement = await session.get(Announcement, announcement_id)
    sent = await session.scalar(
        select(func.count())
        .select_from(AnnouncementDelivery)
        .where(
            AnnouncementDelivery.announcement_id == announcement_id,
            AnnouncementDelivery.state == "sent",
        )
    )
    acknowledged = await session.scalar(
        select(func.count())
        .select_from(Acknowledgement)
        .where(Acknowledgement.announcement_id == announcement_id)
    )
    return texts.RECEIPTS_COUNT.format(
        id=announcement_id,
        start=(announcement.text[:60] if announcement else ""),
        acknowledged=acknowledged or 0,
        sent=sent or 0,
    )
