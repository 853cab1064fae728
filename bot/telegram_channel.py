"""The Telegram channel, on python-telegram-bot v22.

Turns updates into ``Inbound`` messages for the engine and its replies into Telegram messages:
plain text (no parse mode, so nothing in a task's text can break the markup), cut below 4096
characters, choices as inline buttons whose data is the command they stand for (checked again by
the engine like anything typed: a forged button grants nothing). A bot message about a task is
remembered (in batches, after it is sent), so that a reply to it updates that task; the replied-to
message's text goes with the reply, for an instance that has not seen the link written yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    before_sleep_log,
    retry_if_exception,
    stop_after_delay,
    wait_combine,
    wait_exponential,
)
from tornado.httpserver import HTTPServer

from bot import webhook
from bot.outgoing import split_text
from bot.settings import Settings
from bot.telegram_request import JsonRequest
from chat import texts
from chat.actions import is_receipt_command
from chat.delivery import PermanentFailure
from chat.messages import Action, Attachment, Inbound, InboundFile, Reply, files_of
from domain.files import check_file
from handlers.engine import Engine

CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
SEND_RETRY_SECONDS = 120
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
CONNECTIONS = 256  # PTB's own default for the bot's calls (getUpdates has its own)
BUTTONS_PER_ROW = 2
log = logging.getLogger(__name__)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the network or Telegram's side failed, not the request itself."""
    if isinstance(exc, RetryAfter | TimedOut):
        return True
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def wait_retry_after(state: RetryCallState) -> float:
    """Honour Telegram's retry_after on a 429 (the backoff adds to it)."""
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, RetryAfter):
        return float(
            exc.retry_after
            if isinstance(exc.retry_after, int | float)
            else exc.retry_after.total_seconds()
        )
    return 0.0


def keyboard(actions: tuple[Action, ...]) -> InlineKeyboardMarkup | None:
    buttons = []
    for action in actions:
        if len(action.command.encode()) > MAX_CALLBACK_BYTES:
            log.error("button data over 64 bytes dropped: %r", action.command)
            continue
        buttons.append(InlineKeyboardButton(action.label, callback_data=action.command))
    if not buttons:
        return None
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


