"""Bot messages about a task (``SentMessage``): data functions, the caller owns the transaction.

A link says that a reply to that message talks about that task (its id, whatever plan the
member views later). Links are written in batches, many messages per statement, so that
showing a task never waits for the write lock (``handlers.link_writer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SentMessage, Task


@dataclass(frozen=True)
class Link:
    """One bot message about one task."""

    channel: str
    chat_id: str
    message_id: str
    task_id: int
    sent_at: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.channel, self.chat_id, self.message_id)


async def record_links(session: AsyncSession, links: Sequence[Link]) -> int:
    """Store ``links`` (a message linked again points at its latest task); links to tasks
    deleted since are dropped. Two statements whatever the count; returns how many were kept."""
    if not links:
        return 0
    ids = sorted({link.task_id for link in links})
    alive = set(await session.scalars(select(Task.id).where(Task.id.in_(ids))))
    latest = {link.key: link for link in links if link.task_id in alive}  # the last one wins
    if not latest:
        return 0
    rows = [
        {
            "channel": c,
            "chat_id": chat,
            "message_id": m,
            "task_id": link.task_id,
            "sent_at": link.sent_at,
        }
        for (c, chat, m), link in latest.items()
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SentMessage)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["channel", "chat_id", "message_id"],
            set_={"task_id": statement.excluded.task_id},
        ),
        rows,
    )
    return len(rows)
