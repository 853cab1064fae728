"""Notices to named members (an extension request to the standing office, the office's answer
to the requester): written as a ledger row per member in the command's own transaction, on the
announcements' ledger (kind "notice"), and sent once each by ``scheduler.announcements`` within
the rate limits, after the transaction has committed."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from chat.messages import Action
from chat.reach import reachable
from db.models import Announcement, AnnouncementDelivery, Member
from handlers.context import Context


async def office_ids(ctx: Context) -> set[int]:
    """The standing office: every active admin."""
    return set(await ctx.session.scalars(select(Member.id).where(Member.active, Member.is_admin)))


async def queue_notice(
    ctx: Context, member_ids: Iterable[int], text: str, actions: Iterable[Action] = ()
) -> int:
    """Queue ``text`` (with its buttons) for each of ``member_ids`` who has a linked account;
    return how many will get it."""
    linked = await reachable(ctx.session, set(member_ids), ctx.today, on_leave=True)
    if not linked:
        return 0
    notice = Announcement(
        text=text,
        kind="notice",
        actions=[[a.label, a.command] for a in actions] or None,
        member_id=ctx.member.id,
        at=ctx.now,
    )
    ctx.session.add(notice)
    await ctx.session.flush()
    ctx.session.add_all(
        AnnouncementDelivery(announcement_id=notice.id, member_id=member_id, updated_at=ctx.now)
        for member_id in sorted(linked)
    )
    return len(linked)
