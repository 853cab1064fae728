"""On which chat accounts a member can be reached: shared by the reminders, the announcements
and /thongbao (which counts who it will reach)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChatAccount, Member


class Account(NamedTuple):
    """A chat account to send to."""

    channel: str
    external_id: str


async def reachable(
    session: AsyncSession, member_ids: Iterable[int], today: date, *, on_leave: bool = False
) -> dict[int, list[Account]]:
    """The chat accounts to use for each member: active, not on leave (unless ``on_leave``:
    announcements reach everyone), not blocked; the chosen channel's accounts if the member
    chose one (all accounts if none is on that channel). Read as columns, not ORM objects: a
    fan-out asks this for thousands of members at one instant."""
    ids = set(member_ids)
    if not ids:
        return {}
    members = (
        await session.execute(
            select(Member.id, Member.paused_until, Member.preferred_channel).where(
                Member.id.in_(ids), Member.active.is_(True)
            )
        )
    ).all()
    accounts = await session.execute(
        select(ChatAccount.member_id, ChatAccount.channel, ChatAccount.external_id).where(
            ChatAccount.member_id.in_(ids),
            ChatAccount.blocked_at.is_(None),
            ChatAccount.channel != "console",
        )
    )
    by_member: dict[int, list[Account]] = defaultdict(list)
    for member_id, channel, external_id in accounts:
        by_member[member_id].append(Account(channel, external_id))
    result: dict[int, list[Account]] = {}
    for member_id, paused_until, preferred in members:
        if not on_leave and paused_until is not None and paused_until >= today:
            continue
        own = by_member.get(member_id, [])
        chosen = [a for a in own if a.channel == preferred]
        if chosen or own:
            result[member_id] = chosen or own
    return result
