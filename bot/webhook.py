"""The webhook server of a channel (Telegram's, Zalo's): the secret first, then a capped body.

The secret header is checked as soon as the request's headers arrive, before any of its body is
read, and a body is capped at MAX_BODY (a real update is a few KB): a forged request is refused
(403) and logged, an oversized one refused (413) before it is read. A body over the cap is never
buffered: the server reads at most MAX_BODY of it and then closes the connection. The body must
be a JSON object; anything else is answered 400 and logged as one line.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler, stream_request_body

MAX_BODY = 1024 * 1024
log = logging.getLogger(__name__)
Receive = Callable[[dict[str, Any]], Awaitable[None]]


class BadUpdate(ValueError):
    """The body is JSON, but not an update this channel can read."""


@stream_request_body
class _WebhookHandler(RequestHandler):
    def initialize(self, name: str, header: str, secret: str, receive: Receive) -> None:
        self.name = name
        self.header = header
        self.secret = secret
        self.receive = receive
        self.chunks: list[bytes] = []
        self.size = 0
        self.refused = False

    def prepare(self) -> None:
        """Runs when the headers are in, before the body is read."""
        given = self.request.headers.get(self.header, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self._refuse(403, "wrong or missing secret")
            return
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit():
            self._refuse(400, "bad Content-Length")
        elif int(length) > MAX_BODY:
            self._refuse(413, f"body of {int(length)} bytes over the {MAX_BODY} cap")

    def data_received(self, chunk: bytes) -> None:
        if self.refused:
            return  # a refused request: what is left of its body is dropped as it comes
        self.size += len(chunk)
        if self.size > MAX_BODY:
            self._refuse(413, f"body over the {MAX_BODY} cap")
            self.chunks.clear()
            return
        self.chunks.append(chunk)

    async def post(self) -> None:
        if self.refused:
            return
        try:
            update = json.loads(b"".join(self.chunks) or b"{}")
        except ValueError:
            self._refuse(400, "body is not JSON")
            return
        if not isinstance(update, dict):
            self._refuse(400, f"body is a JSON {type(update).__name__}, not an object")
            return
        try:
            await self.receive(update)
        except BadUpdate as exc:
            self._refuse(400, f"not an update ({exc})")
            return
        self.write({"ok": True})

    def _refuse(self, status: int, why: str) -> None:
        log.warning(
            "%s webhook: %s from %s: refused (%d)", self.name, why, self.request.remote_ip, status
        )
        self.refused = True
        self.set_status(status)
        self.finish()


def serve(
    *, name: str, path: str, header: str, secret: str, receive: Receive, listen: str, port: int
) -> HTTPServer:
    """Listen on ``listen:port`` for POSTs to ``path``; stop with ``stop_server``."""
    app = Application(
        [
            (
                path,
                _WebhookHandler,
                {"name": name, "header": header, "secret": secret, "receive": receive},
            )
        ],
    )
    server = HTTPServer(app, max_body_size=MAX_BODY)
    server.listen(port, listen)
    return server


async def stop_server(server: HTTPServer) -> None:
    server.stop()
    await server.close_all_connections()
