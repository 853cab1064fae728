"""Answers to a reminder, a digest or an announcement: "Đã nhận" (a button, the number on Zalo, or
typed: "đã nhận", "ok", "rõ") and "Nhắc lại" (snooze).

An acknowledgement records who, when and through which account; it is not a note and leaves the
task's history alone. A button's data names the ledger row (or announcement) it answers, and is
checked here like anything typed: a row that is not the sender's grants nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chat import texts
from chat.messages import Reply
from db import acks
from db.models import Announcement, Reminder, Task
from domain.receipts import (
    SnoozeRefused,
    Target,
    TargetKind,
    parse_snooze,
    parse_target,
    snooze_at,
)
from handlers.audit import refused
from handlers.context import Context
from handlers.parse import MAX_ID

SNOOZED = "snoozed"  # the ledger's kind for a snoozed reminder
RECENT = timedelta(days=7)  # a typed "đã nhận" answers the last message of this chat this recent


async def acknowledge(ctx: Context, args: str) -> list[Reply]:
    """/danhan r<row> | a<announcement>: the "Đã nhận" button (or its number on Zalo)."""
    target = parse_target(args)
    if target is None:
        return [Reply(texts.ACK_USAGE)]
    return await _acknowledge(ctx, target, typed=False)


async def acknowledge_typed(ctx: Context) -> list[Reply]:
    """ "Đã nhận" typed: in reply to a message that can be acknowledged, or else about the last
    one this chat received (Zalo has no reply-to)."""
    receipt = await acks.receipt_for(
        ctx.session,
        channel=ctx.inbound.channel,
        chat_id=ctx.inbound.chat_id,
        member_id=ctx.sender.id,
        message_id=ctx.inbound.reply_to,
        since=ctx.now - RECENT,
    )
    if receipt is None:
        return [Reply(texts.ACK_NOTHING)]
    if receipt.reminder_id is not None:
        target = Target(TargetKind.REMINDER, receipt.reminder_id)
    else:
        assert receipt.announcement_id is not None
        target = Target(TargetKind.ANNOUNCEMENT, receipt.announcement_id)
    return await _acknowledge(ctx, target, typed=True)


async def _own_reminder(ctx: Context, reminder_id: int) -> Reminder | None:
    """The ledger row ``reminder_id`` if it was sent to the sender; None for another member's or
    none (an id past the column's range is none: the database is not asked)."""
    row = await ctx.session.get(Reminder, reminder_id) if reminder_id <= MAX_ID else None
    return row if row is not None and row.member_id == ctx.sender.id else None


async def _acknowledge(ctx: Context, target: Target, *, typed: bool) -> list[Reply]:
    session, member_id = ctx.session, ctx.sender.id
    channel, account, now = ctx.inbound.channel, ctx.inbound.user_id, ctx.now
    if target.kind == TargetKind.REMINDER:
        row = await _own_reminder(ctx, target.id)
        if row is None:
            refused(ctx.inbound, f"acknowledgement of reminder {target.id}")
            return [Reply(texts.ACK_NOT_YOURS)]
        earlier = await acks.acknowledged_at(session, member_id, reminder_id=row.id)
        what = await _what(ctx, row)
        if earlier is None:
            rows = await acks.reminder_rows(session, row)
            await acks.acknowledge(
                session,
                member_id=member_id,
                reminder_ids=rows,
                channel=channel,
                account=account,
                now=now,
            )
    else:
        if target.id > MAX_ID or not await acks.announcement_reached(session, target.id, member_id):
            refused(ctx.inbound, f"acknowledgement of announcement {target.id}")
            return [Reply(texts.ACK_NOT_YOURS)]
        earlier = await acks.acknowledged_at(session, member_id, announcement_id=target.id)
        announcement = await session.get(Announcement, target.id)
        assert announcement is not None
        what = texts.ACK_WHAT_ANNOUNCEMENT.format(
            day=texts.day(announcement.at.astimezone(ctx.zone).date())
        )
        if earlier is None:
            await acks.acknowledge(
                session,
                member_id=member_id,
                announcement_id=target.id,
                channel=channel,
                account=account,
                now=now,
            )
    if earlier is not None:
        return [Reply(texts.ACK_ALREADY.format(at=_at(ctx, earlier)))]
    shown = Reply(
        texts.ACK_DONE.format(name=ctx.sender.full_name, at=_at(ctx, ctx.now)), amends=True
    )
    if not typed:
        return [shown]
    saved = Reply(texts.ACK_SAVED.format(what=what, at=_at(ctx, ctx.now)))
    return [shown, saved] if ctx.inbound.reply_to is not None else [saved]


def _at(ctx: Context, value: datetime) -> str:
    return texts.moment(value, ctx.zone)


async def _what(ctx: Context, row: Reminder) -> str:
    if row.kind == "digest":
        return texts.ACK_WHAT_DIGEST
    if row.kind in acks.GROUPED_KINDS:
        return texts.ACK_WHAT_LIST
    task = await ctx.session.get(Task, row.task_id) if row.task_id else None
    return texts.ACK_WHAT_REMINDER.format(code=task.code if task else "")


async def snooze(ctx: Context, args: str) -> list[Reply]:
    """/nhaclai r<row> chieu|mai|3ngay: the "Nhắc lại" buttons (or their numbers on Zalo)."""
    parsed = parse_snooze(args)
    if parsed is None:
        return [Reply(texts.SNOOZE_USAGE)]
    target, choice = parsed
    row = await _own_reminder(ctx, target.id)
    if row is None:
        refused(ctx.inbound, f"snooze of reminder {target.id}")
        return [Reply(texts.SNOOZE_NOT_YOURS)]
    if row.task_id is None:  # the weekly digest: it has no "Nhắc lại"
        return [Reply(texts.SNOOZE_USAGE)]
    due = await acks.current_due(ctx.session, row.milestone_id)
    at = snooze_at(choice, ctx.now, ctx.zone, due)
    if at == SnoozeRefused.TOO_LATE:
        return [Reply(texts.SNOOZE_TOO_LATE)]
    if at == SnoozeRefused.PAST_DEADLINE:
        return [Reply(texts.SNOOZE_PAST_DEADLINE.format(due=texts.day(due) if due else ""))]
    assert isinstance(at, datetime)
    await acks.plan_again(ctx.session, row, kind=SNOOZED, at=at, now=ctx.now)
    return [Reply(texts.SNOOZE_SET.format(at=_at(ctx, at)), amends=True)]
