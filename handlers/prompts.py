"""Questions the bot asks (the date and reason of an extension request, the reason of a
refusal): the member's next plain message, or a reply to the question, completes the command
the question stands for. One open question per member; it lapses after ``PROMPT_TTL``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.engine import Connection

from db.models import ChatAccount, ChatPrompt, SentMessage
from handlers.context import Context

PROMPT_TTL = timedelta(hours=1)


async def ask(ctx: Context, command: str) -> None:
    """Remember that the sender's next message completes ``command``."""
    prompt = await ctx.session.get(ChatPrompt, ctx.member.id)
    if prompt is None:
        ctx.session.add(ChatPrompt(member_id=ctx.member.id, command=command, asked_at=ctx.now))
    else:
        prompt.command, prompt.asked_at = command, ctx.now


async def settle(ctx: Context) -> None:
    """The question is answered (or overtaken by the command typed in full)."""
    await ctx.session.execute(delete(ChatPrompt).where(ChatPrompt.member_id == ctx.member.id))


def open_prompt(
    connection: Connection,
    *,
    channel: str,
    external_id: str,
    chat_id: str,
    reply_to: str | None,
    now: datetime,
) -> str | None:
    """The command a plain message from this account completes, if the bot asked a question
    within ``PROMPT_TTL``; None too when the message replies to a bot message about a task
    (that reply updates the task)."""
    if reply_to is not None:
        about_task = connection.execute(
            select(
                exists().where(
                    SentMessage.channel == channel,
                    SentMessage.chat_id == chat_id,
                    SentMessage.message_id == reply_to,
                )
            )
        ).scalar()
        if about_task:
            return None
    return connection.execute(
        select(ChatPrompt.command)
        .join(ChatAccount, ChatAccount.member_id == ChatPrompt.member_id)
        .where(
            ChatAccount.channel == channel,
            ChatAccount.external_id == external_id,
            ChatPrompt.asked_at > now - PROMPT_TTL,
        )
    ).scalar()
