"""Acknowledgements and the messages that can be acknowledged: data functions (the caller owns
the transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Acknowledgement,
    Agency,
    Announcement,
    AnnouncementDelivery,
    Extension,
    Member,
    MemberAgency,
    Milestone,
    ReceiptMessage,
    Reminder,
)

GROUPED_KINDS = frozenset({"escalation"})  # one message for every row of one instant


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


@dataclass(frozen=True)
class Receipt:
    """A bot message that can be acknowledged, as sent to one chat."""

    channel: str
    chat_id: str
    message_id: str
    member_id: int
    reminder_id: int | None = None
    announcement_id: int | None = None


async def record_receipts(
    session: AsyncSession, receipts: Sequence[Receipt], now: datetime
) -> None:
    """Remember the messages that can be acknowledged (one statement, whatever the count)."""
    if not receipts:
        return
    rows = [
        {
            "channel": r.channel,
            "chat_id": r.chat_id,
            "message_id": r.message_id,
            "member_id": r.member_id,
            "reminder_id": r.reminder_id,
            "announcement_id": r.announcement_id,
            "sent_at": now,
        }
        for r in receipts
    ]
    await session.execute(_insert(session)(ReceiptMessage).on_conflict_do_nothing(), rows)


async def receipt_for(
    session: AsyncSession,
    *,
    channel: str,
    chat_id: str,
    member_id: int,
    message_id: str | None,
    since: datetime,
) -> ReceiptMessage | None:
    """The message a typed "đã nhận" answers: the one replied to, or else the last one sent to
    this chat (not before ``since``)."""
    query = select(ReceiptMessage).where(
        ReceiptMessage.channel == channel,
        ReceiptMessage.chat_id == chat_id,
        ReceiptMessage.member_id == member_id,
    )
    found: ReceiptMessage | None
    if message_id is not None:
        found = await session.scalar(query.where(ReceiptMessage.message_id == message_id))
        return found
    found = await session.scalar(
        query.where(ReceiptMessage.sent_at >= since)
        .order_by(ReceiptMessage.sent_at.desc(), ReceiptMessage.id.desc())
        .limit(1)
    )
    return found


async def acknowledged_at(
    session: AsyncSession, member_id: int, *, reminder_id: int = 0, announcement_id: int = 0
) -> datetime | None:
    at: datetime | None = await session.scalar(
        select(Acknowledgement.at).where(
            Acknowledgement.member_id == member_id,
            Acknowledgement.reminder_key == reminder_id,
            Acknowledgement.announcement_key == announcement_id,
        )
    )
    return at


async def reminder_rows(session: AsyncSession, row: Reminder) -> list[int]:
    """The ledger rows one message carried: the row itself, or every row of an escalation list
    (one message for all the tasks of an instant)."""
    if row.kind not in GROUPED_KINDS:
        return [row.id]
    return list(
        await session.scalars(
            select(Reminder.id).where(
                Reminder.member_id == row.member_id,
                Reminder.kind == row.kind,
                Reminder.planned_at == row.planned_at,
            )
        )
    )


async def acknowledge(
    session: AsyncSession,
    *,
    member_id: int,
    reminder_ids: Iterable[int] = (),
    announcement_id: int | None = None,
    channel: str,
    account: str,
    now: datetime,
) -> None:
    """Record the acknowledgement (a second one of the same message changes nothing)."""
    base = {"member_id": member_id, "channel": channel, "account": account, "at": now}
    rows = [
        {
            **base,
            "reminder_id": rid,
            "reminder_key": rid,
            "announcement_id": None,
            "announcement_key": 0,
        }
        for rid in reminder_ids
    ]
    if announcement_id is not None:
        rows.append(
            {
                **base,
                "reminder_id": None,
                "reminder_key": 0,
                "announcement_id": announcement_id,
                "announcement_key": announcement_id,
            }
        )
    if rows:
        await session.execute(_insert(session)(Acknowledgement).on_conflict_do_nothing(), rows)


async def announcement_reached(session: AsyncSession, announcement_id: int, member_id: int) -> bool:
    """Whether the announcement was meant for this member (a delivery row exists)."""
    return await session.get(AnnouncementDelivery, (announcement_id, member_id)) is not None


async def current_due(session: AsyncSession, milestone_id: int | None) -> date | None:
    """A milestone's due date after its latest extension (None without a milestone)."""
    if milestone_id is None:
        return None
    extended: date | None = await session.scalar(
        select(Extension.new_due)
        .where(Extension.milestone_id == milestone_id)
        .order_by(Extension.id.desc())
        .limit(1)
    )
    if extended is not None:
        return extended
    due: date | None = await session.scalar(
        select(Milestone.due_on).where(Milestone.id == milestone_id)
    )
    return due


