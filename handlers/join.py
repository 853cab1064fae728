"""/start [code]: join with an invite code, or be greeted; /roikhoi: leave; /moi: make a code."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat import texts
from chat.messages import Inbound, Reply
from db import records
from db.invites import create_invite, redeem
from db.models import ChatAccount, JoinAttempt, Member
from domain.people import Person, closest_names, find_person
from handlers.audit import record, refused
from handlers.context import Context
from handlers.help import help_replies

MAX_WRONG_CODES = 5
THROTTLE_WINDOW = timedelta(hours=1)


async def start(
    session: AsyncSession, inbound: Inbound, member: Member | None, args: str, now: datetime
) -> list[Reply]:
    """Link this chat account with the code's member, or greet a member already linked."""
    code = args.strip()
    if member is not None:
        if code:
            return [Reply(texts.ALREADY_LINKED.format(name=member.full_name))]
        return help_replies(member, texts.GREETING.format(name=member.full_name))
    if not code:
        return [Reply(texts.NOT_LINKED)]
    since = now - THROTTLE_WINDOW
    wrong = await session.scalar(
        select(func.count())
        .select_from(JoinAttempt)
        .where(
            JoinAttempt.channel == inbound.channel,
            JoinAttempt.external_id == inbound.user_id,
            JoinAttempt.at > since,
        )
    )
    if (wrong or 0) >= MAX_WRONG_CODES:
        refused(inbound, "invite code: throttled")
        return [
            Reply(texts.INVITE_THROTTLED.format(minutes=int(THROTTLE_WINDOW.total_seconds() // 60)))
        ]
    invite = await redeem(session, code, now=now)
    if invite is None:
        session.add(JoinAttempt(channel=inbound.channel, external_id=inbound.user_id, at=now))
        refused(inbound, "invite code: wrong, used or expired")
        return [Reply(texts.INVITE_INVALID)]
    joining = await session.get(Member, invite.member_id)
    if joining is None or not joining.active:
        refused(inbound, "invite code: member inactive")
        return [Reply(texts.INVITE_INVALID)]
    account = await records.link_account(
        session, joining, inbound.channel, inbound.user_id, now=now
    )
    account.display_name = inbound.display_name
    invite.used_at = now
    invite.used_by_account_id = account.id
    channel = texts.CHANNEL_NAMES.get(inbound.channel, inbound.channel)
    greeting = texts.JOINED.format(name=joining.full_name, channel=channel)
    return help_replies(joining, greeting)


async def leave(ctx: Context, args: str) -> list[Reply]:
    await ctx.session.execute(
        delete(ChatAccount).where(
            ChatAccount.channel == ctx.inbound.channel,
            ChatAccount.external_id == ctx.inbound.user_id,
        )
    )
    return [Reply(texts.UNLINKED.format(name=ctx.member.full_name))]


async def invite(ctx: Context, args: str) -> list[Reply]:
    """/moi <name>: an admin makes an invite code from chat."""
    if not args.strip():
        return [Reply(texts.INVITE_USAGE)]
    members = await records.all_members(ctx.session)
    people = [Person(m.key, m.full_name) for m in members]
    person = find_person(args, people)
    if person is None:
        text = texts.UNKNOWN_MEMBER.format(name=args.strip()[:80])
        close = closest_names(args, people)
        if close:
            text += " " + texts.CLOSEST.format(names=", ".join(close))
        return [Reply(text)]
    member = next(m for m in members if m.key == person.key)
    code = await create_invite(ctx.session, member, now=ctx.now, created_by=ctx.member)
    record(ctx, "invite", member.full_name)
    text = texts.INVITE_CREATED.format(name=member.full_name, code=code)
    link = ctx.deep_link(code)
    if link:
        text += texts.INVITE_LINK.format(link=link)
    return [Reply(text)]
