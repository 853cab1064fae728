"""/trogiup and /start for a member who is already linked."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.types import Reply


async def show_help(ctx: Context, args: str) -> list[Reply]:
    return [Reply(texts.HELP)]


async def greet(ctx: Context, args: str) -> list[Reply]:
    return [Reply(texts.GREETING.format(name=ctx.member.full_name) + texts.HELP)]
