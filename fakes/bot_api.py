"""A local fake of the Telegram Bot API, for end-to-end tests of the python-telegram-bot bot.

An HTTP server (standard library only, 127.0.0.1, ephemeral port) answering the requests
python-telegram-bot (PTB) makes with the JSON Telegram would send, so the real `telegram.Bot`
and `telegram.ext.Application` run against it unchanged::

    with FakeBotApi() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ...  # initialize, start, updater.start_polling(poll_interval=0.0, timeout=1)
        api.push_message(42, "/start")
        [reply] = await api.wait_sent(42)

Faked: routing (401 for a wrong token, 404 for an unknown method); parameters from the query
string, urlencoded/JSON bodies and multipart uploads; the methods in `FakeBotApi._answer`,
with long polling; Telegram's usual refusals (empty or too long text, callback_data over 64
bytes, "message is not modified", unknown message to edit, invalid command names); faults.

Not faked: parse_mode (text is kept as sent), entities of bot messages, allowed_updates
filtering, inline_message_id edits, UTF-16 lengths, real flood control, per-chat message ids
(they are global here), replies to unknown messages (ignored), case-insensitive method names,
chunked bodies, other methods (404). Files users send (`push_document`, `push_photo`) are
kept: `getFile` gives their path and `base_file_url` serves their bytes, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.policy
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

JsonDict = dict[str, Any]
FileTuple = tuple[str, str, bytes]  # an uploaded file: (filename, content type, content)
Files = dict[str, FileTuple]
T = TypeVar("T")

LONG_POLL_CAP = 5.0  # getUpdates never waits longer, whatever timeout the bot asks for

_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id"}
_BOOL_PARAMS = {"show_alert", "drop_pending_updates", "disable_notification"}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_BLOCKED = "Forbidden: bot was blocked by the user"
_NOT_MODIFIED = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"


@dataclass
class Call:
    """One request the bot made; `status` is the HTTP status answered (0: dropped)."""

    method: str
    params: JsonDict
    files: Files
    time: float
    status: int = 200
    body_type: str = ""  # the request's Content-Type, without parameters ("": none)


@dataclass(frozen=True)
class Sent:
    """A message the bot sent or edited; `text` holds the caption of media."""

    method: str
    chat_id: int
    message_id: int
    text: str | None
    reply_markup: JsonDict | None
    files: Files
    time: float


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.body: JsonDict = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            self.body["parameters"] = {"retry_after": retry_after}


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _Fault:
    method: str | None
    times: int
    error: _ApiError | None  # None: drop the connection
    delay: float = 0.0


def _coerce(key: str, value: Any) -> Any:
    """Form values are strings: decode JSON objects/arrays and the known int/bool fields."""
    if not isinstance(value, str):
        return value
    with contextlib.suppress(ValueError):
        if value.startswith(("{", "[")):
            return json.loads(value)
        if key in _INT_PARAMS:
            return int(value)
    return value.lower() in ("true", "1") if key in _BOOL_PARAMS else value


def _parse_params(query: str, content_type: str, body: bytes) -> tuple[JsonDict, Files]:
    raw: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
    files: Files = {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        raw.update(json.loads(body))
    elif kind == "application/x-www-form-urlencoded":
        raw.update(parse_qsl(body.decode(), keep_blank_values=True))
    elif kind == "multipart/form-data":
        parser = BytesParser(EmailMessage, policy=email.policy.HTTP)
        form = parser.parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in form.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            if (filename := part.get_filename()) is None:
                raw[name] = content.decode()
            else:
                files[name] = (filename, part.get_content_type(), content)
    return {key: _coerce(key, value) for key, value in raw.items()}, files


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBotApi  # set on the subclass each FakeBotApi makes
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True  # else headers and body meet delayed ACKs: 40 ms a call

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing."""

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # clients hanging up, or the fake stopping
            super().handle()

    def _download(self, parts: list[str]) -> None:
        """GET /file/bot<token>/<file_path>: the bytes of a file a user sent."""
        fake = self.fake
        with fake._cond:
            found = fake._file_paths.get(unquote("/".join(parts[3:])))
        if unquote(parts[2])[3:] != fake.token or found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(found)))
        self.end_headers()
        self.wfile.write(found)

    def do_GET(self) -> None:
        fake, url = self.fake, urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = url.path.split("/")  # "", "bot<token>", "<method>"
        answer: tuple[int, JsonDict] | None
        if len(parts) > 3 and parts[1] == "file" and parts[2].startswith("bot"):
            self._download(parts)
            return
        if fake._stopping.is_set():  # a kept-alive connection outliving stop()
            answer = None
        elif len(parts) != 3 or not parts[1].startswith("bot"):
            answer = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        elif parts[1][3:] != fake.token:
            answer = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        else:
            try:
                content_type = self.headers.get("Content-Type", "")
                params, files = _parse_params(url.query, content_type, body)
                body_type = content_type.split(";")[0].strip().lower()
                answer = fake._dispatch(parts[2], params, files, body_type)
            except (ValueError, TypeError) as exc:
                answer = 400, _bad(f"can't parse request: {exc}").body
        if answer is None:
            self.close_connection = True
            return
        data = json.dumps(answer[1], ensure_ascii=False).encode()
        self.send_response(answer[0])
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET


