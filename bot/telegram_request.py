"""``JsonRequest``: python-telegram-bot's network layer, sending a call's parameters as a JSON body.

PTB's own ``HTTPXRequest`` posts every Bot API call as a urlencoded form, and httpx
percent-encodes a form in Python, one byte at a time: for a list in Vietnamese (each letter with
a diacritic is two or three bytes, each byte a "%XX") that is a noticeable share of the CPU the
service spends on a message. The Bot API takes ``application/json`` for every call without a
file, and ``json.dumps`` runs in C. Uploads (the Excel report) go as multipart forms, as PTB
sends them.

A ``telegram.request.BaseRequest`` of its own, on its own ``httpx.AsyncClient``: PTB's public
extension point, nothing of PTB's internals. The body is PTB's ``RequestData.json_parameters``
(the values as the form would carry them, a keyboard as a JSON-encoded string), which the Bot
API reads the same way in either encoding; a file upload is ``RequestData.multipart_data``.
Timeouts and errors are as PTB's: a timeout is ``TimedOut``, any other transport error
``NetworkError``; a timeout the call does not give is this request's default.
"""

from __future__ import annotations

import json

import httpx
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
        self.timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=write_timeout, pool=pool_timeout
        )
        self.media_write_timeout = media_write_timeout
        self.limits = httpx.Limits(max_connections=connection_pool_size)
        self.client = self._new_client()

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout, limits=self.limits)

    @property
    def read_timeout(self) -> float | None:
        return self.timeout.read

    async def initialize(self) -> None:
        if self.client.is_closed:  # initialized again after a shutdown
            self.client = self._new_client()

    async def shutdown(self) -> None:
        if not self.client.is_closed:
            await self.client.aclose()

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
        if self.client.is_closed:
            raise RuntimeError("JsonRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        defaults = self.timeout
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, defaults.connect),
            read=_given(read_timeout, defaults.read),
            write=_given(write_timeout, self.media_write_timeout if files else defaults.write),
            pool=_given(pool_timeout, defaults.pool),
        )
        headers = {"User-Agent": self.USER_AGENT}
        try:
            if request_data is None:
                response = await self.client.request(method, url, headers=headers, timeout=timeout)
            elif files:
                response = await self.client.request(
                    method,
                    url,
                    headers=headers,
                    timeout=timeout,
                    files=request_data.multipart_data,
                    data=request_data.json_parameters,
                )
            else:
                body = json.dumps(request_data.json_parameters, ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json"
                response = await self.client.request(
                    method, url, headers=headers, timeout=timeout, content=body
                )
        except httpx.PoolTimeout as error:
            raise TimedOut(message=_POOL_TIMEOUT) from error
        except httpx.TimeoutException as error:
            raise TimedOut from error
        except httpx.HTTPError as error:  # the base of httpx's errors: last
            raise NetworkError(f"httpx.{error.__class__.__name__}: {error}") from error
        return response.status_code, response.content
