"""The command engine: one ``Inbound`` in, replies out, for every channel.

Each message gets its own session and transaction (a write transaction only for commands that
write). Any failure is logged and answered with a short apology; nothing escapes to the channel.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock
from db import queries
from db.session import Database
from handlers import texts
from handlers.context import Context
from handlers.help import greet, show_help
from handlers.my_tasks import my_tasks
from handlers.parse import MAX_INPUT_CHARS, parse_command
from handlers.types import Inbound, Reply
from handlers.update import update

log = logging.getLogger(__name__)

Handler = Callable[[Context, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    writes: bool = False


ROUTES: dict[str, Route] = {
    "start": Route(greet),
    "nhiemvu": Route(my_tasks),
    "capnhat": Route(update, writes=True),
    "trogiup": Route(show_help),
    "help": Route(show_help),
}


class Engine:
    def __init__(self, database: Database, clock: Clock, zone: ZoneInfo) -> None:
        self.database = database
        self.clock = clock
        self.zone = zone

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message. Never raises."""
        try:
            return await self._handle(inbound)
        except Exception:
            log.exception(
                "command failed", extra={"channel": inbound.channel, "chat": inbound.chat_id}
            )
            return [Reply(texts.INTERNAL_ERROR)]

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        if len(inbound.text) > MAX_INPUT_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_INPUT_CHARS))]
        command = parse_command(inbound.text)
        route = ROUTES.get(command.name) if command else None
        async with self.database.transaction(write=bool(route and route.writes)) as session:
            member = await queries.account_member(session, inbound.channel, inbound.user_id)
            if member is None:
                return [Reply(texts.NOT_LINKED)]
            if not inbound.text.strip():
                return [Reply(texts.EMPTY)]
            if command is None or route is None:
                return [Reply(texts.UNKNOWN)]
            now = self.clock.now()
            plan = await queries.current_plan(session, now.astimezone(self.zone).year)
            if plan is None:
                return [Reply(texts.NO_PLAN)]
            who = await queries.who_is(session, member)
            ctx = Context(session, inbound, member, who, plan, now, self.zone)
            return await route.handler(ctx, command.args)
