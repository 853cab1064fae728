"""The command engine: one ``Inbound`` in, replies out, for every channel.

Each message first finds its sender with one lean read (``db.identity``). The lists members ask
for most (/nhiemvu, /quahan, /sapden, /tatca) are answered from lean reads alone (a ``Glance``);
every other command gets its own session and transaction (a write transaction only for what
writes).
Any failure is logged and answered with a short apology; nothing escapes to the channel.
In a group chat the bot answers only /trogiup and /start, and asks for a private message for
everything else, so no member's data is ever shown to a group; plain group chatter is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import Clock
from db import queries
from db.identity import identify
from db.models import Member, Plan, SentMessage, Task
from db.session import Database
from handlers import admin_people, admin_tasks, preferences, texts
from handlers.announce import announce
from handlers.audit import refused, show_audit
from handlers.confirm import confirm, give_back
from handlers.context import Context, Glance
from handlers.evidence_files import receive, send_back
from handlers.extend import extend
from handlers.help import show_help
from handlers.join import invite, leave, start
from handlers.lists import overdue, upcoming, whole_plan
from handlers.my_tasks import my_tasks
from handlers.parse import MAX_INPUT_CHARS, Command, is_my_tasks, parse_command, parse_plain
from handlers.plans import plans
from handlers.report import export, report
from handlers.task_detail import ask_completion, show_task
from handlers.types import Inbound, Reply
from handlers.undo import undo
from handlers.update import reply_update, update

log = logging.getLogger(__name__)

Handler = Callable[[Context, str], Awaitable[list[Reply]]]


class Outbox(Protocol):
    """A channel that can send a reply to any of its chats (a notice for someone else)."""

    async def deliver(self, chat_id: str, reply: Reply) -> str: ...


GlanceHandler = Callable[[Glance, str], Awaitable[list[Reply]]]


def _always(args: str) -> bool:
    return True


@dataclass(frozen=True)
class Route:
    handler: Handler | None = None  # answered in a session: the ORM, and writes if ``writes``
    writes: bool = False
    admin: bool = False  # the standing office only: refused (and logged) here for anyone else
    # Read-only answers from lean reads alone (no session), for the arguments ``glance_if`` takes.
    glance: GlanceHandler | None = None
    glance_if: Callable[[str], bool] = _always


ROUTES: dict[str, Route] = {
    "nhiemvu": Route(show_task, glance=my_tasks, glance_if=is_my_tasks),
    "capnhat": Route(update, writes=True),
    "hoanthanh": Route(ask_completion),
    "hoantac": Route(undo, writes=True),
    "xacnhan": Route(confirm, writes=True, admin=True),
    "tailieu": Route(send_back),
    "tralai": Route(give_back, writes=True, admin=True),
    "quahan": Route(glance=overdue),
    "sapden": Route(glance=upcoming),
    "tatca": Route(glance=whole_plan),
    "moi": Route(invite, writes=True, admin=True),
    "roikhoi": Route(leave, writes=True),
    "caidat": Route(preferences.show),
    "bantin": Route(preferences.digest, writes=True),
    "nghiphep": Route(preferences.pause, writes=True),
    "kenh": Route(preferences.channel, writes=True),
    "giahan": Route(extend, writes=True, admin=True),
    "baocao": Route(report),
    "xuat": Route(export, admin=True),
    "kehoach": Route(plans, writes=True),
    # The standing office's tools.
    "themnv": Route(admin_tasks.add_task, writes=True, admin=True),
    "suanv": Route(admin_tasks.edit_task, writes=True, admin=True),
    "giao": Route(admin_tasks.assign, writes=True, admin=True),
    "bogiao": Route(admin_tasks.unassign, writes=True, admin=True),
    "themtv": Route(admin_people.add_member, writes=True, admin=True),
    "xoatv": Route(admin_people.remove_member, writes=True, admin=True),
    "themcq": Route(admin_people.add_agency, writes=True, admin=True),
    "chuathamgia": Route(admin_people.not_joined, admin=True),
    "thongbao": Route(announce, writes=True, admin=True),
    "nhatky": Route(show_audit, admin=True),
    "trogiup": Route(show_help),
    "help": Route(show_help),
}
GROUP_COMMANDS = {"trogiup", "help", "start"}


class Engine:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        zone: ZoneInfo,
        *,
        confirm_completion: bool = False,
        files_dir: Path = Path("data/files"),
    ) -> None:
        self.database = database
        self.clock = clock
        self.zone = zone
        self.confirm_completion = confirm_completion  # CONFIRM_COMPLETION
        self.files_dir = files_dir  # files that back a completion
        self.telegram_username: str | None = None  # set by the Telegram channel after getMe
        self.on_change: list[Callable[[], None]] = []  # told after every committed write
        self.outboxes: dict[str, Outbox] = {}  # notices for others, by channel (set at start)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message. Never raises; an empty list means a deliberate silence. Notices
        for other people (``Reply.to``) go out through their channel, after the commit."""
        try:
            replies = await self._handle(inbound)
        except Exception:
            log.exception(
                "command failed", extra={"channel": inbound.channel, "chat": inbound.chat_id}
            )
            return [Reply(texts.INTERNAL_ERROR)]
        for notice in (r for r in replies if r.to is not None):
            await self._notify(notice)
        return [r for r in replies if r.to is None]

    async def _notify(self, notice: Reply) -> None:
        assert notice.to is not None
        channel, chat_id = notice.to
        outbox = self.outboxes.get(channel)
        if outbox is None:
            log.warning("notice not sent: no %s channel", channel)
            return
        try:
            message_id = await outbox.deliver(chat_id, replace(notice, to=None))
            if notice.task_code:
                await self.remember(channel, chat_id, message_id, notice.task_code)
        except Exception:  # the notice is a courtesy: the change is already committed
            log.exception("notice not sent", extra={"channel": channel, "chat": chat_id})

    async def remember(self, channel: str, chat_id: str, message_id: str, task_code: str) -> None:
        """Note that a bot message is about a task, so that a reply to it updates that task."""
        async with self.database.transaction(write=True) as session:
            member = await queries.account_member(session, channel, chat_id)
            plan = await queries.member_plan(session, member, self._today_year())
            task_id = (
                await session.scalar(
                    select(Task.id).where(Task.plan_id == plan.id, Task.code == task_code)
                )
                if plan
                else None
            )
            if task_id is None:
                return
            known = await session.scalar(
                select(SentMessage).where(
                    SentMessage.channel == channel,
                    SentMessage.chat_id == chat_id,
                    SentMessage.message_id == message_id,
                )
            )
            if known is not None:
                known.task_id = task_id
                return
            session.add(
                SentMessage(
                    channel=channel,
                    chat_id=chat_id,
                    message_id=message_id,
                    task_id=task_id,
                    sent_at=self.clock.now(),
                )
            )

    def _today_year(self) -> int:
        return self.clock.now().astimezone(self.zone).year

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        if len(inbound.text) > MAX_INPUT_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_INPUT_CHARS))]
        command = parse_command(inbound.text) if inbound.file is None else None
        if command is None and not inbound.is_group and inbound.file is None:
            command = parse_plain(inbound.text)  # "I.5 xong", "xong I.5"
        if inbound.is_group and (command is None or command.name not in GROUP_COMMANDS):
            if command is None:
                return []
            refused(inbound, "group chat")
            return [Reply(texts.GROUP_PRIVATE)]
        route = ROUTES.get(command.name) if command else None
        writes = (
            (route.writes if route else command is not None)
            or inbound.reply_to is not None
            or inbound.file is not None
        )
        replies = await self._answer(inbound, command, route, writes)
        if writes:
            for listener in self.on_change:
                listener()
        return replies

    async def _answer(
        self, inbound: Inbound, command: Command | None, route: Route | None, writes: bool
    ) -> list[Reply]:
        now = self.clock.now()
        found = await self.database.read(
            partial(
                identify,
                channel=inbound.channel,
                external_id=inbound.user_id,
                year=now.astimezone(self.zone).year,
            )
        )
        if command is not None and command.name == "start":
            if inbound.is_group:
                refused(inbound, "group chat")
                return [Reply(texts.GROUP_PRIVATE)]
            async with self.database.transaction(write=writes) as session:
                member = await session.get(Member, found.member.id) if found else None
                return await start(session, inbound, member, command.args, now)
        if found is None:
            refused(inbound, "not linked")
            return [Reply(texts.NOT_LINKED)]
        if not inbound.text.strip() and inbound.file is None:
            return [Reply(texts.EMPTY)]
        if found.plan is None:
            return [Reply(texts.NO_PLAN)]
        if command is not None and route is not None:
            if route.admin and not found.who.is_admin:
                refused(inbound, f"admin only: /{command.name}")
                return [Reply(texts.ADMIN_ONLY)]
            if route.glance is not None and route.glance_if(command.args):
                glance = Glance(
                    inbound, found.member, found.who, found.plan, now, self.zone, self.database
                )
                return await route.glance(glance, command.args)
        async with self.database.transaction(write=writes) as session:
            member = await session.get(Member, found.member.id)
            plan = await session.get(Plan, found.plan.id)
            if member is None or not member.active:  # removed a moment ago
                refused(inbound, "not linked")
                return [Reply(texts.NOT_LINKED)]
            if plan is None:
                return [Reply(texts.NO_PLAN)]
            ctx = Context(
                session,
                inbound,
                member,
                found.who,
                plan,
                now,
                self.zone,
                self.telegram_username,
                self.confirm_completion,
                self.files_dir,
            )
            return await self._dispatch(ctx, command, route)

    async def _dispatch(
        self, ctx: Context, command: Command | None, route: Route | None
    ) -> list[Reply]:
        if ctx.inbound.file is not None:
            return await receive(ctx, ctx.inbound.file, await self._replied_task(ctx))
        if command is None:
            task = await self._replied_task(ctx)
            if task is not None:
                return await reply_update(ctx, task, ctx.inbound.text)
            return [Reply(texts.UNKNOWN)]
        if route is None or route.handler is None:
            return [Reply(texts.UNKNOWN)]
        return await route.handler(ctx, command.args)

    async def _replied_task(self, ctx: Context) -> Task | None:
        if ctx.inbound.reply_to is None:
            return None
        task_id = await ctx.session.scalar(
            select(SentMessage.task_id).where(
                SentMessage.channel == ctx.inbound.channel,
                SentMessage.chat_id == ctx.inbound.chat_id,
                SentMessage.message_id == ctx.inbound.reply_to,
            )
        )
        return await queries.task_by_id(ctx.session, task_id) if task_id is not None else None
