"""A member's reminder settings: /caidat (show), /bantin (weekly digest on/off), /nghiphep
(pause reminders until a date, for leave), /kenh (which linked channel gets reminders)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from chat import texts
from chat.messages import Reply
from db.models import ChatAccount
from domain.normalize import fold
from handlers.context import Context

_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
CHANNELS = {"telegram": "telegram", "zalo": "zalo", "tatca": None, "tat ca": None, "all": None}


def parse_day(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


async def show(ctx: Context, args: str) -> list[Reply]:
    member = ctx.member
    paused = member.paused_until is not None and member.paused_until >= ctx.today
    return [
        Reply(
            texts.SETTINGS_VIEW.format(
                name=member.full_name,
                digest=texts.OFF if member.digest_muted else texts.ON,
                pause=texts.PAUSE_UNTIL.format(day=texts.day(member.paused_until))
                if paused and member.paused_until
                else texts.NO_PAUSE,
                channel=texts.CHANNEL_NAMES.get(member.preferred_channel or "", texts.ALL_CHANNELS),
            )
        )
    ]


async def digest(ctx: Context, args: str) -> list[Reply]:
    choice = fold(args).strip()
    if choice not in ("tat", "bat"):
        return [Reply(texts.DIGEST_USAGE)]
    ctx.member.digest_muted = choice == "tat"
    return [
        Reply(texts.DIGEST_SET.format(state=texts.OFF if ctx.member.digest_muted else texts.ON))
    ]


async def pause(ctx: Context, args: str) -> list[Reply]:
    if fold(args).strip() in ("huy", "tat", "khong"):
        ctx.member.paused_until = None
        return [Reply(texts.PAUSE_CLEARED)]
    until = parse_day(args)
    if until is None:
        return [Reply(texts.PAUSE_USAGE)]
    if until < ctx.today:
        example = texts.day(ctx.today + timedelta(days=7))
        return [Reply(texts.PAUSE_PAST.format(day=texts.day(until), example=example))]
    ctx.member.paused_until = until
    return [Reply(texts.PAUSE_SET.format(day=texts.day(until)))]


async def channel(ctx: Context, args: str) -> list[Reply]:
    choice = fold(args).strip()
    if choice not in CHANNELS:
        return [Reply(texts.CHANNEL_USAGE)]
    chosen = CHANNELS[choice]
    ctx.member.preferred_channel = chosen
    name = texts.CHANNEL_NAMES.get(chosen or "", texts.ALL_CHANNELS)
    reply = texts.CHANNEL_SET.format(channel=name)
    if chosen is not None and chosen not in await _linked_channels(ctx):
        reply += "\n" + texts.CHANNEL_NOT_LINKED.format(channel=name)
    return [Reply(reply)]


async def _linked_channels(ctx: Context) -> set[str]:
    rows = await ctx.session.scalars(
        select(ChatAccount.channel).where(ChatAccount.member_id == ctx.member.id)
    )
    return set(rows)
