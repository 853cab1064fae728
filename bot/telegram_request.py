"""``JsonRequest``: python-telegram-bot's network layer for the bot's calls, on aiohttp, sending a
call's parameters as a JSON body.

Two choices, both for the CPU a message costs when many members write at once:
- aiohttp rather than httpx (PTB's ``HTTPXRequest``): httpx's connection pool asks every open
  connection whether it has expired on each request (through anyio, a few system calls each),
  and its locks and timeouts go through anyio too; aiohttp's pool and HTTP parser do the same
  work in a fraction of the time (docs/SCALING.md has the figures).
- JSON rather than a form: PTB posts every call as a urlencoded form, which httpx percent-encodes
  in Python one byte at a time (each Vietnamese letter with a diacritic is two or three bytes).
  The Bot API takes ``application/json`` for every call without a file, and ``json.dumps`` runs
  in C. Uploads (the Excel report) go as multipart forms, as PTB sends them.

A ``telegram.request.BaseRequest`` of its own, on its own ``aiohttp.ClientSession``: PTB's public
extension point, nothing of PTB's internals. The body is PTB's ``RequestData.json_parameters``
(the values as the form would carry them, a keyboard as a JSON-encoded string), which the Bot
API reads the same way in either encoding; a file upload is ``RequestData.multipart_data``.
Timeouts and errors are as PTB's: a timeout is ``TimedOut`` (a call that waits longer than its
pool timeout for a free connection fails before anything is sent), any other transport error
``NetworkError``; a timeout the call does not give is this request's default. aiohttp has no
timeout for writing alone: the whole call is held to its connect, write and read timeouts
together. getUpdates keeps PTB's own request (one call a long poll).
"""

from __future__ import annotations

import asyncio
import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram."
)


def _given(value: object, default: float | None) -> float | None:
    """The call's own timeout, or ``default`` when it gives none (PTB passes a placeholder,
    ``BaseRequest.DEFAULT_NONE``, which is neither a number nor None)."""
    if value is None or isinstance(value, int | float):
        return value
    return default


class JsonRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._read_timeout = read_timeout
        self.write_timeout = write_timeout
        self.connect_timeout = connect_timeout
        self.pool_timeout = pool_timeout
        self.media_write_timeout = media_write_timeout
        self.pool_size = connection_pool_size
        # The pool's limit is kept here, so that a call that waits longer than its pool
        # timeout fails before anything is sent (aiohttp's own wait counts as connecting).
        self.slots = asyncio.Semaphore(connection_pool_size)
        self.session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self.session is None or self.session.closed:  # again after a shutdown
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                json_serialize=json.dumps,
            )

    async def shutdown(self) -> None:
        if self.session is not None and not self.session.closed:
            await self.session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self.session
        if session is None or session.closed:
            raise RuntimeError("JsonRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        connect = _given(connect_timeout, self.connect_timeout)
        write = _given(write_timeout, self.media_write_timeout if files else self.write_timeout)
        read = _given(read_timeout, self._read_timeout)
        parts = (connect, write, read)
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no timeout for writing: the whole call is held to the three together
            total=None if None in parts else sum(p for p in parts if p is not None),
            sock_connect=connect,
            sock_read=read,
        )
        headers = {"User-Agent": self.USER_AGENT}
        data: bytes | aiohttp.FormData | None = None
        if request_data is not None and files:
            data = aiohttp.FormData(quote_fields=False)
            for name, value in request_data.json_parameters.items():
                data.add_field(name, value)
            for name, (filename, content, mime) in request_data.multipart_data.items():
                data.add_field(name, content, filename=filename, content_type=mime)
        elif request_data is not None:
            data = json.dumps(request_data.json_parameters, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if self.slots.locked():  # every connection busy: wait, up to the pool timeout
            try:
                async with asyncio.timeout(_given(pool_timeout, self.pool_timeout)):
                    await self.slots.acquire()
            except TimeoutError as error:
                raise TimedOut(message=_POOL_TIMEOUT) from error
        else:
            await self.slots.acquire()  # at once
        try:
            async with session.request(
                method, url, headers=headers, data=data, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
        finally:
            self.slots.release()
