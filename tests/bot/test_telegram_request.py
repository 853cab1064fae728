"""``JsonRequest``: Bot API calls as JSON bodies, with PTB's timeouts and errors, against the fake
Bot API server (which, like the real one, reads JSON, forms and multipart)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from bot.telegram_request import JsonRequest
from fakes.bot_api import FakeBotApi

CHAT = 4242
TEXT = "Nhiệm vụ I.5 · Hạn 31/03/2024 · còn 11 ngày\n“Đẩy mạnh” & <b>không</b> %20 +"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    with FakeBotApi() as fake:
        fake.push_message(CHAT, "/start")  # so that the chat exists
        yield fake


def _bot(api: FakeBotApi, request: JsonRequest) -> Bot:
    return Bot(api.token, base_url=api.base_url, request=request)


async def test_a_message_goes_as_json_and_arrives_intact(api: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Hoàn thành", callback_data="/x I.5")]])
    async with _bot(api, JsonRequest()) as bot:
        message = await bot.send_message(CHAT, TEXT, reply_markup=markup)
    (call,) = api.calls_of("sendMessage")
    assert call.body_type == "application/json"
    assert call.params["text"] == TEXT and call.params["chat_id"] == CHAT
    assert call.params["reply_markup"] == markup.to_dict()
    assert message.text == TEXT  # and the answer is read as PTB reads it


async def test_a_slow_answer_is_timed_out(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", delay=2.0)
    async with _bot(api, JsonRequest(read_timeout=0.3)) as bot:
        began = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, TEXT)
        assert time.monotonic() - began < 1.5
        api.fail_next("sendMessage", delay=2.0)
        with pytest.raises(TimedOut):  # a call's own timeout wins over the default
            await bot.send_message(CHAT, TEXT, read_timeout=0.2)


async def test_a_dropped_connection_is_a_network_error(api: FakeBotApi) -> None:
    async with _bot(api, JsonRequest()) as bot:
        api.drop_connections(method="sendMessage")
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(CHAT, TEXT)
        assert not isinstance(raised.value, TimedOut)
        assert (await bot.send_message(CHAT, TEXT)).text == TEXT  # and the next call goes


async def test_a_full_pool_is_a_timeout_and_nothing_is_sent(api: FakeBotApi) -> None:
    async with _bot(api, JsonRequest(connection_pool_size=1, pool_timeout=0.2)) as bot:
        api.fail_next("sendMessage", delay=1.0)  # holds the only connection for 1 s
        slow = asyncio.create_task(bot.send_message(CHAT, "chậm"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(CHAT, "không gửi")
        with pytest.raises(NetworkError):  # the fault's 500
            await slow
    assert [c.params["text"] for c in api.calls_of("sendMessage")] == ["chậm"]


async def test_a_file_goes_as_multipart_with_its_caption(api: FakeBotApi) -> None:
    content = "Báo cáo tiến độ".encode() * 100
    async with _bot(api, JsonRequest()) as bot:
        await bot.send_document(CHAT, content, filename="bao-cao.xlsx", caption=TEXT)
    (call,) = api.calls_of("sendDocument")
    assert call.body_type == "multipart/form-data"
    assert call.params["caption"] == TEXT
    assert call.files["document"][0] == "bao-cao.xlsx"
    assert call.files["document"][2] == content


async def test_a_request_shut_down_and_initialized_again_sends_again(api: FakeBotApi) -> None:
    """PTB initializes and shuts its requests down with the application (a restart of the
    channel does both): the request opens a new client rather than fail on a closed one."""
    request = JsonRequest()
    async with _bot(api, request) as bot:
        await bot.send_message(CHAT, "một")
    with pytest.raises(NetworkError, match="not initialized"):  # shut down: nothing goes out
        await request.post(f"{api.base_url}{api.token}/getMe")
    async with _bot(api, request) as bot:
        assert (await bot.send_message(CHAT, "hai")).text == "hai"
    assert [c.params["text"] for c in api.calls_of("sendMessage")] == ["một", "hai"]
