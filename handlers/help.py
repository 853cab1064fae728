"""/trogiup: the commands this member can use. The office's own commands come as a second
message, so that each message fits a phone screen and one Zalo message (2,000 characters)."""

from __future__ import annotations

from chat import texts
from chat.messages import Reply
from db.models import Member
from domain.access import LEADERSHIP
from handlers.context import Context


def help_for(member: Member) -> list[str]:
    """The help's messages for ``member``: theirs, then (for the office) the office's."""
    text = texts.HELP
    if member.is_admin or member.committee_role in LEADERSHIP:
        text += texts.HELP_LEADERSHIP
    return [text, texts.HELP_ADMIN] if member.is_admin else [text]


def help_replies(member: Member, greeting: str = "") -> list[Reply]:
    """The help as replies, ``greeting`` in front of the first."""
    first, *rest = help_for(member)
    return [Reply(greeting + first), *(Reply(text) for text in rest)]


async def show_help(ctx: Context, args: str) -> list[Reply]:
    return help_replies(ctx.member)
