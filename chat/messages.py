"""What a channel hands the engine, and what the engine hands back."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundFile:
    """A file a person sent (a photo or a document), downloaded by the channel."""

    file_id: str  # the platform's id, to send it back without uploading
    file_name: str
    mime_type: str | None
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Inbound:
    """One message from a person, whatever the channel."""

    channel: str  # "telegram" | "zalo" | "console"
    chat_id: str
    user_id: str
    text: str
    is_group: bool = False
    reply_to: str | None = None  # the id of the bot message this one answers, if any
    reply_to_text: str | None = None  # that message's text, where the channel gives it
    display_name: str | None = None
    file: InboundFile | None = None  # a photo or document sent with the message


@dataclass(frozen=True)
class Action:
    """A choice offered with a reply: a button on Telegram, a numbered line elsewhere."""

    label: str
    command: str  # the text the engine receives when the choice is taken


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a chart as a photo, the workbook as a document."""

    kind: str  # "photo" | "document"
    filename: str
    data: bytes = field(repr=False)
    caption: str | None = None
    file_id: str | None = None  # Telegram's id of a file it already has: sent without upload


@dataclass(frozen=True)
class Reply:
    text: str
    actions: tuple[Action, ...] = field(default=())
    # Replying to this message talks about this task: its id, bound when the reply was made
    # (never looked up again by code, which names another task in another year's plan).
    task_id: int | None = None
    files: tuple[Attachment, ...] = field(default=())  # sent after the text
    # Files made once the text has gone out (the report's chart): the text never waits for them.
    later: Callable[[], Awaitable[tuple[Attachment, ...]]] | None = None
    # An answer to the message it responds to ("Đã nhận", "Nhắc lại"): shown on that message
    # where the channel can edit it (Telegram), sent as a message elsewhere.
    amends: bool = False


async def files_of(reply: Reply) -> tuple[Attachment, ...]:
    """The reply's files, those made after its text included. Making one may fail (a chart that
    cannot be drawn): logged, and the reply's text stands alone."""
    if reply.later is None:
        return reply.files
    try:
        return reply.files + await reply.later()
    except Exception:
        log.exception("a file of the reply could not be made")
        return reply.files


async def made(replies: list[Reply]) -> list[Reply]:
    """The replies with their files all made (for a channel that shows everything at once)."""
    return [
        replace(r, files=await files_of(r), later=None) if r.later is not None else r
        for r in replies
    ]
