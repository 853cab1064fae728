"""The command engine: one ``Inbound`` in, replies out, for every channel.

Each message first finds its sender with one lean read (``db.identity``). The lists members ask
for most (/nhiemvu, /quahan, /sapden, /tatca), one task in full (/nhiemvu <mã>) and a member's
/baocao are answered from lean reads alone (a lean route: no session); every other command gets
its own session and transaction (a write transaction only for what writes). Every handler
takes a ``Context`` and the arguments.
Every text a person sent (typed, a button's data, a display name) is cleaned once, here, before
anything reads it: whatever path then stores it stores clean text.
When the bot has asked the sender a question (``handlers.prompts``: the date and reason of an
extension request, the reason of a refusal), their next plain message, or a reply to the
question, completes the command the question stands for.
Any failure is logged and answered with a short apology; nothing escapes to the channel.
In a group chat the bot answers only /trogiup and /start, and asks for a private message for
everything else, so no member's data is ever shown to a group; plain group chatter is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from chat import texts
from chat.messages import Inbound, Reply
from chat.task_messages import task_code
from db import records
from db.identity import Identity, identify
from db.models import Member, Plan, SentMessage, Task
from db.sent_links import Link
from db.session import Database
from domain.clock import Clock
from domain.normalize import clean_input
from domain.receipts import is_acknowledgement
from handlers import admin_people, admin_tasks, preferences
from handlers.acknowledge import acknowledge, acknowledge_typed, snooze
from handlers.announce import announce
from handlers.audit import refused, show_audit
from handlers.confirm import confirm, give_back
from handlers.context import Context, Orm
from handlers.evidence_files import receive, send_back
from handlers.extend import extend
from handlers.extension_requests import approve, refuse, request_extension
from handlers.help import show_help
from handlers.join import invite, leave, start
from handlers.link_writer import LinkWriter
from handlers.lists import overdue, upcoming, whole_plan
from handlers.my_tasks import tasks
from handlers.parse import MAX_INPUT_CHARS, Command, parse_command, parse_plain
from handlers.plans import plans
from handlers.prompts import open_prompt
from handlers.report import export, report
from handlers.task_detail import ask_completion
from handlers.unacknowledged import unacknowledged
from handlers.undo import undo
from handlers.update import reply_update, update
from handlers.web_link import web_link

log = logging.getLogger(__name__)

Handler = Callable[[Context, str], Awaitable[list[Reply]]]


def always(args: str) -> bool:
    return True


def never(args: str) -> bool:
    return False


@dataclass(frozen=True)
class Route:
    handler: Handler
    writes: bool = False
    admin: bool = False  # the standing office only: refused (and logged) here for anyone else
    # For which arguments the handler answers from lean reads alone: no session is opened and
    # the context has no ORM objects. Otherwise it runs in a session (writing if ``writes``).
    lean: Callable[[str], bool] = never


ROUTES: dict[str, Route] = {
    "nhiemvu": Route(tasks, lean=always),
    "capnhat": Route(update, writes=True),
    "hoanthanh": Route(ask_completion),
    "hoantac": Route(undo, writes=True),
    "xacnhan": Route(confirm, writes=True, admin=True),
    "tailieu": Route(send_back),
    "tralai": Route(give_back, writes=True, admin=True),
    "quahan": Route(overdue, lean=always),
    "sapden": Route(upcoming, lean=always),
    "tatca": Route(whole_plan, lean=always),
    "moi": Route(invite, writes=True, admin=True),
    "roikhoi": Route(leave, writes=True),
    "caidat": Route(preferences.show),
    "bantin": Route(preferences.digest, writes=True),
    "nghiphep": Route(preferences.pause, writes=True),
    "kenh": Route(preferences.channel, writes=True),
    "giahan": Route(extend, writes=True, admin=True),
    "xingiahan": Route(request_extension, writes=True),
    "duyet": Route(approve, writes=True, admin=True),
    "tuchoi": Route(refuse, writes=True, admin=True),
    "baocao": Route(report, lean=always),
    "xuat": Route(export, admin=True),
    "kehoach": Route(plans, writes=True),
    "web": Route(web_link, writes=True),
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
    "chuanhan": Route(unacknowledged, admin=True),
    "danhan": Route(acknowledge, writes=True),
    "nhaclai": Route(snooze, writes=True),
    "trogiup": Route(show_help),
    "help": Route(show_help),
}
GROUP_COMMANDS = {"trogiup", "help", "start"}
MAX_DISPLAY_NAME = 128  # the column's size


def cleaned(inbound: Inbound) -> Inbound:
    """The message with its text and the sender's display name cleaned (``clean_input``)."""
    name = inbound.display_name
    return replace(
        inbound,
        text=clean_input(inbound.text),
        display_name=clean_input(name)[:MAX_DISPLAY_NAME] if name is not None else None,
    )


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
        self.web_base_url: str | None = None  # the web desk's address, for /web's links
        self.on_change: list[Callable[[], None]] = []  # told after every committed write
        self.links = LinkWriter(database)  # bot messages about a task, written in batches

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message. Never raises; an empty list means a deliberate silence. Notices
        for other people are queued on the announcements' ledger (``handlers.notices``)."""
        try:
            replies = await self._handle(inbound)
        except Exception:
            log.exception(
                "command failed", extra={"channel": inbound.channel, "chat": inbound.chat_id}
            )
            return [Reply(texts.INTERNAL_ERROR)]
        return replies

    async def remember(self, channel: str, chat_id: str, message_id: str, task_id: int) -> None:
        """Note that a bot message is about a task, so that a reply to it updates that task:
        the task the reply was made about (its id), whatever plan the member views later.
        Written in the background, in batches (``handlers.link_writer``): no write here."""
        self.links.add(Link(channel, chat_id, message_id, task_id, self.clock.now()))

    async def close(self) -> None:
        """Write what is still in memory (the message links); call before the database goes."""
        await self.links.close()

    async def _asked(self, inbound: Inbound) -> str | None:
        """The command a question the bot asked this account is waiting to complete."""
        if inbound.reply_to is not None and (
            self.links.task_of(inbound.channel, inbound.chat_id, inbound.reply_to) is not None
        ):
            return None  # a reply to a message about a task updates that task
        return await self.database.read(
            partial(
                open_prompt,
                channel=inbound.channel,
                external_id=inbound.user_id,
                chat_id=inbound.chat_id,
                reply_to=inbound.reply_to,
                now=self.clock.now(),
            )
        )

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        if len(inbound.text) > MAX_INPUT_CHARS:  # refused as sent, before any reading
            return [Reply(texts.TOO_LONG.format(limit=MAX_INPUT_CHARS))]
        inbound = cleaned(inbound)
        command = parse_command(inbound.text) if inbound.file is None else None
        if command is None and not inbound.is_group and inbound.file is None:
            asked = await self._asked(inbound)
            if asked is not None:  # the answer to the bot's question completes its command
                inbound = replace(inbound, text=f"{asked} {inbound.text}")
                command = parse_command(inbound.text)
            else:
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
            or (command is None and is_acknowledgement(inbound.text))
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
            if route.lean(command.args):
                return await route.handler(self._context(inbound, found, now), command.args)
        async with self.database.transaction(write=writes) as session:
            member = await session.get(Member, found.member.id)
            plan = await session.get(Plan, found.plan.id)
            if member is None or not member.active:  # removed a moment ago
                refused(inbound, "not linked")
                return [Reply(texts.NOT_LINKED)]
            if plan is None:
                return [Reply(texts.NO_PLAN)]
            ctx = self._context(inbound, found, now, Orm(session, member, plan))
            return await self._dispatch(ctx, command, route)

    def _context(
        self, inbound: Inbound, found: Identity, now: datetime, orm: Orm | None = None
    ) -> Context:
        """What a handler gets: the sender as identified, and ``orm`` for the routes that write
        (None: a lean route, which reads through ``database`` alone)."""
        assert found.plan is not None
        return Context(
            inbound,
            found.member,
            found.who,
            found.plan,
            now,
            self.zone,
            self.database,
            self.telegram_username,
            orm,
            self.web_base_url,
            self.confirm_completion,
            self.files_dir,
        )

    async def _dispatch(
        self, ctx: Context, command: Command | None, route: Route | None
    ) -> list[Reply]:
        if ctx.inbound.file is not None:
            return await receive(ctx, ctx.inbound.file, await self._replied_task(ctx))
        if command is None:
            if is_acknowledgement(ctx.inbound.text):  # "Đã nhận": never a note
                return await acknowledge_typed(ctx)
            task = await self._replied_task(ctx)
            if task is not None:
                return await reply_update(ctx, task, ctx.inbound.text)
            return [Reply(texts.UNKNOWN)]
        if route is None:
            return [Reply(texts.UNKNOWN)]
        return await route.handler(ctx, command.args)

    async def _replied_task(self, ctx: Context) -> Task | None:
        """The task of the bot message this one replies to: from its link (noted in memory, or
        written), else, for a link not written yet by another instance, from that message's
        text (in the member's current plan)."""
        inbound = ctx.inbound
        if inbound.reply_to is None:
            return None
        task_id = self.links.task_of(inbound.channel, inbound.chat_id, inbound.reply_to)
        if task_id is None:
            task_id = await ctx.session.scalar(
                select(SentMessage.task_id).where(
                    SentMessage.channel == inbound.channel,
                    SentMessage.chat_id == inbound.chat_id,
                    SentMessage.message_id == inbound.reply_to,
                )
            )
        if task_id is not None:
            return await records.task_by_id(ctx.session, task_id, milestones_only=True)
        code = task_code(inbound.reply_to_text)
        if code is None:
            return None
        return await records.task_by_code(ctx.session, ctx.plan.id, code, milestones_only=True)
