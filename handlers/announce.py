"""/thongbao <text>: the standing office sends one announcement to every member (each with
"Đã nhận"; an hour later the sender is told how many acknowledged it).

The command only writes the announcement and one delivery row per linked member, in its own
transaction; ``scheduler.announcements`` sends them within the rate limits, so the admin gets
an answer at once and nothing is lost if the service stops half-way.
"""

from __future__ import annotations

from sqlalchemy import select

from chat import texts
from chat.messages import Reply
from chat.reach import reachable
from db.models import Announcement, AnnouncementDelivery, Member, Reminder
from domain.normalize import shorten
from domain.receipts import receipts_at
from handlers.audit import record
from handlers.context import Context

MAX_CHARS = 1500  # leaves room for the heading within Zalo's 2,000 characters


async def announce(ctx: Context, args: str) -> list[Reply]:
    text = args.strip()
    if not text or len(text) > MAX_CHARS:
        return [Reply(texts.ANNOUNCE_USAGE)]
    members = set(await ctx.session.scalars(select(Member.id).where(Member.active)))
    linked = await reachable(ctx.session, members, ctx.today, on_leave=True)
    announcement = Announcement(text=text, member_id=ctx.member.id, at=ctx.now)
    ctx.session.add(announcement)
    await ctx.session.flush()
    ctx.session.add_all(
        AnnouncementDelivery(
            announcement_id=announcement.id, member_id=member_id, updated_at=ctx.now
        )
        for member_id in sorted(linked)
    )
    # The sender hears how many acknowledged it, an hour later, through the reminder ledger.
    ctx.session.add(
        Reminder(
            task_key=0,
            milestone_key=0,
            member_id=ctx.member.id,
            kind="receipts",
            planned_at=receipts_at(ctx.now, ctx.zone),
            state="planned",
            attempts=0,
            updated_at=ctx.now,
            announcement_id=announcement.id,
        )
    )
    record(ctx, "announce", texts.MEMBERS_COUNT.format(count=len(linked)), shorten(text, 200))
    missing = len(members) - len(linked)
    return [
        Reply(
            texts.ANNOUNCE_QUEUED.format(
                count=len(linked),
                missing=texts.ANNOUNCE_MISSING.format(count=missing) if missing else "",
            )
        )
    ]
