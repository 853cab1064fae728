"""On which chat accounts a member can be reached: shared by the reminders, the announcements
and /thongbao (which counts who it will reach)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChatAccount, Member


async def reachable(
    session: AsyncSession, member_ids: Iterable[int], today: date, *, on_leave: bool = False
) -> dict[int, list[ChatAccount]]:
    """The chat accounts to use for each member: active, not on leave (unless ``on_leave``:
    announcements reach everyone), not blocked; the chosen channel's accounts if the member
    chose one (all accounts if none is on that channel)."""
    ids = set(member_ids)
    if not ids:
        return {}
    members = (
        await session.scalars(select(Member).where(Member.id.in_(ids), Member.active.is_(True)))
    ).all()
    accounts = (
        await session.scalars(
            select(ChatAccount).where(
                ChatAccount.member_id.in_(ids),
                ChatAccount.blocked_at.is_(None),
                ChatAccount.channel != "console",
            )
        )
    ).all()
    by_member: dict[int, list[ChatAccount]] = defaultdict(list)
    for account in accounts:
        by_member[account.member_id].append(account)
    result: dict[int, list[ChatAccount]] = {}
    for member in members:
        if not on_leave and member.paused_until is not None and member.paused_until >= today:
            continue
        own = by_member.get(member.id, [])
        chosen = [a for a in own if a.channel == member.preferred_channel]
        if chosen or own:
            result[member.id] = chosen or own
    return result
