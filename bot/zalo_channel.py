"""The Zalo channel, on the Zalo Bot Platform API (``{ZALO_API_BASE}/bot<token>/<method>``),
called directly with httpx.

The same engine as Telegram, with the same group rule: a message from a group chat (Zalo's
``chat_type``) is marked so, and the engine shows no member's data there; anything but text from
a group is ignored. Zalo has no buttons: choices are listed with numbers and the member
answers with the number ("2" = Hoàn thành), remembered per chat for 30 minutes. Zalo has no
reply-to either: a status answer ("xong", "60%", "vướng: …", "ghi chú …") that is not a command
talks about the task of the last message the bot sent in that chat about a task, within the same
30 minutes. Replies are cut at 2,000
characters on line boundaries. getUpdates returns one update per call, with no offsets; HTTP 408
or an empty result means "nothing yet". Both the wrapped ``{ok, result}`` and the bare update are
accepted; updates already seen (by message id) are dropped. An ``ok: false`` inside an HTTP 200
is an error; 429 and 5xx back off and retry; the token never reaches the logs (it is in every URL,
so errors are logged by type and status only).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_delay,
    wait_exponential,
)
from tornado.httpserver import HTTPServer

from bot import webhook
from bot.outgoing import split_text
from bot.settings import Settings
from chat import texts
from chat.delivery import PermanentFailure
from chat.messages import Inbound, Reply
from handlers.engine import Engine
from handlers.parse import UpdateRequest, parse_number, parse_update

CHANNEL = "zalo"
MAX_TEXT = 2000
MEMORY_SECONDS = 30 * 60
SEEN_IDS = 10_000
SEND_RETRY_SECONDS = 120
log = logging.getLogger(__name__)


class ZaloError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"zalo error {status}: {description}")
        self.status = status


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, ZaloError):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, httpx.TransportError)


def _looks_like_update(text: str) -> bool:
    """ "xong", "60%", "vướng: …", "ghi chú …": an answer about the task just shown. Anything
    else is not taken as one (Zalo has no reply-to to make the intent explicit)."""
    return not text.lstrip().startswith("/") and isinstance(
        parse_update(f"I.1 {text}"), UpdateRequest
    )


def is_group_chat(chat: dict[str, Any], user_id: str) -> bool:
    """Whether a message came from a group: Zalo's ``chat_type`` says so ("PRIVATE" or
    "GROUP"); without one, a chat that is not the sender's own is a group."""
    chat_type = str(chat.get("chat_type") or "").upper()
    return chat_type != "PRIVATE" if chat_type else str(chat.get("id") or "") != user_id


def numbered(reply: Reply) -> str:
    """The reply's text with its choices as numbered lines."""
    if not reply.actions:
        return reply.text
    lines = [reply.text, "", texts.CHOICES_INTRO]
    lines += [
        texts.CHOICE_LINE.format(number=n, label=a.label) for n, a in enumerate(reply.actions, 1)
    ]
    return "\n".join(lines)