class TelegramChannel:
    channel = CHANNEL

    def __init__(
        self, engine: Engine, settings: Settings, *, retry_seconds: float = SEND_RETRY_SECONDS
    ) -> None:
        assert settings.telegram_bot_token is not None
        self.engine = engine
        self.retry_seconds = retry_seconds
        self.settings = settings
        self.request = JsonRequest(connection_pool_size=CONNECTIONS)
        self.app: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(settings.telegram_bot_token.get_secret_value())
            .base_url(settings.telegram_api_base)
            .base_file_url(settings.telegram_api_base.replace("/bot", "/file/bot"))
            .request(self.request)
            # Only the group limit (20/min) and 429 retries here: replies to members who just
            # wrote are not bulk sends. Reminders, digests and announcements pace themselves at
            # SEND_RATE and one second per chat (scheduler), so a fan-out never delays a reply.
            .rate_limiter(AIORateLimiter(overall_max_rate=0, max_retries=3))
            .concurrent_updates(16)
            .build()
        )
        private_or_group = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
        self.app.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.TEXT & private_or_group, self._on_text
            )
        )
        self.app.add_handler(CallbackQueryHandler(self._on_button))
        self.app.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE
                & (filters.Document.ALL | filters.PHOTO)
                & filters.ChatType.PRIVATE,
                self._on_file,
            )
        )
        self.app.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & ~filters.TEXT & filters.ChatType.PRIVATE,
                self._on_unsupported,
            )
        )
        self.app.add_error_handler(self._on_error)
        self._server: HTTPServer | None = None

    def start_is_transient(self, exc: BaseException) -> bool:
        return is_transient(exc)

    async def start(self) -> None:
        """Start receiving; may be called again after a transient failure (each step is
        skipped once done)."""
        await self.app.initialize()
        self.engine.telegram_username = self.app.bot.username
        if not self.app.running:
            await self._set_menu()
            await self.app.start()
        if self.settings.telegram_webhook_url:
            await self._start_webhook(self.settings.telegram_webhook_url)
        else:
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0.0, timeout=30, allowed_updates=ALLOWED_UPDATES
            )
        log.info("telegram channel started as @%s", self.app.bot.username)

    async def _start_webhook(self, url: str) -> None:
        """Our own webhook server rather than PTB's (``Updater.start_webhook``), which reads a
        whole body, up to 100 MB, before it checks the secret, and has no setting to cap it
        (see bot/webhook.py). Updates go to the application's queue, as PTB's server does."""
        secret = self.settings.telegram_webhook_secret
        assert secret is not None
        await self.app.bot.set_webhook(
            url, secret_token=secret.get_secret_value(), allowed_updates=ALLOWED_UPDATES
        )
        if self._server is None:
            self._server = webhook.serve(
                name=CHANNEL,
                path="/telegram",
                header="X-Telegram-Bot-Api-Secret-Token",
                secret=secret.get_secret_value(),
                receive=self._receive,
                listen=self.settings.telegram_webhook_listen,
                port=self.settings.telegram_webhook_port,
            )

    async def _receive(self, data: dict[str, Any]) -> None:
        try:
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:  # PTB raises what the missing field makes it raise
            raise webhook.BadUpdate(type(exc).__name__) from exc
        await self.app.update_queue.put(update)

    async def stop(self) -> None:
        if self._server is not None:
            await webhook.stop_server(self._server)
            self._server = None
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        # After a failed start PTB's shutdown does nothing (the application never initialized)
        # but the request's session is open: closed here, not left to the garbage collector.
        await self.request.shutdown()

    async def _set_menu(self) -> None:
        """The Vietnamese command menu. Cosmetic: a failure is logged, never fatal."""
        try:
            await self.app.bot.set_my_commands([BotCommand(c, d) for c, d in texts.MENU])
        except TelegramError as exc:
            log.warning("setMyCommands failed: %s", exc)

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        for reply in replies:
            pieces = split_text(reply.text, MAX_TEXT)
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                message = await self.send_text(
                    chat_id, piece, keyboard(reply.actions) if last else None
                )
                if last and reply.task_id:
                    await self.engine.remember(
                        CHANNEL, str(chat_id), str(message.message_id), reply.task_id
                    )
            for attachment in await files_of(reply):  # the chart is drawn now, if need be
                await self.send_file(chat_id, attachment)

    async def send_text(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        """Send one message; transient failures (5xx, timeouts, dropped connections, 429 with
        its retry_after) are retried with backoff for up to ``retry_seconds``, a permanent one
        (blocked, chat not found) raises at once."""
        return await self._with_retries(
            lambda: self.app.bot.send_message(chat_id, text, reply_markup=markup)
        )

    async def send_file(self, chat_id: int, attachment: Attachment) -> Message:
        """A chart as a photo, anything else as a document (a file Telegram already has, by
        its id); retried like text."""
        if attachment.file_id is not None:
            file_id = attachment.file_id
            return await self._with_retries(
                lambda: self.app.bot.send_document(chat_id, file_id, caption=attachment.caption)
            )
        if attachment.kind == "photo":
            return await self._with_retries(
                lambda: self.app.bot.send_photo(
                    chat_id,
                    InputFile(attachment.data, filename=attachment.filename),
                    caption=attachment.caption,
                )
            )
        return await self._with_retries(
            lambda: self.app.bot.send_document(
                chat_id,
                InputFile(attachment.data, filename=attachment.filename),
                caption=attachment.caption,
            )
        )

    async def _with_retries(self, call: Callable[[], Awaitable[Message]]) -> Message:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient),
            wait=wait_combine(wait_exponential(multiplier=0.5, max=30), wait_retry_after),
            stop=stop_after_delay(self.retry_seconds),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        ):
            with attempt:
                message = await call()
        return message

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        """The reminders' outbox: send one reply, return the last message's id."""
        pieces = split_text(reply.text, MAX_TEXT)
        try:
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                message = await self.send_text(
                    int(chat_id), piece, keyboard(reply.actions) if last else None
                )
        except Forbidden as exc:
            raise PermanentFailure(str(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower() or "user is deactivated" in str(exc).lower():
                raise PermanentFailure(str(exc)) from exc
            raise
        return str(message.message_id)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user, chat = update.message, update.effective_user, update.effective_chat
        if message is None or user is None or chat is None or user.is_bot or message.text is None:
            return  # channel posts and other bots: documented silence
        replied = message.reply_to_message
        reply_to = None
        if (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == context.bot.id
        ):
            reply_to = str(replied.message_id)
        inbound = Inbound(
            channel=CHANNEL,
            chat_id=str(chat.id),
            user_id=str(user.id),
            text=message.text,
            is_group=chat.type != chat.PRIVATE,
            reply_to=reply_to,
            reply_to_text=replied.text if reply_to and replied else None,
            display_name=user.full_name,
        )
        replies = await self.engine.handle(inbound)
        await self.send(chat.id, await self._amend(replied if reply_to else None, replies))

    async def _on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo or document: checked by name and size, downloaded, then handed to the
        engine with the message it answers (the download happens before any transaction)."""
        message, user, chat = update.message, update.effective_user, update.effective_chat
        if message is None or user is None or chat is None or user.is_bot:
            return
        if message.document is not None:
            doc = message.document
            file_id, size, mime = doc.file_id, doc.file_size, doc.mime_type
            name = doc.file_name or f"tep-{doc.file_unique_id}"
        elif message.photo:
            photo = message.photo[-1]  # the largest size
            file_id, size, mime = photo.file_id, photo.file_size, "image/jpeg"
            name = f"anh-{photo.file_unique_id}.jpg"
        else:
            return
        problem = check_file(name, size)
        if problem is not None:
            await self.send(chat.id, [Reply(texts.FILE_REFUSALS[problem])])
            return
        try:
            data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
        except TelegramError as exc:
            log.warning("file download failed: %s", exc)
            await self.send(chat.id, [Reply(texts.FILE_DOWNLOAD_FAILED)])
            return
        replied = message.reply_to_message
        if replied is not None and (
            replied.from_user is None or replied.from_user.id != context.bot.id
        ):
            replied = None  # only a reply to the bot's own message is about a task
        inbound = Inbound(
            channel=CHANNEL,
            chat_id=str(chat.id),
            user_id=str(user.id),
            text=message.caption or "",
            reply_to=str(replied.message_id) if replied is not None else None,
            reply_to_text=replied.text if replied is not None else None,
            display_name=user.full_name,
            file=InboundFile(file_id, name, mime, data),
        )
        await self.send(chat.id, await self.engine.handle(inbound))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        # The spinner is stopped while the tap is answered (a round trip less before the reply).
        answered = asyncio.get_running_loop().create_task(self._answer(query))
        chat = query.message.chat
        inbound = Inbound(
            channel=CHANNEL,
            chat_id=str(chat.id),
            user_id=str(query.from_user.id),
            text=query.data,
            is_group=chat.type != chat.PRIVATE,
            display_name=query.from_user.full_name,
        )
        replies = await self.engine.handle(inbound)
        await answered
        original = query.message if isinstance(query.message, Message) else None
        await self.send(chat.id, await self._amend(original, replies))

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramError as exc:  # an old query: the tap still counts
            log.warning("answerCallbackQuery failed: %s", exc)

    async def _amend(self, original: Message | None, replies: list[Reply]) -> list[Reply]:
        """Show the answers to a message ("Đã nhận", "Nhắc lại") on that message: its text gets
        the line, its "Đã nhận" and "Nhắc lại" buttons go; the other replies are returned to be
        sent. Without the message (or if the edit fails) an answer is sent as a message."""
        rest = []
        for reply in replies:
            if not reply.amends:
                rest.append(reply)
                continue
            if original is None:
                continue  # typed without a reply: the other replies say it
            text = f"{original.text or ''}\n\n{reply.text}"
            kept = [
                [b for b in row if not is_receipt_command(str(b.callback_data or ""))]
                for row in (original.reply_markup.inline_keyboard if original.reply_markup else ())
            ]
            markup = InlineKeyboardMarkup([row for row in kept if row]) if any(kept) else None
            try:
                if len(text) > MAX_TEXT:
                    raise BadRequest("message is too long")
                await self._with_retries(
                    lambda text=text, markup=markup: self.app.bot.edit_message_text(  # type: ignore[misc]
                        text,
                        chat_id=original.chat.id,
                        message_id=original.message_id,
                        reply_markup=markup,
                    )
                )
            except TelegramError as exc:
                log.warning("could not show the answer on the message: %s", exc)
                rest.append(replace(reply, amends=False))
        return rest

    async def _on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await self.send(update.effective_chat.id, [Reply(texts.UNSUPPORTED)])

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(context.error, Forbidden):  # the person blocked the bot: nothing to fix
            log.warning("reply not delivered: %s", context.error, extra={"update": update_id})
            return
        log.error("telegram update failed", exc_info=context.error, extra={"update": update_id})
