"""The webhook servers (Telegram's and Zalo's), through real HTTP on a real socket.

The secret is checked when the headers arrive, before any body is read; a body is capped at
1 MB (413 when its length says more, the connection closed when a chunked body grows past it);
a forged request leaves a log line; a body that is JSON but not an object is a clean 400, with
nothing logged at ERROR.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from bot.telegram_channel import TelegramChannel
from bot.webhook import MAX_BODY
from bot.zalo_channel import ZaloChannel
from chat import texts
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from fakes.zalo_api import FakeZaloApi
from handlers.engine import Engine
from tests.bot import test_telegram, test_zalo
from tests.conftest import ZONE

SECRET = "s3cret-Token_1"
STRANGERS = {"telegram": 424242, "zalo": "zl-6666"}  # an unlinked account on each
HUGE = 90 * 1024 * 1024  # what the adversarial pass sent, four times, unauthenticated


@dataclass
class Hook:
    name: str
    port: int
    api: FakeBotApi | FakeZaloApi

    @property
    def path(self) -> str:
        return f"/{self.name}"

    @property
    def header(self) -> str:
        return (
            "X-Telegram-Bot-Api-Secret-Token"
            if self.name == "telegram"
            else "X-Bot-Api-Secret-Token"
        )

    def head(self, secret: str, length: int | None, chunked: bool = False) -> bytes:
        lines = [f"POST {self.path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
        lines.append(f"{self.header}: {secret}")
        lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def update(self, chat: int | str, text: str) -> dict[str, object]:
        """A text message from ``chat`` as each platform posts it."""
        if self.name == "telegram":
            return {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "text": text,
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": chat, "is_bot": False, "first_name": "X"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
                },
            }
        return {
            "event_name": "message.text.received",
            "message": {
                "message_id": "w1",
                "from": {"id": chat},
                "chat": {"id": chat, "chat_type": "PRIVATE"},
                "date": 1727398800000,
                "text": text,
            },
        }

    def registered_secret(self) -> object:
        """The secret the channel gave the platform with its webhook address."""
        if isinstance(self.api, FakeBotApi):
            (call,) = self.api.calls_of("setWebhook")
            return call.params["secret_token"]
        return self.api.webhook["secret_token"]


def _channel(
    name: str, engine: Engine, api: FakeBotApi | FakeZaloApi, seeded: Database, port: int
) -> TelegramChannel | ZaloChannel:
    hook = {
        f"{name}_webhook_url": f"https://bot.example.vn/{name}",
        f"{name}_webhook_secret": SECRET,
        f"{name}_webhook_listen": "127.0.0.1",
        f"{name}_webhook_port": port,
    }
    if isinstance(api, FakeBotApi):
        return TelegramChannel(engine, test_telegram.settings_for(api, seeded, **hook))
    return ZaloChannel(engine, test_zalo.settings_for(api, seeded, **hook))


@asynccontextmanager
async def webhook(
    name: str, seeded: Database, clock: FrozenClock, port: int
) -> AsyncIterator[tuple[Hook, Engine]]:
    engine = Engine(seeded, clock, ZONE)
    fake: FakeBotApi | FakeZaloApi = (
        FakeBotApi(token=test_telegram.TOKEN)
        if name == "telegram"
        else FakeZaloApi(token=test_zalo.TOKEN)
    )
    with fake as api:
        channel = _channel(name, engine, api, seeded, port)
        await channel.start()
        try:
            yield Hook(name, port, api), engine
        finally:
            await channel.stop()


OpenWebhook = Callable[[str], AbstractAsyncContextManager[tuple[Hook, Engine]]]


@pytest.fixture
def open_webhook(seeded: Database, clock: FrozenClock, unused_tcp_port: int) -> OpenWebhook:
    """A channel's webhook, by the channel's name, on the seeded database and a free port."""
    return lambda name: webhook(name, seeded, clock, unused_tcp_port)


@pytest.mark.parametrize("name", ["telegram", "zalo"])
async def test_the_secret_is_registered_and_only_the_right_one_is_answered(
    name: str, open_webhook: OpenWebhook
) -> None:
    async with (
        open_webhook(name) as (hook, _),
        httpx.AsyncClient() as client,
    ):
        assert hook.registered_secret() == SECRET
        stranger = STRANGERS[name]
        update = hook.update(stranger, "/nhiemvu")
        wrong = await client.post(hook.url, json=update, headers={hook.header: "nope"})
        missing = await client.post(hook.url, json=update)
        right = await client.post(hook.url, json=update, headers={hook.header: SECRET})
        assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)
        (answer,) = await hook.api.wait_sent(stranger)  # type: ignore[arg-type]
        assert answer.text == texts.NOT_LINKED


async def status_before_the_body(hook: Hook, secret: str, length: int) -> str:
    """Send only the headers, announcing ``length`` bytes, and read the status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", hook.port)
    try:
        writer.write(hook.head(secret, length))
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout=5)  # main: waits for 90 MB
        return line.decode().strip()
    finally:
        writer.close()


@pytest.mark.parametrize("name", ["telegram", "zalo"])
async def test_a_forged_request_is_refused_before_its_body_and_logged(
    name: str,
    open_webhook: OpenWebhook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with open_webhook(name) as (hook, _):
        assert await status_before_the_body(hook, "forged", HUGE) == "HTTP/1.1 403 Forbidden"
        assert await status_before_the_body(hook, "", 200) == "HTTP/1.1 403 Forbidden"
    refusals = [r for r in caplog.records if "wrong or missing secret" in r.getMessage()]
    assert len(refusals) == 2 and all(r.levelno == logging.WARNING for r in refusals)
    assert refusals[0].getMessage().startswith(f"{name} webhook: wrong or missing secret from")
    assert SECRET not in caplog.text


@pytest.mark.parametrize("name", ["telegram", "zalo"])
async def test_an_oversized_body_is_refused_before_it_is_read(
    name: str, open_webhook: OpenWebhook
) -> None:
    async with open_webhook(name) as (hook, _):
        status = await status_before_the_body(hook, SECRET, MAX_BODY + 1)
        assert status == "HTTP/1.1 413 Request Entity Too Large"
        # A chunked body has no length to check: it is read up to the cap, then the
        # connection is closed, nothing answered 200 and nothing handled.
        reader, writer = await asyncio.open_connection("127.0.0.1", hook.port)
        answer = b""
        try:
            writer.write(hook.head(SECRET, None, chunked=True))
            chunk = b"x" * 65536
            for _ in range(2 * MAX_BODY // len(chunk)):
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await writer.drain()
            answer = await asyncio.wait_for(reader.read(), timeout=5)
        except ConnectionError:
            pass  # closed under our feet: refused too
        finally:
            writer.close()
        assert b" 200 " not in answer


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("telegram", b"[]"),
        ("telegram", b'"text"'),
        ("telegram", b"{}"),
        ("zalo", b"[1, 2]"),
        ("zalo", b'"text"'),
        ("zalo", b"not json"),
    ],
)
async def test_a_body_that_is_not_an_update_is_a_clean_400(
    name: str,
    body: bytes,
    open_webhook: OpenWebhook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        open_webhook(name) as (hook, _),
        httpx.AsyncClient() as client,
    ):
        answer = await client.post(
            hook.url,
            content=body,
            headers={hook.header: SECRET, "Content-Type": "application/json"},
        )
    assert answer.status_code == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert any(f"{name} webhook:" in r.getMessage() for r in caplog.records)
