"""/web: a one-time sign-in link to the read-only web desk, for the member who asks."""

from __future__ import annotations

from chat import texts
from chat.messages import Reply
from db.web_access import LINK_LIFETIME, create_link
from handlers.context import Context


async def web_link(ctx: Context, args: str) -> list[Reply]:
    if ctx.web_base_url is None:
        return [Reply(texts.WEB_OFF)]
    token = await create_link(ctx.session, ctx.member.id, now=ctx.now)
    url = f"{ctx.web_base_url.rstrip('/')}/dang-nhap/{token}"
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    return [Reply(texts.WEB_LINK.format(minutes=minutes, url=url))]
