"""``JsonRequest``: python-telegram-bot's HTTPXRequest, sending a call's parameters as a JSON body.

PTB posts every Bot API call as a urlencoded form, and httpx percent-encodes a form in Python,
one byte at a time: 0.3–0.4 ms of CPU for a 4 KB list in Vietnamese (each letter with a
diacritic is two or three bytes, each byte a "%XX"), about a tenth of all the service spends on
a message (``bench.province``). The Bot API takes ``application/json`` for every call without a
file, and ``json.dumps`` runs in C. Uploads (the Excel report) still go as multipart forms, by
PTB's own code.

The body is PTB's ``RequestData.json_parameters``: the values as the form would carry them (a
keyboard as a JSON-encoded string), which the Bot API reads the same way in either encoding.
Timeouts and errors are PTB's: a timeout is ``TimedOut``, any other transport error
``NetworkError``. Telling a default timeout from a given one takes PTB's ``DefaultValue``, from
its private utilities, as PTB's own ``HTTPXRequest`` does (the version is pinned).
"""

from __future__ import annotations

import json

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

_POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram."
)


def _or(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


class JsonRequest(HTTPXRequest):
    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files or self._client.is_closed:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        defaults = self._client.timeout
        timeout = httpx.Timeout(
            connect=_or(connect_timeout, defaults.connect),
            read=_or(read_timeout, defaults.read),
            write=_or(write_timeout, defaults.write),
            pool=_or(pool_timeout, defaults.pool),
        )
        body = json.dumps(request_data.json_parameters, ensure_ascii=False).encode()
        try:
            response = await self._client.request(
                method=method,
                url=url,
                headers={"User-Agent": self.USER_AGENT, "Content-Type": "application/json"},
                timeout=timeout,
                content=body,
            )
        except httpx.PoolTimeout as error:
            raise TimedOut(message=_POOL_TIMEOUT) from error
        except httpx.TimeoutException as error:
            raise TimedOut from error
        except httpx.HTTPError as error:  # the base of httpx's errors: last
            raise NetworkError(f"httpx.{error.__class__.__name__}: {error}") from error
        return response.status_code, response.content