class FakeBotApi:
    """The fake server. Server threads append to `calls` and `sent`: read copies of them."""

    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = "bcd_test_bot") -> None:
        self.token, self.username = token, username
        self.bot_user: JsonDict = {"id": int(token.split(":")[0]), "is_bot": True}
        self.bot_user.update(first_name="BCĐ CCHC", username=username, can_join_groups=True)
        self.bot_user.update(can_read_all_group_messages=False, supports_inline_queries=False)
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.confirmed_offset = 0
        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        self._cond = threading.Condition()  # guards all the state
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._updates: list[JsonDict] = []
        self._messages: dict[int, JsonDict] = {}
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._faults: list[_Fault] = []
        self._rejected: dict[int, _ApiError] = {}
        self._outage_until, self._outage_status = 0.0, 500
        self._update_id = self._message_id = self._file_id = self._query_id = 0
        self._method = ""  # the method being answered (handlers run under the lock)
        self._files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self._file_paths: dict[str, bytes] = {}  # file_path -> bytes

    def start(self) -> FakeBotApi:
        if self._server is not None:
            raise RuntimeError("FakeBotApi is already running")
        self._stopping.clear()
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Wake pending long polls and stop serving (kept-alive connections get dropped)."""
        server, self._server = self._server, None
        if server is None:
            return
        with self._cond:
            self._stopping.set()
            self._cond.notify_all()
        server.shutdown()
        server.server_close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What `ApplicationBuilder().base_url(...)` takes (PTB appends the token)."""
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    @property
    def base_file_url(self) -> str:
        return self.base_url.replace("/bot", "/file/bot")

    def fail_next(
        self,
        method: str | None,
        times: int = 1,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """The next `times` calls of `method` (any if None) answer `status` after `delay` s;
        with `retry_after`, in Telegram's 429 form (`"parameters": {"retry_after": n}`)."""
        if description is None and retry_after is not None:
            description = f"Too Many Requests: retry after {retry_after}"
        error = _ApiError(status, description or HTTPStatus(status).phrase, retry_after)
        with self._cond:
            self._faults.append(_Fault(method, times, error, delay))

    def set_outage(self, seconds: float, status: int = 500) -> None:
        """Every call fails with `status` for the next `seconds`."""
        with self._cond:
            self._outage_until, self._outage_status = time.monotonic() + seconds, status

    def reject_chat(self, chat_id: int, description: str = _BLOCKED, status: int = 403) -> None:
        """Every call with this `chat_id` (sending, editing, chat actions) fails from now on."""
        with self._cond:
            self._rejected[chat_id] = _ApiError(status, description)

    def drop_connections(self, times: int = 1, method: str | None = None) -> None:
        """The next `times` requests (of `method`, any if None) get their connection closed
        without an answer."""
        with self._cond:
            self._faults.append(_Fault(method, times, None))

    def push_raw(self, update: JsonDict) -> int:
        """Queue a copy of `update` (an `update_id` is assigned if missing); returns its id."""
        with self._cond:
            update = copy.deepcopy(update)
            self._update_id = max(self._update_id + 1, int(update.get("update_id", 0)))
            update.setdefault("update_id", self._update_id)
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def push_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str | None = None,
        first_name: str = "Test",
        reply_to: int | None = None,
        is_bot: bool = False,
        kind: str = "message",
    ) -> int:
        """A user's text message; returns its message_id. `chat_id` defaults to the user's
        private chat, `chat_type` to "private" (positive id) or "supergroup"; `reply_to` embeds
        that stored message; a leading "/command" gets its entity; `kind` is the update field.
        """
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0].encode("utf-16-le")) // 2
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if kind == "edited_message":
            content["edit_date"] = int(time.time())
        content["from"] = _user(user_id, first_name, is_bot)
        with self._cond:
            if reply_to is not None:
                content["reply_to_message"] = _shallow(self._messages[reply_to])
            return self._push(kind, _chat(chat_id or user_id, chat_type, first_name), content)

    def push_edited_message(self, user_id: int, text: str, **options: Any) -> int:
        """Like `push_message` (same options), delivered as an `edited_message`."""
        return self.push_message(user_id, text, **{**options, "kind": "edited_message"})

    def push_channel_post(self, chat_id: int, text: str) -> int:
        chat = {"id": chat_id, "type": "channel", "title": "Test channel"}
        return self._push("channel_post", chat, {"sender_chat": chat, "text": text})

    def _keep_file(self, file_id: str, name: str, data: bytes) -> None:
        path = f"documents/{file_id}-{re.sub(r'[^A-Za-z0-9._-]', '_', name)}"
        self._files[file_id] = (path, data)
        self._file_paths[path] = data

    def push_photo(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        caption: str = "",
        data: bytes = b"\xff\xd8\xff\xe0 photo",
        reply_to: int | None = None,
    ) -> int:
        """A photo message, without text (and without caption unless one is given); its
        bytes can be downloaded through getFile."""
        with self._cond:
            self._file_id += 1
            size = {"file_id": f"PHOTO-{self._file_id}", "file_unique_id": f"UP{self._file_id}"}
            self._keep_file(size["file_id"], "photo.jpg", data)
            photo = [{**size, "width": w, "height": w, "file_size": len(data)} for w in (90, 320)]
            content: JsonDict = {"from": _user(user_id), "photo": photo}
            content.update({"caption": caption} if caption else {})
            if reply_to is not None:
                content["reply_to_message"] = _shallow(self._messages[reply_to])
            return self._push("message", _chat(chat_id or user_id), content)

    def push_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str = "application/pdf",
        *,
        chat_id: int | None = None,
        caption: str = "",
        reply_to: int | None = None,
    ) -> int:
        """A document a user sends (optionally as a reply); its bytes can be downloaded."""
        with self._cond:
            self._file_id += 1
            file_id = f"DOC-{self._file_id}"
            self._keep_file(file_id, file_name, data)
            document: JsonDict = {"file_id": file_id, "file_unique_id": f"UD{self._file_id}"}
            document.update(file_name=file_name, mime_type=mime_type, file_size=len(data))
            content: JsonDict = {"from": _user(user_id), "document": document}
            content.update({"caption": caption} if caption else {})
            if reply_to is not None:
                content["reply_to_message"] = _shallow(self._messages[reply_to])
            return self._push("message", _chat(chat_id or user_id), content)

    def push_sticker(self, user_id: int, *, chat_id: int | None = None, emoji: str = "👍") -> int:
        with self._cond:
            self._file_id += 1
            sticker: JsonDict = {"file_id": f"STICKER-{self._file_id}", "emoji": emoji}
            sticker.update(file_unique_id=f"US{self._file_id}", type="regular", width=512)
            sticker.update(height=512, is_animated=False, is_video=False)
            content = {"from": _user(user_id), "sticker": sticker}
            return self._push("message", _chat(chat_id or user_id), content)

    def push_callback(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> str:
        """A press of a button of the stored message `message_id`; returns the query id."""
        with self._cond:
            message = self._messages[message_id]  # KeyError: no such message
            if chat_id not in (None, message["chat"]["id"]):
                raise KeyError(f"message {message_id} is not in chat {chat_id}")
            self._query_id += 1
            query_id = str(4_000_000_000_000 + self._query_id)
            query = {"id": query_id, "from": _user(user_id), "data": data, "message": message}
            query["chat_instance"] = str(-7_000_000 - message["chat"]["id"])
            self.push_raw({"callback_query": query})
            return query_id

    def messages_to(self, chat_id: int) -> list[Sent]:
        return [sent for sent in list(self.sent) if sent.chat_id == chat_id]

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in list(self.calls) if call.method.lower() == method.lower()]

    async def wait_for(
        self, predicate: Callable[[list[Sent]], T | None], timeout: float = 5.0
    ) -> T:
        """Poll `sent` until `predicate(sent)` is truthy and return that value."""
        return await self._poll(lambda: predicate(list(self.sent)), timeout)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[Sent]:
        """All messages sent to `chat_id`, once there are at least `count` of them."""
        return await self._poll(lambda: _at_least(self.messages_to(chat_id), count), timeout)

    async def wait_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """All calls of `method`, once there are at least `count` of them."""
        return await self._poll(lambda: _at_least(self.calls_of(method), count), timeout)

    async def _poll(self, probe: Callable[[], T | None], timeout: float) -> T:
        deadline = time.monotonic() + timeout
        while not (result := probe()):
            if time.monotonic() >= deadline:
                sent = [
                    f"\n  {s.method} {s.chat_id}#{s.message_id}: {s.text!r}"
                    for s in list(self.sent)
                ]
                calls = ", ".join(f"{c.method}:{c.status}" for c in list(self.calls)[-20:])
                raise AssertionError(f"not met in {timeout}s; sent:{''.join(sent)}\ncalls: {calls}")
            await asyncio.sleep(0.01)
        return result

    def _dispatch(
        self, method: str, params: JsonDict, files: Files, body_type: str = ""
    ) -> tuple[int, JsonDict] | None:
        """Answer one API call: (HTTP status, JSON body), or None to drop the connection."""
        call = Call(method, params, files, time.monotonic(), body_type=body_type)
        with self._cond:
            self.calls.append(call)
            fault = self._take_fault(call.method, params.get("chat_id"))
        if fault is not None and fault.error is None:
            call.status = 0
            return None
        self._stopping.wait(fault.delay if fault else 0)
        with self._cond:
            try:
                if fault is not None and fault.error is not None:
                    raise fault.error
                self._method = call.method
                result = copy.deepcopy(self._answer(call.method, params, files))
                answer: JsonDict = {"ok": True, "result": result}
            except _ApiError as error:
                answer = error.body
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                answer = _bad(f"invalid parameters: {exc!r}").body
            call.status = int(answer.get("error_code", 200))
            return call.status, answer

    def _take_fault(self, method: str, chat_id: Any) -> _Fault | None:
        if isinstance(chat_id, int) and chat_id in self._rejected:
            return _Fault(None, 1, self._rejected[chat_id])
        if time.monotonic() < self._outage_until:
            phrase = HTTPStatus(self._outage_status).phrase
            return _Fault(None, 1, _ApiError(self._outage_status, phrase))
        for fault in self._faults:
            if fault.method is None or fault.method.lower() == method.lower():
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _store(self, message: JsonDict) -> JsonDict:
        self._message_id += 1
        message = {"message_id": self._message_id, "date": int(time.time()), **message}
        self._messages[self._message_id] = message
        return message

    def _push(self, kind: str, chat: JsonDict, content: JsonDict) -> int:
        """Store a new message in `chat` and queue it as a `kind` update; returns its id."""
        with self._cond:
            message = self._store({"chat": chat, **content})
            self.push_raw({kind: message})
            return int(message["message_id"])

    def _bot_message(self, params: JsonDict, files: Files, content: JsonDict) -> JsonDict:
        chat_id, markup = _chat_id(params), _check_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters") or {"message_id": params.get("reply_to_message_id")}
        target = self._messages.get(reply.get("message_id") or 0)  # unknown ids are ignored
        bot = {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}
        message = self._store({"chat": _chat(chat_id), "from": bot, **content})
        if target is not None:
            message["reply_to_message"] = _shallow(target)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return self._record(message, markup, files)

    def _record(self, message: JsonDict, markup: JsonDict | None, files: Files) -> JsonDict:
        text, chat_id = message.get("text", message.get("caption")), message["chat"]["id"]
        message_id, now = message["message_id"], time.monotonic()
        self.sent.append(Sent(self._method, chat_id, message_id, text, markup, files, now))
        return message

    def _edit(self, params: JsonDict, text: str | None = None) -> JsonDict:
        message = self._messages.get(params.get("message_id") or 0)
        if message is None or message["chat"]["id"] != _chat_id(params):
            raise _bad("message to edit not found")
        text = message.get("text") if text is None else text
        markup = _check_markup(params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if message.get("text") == text and message.get("reply_markup") == inline:
            raise _bad(_NOT_MODIFIED)
        message.pop("reply_markup", None)  # an edit without reply_markup removes the keyboard
        message.update({"text": text} if text is not None else {}, edit_date=int(time.time()))
        message.update({"reply_markup": inline} if inline else {})
        return self._record(message, markup, {})

    def _send_media(self, kind: str, params: JsonDict, files: Files) -> JsonDict:
        content: JsonDict = {}
        if params.get("caption") is not None:
            content["caption"] = _check_text(params["caption"], caption=True)
        upload, self._file_id = files.get(kind), self._file_id + 1
        file_id = f"{kind.upper()}-{self._file_id}" if upload else str(params.get(kind) or "")
        if not file_id:  # neither an upload nor a file_id / URL
            raise _bad(f"there is no {kind} in the request")
        media: JsonDict = {"file_id": file_id, "file_unique_id": f"U{file_id}"}
        media.update({"file_size": len(upload[2])} if upload else {})
        known = None if upload else self._files.get(file_id)  # resent by id: the stored file
        if known is not None:
            media.update(file_size=len(known[1]), file_name=known[0].split("-", 2)[-1])
        if kind == "photo":
            content["photo"] = [{**media, "width": 1, "height": 1}]
        else:
            names = {"file_name": upload[0], "mime_type": upload[1]} if upload else {}
            content["document"] = {**media, **names}
        return self._bot_message(params, files, content)

    def _answer(self, name: str, params: JsonDict, files: Files) -> Any:
        """The result of the API method `name` (called under the lock)."""
        commands_key = _commands_key(params.get("scope"), params.get("language_code"))
        match name:
            case "getMe":
                return self.bot_user
            case "getUpdates":
                return self._get_updates(params)
            case "setWebhook" | "deleteWebhook":
                if params.get("drop_pending_updates"):
                    self._updates.clear()
                self.webhook_url = str(params.get("url") or "") if name == "setWebhook" else ""
                self.webhook_secret = params.get("secret_token") if self.webhook_url else None
                return True
            case "getWebhookInfo":
                info = {"url": self.webhook_url, "has_custom_certificate": False}
                return {**info, "pending_update_count": len(self._updates)}
            case "sendMessage":
                return self._bot_message(params, files, {"text": _check_text(params.get("text"))})
            case "sendPhoto" | "sendDocument":
                return self._send_media(name[4:].lower(), params, files)
            case "getFile":
                found = self._files.get(str(params.get("file_id") or ""))
                if found is None:
                    raise _bad("wrong file_id or the file is temporarily unavailable")
                file_id = str(params["file_id"])
                return {"file_id": file_id, "file_unique_id": f"U{file_id}"} | {
                    "file_size": len(found[1]),
                    "file_path": found[0],
                }
            case "editMessageText":
                return self._edit(params, _check_text(params.get("text")))
            case "editMessageReplyMarkup":
                return self._edit(params)
            case "sendChatAction":
                return _chat_id(params) is not None
            case "answerCallbackQuery":
                return True
            case "setMyCommands":
                commands = params["commands"]
                names_ok = all(_COMMAND_RE.fullmatch(c["command"]) for c in commands)
                if not names_ok or not all(c["description"] for c in commands):
                    raise _bad("BOT_COMMAND_INVALID")
                self._commands[commands_key] = commands
                return True
            case "getMyCommands":
                return self._commands.get(commands_key, [])
            case "deleteMyCommands":
                self._commands.pop(commands_key, None)
                return True
        raise _ApiError(404, "Not Found: method not found")

    def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        offset = int(params.get("offset") or 0)
        if offset > 0:  # confirms (and forgets) every update before it
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + min(max(float(params.get("timeout") or 0), 0), LONG_POLL_CAP)
        while True:
            ready = self._updates[:limit]
            if ready or time.monotonic() >= deadline or self._stopping.is_set():
                return ready
            self._cond.wait(deadline - time.monotonic())


def _user(user_id: int, first_name: str = "Test", is_bot: bool = False) -> JsonDict:
    return {"id": user_id, "is_bot": is_bot, "first_name": first_name}


def _chat(chat_id: int, chat_type: str | None = None, first_name: str = "Test") -> JsonDict:
    chat_type = chat_type or ("private" if chat_id > 0 else "supergroup")
    name = {"first_name": first_name} if chat_type == "private" else {"title": f"Test {chat_type}"}
    return {"id": chat_id, "type": chat_type, **name}


def _shallow(message: JsonDict) -> JsonDict:
    """A message as embedded in another one: without its own reply_to_message."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def _at_least(items: list[T], count: int) -> list[T] | None:
    return items if len(items) >= count else None


def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")


def _chat_id(params: JsonDict) -> int:
    chat_id = params.get("chat_id")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        raise _bad("chat not found")
    return chat_id


def _check_text(value: Any, *, caption: bool = False) -> str:
    text = "" if value is None else str(value)
    if not caption and not text.strip():
        raise _bad("message text is empty")
    if len(text) > (1024 if caption else 4096):
        raise _bad("message caption is too long" if caption else "message is too long")
    return text


def _check_markup(markup: Any) -> JsonDict | None:
    if markup is not None and not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise _bad("BUTTON_DATA_INVALID")
    return markup