async def plan_again(
    session: AsyncSession, row: Reminder, *, kind: str, at: datetime, now: datetime
) -> None:
    """A follow-up of ``row`` (a snooze, a repeat) in the ledger, planned at ``at``: once, as
    every reminder (the ledger's key makes a second identical one a no-op)."""
    await session.execute(
        _insert(session)(Reminder).on_conflict_do_nothing(),
        [
            {
                "task_id": row.task_id,
                "task_key": row.task_key,
                "milestone_id": row.milestone_id,
                "milestone_key": row.milestone_key,
                "member_id": row.member_id,
                "kind": kind,
                "planned_at": at,
                "state": "planned",
                "attempts": 0,
                "updated_at": now,
                "origin_id": row.origin_id or row.id,
            }
        ],
    )


@dataclass(frozen=True)
class ReceiptLine:
    """One recipient of one sent reminder or announcement, and whether they acknowledged it."""

    key: tuple[int, str, datetime]  # (task id or announcement id, kind, planned instant)
    task_id: int | None
    kind: str
    planned_at: datetime
    sent_at: datetime
    member_name: str
    acknowledged_at: datetime | None


async def reminder_receipts(
    session: AsyncSession, *, since: datetime, task_id: int | None = None
) -> list[ReceiptLine]:
    """Every reminder sent since ``since`` (of one task, if given), one line per recipient."""
    query = (
        select(Reminder, Member.full_name, Acknowledgement.at)
        .join(Member, Member.id == Reminder.member_id)
        .outerjoin(
            Acknowledgement,
            (Acknowledgement.reminder_key == Reminder.id)
            & (Acknowledgement.member_id == Reminder.member_id),
        )
        .where(Reminder.state == "sent", Reminder.sent_at >= since, Reminder.kind != "receipts")
        .order_by(Reminder.planned_at.desc(), Reminder.task_key, Member.full_name)
    )
    if task_id is not None:
        query = query.where(Reminder.task_key == task_id)
    rows = (await session.execute(query)).all()
    return [
        ReceiptLine(
            (r.task_key, r.kind, r.planned_at),
            r.task_id,
            r.kind,
            r.planned_at,
            r.sent_at or r.planned_at,
            name,
            at,
        )
        for r, name, at in rows
    ]


async def announcement_receipts(session: AsyncSession, *, limit: int) -> list[ReceiptLine]:
    """The recipients of the last ``limit`` announcements, one line each."""
    latest = (
        select(Announcement.id)
        .where(Announcement.kind == "announcement")  # not the notices to named members
        .order_by(Announcement.id.desc())
        .limit(limit)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(AnnouncementDelivery, Announcement.at, Member.full_name, Acknowledgement.at)
            .join(Announcement, Announcement.id == AnnouncementDelivery.announcement_id)
            .join(Member, Member.id == AnnouncementDelivery.member_id)
            .outerjoin(
                Acknowledgement,
                (Acknowledgement.announcement_key == AnnouncementDelivery.announcement_id)
                & (Acknowledgement.member_id == AnnouncementDelivery.member_id),
            )
            .where(
                AnnouncementDelivery.state == "sent",
                AnnouncementDelivery.announcement_id.in_(latest),
            )
            .order_by(AnnouncementDelivery.announcement_id.desc(), Member.full_name)
        )
    ).all()
    return [
        ReceiptLine(
            (d.announcement_id, "announcement", at),
            None,
            "announcement",
            at,
            d.sent_at or at,
            name,
            acked,
        )
        for d, at, name, acked in rows
    ]


async def unacknowledged_by_agency(
    session: AsyncSession, *, since: datetime, until: datetime
) -> dict[str, int]:
    """How many reminders sent in [since, until) were never acknowledged, by the recipient's
    agency (a member of several counts in each; one of none under "")."""
    rows = (
        await session.execute(
            select(Agency.name, func.count(Reminder.id))
            .select_from(Reminder)
            .outerjoin(
                Acknowledgement,
                (Acknowledgement.reminder_key == Reminder.id)
                & (Acknowledgement.member_id == Reminder.member_id),
            )
            .outerjoin(MemberAgency, MemberAgency.member_id == Reminder.member_id)
            .outerjoin(Agency, Agency.id == MemberAgency.agency_id)
            .where(
                Reminder.state == "sent",
                Reminder.sent_at >= since,
                Reminder.sent_at < until,
                Reminder.kind.not_in(("receipts", "digest")),
                Acknowledgement.id.is_(None),
            )
            .group_by(Agency.name)
        )
    ).all()
    return {name or "": int(count) for name, count in rows}