class ZaloChannel:
    channel = CHANNEL

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        poll_timeout: int = 30,
        retry_seconds: float = SEND_RETRY_SECONDS,
    ) -> None:
        assert settings.zalo_bot_token is not None
        self.engine = engine
        self.settings = settings
        self.poll_timeout = poll_timeout
        self.retry_seconds = retry_seconds
        self._base = (
            f"{settings.zalo_api_base.rstrip('/')}/bot{settings.zalo_bot_token.get_secret_value()}"
        )
        self._http = httpx.AsyncClient(timeout=poll_timeout + 15)
        self._choices: dict[str, tuple[float, list[str]]] = {}
        self._last_task_message: dict[str, tuple[float, str]] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._poller: asyncio.Task[None] | None = None
        self._server: HTTPServer | None = None

    # ------------------------------------------------------------------ API calls
    async def call(self, method: str, payload: dict[str, Any] | None = None) -> Any:
        """One API call; raises ZaloError for an error answer (HTTP status or ``ok: false``)."""
        response = await self._http.post(f"{self._base}/{method}", json=payload or {})
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and isinstance(body, dict) and "ok" not in body:
            return body  # a bare update, as some deployments send it
        if response.status_code != 200 or not body.get("ok", False):
            status = int(body.get("error_code") or response.status_code)
            raise ZaloError(status, str(body.get("description", response.reason_phrase)))
        return body.get("result")

    async def call_with_retries(self, method: str, payload: dict[str, Any]) -> Any:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient),
            wait=wait_exponential(multiplier=0.5, max=30),
            stop=stop_after_delay(self.retry_seconds),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        ):
            with attempt:
                return await self.call(method, payload)
        return None  # pragma: no cover (reraise=True)

    # ------------------------------------------------------------------ lifecycle
    def start_is_transient(self, exc: BaseException) -> bool:
        return is_transient(exc)

    async def start(self) -> None:
        me = await self.call("getMe")
        log.info("zalo channel started as %s", (me or {}).get("account_name", "?"))
        if self.settings.zalo_webhook_url:
            assert self.settings.zalo_webhook_secret is not None
            secret = self.settings.zalo_webhook_secret.get_secret_value()
            await self.call(
                "setWebhook", {"url": self.settings.zalo_webhook_url, "secret_token": secret}
            )
            if self._server is None:  # the secret and the body's cap: see bot/webhook.py
                self._server = webhook.serve(
                    name=CHANNEL,
                    path="/zalo",
                    header="X-Bot-Api-Secret-Token",
                    secret=secret,
                    receive=self.handle_update,
                    listen=self.settings.zalo_webhook_listen,
                    port=self.settings.zalo_webhook_port,
                )
        else:
            try:
                await self.call("deleteWebhook")
            except (ZaloError, httpx.TransportError) as exc:
                log.warning("zalo deleteWebhook failed: %s", type(exc).__name__)
            self._poller = asyncio.create_task(self._poll(), name="zalo-poll")

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._server is not None:
            await webhook.stop_server(self._server)
            self._server = None
        await self._http.aclose()

    async def _poll(self) -> None:
        backoff = 1.0
        while True:
            try:
                update = await self.call("getUpdates", {"timeout": str(self.poll_timeout)})
                backoff = 1.0
            except ZaloError as exc:
                if exc.status == 408:  # nothing yet
                    continue
                log.warning(
                    "zalo getUpdates failed with %s; retrying in %.0f s", exc.status, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            except httpx.TransportError as exc:
                log.warning("zalo getUpdates: %s; retrying in %.0f s", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            if update:
                await self.handle_update(update)

    # ------------------------------------------------------------------ receiving
    async def handle_update(self, update: dict[str, Any]) -> None:
        """Answer one update (wrapped or bare). Never raises."""
        try:
            if "result" in update and "event_name" not in update:
                update = update.get("result") or {}
            message = update.get("message") or {}
            chat = message.get("chat") or {}
            chat_id = str(chat.get("id") or "")
            sender = message.get("from") or {}
            message_id = str(message.get("message_id") or "")
            if not chat_id or sender.get("is_bot") or self._already_seen(message_id):
                return
            user_id = str(sender.get("id") or chat_id)
            group = is_group_chat(chat, user_id)
            if update.get("event_name") != "message.text.received" or not isinstance(
                message.get("text"), str
            ):
                if not group:  # as on Telegram: a group's stickers and photos get silence
                    await self.send(chat_id, [Reply(texts.ZALO_UNSUPPORTED)])
                return
            inbound = self._inbound(chat_id, user_id, message["text"], sender, group)
            await self.send(chat_id, await self.engine.handle(inbound))
        except Exception:
            log.exception("zalo update failed")

    def _already_seen(self, message_id: str) -> bool:
        if not message_id:
            return False
        if message_id in self._seen:
            return True
        self._seen[message_id] = None
        if len(self._seen) > SEEN_IDS:
            self._seen.popitem(last=False)
        return False

    def _inbound(
        self, chat_id: str, user_id: str, text: str, sender: dict[str, Any], group: bool
    ) -> Inbound:
        now = time.monotonic()
        choices = self._choices.get(chat_id)
        if choices and choices[0] > now:
            number = parse_number(text, len(choices[1]))
            if number:
                text = choices[1][number - 1]
        reply_to = None
        last = self._last_task_message.get(chat_id)
        if last and last[0] > now and _looks_like_update(text):
            reply_to = last[1]
        return Inbound(
            channel=CHANNEL,
            chat_id=chat_id,
            user_id=user_id,
            text=text,
            is_group=group,
            reply_to=reply_to,
            display_name=sender.get("display_name") or sender.get("name"),
        )

    # ------------------------------------------------------------------ sending
    async def send(self, chat_id: str, replies: list[Reply]) -> None:
        for reply in replies:
            message_id = await self.deliver(chat_id, reply)
            if reply.task_id and message_id:
                await self.engine.remember(CHANNEL, chat_id, message_id, reply.task_id)

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        """Send one reply (numbered choices, cut at 2,000 characters) and remember its choices
        and task for this chat; return the last message's id. Used for reminders too."""
        message_id = ""
        try:
            text = numbered(reply)
            if reply.files or reply.later:  # no uploads: say where the chart and workbook are
                text += "\n\n" + texts.REPORT_NO_FILES_HERE
            for piece in split_text(text, MAX_TEXT):
                result = await self.call_with_retries(
                    "sendMessage", {"chat_id": chat_id, "text": piece}
                )
                message_id = str((result or {}).get("message_id", ""))
        except ZaloError as exc:
            if not is_transient(exc):
                raise PermanentFailure(str(exc)) from exc
            raise
        expires = time.monotonic() + MEMORY_SECONDS
        if reply.actions:
            self._choices[chat_id] = (expires, [a.command for a in reply.actions])
        if reply.task_id and message_id:
            self._last_task_message[chat_id] = (expires, message_id)
        return message_id
