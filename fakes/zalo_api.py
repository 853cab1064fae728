"""A local fake of the Zalo Bot Platform API (``/bot<token>/<method>``) for end-to-end tests.

What it speaks: getMe, getUpdates (long polling, one update per call, no offsets; HTTP 408 when
nothing arrives in time), setWebhook, deleteWebhook, getWebhookInfo, sendMessage (text of at most
2000 characters), sendPhoto, sendChatAction. Answers are ``{"ok": true, "result": ...}``; errors
are ``{"ok": false, "error_code": n, "description": ...}``, sometimes inside an HTTP 200, as Zalo
does. Update shape: ``{"event_name": "message.text.received", "message": {"message_id", "from":
{"id", "display_name", "is_bot"}, "chat": {"id", "chat_type"}, "date" (ms), "text"}}``.
A group chat is a ``chat`` other than the sender's, with ``chat_type`` "GROUP". Not faked:
files, quoting.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_TEXT = 2000


@dataclass(frozen=True)
class ZaloSent:
    chat_id: str
    text: str
    message_id: str
    time: float


class FakeZaloApi:
    def __init__(self, token: str = "1234567890:zalo-fake-token-for-tests-abcdefgh") -> None:
        self.token = token
        self.sent: list[ZaloSent] = []
        self.calls: list[tuple[str, dict[str, Any], int]] = []
        self.webhook: dict[str, Any] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._faults: list[tuple[str | None, int, bool]] = []  # (method, status, ok_false_in_200)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._stopping = False

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> FakeZaloApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # ------------------------------------------------------------ test side
    def push_text(
        self,
        user_id: str,
        text: str,
        *,
        message_id: str | None = None,
        wrapped: bool = True,
        chat_id: str | None = None,
        display_name: str = "Người dùng",
    ) -> str:
        """A user's text; ``chat_id`` other than the user's own is a group chat."""
        message_id = message_id or f"m{next(self._ids)}"
        chat_type = "PRIVATE" if chat_id in (None, user_id) else "GROUP"
        update = {
            "event_name": "message.text.received",
            "message": {
                "message_id": message_id,
                "from": {"id": user_id, "display_name": display_name, "is_bot": False},
                "chat": {"id": chat_id or user_id, "chat_type": chat_type},
                "date": int(time.time() * 1000),
                "text": text,
            },
        }
        self.push_raw({"ok": True, "result": update} if wrapped else update)
        return message_id

    def push_event(self, user_id: str, event_name: str) -> None:
        message = {
            "message_id": f"m{next(self._ids)}",
            "from": {"id": user_id},
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "date": int(time.time() * 1000),
        }
        self.push_raw({"event_name": event_name, "message": message})

    def push_raw(self, update: dict[str, Any]) -> None:
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()

    def fail_next(
        self, method: str | None, status: int = 500, *, ok_false_in_200: bool = False
    ) -> None:
        self._faults.append((method, status, ok_false_in_200))

    def messages_to(self, chat_id: str) -> list[ZaloSent]:
        return [s for s in list(self.sent) if s.chat_id == chat_id]

    async def wait_sent(self, chat_id: str, count: int = 1, timeout: float = 5.0) -> list[ZaloSent]:
        deadline = time.monotonic() + timeout
        while len(self.messages_to(chat_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{chat_id}: got {[s.text for s in self.messages_to(chat_id)]}"
                )
            await asyncio.sleep(0.01)
        return self.messages_to(chat_id)

    # ------------------------------------------------------------ server side
    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        for index, (fault_method, status, in_200) in enumerate(self._faults):
            if fault_method in (None, method):
                del self._faults[index]
                body = {"ok": False, "error_code": status, "description": "fault injected"}
                return (200 if in_200 else status), body
        if method == "getMe":
            return 200, {
                "ok": True,
                "result": {
                    "id": self.token.split(":")[0],
                    "account_name": "bot.bcd",
                    "display_name": "BCĐ CCHC",
                },
            }
        if method == "getUpdates":
            timeout = min(float(params.get("timeout", 30)), 5.0)
            with self._cond:
                self._cond.wait_for(lambda: self._updates or self._stopping, timeout=timeout)
                if not self._updates:
                    return 408, {"ok": False, "error_code": 408, "description": "Request timeout"}
                return 200, self._updates.popleft()
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook = dict(params) if method == "setWebhook" else {}
            return 200, {"ok": True, "result": {"url": self.webhook.get("url", "")}}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": self.webhook.get("url", "")}}
        if method in ("sendMessage", "sendPhoto"):
            text = str(params.get("text") or params.get("caption") or "")
            if method == "sendMessage" and not 0 < len(text) <= MAX_TEXT:
                return 200, {"ok": False, "error_code": 400, "description": "text length invalid"}
            message_id = f"b{next(self._ids)}"
            self.sent.append(
                ZaloSent(str(params.get("chat_id")), text, message_id, time.monotonic())
            )
            return 200, {
                "ok": True,
                "result": {"message_id": message_id, "date": int(time.time() * 1000)},
            }
        if method == "sendChatAction":
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "method not found"}

    def _handler(self) -> Callable[..., BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    self._reply(
                        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    )
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                params = json.loads(raw or b"{}")
                method = self.path[len(prefix) :].split("?")[0]
                status, body = api._answer(method, params)
                api.calls.append((method, params, status))
                self._reply(status, body)

            do_GET = do_POST

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                # Non-ASCII as \u escapes, valid JSON as any server may send: a lone surrogate
                # (which no UTF-8 byte sequence carries) then reaches the channel as it would.
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
