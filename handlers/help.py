"""/trogiup: the commands this member can use."""

from __future__ import annotations

from chat import texts
from chat.messages import Reply
from db.models import Member
from domain.access import LEADERSHIP
from handlers.context import Context


def help_for(member: Member) -> str:
    text = texts.HELP
    if member.is_admin or member.committee_role in LEADERSHIP:
        text += texts.HELP_LEADERSHIP
    if member.is_admin:
        text += texts.HELP_ADMIN
    return text


async def show_help(ctx: Context, args: str) -> list[Reply]:
    return [Reply(help_for(ctx.member))]
